"""Calendar dates and moments in the Netherlands, and how users read them (no database, no clock).

Every app uses these; the legal rules built on them (the 28-day window, crisis working days,
periods) stay in ``cases/deadlines.py``.
"""
import calendar
import datetime as dt
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Amsterdam")

_WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
           "oktober", "november", "december")


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later (or earlier), the day clamped to the month's length (31 Jan + 1 → 28/29 Feb)."""
    serial = day.year * 12 + day.month - 1 + months
    year, month = divmod(serial, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar date of an aware moment in the Netherlands."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(TZ).date()


def start_of_day(day: dt.date) -> dt.datetime:
    """00:00 local time on ``day``, aware (DST-safe: midnight exists on every Dutch day)."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=TZ)


def add_months_to_moment(moment: dt.datetime, months: int) -> dt.datetime:
    local = moment.astimezone(TZ)
    day = add_months(local.date(), months)
    return dt.datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=TZ)


def format_date(day: dt.date) -> str:
    """'donderdag 9 april 2026'."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_short(day: dt.date) -> str:
    """'9 april 2026'."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
