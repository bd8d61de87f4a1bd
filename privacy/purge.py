"""The daily purge: personal data destroyed when its term ends (docs/retention.md).

``personal_data_purge`` runs the steps in the inventory's order (docs/design/retention-inventory.md §4), per
municipality for what belongs to one, then for the installation; it writes a :class:`PurgeRun` with the
counts per municipality and table and one audit event with the total. The deletion is real (no soft delete).
The terms are ``cases.retention``'s. The statistics store (``monitor``) is never touched: it holds no personal
data and is written when things happen, so the figures are the same before and after.

Steps:

1. expired cases, with their visits, attempts, follow-ups, history, links and signals (``purge_records``);
2. signals that ended without a case, past their term;
3. signals that never ended, past the backstop (reported on their own in ``PurgeRun.never_ended``);
4. the recidive facts past their own term (``expire_recurrence_facts``: a named place for the step; the
   ``signals.RecurrenceFact`` model and its expiry come from the recidive ADR);
5. the municipality's SHV register rows no longer current;
6. delivery results and CSV imports (installation-wide);
7. the audit trail and the admin's log past ``AUDIT_RETENTION_MONTHS``, expired sessions, old login attempts.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.models import Municipality
from audit.services import audit_events_write
from audit.vocab import Action, Principal, Purpose
from cases.retention import cases_expired, signals_expired_ended, signals_expired_never_ended
from signals.models import RecurrenceFact
from signals.services import recurrence_facts_expire
from vroegsignalering.common.dates import local_date

from . import purge_other
from .models import INSTALLATION, PurgeRun
from .purge_records import BATCH_SIZE, destroy_cases, destroy_signals, in_batches, table


@dataclass
class PurgeReport:
    """What a run destroyed (or, in a dry run, would destroy): rows per municipality (CBS code, or
    ``installatie``) and table, and the signals that never ended per municipality."""

    day: dt.date
    dry_run: bool = False
    counts: dict[str, Counter] = field(default_factory=dict)
    never_ended: dict[str, int] = field(default_factory=dict)
    run: PurgeRun | None = None

    def add(self, key: str, counts: Counter) -> None:
        self.counts.setdefault(key, Counter()).update(counts)

    def as_json(self) -> dict:
        return {key: {name: n for name, n in sorted(tables.items()) if n}
                for key, tables in sorted(self.counts.items()) if any(tables.values())}

    @property
    def total(self) -> int:
        return sum(sum(tables.values()) for tables in self.as_json().values())


def expire_recurrence_facts(municipality, today: dt.date, *, dry_run: bool = False) -> Counter:
    """Step 4: the pseudonymised recidive facts past their own term (ADR 0011), counted like the other tables."""
    return Counter({table(RecurrenceFact): recurrence_facts_expire(today, municipality=municipality,
                                                                   dry_run=dry_run)})


def _municipality(municipality, today: dt.date, report: PurgeReport, batch_size: int) -> None:
    dry_run = report.dry_run
    _, cases = in_batches(cases_expired(municipality, today), destroy_cases, batch_size=batch_size,
                          dry_run=dry_run)
    _, ended = in_batches(signals_expired_ended(municipality, today), destroy_signals, batch_size=batch_size,
                          dry_run=dry_run)
    never, never_rows = in_batches(signals_expired_never_ended(municipality, today), destroy_signals,
                                   batch_size=batch_size, dry_run=dry_run)
    key = municipality.cbs_code
    for counts in (cases, ended, never_rows, expire_recurrence_facts(municipality, today, dry_run=dry_run),
                   purge_other.shv_register(municipality, today, dry_run=dry_run)):
        report.add(key, counts)
    if never:
        report.never_ended[key] = never


def personal_data_purge(*, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE,
                        dry_run: bool = False) -> PurgeReport:
    """Destroy what is past its term on the local day of ``now`` (default: now). A dry run counts only and
    writes nothing (no run, no audit event)."""
    started = timezone.now()
    now = now or started
    today = local_date(now)
    report = PurgeReport(day=today, dry_run=dry_run)
    try:
        for municipality in Municipality.objects.order_by("pk"):
            _municipality(municipality, today, report, batch_size)
        report.add(INSTALLATION, purge_other.deliveries_and_imports(today, dry_run=dry_run))
        report.add(INSTALLATION, purge_other.print_batches(today, dry_run=dry_run))
        report.add(INSTALLATION, purge_other.trails_and_logs(today, now, dry_run=dry_run))
    except Exception as error:
        # What the committed batches destroyed is reported even when a later step fails (accountability);
        # the task retries and the next run does the rest.
        if not dry_run:
            _record(report, started, today, interrupted_by=type(error).__name__)
        raise
    if not dry_run:
        _record(report, started, today)
    return report


def _record(report: PurgeReport, started, today: dt.date, *, interrupted_by: str = "") -> None:
    """The run's row and its one audit event (counts only)."""
    with transaction.atomic():
        report.run = PurgeRun.objects.create(started_at=started, finished_at=timezone.now(), day=today,
                                             counts=report.as_json(), never_ended=report.never_ended,
                                             interrupted_by=interrupted_by[:100])
        audit_events_write([{
            "at": report.run.finished_at, "principal": Principal.SYSTEM, "username": "opschoning",
            "action": Action.DESTROY, "object_type": "purgerun", "object_id": str(report.run.pk),
            "count": report.total, "route": "privacy.tasks.personal_data_purge", "method": "", "path": "",
            "purpose": Purpose.BEHEER,
        }])
