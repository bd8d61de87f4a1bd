"""Refusals of case actions (a ``Refusal``: Dutch message, code from ``cases/refusals.py``, fields)."""
from vroegsignalering.common.errors import Refusal


class CaseActionError(Refusal):
    """The action is not allowed on this case now."""


class CaseWindowClosedError(CaseActionError):
    """The 28-day window has passed or the case is closed: register nothing on it."""
