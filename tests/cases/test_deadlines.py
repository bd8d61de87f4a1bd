"""Deadlines as pure functions, pinned on known dates."""
import datetime as dt

import pytest

from cases import deadlines
from cases.deadlines import Period

TZ = deadlines.TZ


def at(y, m, d, h=9, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


# --- the Dutch holidays we count on (holidays.NL with PUBLIC + OPTIONAL) --------------------------


@pytest.mark.parametrize("day", [
    dt.date(2025, 1, 1), dt.date(2025, 4, 18), dt.date(2025, 4, 21), dt.date(2025, 4, 26), dt.date(2025, 5, 5),
    dt.date(2025, 5, 29), dt.date(2025, 6, 9), dt.date(2025, 12, 25), dt.date(2025, 12, 26),
    dt.date(2026, 4, 3), dt.date(2026, 4, 6), dt.date(2026, 4, 27), dt.date(2026, 5, 5), dt.date(2026, 5, 14),
    dt.date(2026, 5, 25), dt.date(2027, 3, 26), dt.date(2027, 4, 27), dt.date(2027, 5, 5),
    dt.date(2031, 4, 26),
])
def test_holidays_include_good_friday_liberation_day_every_year_and_kings_day(day):
    assert deadlines.holiday_name(day) is not None
    assert not deadlines.is_working_day(day)


def test_kings_day_moves_to_the_26th_only_when_the_27th_is_a_sunday():
    assert dt.date(2025, 4, 27).weekday() == 6 and deadlines.holiday_name(dt.date(2025, 4, 27)) is None
    assert deadlines.holiday_name(dt.date(2025, 4, 26)) is not None
    assert deadlines.holiday_name(dt.date(2026, 4, 26)) is None  # 27 April 2026 is a Monday


@pytest.mark.parametrize("day", [dt.date(2026, 5, 1), dt.date(2026, 12, 24), dt.date(2026, 12, 31),
                                 dt.date(2026, 4, 2), dt.date(2026, 4, 28)])
def test_ordinary_weekdays_are_working_days(day):
    assert deadlines.is_working_day(day)


# --- crisis: three working days --------------------------------------------------------------------


@pytest.mark.parametrize(("received", "last_day"), [
    (at(2026, 4, 1), dt.date(2026, 4, 8)),   # Wed before Easter: Thu 2, Tue 7, Wed 8 (Good Friday, Easter Monday)
    (at(2026, 4, 2, 16), dt.date(2026, 4, 9)),  # Thu before Good Friday → Tue 7, Wed 8, Thu 9
    (at(2025, 4, 16), dt.date(2025, 4, 23)),  # 2025: Thu 17, (Fri 18, Mon 21), Tue 22, Wed 23
    (at(2026, 4, 24), dt.date(2026, 4, 30)),  # Fri before Koningsdag (Mon 27 April): Tue 28, Wed 29, Thu 30
    (at(2027, 4, 26), dt.date(2027, 4, 30)),  # Mon 2027: Koningsdag Tue 27 → Wed 28, Thu 29, Fri 30
    (at(2026, 4, 30), dt.date(2026, 5, 6)),   # Fri 1 May (a working day), Mon 4, (Tue 5 May) Wed 6
    (at(2026, 5, 4), dt.date(2026, 5, 8)),    # Liberation Day 2026 is no lustrum year and still counts
    (at(2026, 5, 13), dt.date(2026, 5, 19)),  # Ascension Day Thu 14 May: Fri 15, Mon 18, Tue 19
    (at(2026, 12, 23), dt.date(2026, 12, 29)),  # Thu 24, (Christmas Fri 25), Mon 28, Tue 29
    (at(2026, 6, 6, 23, 59), dt.date(2026, 6, 10)),  # received on a Saturday: Mon, Tue, Wed
    (at(2026, 6, 8, 0, 1), dt.date(2026, 6, 11)),  # received on Monday 00:01: Monday itself does not count
])
def test_crisis_deadline_across_easter_kings_day_and_liberation_day(received, last_day):
    deadline = deadlines.crisis_deadline(received)
    assert deadline.at == dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tzinfo=TZ)
    assert deadlines.format_date(last_day) in deadline.basis


def test_crisis_deadline_basis_names_the_skipped_holidays():
    basis = deadlines.crisis_deadline(at(2026, 4, 2)).basis
    assert basis.startswith("3 werkdagen na ontvangst op donderdag 2 april 2026: uiterlijk donderdag 9 april 2026")
    assert "3 april 2026" in basis and "6 april 2026" in basis


