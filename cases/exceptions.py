"""Refusals of case actions, with a Dutch message for the user (a ``ValidationError``, so forms,
views and the API show it as a field-independent error and change nothing)."""
from django.core.exceptions import ValidationError


class CaseActionError(ValidationError):
    """The action is not allowed on this case now."""


class CaseWindowClosedError(CaseActionError):
    """The 28-day window has passed or the case is closed: register nothing on it."""
