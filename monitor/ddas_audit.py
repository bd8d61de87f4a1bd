"""The DDAS export in the audit trail: one event per export, with the delivery (municipality and period) and
its counts, never a BSN or any other personal data (docs/audit-trail.md)."""
from __future__ import annotations

import getpass

from django.utils import timezone

from audit.recording import pending, record
from audit.services import audit_events_write
from audit.vocab import Action, Principal, Purpose

from .ddas import DdasSummary

OBJECT_TYPE = "ddas_levering"
COMMAND = "ddas_export"


def _fields(summary: DdasSummary) -> dict:
    """The event: ``object_id`` the delivery (``0363:2026-01-01..2026-06-30``), ``count`` the signals sent,
    ``object_ids`` every count as ``name=number`` (the trail has no other place for several numbers)."""
    return {"action": str(Action.EXPORT), "purpose": str(Purpose.BEHEER), "object_type": OBJECT_TYPE,
            "object_id": summary.reference, "object_ids": summary.lines(), "count": summary.vroegsignalen,
            "persons": [], "search_hash": ""}


def record_download(request, summary: DdasSummary, municipality) -> None:
    """The download: the event waits on the request like every other (``AuditMiddleware`` writes it)."""
    record(request, Action.EXPORT, object_type=OBJECT_TYPE, object_id=summary.reference,
           count=summary.vroegsignalen, purpose=Purpose.BEHEER, municipality_id=municipality.pk)
    pending(request)[-1].update(_fields(summary))


def record_command(summary: DdasSummary, municipality) -> None:
    """The command has no request: the event is written at once, with the operating-system user as actor."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "onbekend"
    audit_events_write([{
        **_fields(summary), "at": timezone.now(), "principal": str(Principal.USER), "user_id": None,
        "username": f"manage.py {COMMAND} ({who})"[:150], "role": "", "key_prefix": "", "creditor_id": None,
        "creditor_name": "", "municipality_id": municipality.pk, "route": COMMAND, "method": "CLI",
        "path": f"manage.py {COMMAND}", "status": None, "request_id": "",
    }])
