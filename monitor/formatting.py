"""The monitor's numbers as people read them (Dutch): counts with a thousands point, shares as a
percentage with one decimal, numbers per 1,000 inhabitants with two decimals; "—" where a share has no
base, "onbekend" where the number of inhabitants is not known. The screen, the CSV and the captions of the
charts use these; the Excel export keeps the exact numbers with a number format."""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .figures import AANTAL, PROCENT, UNKNOWN

NO_BASE = "—"
MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def _decimal(value: int | Fraction, places: str) -> str:
    exact = Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction) else Decimal(value)
    text = f"{exact.quantize(Decimal(places), rounding=ROUND_HALF_UP):f}"
    return text.replace(".", ",")


def count_text(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def number(value, unit: str, *, sign: bool = True) -> str:
    """``value`` (a Cell's value) in ``unit`` for people; ``sign``: the "%" after a percentage."""
    if value is None:
        return NO_BASE
    if value == UNKNOWN:
        return UNKNOWN
    if unit == AANTAL:
        return count_text(int(value))
    if unit == PROCENT:
        return _decimal(value * 100, "0.1") + ("%" if sign else "")
    return _decimal(value, "0.01")


def month_label(month: dt.date) -> str:
    """"jan 2026": the month's column on the screen."""
    return f"{MONTHS[month.month - 1]} {month.year}"


def month_code(month: dt.date) -> str:
    """"2026-01": the month's column in the exports."""
    return f"{month.year:04d}-{month.month:02d}"
