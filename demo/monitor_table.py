"""The demo month through the monitor: the Divosa figures the system counted, beside what the generator
was calibrated to (``demo.calibration``, from the Divosa monitor 2024). Printed by ``demo_rapport --monitor``.

The expected column is the calibration, not the code under test: a figure far from it means the intake,
the checks, the matching or the statistics store lost or moved something.
"""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.utils import timezone

from cases import deadlines
from cases.services import cases_close_expired, period_close
from monitor.figures import UNKNOWN, monitor_figures
from monitor.models import AmountClass

from .calibration import (
    AFSLUITING_SHARE,
    AMOUNT_CLASS_TARGET,
    EINDELEVERING_SHARE_OF_ENERGY,
    ENERGIE,
    GROUP_SHARES,
    HUUR,
    ONTRUIMING_SHARE_OF_RENT,
    SIGNALS_PER_1000_INHABITANTS_PER_MONTH,
    TIERS,
    WATER,
    ZORG,
)

ENERGY = ("elektriciteit", "gas", "warmte")


def close_periods(municipalities, months: list[str]) -> None:
    """Close each month's period the morning after it ends, as the jobs would: first the day-28 job closes the
    previous month's meldingen nobody worked on, then the 06:30 job matches the month (otherwise every later
    signal at the address would join the first month's melding, which real months never see)."""
    for label in months:
        year, month = map(int, label.split("-"))
        period = deadlines.period_for(dt.date(year, month, 1))
        morning = timezone.make_aware(dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(6, 30)))
        cases_close_expired(now=morning)
        for municipality in municipalities:
            period_close(municipality=municipality, period=period, now=morning)


def _expected(scale: float) -> list[tuple[str, str, float, str]]:
    """(figure key or keys joined by '+', label, expected value, unit) from the calibration."""
    crisis = (GROUP_SHARES[ENERGIE] * (EINDELEVERING_SHARE_OF_ENERGY + AFSLUITING_SHARE[ENERGIE])
              + GROUP_SHARES[WATER] * AFSLUITING_SHARE[WATER] + GROUP_SHARES[HUUR] * ONTRUIMING_SHARE_OF_RENT)
    multiple = sum(t.address_share * t.multiple_share for t in TIERS)
    recidive = sum(t.address_share * (1 - (1 - t.monthly_probability) ** 6) for t in TIERS)
    rows = [
        ("signalen_per_1000", "Signalen per 1.000 inwoners", SIGNALS_PER_1000_INHABITANTS_PER_MONTH * scale, "n"),
        ("crisis_aandeel", "Crisissignalen", crisis, "%"),
        ("soort_aandeel:zorgverzekering", "Zorgverzekering", GROUP_SHARES[ZORG], "%"),
        ("soort_aandeel:huur", "Huur", GROUP_SHARES[HUUR], "%"),
        ("soort_aandeel:drinkwater", "Drinkwater", GROUP_SHARES[WATER], "%"),
        ("+".join(f"soort_aandeel:{k}" for k in ENERGY), "Energie (elektriciteit, gas, warmte)",
         GROUP_SHARES[ENERGIE], "%"),
    ]
    rows += [(f"bedrag_aandeel:{cls.value}", f"Bedrag {cls.label}", target, "%")
             for cls, target in zip(AmountClass, AMOUNT_CLASS_TARGET, strict=True)]
    rows += [("meervoudig_aandeel", "Meldingen meervoudig", multiple, "%"),
             ("opeenvolgend_aandeel", "Meldingen opeenvolgend (recidive)", recidive, "%")]
    return rows


def _value(figures, keys: str):
    total = Fraction(0)
    for key in keys.split("+"):
        try:
            value = figures.row(key).range.value
        except KeyError:  # a creditor kind that did not occur has no row
            continue
        if value is None or value == UNKNOWN:
            return None
        total += Fraction(value)
    return total


def monitor_table(municipalities, month: str, scale: float) -> list[str]:
    """The lines of the table for ``month`` (JJJJ-MM) over ``municipalities`` (the mean of the municipalities,
    as the monitor defines a month's figure)."""
    year, number = map(int, month.split("-"))
    first = dt.date(year, number, 1)
    figures = monitor_figures(municipalities=municipalities, first=first, last=first)
    lines = [f"Monitor {month} (gemiddelde van {len(municipalities)} gemeenten) naast de kalibratie:",
             f"  {'cijfer':<40} {'monitor':>9} {'verwacht':>9}"]
    for keys, label, expected, unit in _expected(scale):
        value = _value(figures, keys)
        if unit == "%":
            shown = "—" if value is None else f"{float(value) * 100:.1f}%"
            wanted = f"{expected * 100:.1f}%"
        else:
            shown = "—" if value is None else f"{float(value):.2f}"
            wanted = f"{expected:.2f}"
        lines.append(f"  {label:<40} {shown:>9} {wanted:>9}")
    signals = figures.row("signalen").range.value
    meldingen = figures.row("meldingen").range.value
    lines.append(f"  (samen {signals} signalen en {meldingen} meldingen in {month})")
    return lines
