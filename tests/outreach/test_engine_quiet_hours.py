"""Quiet hours (``outreach.quiet_hours``): Dutch local time, Sundays and public holidays, Saturday per plan,
summer time."""
import datetime as dt

import pytest

from outreach.quiet_hours import is_quiet, next_allowed
from tests.factories import aware

UTC = dt.UTC
WINDOW = {"send_from": dt.time(8, 0), "send_until": dt.time(20, 0), "on_saturday": True}
NO_SATURDAY = {**WINDOW, "on_saturday": False}


def test_a_weekday_inside_the_window_is_not_quiet():
    moment = aware(2026, 5, 6, 9)  # Wednesday
    assert not is_quiet(moment, **WINDOW)
    assert next_allowed(moment, **WINDOW) == moment


@pytest.mark.parametrize("hour, minute", [(7, 59), (20, 0), (23, 50), (0, 10)])
def test_outside_the_hours_is_quiet(hour, minute):
    assert is_quiet(aware(2026, 5, 6, hour, minute), **WINDOW)


def test_sunday_is_quiet_all_day_and_moves_to_monday():
    sunday = aware(2026, 5, 10, 12)
    assert is_quiet(sunday, **WINDOW)
    assert next_allowed(sunday, **WINDOW) == aware(2026, 5, 11, 8)


def test_saturday_follows_the_plan():
    saturday = aware(2026, 5, 9, 10)
    assert not is_quiet(saturday, **WINDOW)
    assert is_quiet(saturday, **NO_SATURDAY)
    assert next_allowed(saturday, **NO_SATURDAY) == aware(2026, 5, 11, 8)


def test_23_50_goes_to_the_next_morning():
    assert next_allowed(aware(2026, 5, 6, 23, 50), **WINDOW) == aware(2026, 5, 7, 8)
    # Friday night: Saturday morning when allowed, else Monday.
    assert next_allowed(aware(2026, 5, 8, 23, 50), **WINDOW) == aware(2026, 5, 9, 8)
    assert next_allowed(aware(2026, 5, 8, 23, 50), **NO_SATURDAY) == aware(2026, 5, 11, 8)


def test_early_morning_goes_to_the_same_morning():
    assert next_allowed(aware(2026, 5, 6, 6, 15), **WINDOW) == aware(2026, 5, 6, 8)


def test_kings_day_2025_is_the_26th_because_the_27th_is_a_sunday():
    assert is_quiet(aware(2025, 4, 26, 10), **WINDOW)  # Saturday 26 April 2025: King's Day
    assert is_quiet(aware(2025, 4, 27, 10), **WINDOW)  # Sunday
    assert next_allowed(aware(2025, 4, 25, 21), **WINDOW) == aware(2025, 4, 28, 8)


def test_liberation_day_2026_is_quiet():
    assert is_quiet(aware(2026, 5, 5, 10), **WINDOW)  # Tuesday 5 May 2026 (not a lustrum year)
    assert next_allowed(aware(2026, 5, 4, 20, 30), **WINDOW) == aware(2026, 5, 6, 8)


def test_ascension_day_is_quiet():
    assert is_quiet(aware(2026, 5, 14, 10), **WINDOW)  # Thursday 14 May 2026
    assert next_allowed(aware(2026, 5, 14, 10), **WINDOW) == aware(2026, 5, 15, 8)


def test_spring_forward_weekend_lands_on_08_00_summer_time():
    # Summer time starts Sunday 29 March 2026 (02:00 → 03:00).
    result = next_allowed(aware(2026, 3, 28, 21), **NO_SATURDAY)
    assert result == dt.datetime(2026, 3, 30, 6, 0, tzinfo=UTC)  # 08:00 CEST
    assert is_quiet(dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC), **WINDOW)  # 03:30 CEST, a Sunday


def test_fall_back_weekend_lands_on_08_00_winter_time():
    # Winter time starts Sunday 25 October 2026 (03:00 → 02:00).
    result = next_allowed(aware(2026, 10, 24, 21), **WINDOW)
    assert result == dt.datetime(2026, 10, 26, 7, 0, tzinfo=UTC)  # 08:00 CET
    # 19:30 UTC on Friday 23 October is 21:30 CEST: quiet; 18:30 UTC is 20:30: quiet; 17:59 UTC is 19:59: not.
    assert is_quiet(dt.datetime(2026, 10, 23, 18, 30, tzinfo=UTC), **WINDOW)
    assert not is_quiet(dt.datetime(2026, 10, 23, 17, 59, tzinfo=UTC), **WINDOW)
    # The Monday after: 07:30 UTC is 08:30 CET, allowed; 06:30 UTC (07:30 CET) is not.
    assert not is_quiet(dt.datetime(2026, 10, 26, 7, 30, tzinfo=UTC), **WINDOW)
    assert is_quiet(dt.datetime(2026, 10, 26, 6, 30, tzinfo=UTC), **WINDOW)
