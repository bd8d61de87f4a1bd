"""Writes of feedback: issuing events (in the caller's transaction) and publishing them to the feed.

``feedback_issue_for_signal`` and ``feedback_issue_for_cases`` are called by the checks and the case
services *inside their own transaction*, so an event exists exactly when its cause committed.
``feedback_publish`` hands out feed sequence numbers to committed events (docs/adr/0005) and, for
creditors with a webhook, records one delivery per endpoint and enqueues the push on commit;
``webhook_endpoint_deliver`` pushes an endpoint's pending deliveries (docs/webhooks.md).
"""
from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from vroegsignalering.common import dates
from vroegsignalering.common.bulk import bulk_insert
from vroegsignalering.common.vocab import HELP_ACCEPTED, OUTCOMES, Outcome

from . import webhooks
from .models import DeliveryStatus, FeedbackCode, FeedbackEvent, FeedCounter, WebhookDelivery, WebhookEndpoint
from .representations import feed_item
from .selectors import cursor_encode
from .tasks import webhook_deliver

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


@dataclass(frozen=True)
class ClosedSignal:
    """One signal of a closed case, as feedback needs it; the case side builds these rows, so
    feedback reads no case. ``consent``: the resident consented to telling the creditor 'geen hulp
    gewenst' (recorded at closing with date and by whom); without it such a case is reported as
    ``afgesloten``. ``forwarded``: the signal is a forwarded copy (never reported). ``signal_ref``: the
    creditor's own signaalId (the event keeps it after the signal is destroyed)."""

    signal_id: int
    creditor_id: int
    municipality_id: int
    outcome: str
    closed_at: dt.datetime | None
    consent: bool = False
    forwarded: bool = False
    signal_ref: str = ""


def _event(*, signal_pk: int, signal_ref: str, creditor_id: int, municipality_id: int, outcome: str,
           issued_at: dt.datetime, at: dt.datetime, consent: bool = False) -> FeedbackEvent:
    code = feedback_code(outcome, consent=consent)
    day = dates.local_date(at)
    return FeedbackEvent(
        signal_id=signal_pk, creditor_signal_id=signal_ref, creditor_id=creditor_id,
        municipality_id=municipality_id, code=code,
        issued_at=issued_at, date=day,
        collection_pause_until=day + COLLECTION_PAUSE if Outcome(outcome) in HELP_ACCEPTED else None,
    )


def feedback_issue_for_signal(*, signal, outcome: str, now: dt.datetime) -> FeedbackEvent | None:
    """A signal ended without a case (not picked up, deceased, not resident, forwarded). Call inside
    the transaction that ends it. A forwarded copy never reports (its creditor sees the original)."""
    if signal.forwarded_copy or signal.forwarded_from_id is not None:
        return None
    event = _event(signal_pk=signal.pk, signal_ref=signal.signal_id, creditor_id=signal.creditor_id,
                   municipality_id=signal.municipality_id,
                   outcome=outcome, issued_at=now, at=now)
    event.save()
    return event


def feedback_issue_for_cases(*, rows: Iterable[ClosedSignal], now: dt.datetime) -> list[FeedbackEvent]:
    """Closed cases (manually, on day 28, at routing, or again after a reopening): one event per
    signal of each case, to that signal's own creditor (``rows``: one per signal, built by the case
    side). Call inside the closing transaction, after the case's signals are linked. A forwarded copy
    never reports (its creditor sees the original)."""
    events = [
        _event(signal_pk=row.signal_id, signal_ref=row.signal_ref, creditor_id=row.creditor_id,
               municipality_id=row.municipality_id,
               outcome=row.outcome, issued_at=now, at=row.closed_at or now, consent=row.consent)
        for row in rows if row.outcome and not row.forwarded
    ]
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
        _webhook_deliveries_create(pending)
    return len(pending)


# --- Webhooks ---------------------------------------------------------------------------------

WEBHOOK_BATCH = 100
WEBHOOK_TIME_BUDGET = 60.0  # seconds of sending per run; the rest goes to a follow-up run
WEBHOOK_LEASE = dt.timedelta(seconds=180)  # > budget + one timeout: a crashed run frees the endpoint


