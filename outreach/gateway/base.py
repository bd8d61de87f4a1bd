"""What every gateway (Notify, SMTP) offers the sender: one message out, one message looked up.

A gateway never decides what happens to the step; it says what happened on the wire:

- a :class:`SendResult` when the message was taken;
- a :class:`GatewayError` whose ``kind`` tells the sender what it may do next:

  ``refused``       the gateway said no for good (HTTP 400/403, SMTP recipients refused): nothing went out,
                    do not send again; ``recipient`` says whether the number or address itself was the reason.
  ``rate_limited``  HTTP 429: nothing went out; try again in a minute.
  ``unavailable``   no connection was made (refused, connect timeout, not configured): nothing went out.
  ``uncertain``     the request may have been taken (a read timeout, a dropped connection, a 5xx): look the
                    message up by reference before sending it again, and over SMTP never send it again.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

REFUSED = "refused"
RATE_LIMITED = "rate_limited"
UNCERTAIN = "uncertain"
UNAVAILABLE = "unavailable"
KINDS = frozenset({REFUSED, RATE_LIMITED, UNCERTAIN, UNAVAILABLE})


class GatewayError(Exception):
    """A message that was not (certainly) taken; ``kind`` is one of :data:`KINDS`."""

    def __init__(self, kind: str, message: str, *, status: int | None = None, recipient: bool = False):
        if kind not in KINDS:
            raise ValueError(f"unknown gateway error kind {kind!r}")
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status
        self.recipient = recipient  # refused because of the number or address itself

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}" + (f" (HTTP {self.status})" if self.status else "")


@dataclass(frozen=True)
class OutgoingMessage:
    """One SMS or e-mail as it leaves us. ``reference`` is the step's ``message_id`` (no personal data);
    ``contact_reference`` is what the resident quotes ('VS-7K3M2QX-2'), already in ``body``."""

    channel: str  # outreach.models.Channel.SMS or EMAIL
    recipient: str  # E.164 phone number or e-mail address
    body: str
    reference: str
    subject: str = ""
    contact_reference: str = ""
    reply_to: str = ""


@dataclass(frozen=True)
class SendResult:
    """The gateway took the message: its id there and its first status."""

    notification_id: str
    status: str = "created"
    raw: dict = field(default_factory=dict, compare=False, repr=False)


class Gateway(Protocol):
    """Sends one message; ``lookup`` finds one sent earlier by our reference (None: never taken).
    ``can_lookup`` is False where nothing can be asked afterwards (SMTP): such a message is never resent."""

    can_lookup: bool

    def send(self, message: OutgoingMessage) -> SendResult: ...

    def lookup(self, reference: str) -> SendResult | None: ...
