"""The statistics store's classes, as pure functions (no database, no clock).

What a fact row holds instead of the value it was derived from: the amount class instead of the
amount (plus the whole euros DDAS asks), the arrear-age class instead of two dates, the age class
instead of a birth date, and why a signal was not picked up as one reason of the monitor.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from vroegsignalering.common import dates
from vroegsignalering.common.vocab import Outcome

from .models import AgeClass, AmountClass, ArrearAgeClass, NotPickedUpReason

# Creditors fill in 1 January 2000 when they do not know the birth date (signals.brp.records); it
# means "unknown" here too.
PLACEHOLDER_BIRTH_DATE = dt.date(2000, 1, 1)

_AMOUNT_BOUNDS = ((Decimal(100), AmountClass.TOT_100), (Decimal(250), AmountClass.TOT_250),
                  (Decimal(500), AmountClass.TOT_500), (Decimal(1000), AmountClass.TOT_1000))
_ARREAR_BOUNDS = ((30, ArrearAgeClass.TOT_30), (60, ArrearAgeClass.TOT_60), (100, ArrearAgeClass.TOT_100),
                  (180, ArrearAgeClass.TOT_180))

# The not-picked-up rules (signals.rules.Rule values) and their monitor reason.
_RULE_REASONS = {
    "drempelbedrag": NotPickedUpReason.DREMPELBEDRAG,
    "termijn_achterstand": NotPickedUpReason.TERMIJN,
    "rechtspersoon": NotPickedUpReason.RECHTSPERSOON,
}


def amount_euros(amount: Decimal) -> int:
    """Whole euros, half up (DDAS ``bedrag`` is an integer): 312.50 → 313, 312.49 → 312."""
    return max(0, int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def amount_class(amount: Decimal) -> str:
    """The monitor's amount class of the exact amount (each bound belongs to the class above it)."""
    for bound, klass in _AMOUNT_BOUNDS:
        if amount < bound:
            return klass
    return AmountClass.VANAF_1000


def arrear_age_days(signal_date: dt.date, oldest_due_date: dt.date) -> int:
    return (signal_date - oldest_due_date).days


def arrear_age_class(signal_date: dt.date, oldest_due_date: dt.date) -> str:
    """How old the arrear was on the signal date (signal date − due date of the oldest unpaid invoice);
    each bound belongs to the class above it (30 days → 30-60). A due date after the signal date counts
    as young (< 30)."""
    days = arrear_age_days(signal_date, oldest_due_date)
    for bound, klass in _ARREAR_BOUNDS:
        if days < bound:
            return klass
    return ArrearAgeClass.VANAF_180


def _age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _class_of_age(age: int) -> str:
    if age < 18:
        return AgeClass.JONGER_DAN_18
    if age <= 25:
        return AgeClass.VAN_18_TOT_25
    if age <= 45:
        return AgeClass.VAN_26_TOT_45
    return AgeClass.VANAF_46


def _brp_birth_date(value: Any) -> dt.date | None:
    """A full ISO birth date from the BRP evidence; None for a partial ('1978-03', '1968') or no date."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def age_class(*, signal_date: dt.date, brp_birth_date: Any = None, brp_age: Any = None,
              birth_date: dt.date | None = None) -> str:
    """The resident's age class on the signal date. The BRP's person first (``brp_evidence``'s
    ``geboortedatum``, else its ``leeftijd`` on the check day, a few days after the signal date);
    else the birth date the creditor delivered (1 January 2000 is the creditors' "unknown"); else
    unknown."""
    born = _brp_birth_date(brp_birth_date)
    if born is not None:
        return _class_of_age(_age_on(born, signal_date))
    if isinstance(brp_age, int) and not isinstance(brp_age, bool) and brp_age >= 0:
        return _class_of_age(brp_age)
    if birth_date is not None and birth_date != PLACEHOLDER_BIRTH_DATE and birth_date <= signal_date:
        return _class_of_age(_age_on(birth_date, signal_date))
    return AgeClass.ONBEKEND


def not_picked_up(*, status: str, outcome: str, ending: Mapping[str, Any] | None = None,
                  shv_closed_at_routing: bool = False) -> str:
    """Why a signal was not picked up ('' when it was, or is not decided yet).

    ``status``/``outcome``: the signal's; ``ending``: the ``params`` of the history row that ended it
    (``signals.transitions.signal_end``/``signal_forward``: the rule, the BRP cause or the reviewer's
    decision); ``shv_closed_at_routing``: its case was closed at routing as known to debt assistance
    (the household is known to SHV: the professional involved takes it, not vroegsignalering)."""
    if shv_closed_at_routing or outcome == Outcome.BEKEND_BIJ_SHV:
        return NotPickedUpReason.BEKEND_SHV
    if status == "doorgestuurd":
        return NotPickedUpReason.VERHUISD
    if status != "afgehandeld":
        return ""
    ending = ending or {}
    if outcome == Outcome.HERHAALDE_MELDING:
        return NotPickedUpReason.HERHAALD
    if outcome == Outcome.OVERLEDEN:
        return NotPickedUpReason.OVERLEDEN
    if ending.get("rule") in _RULE_REASONS:
        return _RULE_REASONS[ending["rule"]]
    if outcome == Outcome.GEEN_INWONER:
        # Ended here, not forwarded: the BRP found the person emigrated, or the BRP found nobody at the
        # address and a reviewer decided "geen inwoner" (fallout).
        return NotPickedUpReason.NIET_IN_BRP
    if outcome == Outcome.ONTERECHT_SIGNAAL:
        return NotPickedUpReason.ONTERECHT
    return NotPickedUpReason.ANDERE_REDEN


def month_of(moment: dt.datetime) -> dt.date:
    """The first day of the month of ``moment`` in the Netherlands."""
    return dates.local_date(moment).replace(day=1)
