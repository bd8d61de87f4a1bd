"""Amounts as users read them (dates: ``vroegsignalering.common.dates``)."""
from decimal import Decimal


def euro(amount: Decimal | int | float) -> str:
    """€ 1.250,00 (Dutch notation)."""
    text = f"{Decimal(amount):,.2f}"
    return "€ " + text.replace(",", "_").replace(".", ",").replace("_", ".")
