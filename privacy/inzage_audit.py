"""Who read or changed a resident's data, for the inzage report: from the audit trail (docs/audit-trail.md).

An event is about the resident when it names the person (``persons`` holds the keyed hash of one of the BSNs),
or names one of the resident's cases or signals as its object (a case page, a fallout review, an API read, a
write), or lists one of them (the queue, the assign list: ``object_ids``). Only the events of the municipality
the request is made to count, and the events without a municipality by that municipality's users.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Exists, OuterRef, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import Role, User
from audit.hashing import person_hash
from audit.models import AuditEvent
from audit.vocab import Action, Principal, Purpose
from monitor.ddas import DdasSummary
from monitor.ddas_audit import OBJECT_TYPE as DDAS_OBJECT_TYPE

# The object types under which the trail names a case or a signal (``audit.recording.record``).
_CASE, _SIGNAL = "case", "signal"


def _contains(field: str, value: str) -> Q:
    """``value`` is an element of the JSON list ``field`` (jsonb @> on PostgreSQL, text elsewhere)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__contains": [value]})
    return Q(**{f"{field}_text__contains": f'"{value}"'})


def _about(bsns: Iterable[str], case_ids: Iterable[int], signal_ids: Iterable[int]) -> Q:
    about = Q(pk__in=[])
    for bsn in bsns:
        if person_hash(bsn):
            about |= _contains("persons", person_hash(bsn))
    for object_type, ids in ((_CASE, case_ids), (_SIGNAL, signal_ids)):
        ids = [str(pk) for pk in ids]
        if not ids:
            continue
        about |= Q(object_type=object_type, object_id__in=ids)
        for pk in ids:
            about |= Q(object_type=object_type) & _contains("object_ids", pk)
    return about


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


_OBJECT_NAMES = {_CASE: "melding", _SIGNAL: "signaal", "delivery": "levering", "persoon": "inzage"}


def _object(event: AuditEvent) -> str:
    name = _OBJECT_NAMES.get(event.object_type, event.object_type)
    if event.object_id:
        return f"{name} {event.object_id}"
    if event.count is not None:
        return f"lijst ({event.count} getoond)" if not name else f"{name}: lijst ({event.count} getoond)"
    return name


def _reader(event: AuditEvent) -> str:
    if event.principal == Principal.CREDITOR_KEY:
        return f"{event.creditor_name} (vastelastenpartner, via een API-sleutel)"
    return event.username


def audit_reads(*, municipality_id: int, bsns: list[str], case_ids: list[int], signal_ids: list[int]) -> list[dict]:
    """The audit events about these persons, cases and signals in this municipality, oldest first."""
    about = _about(bsns, case_ids, signal_ids)
    members = User.municipalities.through.objects.filter(user_id=OuterRef("user_id"), municipality_id=municipality_id)
    events = AuditEvent.objects.filter(Q(municipality_id=municipality_id)
                                       | Q(municipality__isnull=True) & Exists(members))
    if connection.vendor != "postgresql":
        events = events.annotate(persons_text=Cast("persons", TextField()),
                                 object_ids_text=Cast("object_ids", TextField()))
    return [{
        "op": timezone.localtime(event.at).isoformat(timespec="seconds"),
        "wie": _reader(event),
        "rol": _label(Role, event.role) if event.role else "",
        "handeling": _label(Action, event.action),
        "doel": _label(Purpose, event.purpose) if event.purpose else "",
        "scherm_of_koppeling": event.route or event.path,
        "object": _object(event),
    } for event in events.filter(about).order_by("at", "pk")]


def ddas_deliveries(*, municipality_id: int, signals) -> list[dict]:
    """The DDAS deliveries (VNG/CBS, issue 12) that carried these signals: the export events of this municipality
    (object ``0363:2026-01-01..2026-06-30``) whose period holds a signal's signal date, made while the signal
    was stored. The export event names no person (a delivery holds thousands); this is how a resident learns
    that their signal went to CBS (AVG art. 15(1)(c): the recipients)."""
    events = AuditEvent.objects.filter(municipality_id=municipality_id, object_type=DDAS_OBJECT_TYPE,
                                       action=Action.EXPORT).order_by("at", "pk")
    found = []
    for event in events:
        period = DdasSummary.period_of(event.object_id)
        if period is None:
            continue
        start, end = period
        carried = [s.signal_id for s in signals if start <= s.signal_date <= end and s.received_at <= event.at]
        if carried:
            found.append({"ontvanger": "CBS (landelijke uitwisseling vroegsignalering, DDAS)",
                          "periode": {"van": start.isoformat(), "tot_en_met": end.isoformat()},
                          "op": timezone.localtime(event.at).isoformat(timespec="seconds"),
                          "door": _reader(event), "signalen": carried})
    return found
