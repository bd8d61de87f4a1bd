"""Moments for tests: aware local datetimes, and today/now on the real clock (the views use it)."""
import datetime as dt

from django.utils import timezone

from cases import deadlines


def aware(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=deadlines.TZ)


def now_local() -> dt.datetime:
    return timezone.localtime(timezone.now(), deadlines.TZ)


def today() -> dt.date:
    return deadlines.local_date(timezone.now())
