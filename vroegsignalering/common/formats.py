"""Small shared helpers for dates and amounts as users read them."""
import calendar
import datetime as dt
from decimal import Decimal


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later (or earlier), the day clamped to the month's length (31 Jan + 1 → 28/29 Feb)."""
    serial = day.year * 12 + day.month - 1 + months
    year, month = divmod(serial, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def euro(amount: Decimal | int | float) -> str:
    """€ 1.250,00 (Dutch notation)."""
    text = f"{Decimal(amount):,.2f}"
    return "€ " + text.replace(",", "_").replace(".", ",").replace("_", ".")
