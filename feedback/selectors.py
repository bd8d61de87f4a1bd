"""Reads of feedback, always scoped to one creditor (a key never sees another creditor's data)."""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from .models import DeliveryStatus, FeedbackEvent, WebhookDelivery, WebhookEndpoint

_CURSOR_PREFIX = "v1:"
_CURSOR = re.compile(r"v1:([0-9]{1,19})")
CURSOR_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"  # base64url without padding, as cursor_encode writes it
_CURSOR_TEXT = re.compile(CURSOR_PATTERN)


def cursor_encode(seq: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{seq}".encode()).decode().rstrip("=")


def cursor_decode(value: str) -> int | None:
    """The sequence number in an opaque cursor; None when it is not one of ours."""
    if not _CURSOR_TEXT.fullmatch(value):  # b64decode would skip other characters and accept "=" padding
        return None
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    match = _CURSOR.fullmatch(text)
    seq = int(match[1]) if match else None
    return seq if seq is not None and seq < 2**63 else None


@dataclass(frozen=True)
class FeedPage:
    events: list[FeedbackEvent]
    next_cursor: str | None


def feedback_page_for_creditor(*, creditor, after: int = 0, limit: int = 100,
                               municipality_code: str | None = None) -> FeedPage:
    """One page of the creditor's published feed after sequence number ``after``, in feed order.
    ``next_cursor`` points after the page's last item (keep it to resume later, also from the last
    page); None when the page is empty (nothing newer yet: keep the cursor you asked with)."""
    events = FeedbackEvent.objects.filter(creditor=creditor, seq__gt=after)
    if municipality_code:
        events = events.filter(municipality__cbs_code=municipality_code)
    rows = list(events.select_related("municipality")
                .only("public_id", "code", "date", "collection_pause_until", "seq", "creditor_signal_id",
                      "municipality__cbs_code")
                .order_by("seq")[:limit])
    return FeedPage(rows, cursor_encode(rows[-1].seq) if rows else None)


def signal_latest_code(signal) -> str | None:
    """The latest feedback code issued for a signal (a later one supersedes an earlier one)."""
    return (FeedbackEvent.objects.filter(signal_id=signal.pk).order_by("-pk")
            .values_list("code", flat=True).first())


def webhook_endpoints_due(*, now: dt.datetime) -> list[int]:
    """Active endpoints with pending deliveries that may be tried now: not backing off after a
    failure and not in a run (or in a run whose lease has expired)."""
    pending = WebhookDelivery.objects.filter(endpoint=OuterRef("pk"), status=DeliveryStatus.PENDING)
    return list(WebhookEndpoint.objects.filter(active=True)
                .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
                .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
                .filter(Exists(pending)).order_by("pk").values_list("pk", flat=True))