def _webhook_deliveries_create(event_ids: list[int]) -> None:
    """Inside the publish transaction: one delivery per just-published event per active endpoint of
    its creditor, and a delivery run per touched endpoint once it commits."""
    endpoints: dict[int, list[int]] = defaultdict(list)
    active = WebhookEndpoint.objects.filter(active=True, creditor__is_active=True)
    for endpoint_id, creditor_id in active.values_list("pk", "creditor_id"):
        endpoints[creditor_id].append(endpoint_id)
    if not endpoints:
        return
    now = timezone.now()
    rows = []
    for start in range(0, len(event_ids), 1000):
        events = (FeedbackEvent.objects.filter(pk__in=event_ids[start:start + 1000], creditor_id__in=list(endpoints))
                  .values_list("pk", "creditor_id", "seq"))
        for event_id, creditor_id, seq in events:
            rows.extend(WebhookDelivery(endpoint_id=endpoint_id, event_id=event_id, seq=seq, created_at=now,
                                        next_attempt_at=now) for endpoint_id in endpoints[creditor_id])
    WebhookDelivery.objects.bulk_create(rows, batch_size=1000)
    for endpoint_id in sorted({row.endpoint_id for row in rows}):
        webhook_deliver.delay_on_commit(endpoint_id)


def webhook_endpoint_create(*, creditor, url: str, description: str = "", active: bool = True
                            ) -> tuple[WebhookEndpoint, str]:
    """A new endpoint with a generated secret; returns it with the secret (show it once). It receives
    what is published from now on (earlier feedback: read the feed). Refuses a bad URL (field ``url``)."""
    url = (url or "").strip()
    error = webhooks.url_error(url)
    if error:
        raise ValidationError({"url": error})
    secret = webhooks.secret_generate()
    endpoint = WebhookEndpoint.objects.create(creditor=creditor, url=url, description=(description or "").strip(),
                                              secret=secret, active=active)
    return endpoint, secret


def webhook_endpoint_update(*, endpoint: WebhookEndpoint, url: str, description: str = "",
                            active: bool = True) -> WebhookEndpoint:
    """Change the address, description or active flag (the secret stays). Re-activating lets the
    pending deliveries go out again (those older than the give-up term are then marked failed)."""
    url = (url or "").strip()
    error = webhooks.url_error(url)
    if error:
        raise ValidationError({"url": error})
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        endpoint.url, endpoint.description, endpoint.active = url, (description or "").strip(), active
        fields = ["url", "description", "active"]
        if active:  # a fixed address deserves an attempt now
            endpoint.retry_at = None
            fields.append("retry_at")
        endpoint.save(update_fields=fields)
    return endpoint


def webhook_endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> str:
    """A new secret, effective at once (the creditor must switch to it); returned to show once."""
    secret = webhooks.secret_generate()
    with transaction.atomic():
        WebhookEndpoint.objects.select_for_update().filter(pk=endpoint.pk).update(secret=secret)
    endpoint.secret = secret
    return secret


def webhook_deliveries_retry(*, delivery_ids: Iterable[int], now: dt.datetime | None = None) -> int:
    """Functional admin: send these deliveries (also given-up ones) again at the next run. Returns
    how many were reset; their endpoints' backoff is lifted and a run is enqueued."""
    now = now or timezone.now()
    with transaction.atomic():
        deliveries = WebhookDelivery.objects.select_for_update().filter(pk__in=list(delivery_ids))
        endpoint_ids = sorted(set(deliveries.values_list("endpoint_id", flat=True)))
        count = deliveries.exclude(status=DeliveryStatus.DELIVERED).update(
            status=DeliveryStatus.PENDING, created_at=now, next_attempt_at=now)
        WebhookEndpoint.objects.filter(pk__in=endpoint_ids).update(retry_at=None)
        for endpoint_id in endpoint_ids:
            webhook_deliver.delay_on_commit(endpoint_id)
    return count


