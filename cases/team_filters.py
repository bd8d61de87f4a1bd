"""The team lead's assign list as a read: the form's valid choices as one frozen ``AssignFilters``,
and the selector that applies them (like the worker's queue: form → ``QueueFilters`` → selector)."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from . import selectors
from .models import ACTIVE_STATUSES, Case

UNASSIGNED = "niet_toegewezen"
ASSIGNED = "toegewezen"


@dataclass(frozen=True)
class AssignFilters:
    tray: object | None = None  # a Tray of the lead's municipalities
    assignment: str = ""  # "", UNASSIGNED or ASSIGNED
    worker: object | None = None  # only the cases assigned to this user


def assign_list_for_user(user, filters: AssignFilters = AssignFilters()) -> QuerySet[Case]:  # noqa: B008
    """The running cases of the lead's municipalities (none for anyone else), filtered."""
    cases = selectors.team_cases_for_user(user).filter(status__in=ACTIVE_STATUSES)
    if filters.tray:
        cases = cases.filter(tray=filters.tray)
    if filters.assignment == UNASSIGNED:
        cases = cases.filter(assigned_to__isnull=True)
    elif filters.assignment == ASSIGNED:
        cases = cases.filter(assigned_to__isnull=False)
    if filters.worker:
        cases = cases.filter(assigned_to=filters.worker)
    return cases
