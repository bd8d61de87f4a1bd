"""``{{ form|error_summary }}``: a form's errors for ``_error_summary.html`` (see ``common.forms``)."""
from django import template

from vroegsignalering.common import forms

register = template.Library()


@register.filter
def error_summary(form) -> list[dict]:
    return forms.error_summary(form)
