"""Reads for the municipal API (/api/v1/gemeente/…): the cases and trays of the caller's municipalities,
for the case-working roles and service accounts (``accounts.permissions.uses_municipal_api``)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User
from accounts.permissions import API_ROLES

from ..models import ACTIVE_STATUSES, Case, CaseSignal, Tray
from .internal import contact_attempt_model
from .queue import CASE_ROLES, queue_rank


def _api_scope(user) -> QuerySet[Case]:
    """The cases an API client may see: its municipalities', for the case-working roles and for a service
    account (an integration that works on its municipalities' cases like a worker); none for anyone else."""
    return Case.objects.visible_to(user, roles=API_ROLES)


def case_list_for_api(user, *, status: Iterable[str] | None = None, tray_code: str | None = None,
                      municipality_code: str | None = None, assigned: str | None = None,
                      crisis: bool | None = None, deadline_before: dt.datetime | None = None) -> QuerySet[Case]:
    """The API's list of cases in the worker's queue order (most urgent first, then the earliest deadline), with
    the counts a list shows.

    ``assigned``: "me" (assigned to ``user``) or "nobody"; ``deadline_before``: the case closes automatically,
    or its crisis first action is due, at or before this moment (so its last day lies before it)."""
    qs = _api_scope(user)
    if status is not None:
        qs = qs.filter(status__in=list(status))
    if tray_code is not None:
        qs = qs.filter(tray__code=tray_code)
    if municipality_code is not None:
        qs = qs.filter(municipality__cbs_code=municipality_code)
    if assigned == "me":
        qs = qs.filter(assigned_to=user)
    elif assigned == "nobody":
        qs = qs.filter(assigned_to__isnull=True)
    if crisis is not None:
        qs = qs.filter(is_crisis=crisis)
    if deadline_before is not None:
        qs = qs.filter(Q(deadline_at__lte=deadline_before) | Q(crisis_due_at__lte=deadline_before))
    signals = (CaseSignal.objects.filter(case=OuterRef("pk")).order_by().values("case").annotate(n=Count("pk"))
               .values("n"))
    attempts = (contact_attempt_model().objects.filter(case=OuterRef("pk")).order_by().values("case")
                .annotate(n=Count("pk")).values("n"))
    # The worker's queue order (``queue_page``): most urgent first, then the earliest deadline.
    return (qs.select_related("tray", "assigned_to", "municipality").alias(rank=queue_rank())
            .annotate(signal_count=Coalesce(Subquery(signals), 0), attempt_count=Coalesce(Subquery(attempts), 0))
            .order_by("rank", "deadline_at", "pk"))


def case_get_for_api(user, pk: int) -> Case | None:
    """One case for the API (None when it is not the caller's to see: other municipality, other role)."""
    return _api_scope(user).select_related("tray", "assigned_to", "municipality", "routing_rule").filter(pk=pk).first()


def trays_for_api(user) -> QuerySet[Tray]:
    """The trays of the caller's municipalities with their counts of active cases (all, crisis,
    unassigned, assigned to the caller); none for a role that does not see cases."""
    active = Q(cases__status__in=list(ACTIVE_STATUSES))
    return (Tray.objects.visible_to(user, roles=API_ROLES).select_related("municipality")
            .annotate(active_count=Count("cases", filter=active),
                      crisis_count=Count("cases", filter=active & Q(cases__is_crisis=True)),
                      unassigned_count=Count("cases", filter=active & Q(cases__assigned_to__isnull=True)),
                      mine_count=Count("cases", filter=active & Q(cases__assigned_to=user)))
            .order_by("municipality__name", "name", "pk"))


def assignable_worker(case: Case, username: str):
    """The active worker or team lead of the case's municipality with this user name, else None (also for
    people of other municipalities, so the answer does not tell who exists elsewhere)."""
    return User.objects.filter(username=username, is_active=True, role__in=list(CASE_ROLES),
                               municipalities=case.municipality_id).first()
