"""The purge's other steps: delivery and CSV results, the SHV register, the audit trail's own term, the
admin's log, expired sessions and old login attempts. Each returns ``{table: rows}`` and counts only in a
dry run. Deliveries and CSV imports belong to a creditor, not to one municipality: their term is the
shortest term of the installation's municipalities (the strictest wins)."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.db.models import Exists, OuterRef

from accounts.models import Municipality
from audit.models import AuditEvent
from audit.services import audit_events_purge
from cases.retention import cutoff, last_expired_day
from feedback.models import DeliveryStatus, WebhookDelivery
from outreach.models import Letter, PrintBatch
from shv.models import ShvRegistration
from shv.services import AFTERCARE_MONTHS
from signals.models import CsvImport, Delivery, Signal

from .purge_records import table

# The audit trail's own term: at least the longest case term the inzage report must be able to account for
# (checked by vroegsignalering.settings); default two years (BIO logging).
AUDIT_RETENTION_MONTHS_MIN = 6


def installation_months() -> int:
    """The term for what belongs to a creditor rather than a municipality: the shortest of the municipalities'."""
    terms = list(Municipality.objects.values_list("retention_months", flat=True))
    return min(terms) if terms else 6


def _delete(rows, *, dry_run: bool) -> int:
    return rows.count() if dry_run else rows._raw_delete(rows.db)


def deliveries_and_imports(today: dt.date, *, dry_run: bool = False) -> Counter:
    """Deliveries past the term: their per-signal ``results`` emptied (the counts stay); deleted when no
    signal refers to them any more. CSV imports whose last progress is past the term: deleted (file name,
    results per row and error with them; the CSV content itself is emptied when an import finishes)."""
    before = cutoff(today, installation_months())
    counts: Counter = Counter()
    old = Delivery.objects.filter(received_at__lt=before)
    results = old.exclude(results=[])
    counts[f"{table(Delivery)}.results"] = results.count() if dry_run else results.update(results=[])
    unused = old.exclude(Exists(Signal.objects.filter(delivery=OuterRef("pk"))))
    imports = CsvImport.objects.filter(progress_at__lt=before)
    if not dry_run:
        through = CsvImport.deliveries.through
        through.objects.filter(delivery__in=unused.values("pk"))._raw_delete(through.objects.db)
        for through in (CsvImport.deliveries.through, CsvImport.municipalities.through):
            through.objects.filter(csvimport__in=imports.values("pk"))._raw_delete(through.objects.db)
    counts[table(Delivery)] = _delete(unused, dry_run=dry_run)
    counts[table(CsvImport)] = _delete(imports, dry_run=dry_run)
    return counts


def print_batches(today: dt.date, *, dry_run: bool = False) -> Counter:
    """Print batches past the term whose letters are all destroyed (with their cases): deleted, with their
    parts. (A handed-over batch's PDF, names and addresses, is already gone 14 days after the handover:
    ``outreach.print_batches.print_batch_pdfs_delete``.)"""
    before = cutoff(today, installation_months())
    empty = PrintBatch.objects.filter(created_at__lt=before).exclude(
        Exists(Letter.objects.filter(batch=OuterRef("pk"))))
    if dry_run:
        return Counter({table(PrintBatch): empty.count()})
    return Counter({table(PrintBatch): empty.delete()[1].get(PrintBatch._meta.label, 0)})


def shv_register(municipality, today: dt.date, *, dry_run: bool = False) -> Counter:
    """SHV register rows no longer current: ended (end decision) longer ago than the six months of aftercare
    the check still counts, plus the municipality's term. A running product (no end decision) stays."""
    last = last_expired_day(today, AFTERCARE_MONTHS + municipality.retention_months)
    rows = ShvRegistration.objects.filter(municipality=municipality, end_decision_date__lte=last)
    return Counter({table(ShvRegistration): _delete(rows, dry_run=dry_run)})


def audit_months() -> int:
    return max(settings.AUDIT_RETENTION_MONTHS, AUDIT_RETENTION_MONTHS_MIN)


def trails_and_logs(today: dt.date, now: dt.datetime, *, dry_run: bool = False) -> Counter:
    """The audit trail and the admin's log past the audit term; expired sessions; login attempts (axes) past
    the audit term."""
    before = cutoff(today, audit_months())
    counts: Counter = Counter()
    if dry_run:
        counts[table(AuditEvent)] = AuditEvent.objects.filter(at__lt=before).count()
    else:
        counts[table(AuditEvent)] = audit_events_purge(before=before)
    counts[table(LogEntry)] = _delete(LogEntry.objects.filter(action_time__lt=before), dry_run=dry_run)
    # Webhook deliveries done with (delivered or given up) past the audit term: their last error is the
    # receiver's own text. The event they delivered stays (the feed).
    finished = WebhookDelivery.objects.filter(created_at__lt=before).exclude(status=DeliveryStatus.PENDING)
    counts[table(WebhookDelivery)] = _delete(finished, dry_run=dry_run)
    counts[table(Session)] = _delete(Session.objects.filter(expire_date__lt=now), dry_run=dry_run)
    for model in (AccessLog, AccessFailureLog):
        counts[table(model)] = _delete(model.objects.filter(attempt_time__lt=before), dry_run=dry_run)
    attempts = AccessAttempt.objects.filter(attempt_time__lt=before)
    # AccessAttempt has a one-to-one child (its expiry): the ORM delete takes both (a handful of rows).
    counts[table(AccessAttempt)] = attempts.count() if dry_run else attempts.delete()[1].get(
        AccessAttempt._meta.label, 0)
    return counts
