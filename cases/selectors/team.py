"""The team lead's screens: the cases, trays and workers of the lead's municipalities (none for anyone
else). Scoped through ``.visible_to`` with the team-lead role (ADR 0009)."""
from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from accounts.models import User
from accounts.permissions import TEAM_LEAD_ROLES, is_team_lead

from .. import deadlines
from ..models import Case, PeriodClose, Tray
from .queue import CASE_ROLES, QUEUE_ORDER


def team_cases_for_user(user) -> QuerySet[Case]:
    """The cases a team lead plans: their municipalities' (none for anyone else); most urgent first."""
    return (Case.objects.visible_to(user, roles=TEAM_LEAD_ROLES).select_related("tray", "assigned_to", "municipality")
            .order_by(*QUEUE_ORDER))


def team_case_get_for_user(user, pk: int) -> Case | None:
    return team_cases_for_user(user).filter(pk=pk).first()


def case_workers_for_user(user) -> QuerySet:
    """The people a team lead can assign cases and visits to: active users with a case-working role
    in one of the lead's municipalities (each may still be refused for a case of another one)."""
    if not is_team_lead(user):
        return User.objects.none()
    ids = user.municipalities.values("pk")
    return (User.objects.filter(is_active=True, role__in=list(CASE_ROLES), municipalities__in=ids)
            .distinct().order_by("first_name", "last_name", "username"))


def trays_for_user(user) -> QuerySet[Tray]:
    """The trays of a team lead's municipalities."""
    return (Tray.objects.visible_to(user, roles=TEAM_LEAD_ROLES).select_related("municipality")
            .order_by("municipality__name", "name", "pk"))


def capacity_period_end(municipality, today: dt.date) -> dt.date:
    """The period whose usage the capacity screen shows: the last closed one (else the last ended)."""
    last = PeriodClose.objects.filter(municipality=municipality).order_by("-period_end").first()
    if last is not None:
        return last.period_end
    return deadlines.last_ended_period(today, municipality.period_closing_day).end
