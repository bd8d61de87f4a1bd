"""Reading the trail: the auditor's screen (scoped to the auditor's municipalities) and the case page's
"who looked at this case" for team leads."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast

from accounts.models import User
from accounts.permissions import reads_audit_trail

from .models import AuditEvent

CASE_VIEWERS_SHOWN = 10


@dataclass(frozen=True)
class AuditFilters:
    person_hash: str = ""
    username: str = ""
    start: dt.datetime | None = None  # from this moment
    end: dt.datetime | None = None  # before this moment


def audit_events_for_user(user) -> QuerySet[AuditEvent]:
    """The events an auditor may read.

    An auditor of municipalities sees the events of those municipalities, and the events without a
    municipality by a user of those municipalities. An auditor without a municipality audits the
    installation: the events without a municipality by a principal of none (creditor keys and staff,
    installation administrators). Everyone else: nothing.
    """
    if not reads_audit_trail(user):
        return AuditEvent.objects.none()
    memberships = User.municipalities.through.objects.filter(user_id=OuterRef("user_id"))
    ids = list(user.municipalities.values_list("pk", flat=True))
    if not ids:
        return AuditEvent.objects.filter(municipality__isnull=True).exclude(Exists(memberships))
    return AuditEvent.objects.filter(
        Q(municipality_id__in=ids)
        | Q(municipality__isnull=True) & Exists(memberships.filter(municipality_id__in=ids)))


def audit_events_filtered(user, filters: AuditFilters) -> QuerySet[AuditEvent]:
    events = audit_events_for_user(user)
    if filters.person_hash:
        if connection.vendor == "postgresql":
            events = events.filter(persons__contains=[filters.person_hash])  # jsonb @>, GIN index
        else:
            events = events.annotate(persons_text=Cast("persons", TextField())).filter(
                persons_text__contains=f'"{filters.person_hash}"')
    if filters.username:
        events = events.filter(Q(username=filters.username) | Q(key_prefix=filters.username))
    if filters.start is not None:
        events = events.filter(at__gte=filters.start)
    if filters.end is not None:
        events = events.filter(at__lt=filters.end)
    return events.order_by("-at", "-id")


# A page and the fragments it loads (the outreach plan, issue 13) are one look at the case: the trail keeps every
# request, the case page's "Ingezien door" shows them as one line.
ONE_LOOK = dt.timedelta(seconds=60)


def case_viewers(case_id: int, *, limit: int = CASE_VIEWERS_SHOWN) -> list[AuditEvent]:
    """Who opened or changed this case most recently (screens and API), newest first: one query. Events of one
    person with the same action within a minute of each other are shown once (the newest)."""
    shown: list[AuditEvent] = []
    for event in (AuditEvent.objects.filter(object_type="case", object_id=str(case_id))
                  .select_related("user").order_by("-at", "-id")[:limit * 4]):
        previous = shown[-1] if shown else None
        if (previous is not None and (previous.user_id, previous.principal, previous.action)
                == (event.user_id, event.principal, event.action) and previous.at - event.at <= ONE_LOOK):
            continue
        shown.append(event)
        if len(shown) == limit:
            break
    return shown
