"""Deadlines and periods as pure functions (no database, no clock: the caller passes the moment).

Readings of the rules, in one place:

- **28-day window** (Leidraad §4: the offer within 28 days; RIS closes automatically): calendar
  days from the local (Europe/Amsterdam) date of opening. A case opened on day D, at any hour, is
  open on D, D+1, …, D+27 — 28 calendar days, D being day 1 — and closes automatically at the
  start of day D+28, 00:00 local time. ``deadline_at`` stores that moment; the window is open while
  ``now < deadline_at``.
- **Crisis first action** (Wgs art. 4.2, "threatening situation"): within 3 Dutch working days.
  Counting starts on the day after receipt (as in the Algemene termijnenwet and the Awb: the day
  of the event itself does not count). A working day is Monday to Friday that is not a public
  holiday in ``holidays.NL(categories=(PUBLIC, OPTIONAL))``: New Year's Day, Good Friday, Easter
  Monday, King's Day (27 April; 26 April when the 27th is a Sunday), Liberation Day (5 May, every
  year: the Algemene termijnenwet counts it every year; ``holidays`` lists it as PUBLIC only in
  lustrum years and as OPTIONAL in the others), Ascension Day, Whit Monday, Christmas and Boxing
  Day. The first action is due by the end of the third working day, so ``crisis_due_at`` is 00:00
  of the day after it.
- **Period** (the month's batch): by default the calendar month; with a closing day N (1–28) the
  period runs from day N+1 of the previous month up to and including day N. A period is named
  after the month it ends in ("2026-05").
- **Recidive**: a signal at the address in the six calendar months before the period's first day.
- **Late help acceptance**: a closed case may be reopened until the term (default 3 calendar
  months) after its closing moment has passed.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays

# The calendar helpers live in common (every app uses them); the rules here build on them.
from vroegsignalering.common.dates import (  # noqa: F401 (re-exported for the case app's modules)
    TZ,
    add_months,
    add_months_to_moment,
    format_date,
    format_short,
    local_date,
    start_of_day,
)

WINDOW_DAYS = 28
CRISIS_WORKING_DAYS = 3
DEFAULT_REOPEN_TERM_MONTHS = 3
RECIDIVE_MONTHS = 6

@dataclass(frozen=True)
class Deadline:
    """A computed moment and, in Dutch, how it was computed (stored on the case)."""

    at: dt.datetime
    basis: str


# --- the 28-day window --------------------------------------------------------------------------


def window_deadline(opened_at: dt.datetime) -> Deadline:
    """When a case opened at ``opened_at`` closes automatically (see the module docstring)."""
    opened = local_date(opened_at)
    closes = opened + dt.timedelta(days=WINDOW_DAYS)
    last = closes - dt.timedelta(days=1)
    return Deadline(
        at=start_of_day(closes),
        basis=(
            f"{WINDOW_DAYS} kalenderdagen vanaf de opening op {format_date(opened)} (dag 1): "
            f"open tot en met {format_date(last)}, automatisch gesloten vanaf {format_date(closes)} 00:00."
        ),
    )


def last_day(deadline_at: dt.datetime) -> dt.date:
    """The last local day on which the window is open: the day before ``deadline_at`` (00:00 local)."""
    return local_date(deadline_at) - dt.timedelta(days=1)


def window_is_open(deadline_at: dt.datetime, now: dt.datetime) -> bool:
    return now < deadline_at


# --- Dutch working days -------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _holidays(year: int) -> dict[dt.date, str]:
    return dict(holidays.NL(years=year, categories=(holidays.PUBLIC, holidays.OPTIONAL)))


def holiday_name(day: dt.date) -> str | None:
    return _holidays(day.year).get(day)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``day`` (``day`` itself never counts)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    current = day
    found = 0
    while found < count:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            found += 1
    return current


def crisis_deadline(received_at: dt.datetime, working_days: int = CRISIS_WORKING_DAYS) -> Deadline:
    """First action on a crisis signal received at ``received_at``: end of the 3rd working day after."""
    received = local_date(received_at)
    last = add_working_days(received, working_days)
    skipped = []
    day = received + dt.timedelta(days=1)
    while day < last:
        name = holiday_name(day)
        if name and day.weekday() < 5:
            skipped.append(format_short(day))
        day += dt.timedelta(days=1)
    basis = (f"{working_days} werkdagen na ontvangst op {format_date(received)}: "
             f"uiterlijk {format_date(last)}")
    if skipped:
        basis += f" (feestdagen telden niet mee: {', '.join(skipped)})"
    return Deadline(at=start_of_day(last + dt.timedelta(days=1)), basis=basis + ".")


# --- periods ------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Period:
    """A matching period: ``start`` to ``end`` inclusive."""

    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return f"{self.end.year:04d}-{self.end.month:02d}"

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def describe(self) -> str:
        return f"{format_short(self.start)} t/m {format_short(self.end)}"


def period_for(day: dt.date, closing_day: int | None = None) -> Period:
    """The period ``day`` belongs to (calendar month, or ending on ``closing_day``)."""
    if closing_day is None:
        last = calendar.monthrange(day.year, day.month)[1]
        return Period(day.replace(day=1), day.replace(day=last))
    if not 1 <= closing_day <= 28:
        raise ValueError("closing_day must be 1..28")
    end_month = day if day.day <= closing_day else add_months(day.replace(day=1), 1)
    end = end_month.replace(day=closing_day)
    start = add_months(end, -1) + dt.timedelta(days=1)
    return Period(start, end)


def previous_period(period: Period, closing_day: int | None = None) -> Period:
    return period_for(period.start - dt.timedelta(days=1), closing_day)


def next_period(period: Period, closing_day: int | None = None) -> Period:
    return period_for(period.end + dt.timedelta(days=1), closing_day)


def last_ended_period(today: dt.date, closing_day: int | None = None) -> Period:
    """The most recent period that ended before ``today`` (the one a close on ``today`` handles)."""
    return previous_period(period_for(today, closing_day), closing_day)


def recidive_window(period: Period) -> tuple[dt.date, dt.date]:
    """[first day, last day] in which a signal at the address makes a case opeenvolgend."""
    return add_months(period.start, -RECIDIVE_MONTHS), period.start - dt.timedelta(days=1)


# --- late acceptance ----------------------------------------------------------------------------


def reopen_deadline(closed_at: dt.datetime, months: int = DEFAULT_REOPEN_TERM_MONTHS) -> Deadline:
    """Until when a closed case may be reopened for late help acceptance."""
    until = add_months_to_moment(closed_at, months)
    return Deadline(
        at=until,
        basis=(f"{months} maanden na sluiting op {format_date(local_date(closed_at))}: "
               f"heropenen kan tot {format_date(local_date(until))} {until:%H:%M}."),
    )
