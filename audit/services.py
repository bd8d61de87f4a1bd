"""Writing the trail (one insert per request) and the one deliberate way to delete from it (retention)."""
from __future__ import annotations

import datetime as dt

from django.db import connection, transaction

from .models import AuditEvent

# The PostgreSQL setting the append-only trigger checks (migration 0002): only a transaction that set it
# with SET LOCAL may delete rows; nothing may ever update one.
PURGE_SETTING = "vroegsignalering.audit_purge"


def audit_events_write(rows: list[dict]) -> list[AuditEvent]:
    """Store events (field dicts) in one INSERT. One event (the usual request) is a plain INSERT in autocommit:
    ``bulk_create`` would wrap it in BEGIN … COMMIT, two more round trips on every page."""
    events = [AuditEvent(**row) for row in rows]
    if len(events) == 1:
        events[0].save(force_insert=True)
        return events
    return AuditEvent.objects.bulk_create(events) if events else []


def audit_events_purge(*, before: dt.datetime, batch_size: int = 10_000) -> int:
    """Delete the events older than ``before`` (the retention job of issue 12); the number deleted. In batches
    of ``batch_size`` oldest ids, each in its own short transaction, so that the first run over years of trail
    holds no long transaction.

    On PostgreSQL the trigger refuses every DELETE unless the transaction says ``SET LOCAL
    vroegsignalering.audit_purge = 'on'``; this function is the only code that says it.
    """
    postgres = connection.vendor == "postgresql"
    deleted = 0
    while True:
        with transaction.atomic():
            if postgres:  # set_config(…, true) is SET LOCAL; off again below, for a caller's longer transaction
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_SETTING])
            old = AuditEvent.objects.filter(at__lt=before).order_by("pk")
            ids = list(old.values_list("pk", flat=True)[:batch_size])
            # The model's queryset refuses delete(); a purge deletes the rows directly, without signals.
            batch = AuditEvent.objects.filter(pk__in=ids)._raw_delete(AuditEvent.objects.db) if ids else 0
            if postgres:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config(%s, 'off', true)", [PURGE_SETTING])
        deleted += batch
        if len(ids) < batch_size:
            return deleted
