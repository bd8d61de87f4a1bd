"""The store's classes: each bound belongs to the class above it, half-euros round up, the age class
prefers the BRP, and the month is the Dutch calendar month."""
import datetime as dt
from decimal import Decimal

import pytest

from monitor import classes
from monitor.models import AgeClass, AmountClass, ArrearAgeClass, NotPickedUpReason
from vroegsignalering.common.vocab import Outcome

DAY = dt.date(2026, 5, 10)


@pytest.mark.parametrize(("amount", "expected"), [
    ("0.01", AmountClass.TOT_100), ("99.99", AmountClass.TOT_100), ("100.00", AmountClass.TOT_250),
    ("249.99", AmountClass.TOT_250), ("250.00", AmountClass.TOT_500), ("500.00", AmountClass.TOT_1000),
    ("999.99", AmountClass.TOT_1000), ("1000.00", AmountClass.VANAF_1000), ("25000.00", AmountClass.VANAF_1000),
])
def test_amount_class(amount, expected):
    assert classes.amount_class(Decimal(amount)) == expected


@pytest.mark.parametrize(("amount", "euros"), [("312.50", 313), ("312.49", 312), ("0.49", 0), ("99.50", 100)])
def test_whole_euros_round_half_up(amount, euros):
    assert classes.amount_euros(Decimal(amount)) == euros


@pytest.mark.parametrize(("days", "expected"), [
    (-3, ArrearAgeClass.TOT_30), (0, ArrearAgeClass.TOT_30), (29, ArrearAgeClass.TOT_30), (30, ArrearAgeClass.TOT_60),
    (59, ArrearAgeClass.TOT_60), (60, ArrearAgeClass.TOT_100), (99, ArrearAgeClass.TOT_100),
    (100, ArrearAgeClass.TOT_180), (179, ArrearAgeClass.TOT_180), (180, ArrearAgeClass.VANAF_180),
])
def test_arrear_age_class(days, expected):
    assert classes.arrear_age_class(DAY, DAY - dt.timedelta(days=days)) == expected


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"brp_birth_date": "2008-05-11"}, AgeClass.JONGER_DAN_18),  # 18 tomorrow
    ({"brp_birth_date": "2008-05-10"}, AgeClass.VAN_18_TOT_25),
    ({"brp_birth_date": "2000-05-11"}, AgeClass.VAN_18_TOT_25),  # 25 until tomorrow
    ({"brp_birth_date": "2000-05-10"}, AgeClass.VAN_26_TOT_45),
    ({"brp_birth_date": "1980-05-10"}, AgeClass.VANAF_46),
    ({"brp_birth_date": "1980-05-10", "birth_date": dt.date(2001, 1, 1)}, AgeClass.VANAF_46),  # the BRP wins
    ({"brp_birth_date": "1978-03", "brp_age": 48}, AgeClass.VANAF_46),  # a partial date: the BRP's age
    ({"brp_birth_date": "", "birth_date": dt.date(1990, 6, 1)}, AgeClass.VAN_26_TOT_45),
    ({"birth_date": dt.date(2000, 1, 1)}, AgeClass.ONBEKEND),  # the creditors' "unknown"
    ({"birth_date": dt.date(2027, 1, 1)}, AgeClass.ONBEKEND),  # born after the signal: wrong
    ({}, AgeClass.ONBEKEND),
])
def test_age_class_on_the_signal_date(kwargs, expected):
    assert classes.age_class(signal_date=DAY, **kwargs) == expected


@pytest.mark.parametrize(("status", "outcome", "ending", "shv", "expected"), [
    ("afgehandeld", Outcome.ONTERECHT_SIGNAAL, {"rule": "drempelbedrag"}, False, NotPickedUpReason.DREMPELBEDRAG),
    ("afgehandeld", Outcome.ONTERECHT_SIGNAAL, {"rule": "termijn_achterstand"}, False, NotPickedUpReason.TERMIJN),
    ("afgehandeld", Outcome.ANDERE_REDEN, {"rule": "rechtspersoon"}, False, NotPickedUpReason.RECHTSPERSOON),
    ("afgehandeld", Outcome.ONTERECHT_SIGNAAL, {"reason": "oud"}, False, NotPickedUpReason.ONTERECHT),
    ("afgehandeld", Outcome.HERHAALDE_MELDING, {"repeat": "herhaald"}, False, NotPickedUpReason.HERHAALD),
    ("afgehandeld", Outcome.OVERLEDEN, {"cause": "overleden"}, False, NotPickedUpReason.OVERLEDEN),
    ("afgehandeld", Outcome.GEEN_INWONER, {"cause": "geemigreerd"}, False, NotPickedUpReason.NIET_IN_BRP),
    ("afgehandeld", Outcome.GEEN_INWONER, {"decision": "geen_inwoner"}, False, NotPickedUpReason.NIET_IN_BRP),
    ("doorgestuurd", Outcome.GEEN_INWONER, {"code": "0518"}, False, NotPickedUpReason.VERHUISD),
    ("afgehandeld", Outcome.ANDERE_REDEN, {"decision": "niet_opgepakt"}, False, NotPickedUpReason.ANDERE_REDEN),
    ("in_melding", "", None, True, NotPickedUpReason.BEKEND_SHV),
    ("in_melding", "", None, False, ""),
    ("gecontroleerd", "", None, False, ""),
    ("uitval", "", None, False, ""),
])
def test_why_a_signal_was_not_picked_up(status, outcome, ending, shv, expected):
    assert classes.not_picked_up(status=status, outcome=outcome, ending=ending, shv_closed_at_routing=shv) == expected


def test_the_month_is_the_dutch_calendar_month():
    # 31 May 2026 22:30 UTC is 1 June 00:30 in the Netherlands (summer time).
    assert classes.month_of(dt.datetime(2026, 5, 31, 22, 30, tzinfo=dt.UTC)) == dt.date(2026, 6, 1)
    assert classes.month_of(dt.datetime(2026, 5, 31, 21, 30, tzinfo=dt.UTC)) == dt.date(2026, 5, 1)