def test_crisis_deadline_uses_the_local_date_of_a_utc_moment():
    # 23:30 UTC on 1 April is 01:30 on 2 April in Amsterdam (summer time).
    moment = dt.datetime(2026, 4, 1, 23, 30, tzinfo=dt.UTC)
    assert deadlines.crisis_deadline(moment).at == at(2026, 4, 10, 0)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        deadlines.crisis_deadline(dt.datetime(2026, 4, 1, 9))  # noqa: DTZ001


# --- the 28-day window -----------------------------------------------------------------------------


def test_window_opened_on_day_d_closes_at_the_start_of_day_d_plus_28():
    deadline = deadlines.window_deadline(at(2026, 6, 1, 14, 30))
    assert deadline.at == at(2026, 6, 29, 0)
    assert "open tot en met zondag 28 juni 2026" in deadline.basis
    assert deadlines.window_is_open(deadline.at, at(2026, 6, 28, 23, 59))
    assert not deadlines.window_is_open(deadline.at, at(2026, 6, 29, 0, 0))


def test_window_counts_calendar_days_across_dst_change():
    # Opened late on 1 March 2026; summer time starts 29 March: still 00:00 local on 29 March.
    deadline = deadlines.window_deadline(at(2026, 3, 1, 23, 50))
    assert deadline.at == at(2026, 3, 29, 0)
    assert deadline.at.utcoffset() == dt.timedelta(hours=1)



def test_the_last_day_is_the_local_day_before_the_automatic_close():
    deadline = deadlines.window_deadline(at(2026, 6, 1, 14, 30))
    assert deadlines.last_day(deadline.at) == dt.date(2026, 6, 28)
    # the same moment in UTC (22:00 on the 28th) is still the 29th at 00:00 in the Netherlands
    assert deadlines.last_day(deadline.at.astimezone(dt.UTC)) == dt.date(2026, 6, 28)
    assert deadlines.last_day(deadlines.window_deadline(at(2026, 3, 1, 23, 50)).at) == dt.date(2026, 3, 28)


# --- periods ------------------------------------------------------------------------------------------


def test_calendar_month_period():
    period = deadlines.period_for(dt.date(2026, 2, 14))
    assert period == Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert period.label == "2026-02"
    assert dt.date(2026, 2, 28) in period and dt.date(2026, 3, 1) not in period


@pytest.mark.parametrize(("day", "start", "end"), [
    (dt.date(2026, 5, 26), dt.date(2026, 4, 27), dt.date(2026, 5, 26)),
    (dt.date(2026, 5, 27), dt.date(2026, 5, 27), dt.date(2026, 6, 26)),
    (dt.date(2026, 12, 31), dt.date(2026, 12, 27), dt.date(2027, 1, 26)),
    (dt.date(2026, 1, 1), dt.date(2025, 12, 27), dt.date(2026, 1, 26)),
])
def test_period_ending_on_the_closing_day(day, start, end):
    period = deadlines.period_for(day, 26)
    assert (period.start, period.end) == (start, end)
    assert period.label == f"{end.year:04d}-{end.month:02d}"


def test_last_ended_period_and_neighbours():
    assert deadlines.last_ended_period(dt.date(2026, 6, 1)) == Period(dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert deadlines.last_ended_period(dt.date(2026, 5, 31)) == Period(dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert deadlines.last_ended_period(dt.date(2026, 5, 27), 26).end == dt.date(2026, 5, 26)
    period = deadlines.period_for(dt.date(2026, 3, 10), 26)
    assert deadlines.next_period(deadlines.previous_period(period, 26), 26) == period


def test_recidive_window_is_the_six_months_before_the_period():
    first, last = deadlines.recidive_window(Period(dt.date(2026, 6, 1), dt.date(2026, 6, 30)))
    assert (first, last) == (dt.date(2025, 12, 1), dt.date(2026, 5, 31))
    first, _ = deadlines.recidive_window(Period(dt.date(2026, 8, 31), dt.date(2026, 9, 30)))
    assert first == dt.date(2026, 2, 28)  # clamped


# --- late acceptance ---------------------------------------------------------------------------------


def test_reopen_term_is_three_calendar_months_after_closing_by_default():
    term = deadlines.reopen_deadline(at(2026, 11, 30, 10))
    assert term.at == at(2027, 2, 28, 10)
    assert deadlines.reopen_deadline(at(2026, 6, 29, 0), 1).at == at(2026, 7, 29, 0)


def test_add_months_clamps_to_month_end():
    assert deadlines.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert deadlines.add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert deadlines.add_months(dt.date(2026, 3, 15), -6) == dt.date(2025, 9, 15)