def _deliveries_record(delivered: list[WebhookDelivery]) -> None:
    """Record a batch of successes in one statement. A run that dies before this re-sends them
    later (at least once; receivers drop duplicates by Idempotency-Key)."""
    if delivered:
        WebhookDelivery.objects.bulk_update(delivered, ["status", "attempts", "last_attempt_at", "last_http_status",
                                                        "last_error", "delivered_at"])
        delivered.clear()


@dataclass
class DeliveryRun:
    claimed: bool = True
    delivered: int = 0
    failed_attempts: int = 0
    given_up: int = 0
    more: bool = False  # the time budget ran out with deliveries left: a follow-up run is enqueued


def webhook_endpoint_deliver(*, endpoint_id: int, now: dt.datetime | None = None,
                             time_budget: float = WEBHOOK_TIME_BUDGET) -> DeliveryRun:
    """Push an endpoint's pending deliveries in feed order (at least once, in order per endpoint).

    One run per endpoint at a time: the run claims a lease on the endpoint row (a short UPDATE, so no
    transaction stays open during HTTP calls); a second run finds it taken and returns at once. The
    run stops at the first failure: the endpoint then waits (exponential backoff with jitter) and the
    same oldest item is tried first next time. Deliveries older than ``WEBHOOK_GIVE_UP_AFTER`` are
    marked failed without sending (the feed remains the source of truth). ``now`` fixes the clock
    (tests); otherwise each attempt reads the time."""
    started = time.monotonic()
    clock = (lambda: now) if now is not None else timezone.now
    at = clock()
    lease = at + WEBHOOK_LEASE
    claimed = (WebhookEndpoint.objects.filter(pk=endpoint_id, active=True)
               .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=at))
               .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=at))
               .update(lease_until=lease))
    if not claimed:
        return DeliveryRun(claimed=False)
    run = DeliveryRun()
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    pending = endpoint.deliveries.filter(status=DeliveryStatus.PENDING)
    delivered: list[WebhookDelivery] = []  # recorded once per batch (one UPDATE), not once per item
    try:
        with webhooks.client() as http:
            stop = False
            while not stop:
                at = clock()
                run.given_up += pending.filter(created_at__lt=at - settings.WEBHOOK_GIVE_UP_AFTER).update(
                    status=DeliveryStatus.FAILED, next_attempt_at=at,
                    last_error="Opgegeven: niet bezorgd binnen de termijn; lees de feed.")
                batch = list(pending.select_related("event__municipality")
                             .order_by("seq")[:WEBHOOK_BATCH])
                if not batch:
                    break
                for delivery in batch:
                    if time.monotonic() - started > time_budget:
                        run.more = stop = True
                        break
                    at = clock()
                    attempt = webhooks.post(
                        http, url=endpoint.url, secret=endpoint.secret, body=webhooks.body_bytes(
                            feed_item(delivery.event)),
                        event_id=str(delivery.event.public_id), cursor=cursor_encode(delivery.seq),
                        timestamp=int(at.timestamp()))
                    if attempt.ok:
                        run.delivered += 1
                        delivery.status, delivery.attempts, delivery.last_attempt_at = (
                            DeliveryStatus.DELIVERED, delivery.attempts + 1, at)
                        delivery.last_http_status, delivery.last_error, delivery.delivered_at = (
                            attempt.http_status, "", at)
                        delivered.append(delivery)
                        if endpoint.failures:
                            endpoint.failures, endpoint.retry_at = 0, None
                            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failures=0, retry_at=None)
                        continue
                    run.failed_attempts += 1
                    endpoint.failures += 1
                    endpoint.retry_at = at + webhooks.retry_delay(endpoint.failures)
                    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failures=endpoint.failures,
                                                                          retry_at=endpoint.retry_at)
                    WebhookDelivery.objects.filter(pk=delivery.pk).update(
                        attempts=F("attempts") + 1, last_attempt_at=at, last_http_status=attempt.http_status,
                        last_error=attempt.error, next_attempt_at=endpoint.retry_at)
                    stop = True
                    break
                _deliveries_record(delivered)
    finally:
        try:
            _deliveries_record(delivered)
        finally:
            WebhookEndpoint.objects.filter(pk=endpoint_id, lease_until=lease).update(lease_until=None)
    if run.more:
        webhook_deliver.delay_on_commit(endpoint_id)
    return run
