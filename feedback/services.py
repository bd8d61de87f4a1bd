"""Writes of feedback: issuing events (in the caller's transaction) and publishing them to the feed.

``feedback_issue_for_signal`` and ``feedback_issue_for_cases`` are called by the checks and the case
services *inside their own transaction*, so an event exists exactly when its cause committed.
``feedback_publish`` hands out feed sequence numbers to committed events (docs/adr/0005).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F

from cases import deadlines
from vroegsignalering.common.bulk import bulk_insert
from vroegsignalering.common.vocab import HELP_ACCEPTED, OUTCOMES, Outcome

from .models import FeedbackCode, FeedbackEvent, FeedCounter

COLLECTION_PAUSE = dt.timedelta(days=30)
PUBLISH_BATCH = 5000


def feedback_code(outcome: str, *, consent: bool = False) -> str:
    """The one feedback code for a DDAS end result (DESIGN.md's table via ``vocab.OUTCOMES``).
    ``geen_hulp_gewenst`` only with the resident's recorded consent; otherwise ``afgesloten``."""
    outcome = Outcome(outcome)
    code = OUTCOMES[outcome][1]
    if outcome == Outcome.GEEN_HULP_GEWENST and consent:
        code = FeedbackCode.GEEN_HULP_GEWENST
    return FeedbackCode(code).value  # raises for anything outside the contract's nine codes


def _case_consent(case) -> bool:
    """Whether the resident consented to telling the creditor 'geen hulp gewenst' (recorded at
    closing with date and by whom); without it such a case is reported as ``afgesloten``."""
    return case.feedback_consent_at is not None


def _event(*, signal_pk: int, creditor_id: int, municipality_id: int, outcome: str, issued_at: dt.datetime,
           at: dt.datetime, consent: bool = False) -> FeedbackEvent:
    code = feedback_code(outcome, consent=consent)
    day = deadlines.local_date(at)
    return FeedbackEvent(
        signal_id=signal_pk, creditor_id=creditor_id, municipality_id=municipality_id, code=code,
        issued_at=issued_at, date=day,
        collection_pause_until=day + COLLECTION_PAUSE if Outcome(outcome) in HELP_ACCEPTED else None,
    )


def feedback_issue_for_signal(*, signal, outcome: str, now: dt.datetime) -> FeedbackEvent | None:
    """A signal ended without a case (not picked up, deceased, not resident, forwarded). Call inside
    the transaction that ends it. A forwarded copy never reports (its creditor sees the original)."""
    if signal.forwarded_from_id is not None:
        return None
    event = _event(signal_pk=signal.pk, creditor_id=signal.creditor_id, municipality_id=signal.municipality_id,
                   outcome=outcome, issued_at=now, at=now)
    event.save()
    return event


def feedback_issue_for_cases(*, cases: Iterable, now: dt.datetime) -> list[FeedbackEvent]:
    """Closed cases (manually, on day 28, at routing, or again after a reopening): one event per
    signal of each case, to that signal's own creditor. Call inside the closing transaction, after
    the case's signals are linked."""
    from cases.models import CaseSignal

    cases = {case.pk: case for case in cases if case.outcome}
    if not cases:
        return []
    links = (CaseSignal.objects.filter(case_id__in=list(cases), signal__forwarded_from__isnull=True)
             .order_by("case_id", "signal_id")
             .values_list("case_id", "signal_id", "signal__creditor_id", "signal__municipality_id"))
    events = []
    for case_id, signal_pk, creditor_id, municipality_id in links:
        case = cases[case_id]
        events.append(_event(signal_pk=signal_pk, creditor_id=creditor_id, municipality_id=municipality_id,
                             outcome=case.outcome, issued_at=now, at=case.closed_at or now,
                             consent=_case_consent(case)))
    bulk_insert(FeedbackEvent, events)
    return events


def _counter() -> FeedCounter:
    try:
        return FeedCounter.objects.select_for_update().get(pk=1)
    except FeedCounter.DoesNotExist:
        try:
            with transaction.atomic():
                FeedCounter.objects.create(pk=1, last_seq=0)
        except IntegrityError:
            pass  # another process created it
        return FeedCounter.objects.select_for_update().get(pk=1)


def feedback_publish(*, limit: int = PUBLISH_BATCH) -> int:
    """Give committed, unpublished events their feed sequence number, above every number handed out
    before, in id order. Serialised by the counter's row lock; an event still uncommitted is left
    for a later call, where it gets a higher number than anything a reader has seen. Returns the
    number published."""
    with transaction.atomic():
        counter = _counter()
        pending = list(FeedbackEvent.objects.filter(seq__isnull=True).order_by("pk")
                       .values_list("pk", flat=True)[:limit])
        if not pending:
            return 0
        offset = max(0, counter.last_seq - pending[0] + 1)
        for start in range(0, len(pending), 1000):
            FeedbackEvent.objects.filter(pk__in=pending[start:start + 1000], seq__isnull=True).update(
                seq=F("pk") + offset)
        counter.last_seq = pending[-1] + offset
        counter.save(update_fields=["last_seq"])
    return len(pending)
