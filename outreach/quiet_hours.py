"""Quiet hours: when an SMS or e-mail may go out. Pure functions of a moment and a plan, no clock or
database (tested like ``cases.deadlines``).

Messages go out between the plan's ``send_from`` and ``send_until`` in Dutch local time, never on a
Sunday or a public holiday (the calendar of ``cases.deadlines``: ``holidays.NL`` with its optional
days, so Liberation Day every year and King's Day on 26 April when the 27th is a Sunday), and on a
Saturday only when the plan allows it. Summer time is zoneinfo's: 08:00 exists on both change days.
"""
from __future__ import annotations

import datetime as dt

from cases.deadlines import holiday_name
from vroegsignalering.common.dates import TZ

SATURDAY, SUNDAY = 5, 6


def _day_allowed(day: dt.date, *, on_saturday: bool) -> bool:
    if day.weekday() == SUNDAY or (day.weekday() == SATURDAY and not on_saturday):
        return False
    return holiday_name(day) is None


def is_quiet(moment: dt.datetime, *, send_from: dt.time, send_until: dt.time, on_saturday: bool) -> bool:
    """Whether no message may go out at ``moment`` (an aware datetime)."""
    local = moment.astimezone(TZ)
    if not _day_allowed(local.date(), on_saturday=on_saturday):
        return True
    return not (send_from <= local.time().replace(tzinfo=None) < send_until)


def next_allowed(moment: dt.datetime, *, send_from: dt.time, send_until: dt.time, on_saturday: bool) -> dt.datetime:
    """``moment`` itself when a message may go out then, else the first moment after it that is allowed
    (``send_from`` on the next allowed day, or today's when it is still early)."""
    if not is_quiet(moment, send_from=send_from, send_until=send_until, on_saturday=on_saturday):
        return moment
    local = moment.astimezone(TZ)
    day = local.date()
    if local.time().replace(tzinfo=None) >= send_from:
        day += dt.timedelta(days=1)
    while not _day_allowed(day, on_saturday=on_saturday):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, send_from, tzinfo=TZ)


def plan_window(plan) -> dict:
    """The keyword arguments of :func:`is_quiet` and :func:`next_allowed` for a plan."""
    return {"send_from": plan.send_from, "send_until": plan.send_until, "on_saturday": plan.send_on_saturday}
