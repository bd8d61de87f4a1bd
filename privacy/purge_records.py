"""Destroying expired cases and signals with everything that hangs from them, in short batches.

Each batch is one transaction: the parents' ids (ordered by pk, at most ``batch_size``) are selected and, on
PostgreSQL, locked with ``FOR UPDATE SKIP LOCKED`` — a row a screen holds is skipped and tried again at the
next run —; then the child tables are emptied explicitly with one plain ``DELETE … WHERE …_id IN (…)`` each,
children first (``QuerySet._raw_delete``: no rows are loaded, no signals, and the append-only history models'
ORM guard is bypassed on purpose, as ``audit.services.audit_events_purge`` does). Django's own cascade would
load every row into memory first: far too slow for a million rows.

The order (docs/retention.md, docs/design/retention-inventory.md §4):

- a case: its letters, outreach steps and run (issue 13) → tasks → unusable contact data → planned visits → contact
  attempts → follow-ups → case history → case-signal links → the case, then its signals as below;
- a signal: its feedback events are detached (they keep the creditor's signaalId), a forwarded copy elsewhere
  lets go of it (``forwarded_from`` emptied; the copy keeps its own term), then signal history → fallout
  decisions → the signal.

A dry run counts the same rows without touching them (subqueries instead of id lists; no locks).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from django.db import connection, transaction
from django.db.models import QuerySet

from cases.models import Case, CaseHistory, CaseSignal, FollowUp, UnusableContact
from contacts.models import CaseTask, ContactAttempt, PlannedVisit
from feedback.models import FeedbackEvent
from monitor.services import facts_coarsen
from outreach.models import CaseOutreach, CaseOutreachStep, Letter
from signals.models import FalloutDecision, Signal, SignalHistory

BATCH_SIZE = 2000

# Children first; each (model, the column that names the parent).
CASE_TABLES = ((Letter, "case_id"), (CaseOutreachStep, "case_id"), (CaseOutreach, "case_id"), (CaseTask, "case_id"),
               (UnusableContact, "case_id"), (PlannedVisit, "case_id"), (ContactAttempt, "case_id"),
               (FollowUp, "case_id"), (CaseHistory, "case_id"), (CaseSignal, "case_id"), (Case, "pk"))
SIGNAL_TABLES = ((SignalHistory, "signal_id"), (FalloutDecision, "signal_id"), (Signal, "pk"))


def table(model) -> str:
    return model._meta.db_table


def _tables(spec, ids, *, dry_run: bool) -> Counter:
    counts: Counter = Counter()
    for model, column in spec:
        rows = model._base_manager.filter(**{f"{column}__in": ids})
        counts[table(model)] += rows.count() if dry_run else rows._raw_delete(rows.db)
    return counts


def destroy_signals(ids, *, dry_run: bool = False) -> Counter:
    """The signals ``ids`` (a list, or a subquery in a dry run) and their history and fallout decisions."""
    if not dry_run:
        FeedbackEvent.objects.filter(signal_id__in=ids).update(signal=None)
        Signal._base_manager.filter(forwarded_from_id__in=ids).update(forwarded_from=None)
        facts_coarsen(ids)  # the statistics keep classes and months, not the exact amount and dates
    return _tables(SIGNAL_TABLES, ids, dry_run=dry_run)


def destroy_cases(ids, *, dry_run: bool = False) -> Counter:
    """The cases ``ids`` with their visits, attempts, follow-ups, history and signals."""
    links = CaseSignal.objects.filter(case_id__in=ids).values_list("signal_id", flat=True)
    signal_ids = links if dry_run else list(links)
    counts = _tables(CASE_TABLES, ids, dry_run=dry_run)
    counts.update(destroy_signals(signal_ids, dry_run=dry_run))
    return counts


def _locked_ids(queryset: QuerySet, after: int, size: int) -> list[int]:
    rows = queryset.filter(pk__gt=after).order_by("pk")
    if connection.vendor == "postgresql":
        rows = rows.select_for_update(skip_locked=True)
    return list(rows.values_list("pk", flat=True)[:size])


def in_batches(queryset: QuerySet, destroy: Callable[..., Counter], *, batch_size: int = BATCH_SIZE,
               dry_run: bool = False) -> tuple[int, Counter]:
    """Destroy the rows of ``queryset`` (re-read per batch) with ``destroy``, ``batch_size`` parents per
    transaction; the number of parents and the rows per table. A dry run counts them in one go."""
    if dry_run:
        return queryset.count(), destroy(queryset.values("pk"), dry_run=True)
    parents, counts, after = 0, Counter(), 0
    while True:
        with transaction.atomic():
            ids = _locked_ids(queryset, after, batch_size)
            if not ids:
                return parents, counts
            counts.update(destroy(ids))
        parents += len(ids)
        after = ids[-1]
