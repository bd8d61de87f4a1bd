"""Template filters of the outreach screens."""
from django import template

from ..selectors import day_short, moment_short

register = template.Library()


@register.filter
def kort(moment) -> str:
    """'di 5 mei 09:00' (Dutch local time)."""
    return moment_short(moment)


@register.filter
def dag_kort(day) -> str:
    """'di 5 mei'."""
    return day_short(day) if day else ""
