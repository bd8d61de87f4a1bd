"""Template filters of the worker's screens: amounts, dates and moments as Dutch users read them."""
import datetime as dt

from django import template
from django.utils import timezone

from vroegsignalering.common.formats import euro as _euro

from .. import deadlines
from ..history import case_history_text
from ..models import CaseStatus

register = template.Library()


@register.filter
def euro(amount) -> str:
    """€ 1.250,00"""
    if amount in (None, ""):
        return "—"
    return _euro(amount)


@register.filter
def datum(day) -> str:
    """'9 april 2026' (a date, or the local date of a moment)."""
    if not day:
        return "—"
    if isinstance(day, dt.datetime):
        day = deadlines.local_date(day)
    return deadlines.format_short(day)


@register.filter
def moment(at) -> str:
    """'9 april 2026 14:30' in Dutch local time."""
    if not at:
        return "—"
    local = timezone.localtime(at, deadlines.TZ)
    return f"{deadlines.format_short(local.date())} {local:%H:%M}"


@register.filter
def naam(user) -> str:
    """A user's full name, else the user name."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when absent)."""
    return mapping.get(key) if mapping else None


@register.filter
def statuslabel(value) -> str:
    """A case status code as users read it ('in_behandeling' → 'In behandeling')."""
    if not value:
        return "—"
    try:
        return CaseStatus(value).label
    except ValueError:
        return value


@register.filter
def historytext(row) -> str:
    """The Dutch sentence of a case history row: rendered from its event's params (``cases.history``),
    or its stored reason for rows without params."""
    return case_history_text(row)
