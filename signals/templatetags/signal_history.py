"""``{% load signal_history %}`` … ``{{ row|signal_history_text }}``: a signal's history row in Dutch."""
from django import template

from signals import history

register = template.Library()


@register.filter
def signal_history_text(row) -> str:
    return history.signal_history_text(row)
