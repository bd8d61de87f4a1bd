"""Refusals of case actions, with a Dutch message for the user (a ``ValidationError``, so forms,
views and the API show it as a field-independent error and change nothing)."""
from django.core.exceptions import ValidationError


class CaseActionError(ValidationError):
    """The action is not allowed on this case now. ``fields`` maps input names to a Dutch message
    when the refusal is about particular fields (forms and the API show them next to the field)."""

    def __init__(self, message, code=None, params=None, *, fields: dict[str, str] | None = None):
        super().__init__(message, code=code, params=params)
        self.fields = dict(fields or {})


class CaseWindowClosedError(CaseActionError):
    """The 28-day window has passed or the case is closed: register nothing on it."""
