"""The one way a case changes status: the ``@transition`` on :class:`Case`, the save, and the history
row (event + params; the Dutch sentence comes from ``cases.history``).

:func:`case_transition` is for one case, locked by the caller (``case_lock``) inside its
transaction. :func:`case_transition_row` applies the transition in memory and returns the history
row unsaved, for services that write many cases at once (the period close's routing, the day-28
job with ``vroegsignalering.common.fsm.bulk_transition``).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from .models import Case, CaseEvent, CaseHistory

SYSTEM = "systeem"


def actor_name(by) -> str:
    """How a history row names who did it (the system when nobody)."""
    if by is None:
        return SYSTEM
    return by.get_full_name() or by.get_username()


def history_row(case: Case, *, at: dt.datetime, by=None, event: str = CaseEvent.STATUS, from_status: str = "",
                to_status: str = "", reason: str = "", params: dict | None = None) -> CaseHistory:
    """An unsaved history row: ``params`` say what happened (``cases.history`` words it); ``reason``
    only holds a person's own words, if any."""
    return CaseHistory(case=case, at=at, event=event, actor=by, actor_name=actor_name(by),
                       from_status=from_status, to_status=to_status, reason=reason, params=params or {})


def case_transition_row(case: Case, name: str, *args, by, at: dt.datetime, params: dict,
                        event: str = CaseEvent.STATUS) -> CaseHistory:
    """Apply the transition ``name`` (a ``@transition`` method of Case; it validates the source state)
    in memory and return its history row, unsaved."""
    before = case.status
    getattr(case, name)(*args)
    return history_row(case, at=at, by=by, event=event, from_status=before, to_status=case.status, params=params)


def case_transition(case: Case, name: str, *args, by, at: dt.datetime, params: dict,
                    fields: Iterable[str] = (), event: str = CaseEvent.STATUS) -> CaseHistory:
    """Change a locked case's status along the transition ``name``: the transition, the save of
    ``status`` and ``fields`` (a stale case raises ``django_fsm.ConcurrentTransition``), the history
    row. Returns the row."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_transition needs the caller's transaction with the case locked (case_lock).")
    row = case_transition_row(case, name, *args, by=by, at=at, params=params, event=event)
    case.save(update_fields=["status", *fields])
    row.save()
    return row
