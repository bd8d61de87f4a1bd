"""SMS and e-mail through a Notify gateway (NotifyNL, GOV.UK Notify) with ``notifications-python-client``.

The only module that imports the client. The client is not thread-safe (its own docstring), so each
thread gets its own (``threading.local``), keeping its keep-alive connection. Every channel sends
through one Notify template whose body is a single placeholder (``((inhoud))``, and ``((onderwerp))``
for e-mail): the text itself is ours, from ``MessageTemplate``, so the tests see every word sent.

The client turns every failure into ``HTTPError``; a timeout or a dropped connection has no response
and becomes a 503 too. Here they are told apart again (``base.GatewayError``): only a request that
certainly never reached the gateway is ``unavailable``; one that may have is ``uncertain``.
"""
from __future__ import annotations

import threading

import requests
from notifications_python_client.errors import APIError, HTTPError
from notifications_python_client.notifications import NotificationsAPIClient
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError

from outreach.models import Channel

from .base import RATE_LIMITED, REFUSED, UNAVAILABLE, UNCERTAIN, GatewayError, OutgoingMessage, SendResult

_local = threading.local()
# Fields of Notify's request schemas that hold the recipient: a 400 naming one is about the number/address.
RECIPIENT_FIELDS = ("phone_number", "email_address")


def _client(base_url: str, api_key: str, timeout: float) -> NotificationsAPIClient:
    clients = getattr(_local, "clients", None)
    if clients is None:
        clients = _local.clients = {}
    key = (base_url, api_key, timeout)
    if key not in clients:
        clients[key] = NotificationsAPIClient(api_key, base_url=base_url, timeout=timeout)
    return clients[key]


def _never_connected(cause: BaseException | None) -> bool:
    """Whether the request failed before a connection existed (refused, connect timeout): nothing was sent."""
    if isinstance(cause, requests.ConnectTimeout):
        return True
    if isinstance(cause, requests.ConnectionError) and cause.args:
        inner = cause.args[0]
        if isinstance(inner, MaxRetryError):
            inner = inner.reason
        return isinstance(inner, ConnectTimeoutError)  # urllib3's NewConnectionError is one too
    return False


def _text(message) -> str:
    if isinstance(message, list):
        return "; ".join(f"{m.get('error', '')}: {m.get('message', '')}" if isinstance(m, dict) else str(m)
                         for m in message)
    return str(message)


def classify(exc: APIError) -> GatewayError:
    """The client's error as a :class:`GatewayError`."""
    response = getattr(exc, "response", None)
    if response is None:
        if isinstance(exc, HTTPError) and _never_connected(exc.__cause__):
            return GatewayError(UNAVAILABLE, "Geen verbinding met de gateway.")
        return GatewayError(UNCERTAIN, "Geen (volledig) antwoord van de gateway: mogelijk toch ontvangen.")
    status = response.status_code
    text = _text(exc.message)[:250]
    if status == 429:
        return GatewayError(RATE_LIMITED, text, status=status)
    if status in (401, 403):  # our key or clock: nothing was taken; fixable, so try again later
        return GatewayError(UNAVAILABLE, f"Gateway weigert de toegang: {text}", status=status)
    if status >= 500 or 200 <= status < 300:  # a 2xx here: a body that is not JSON
        return GatewayError(UNCERTAIN, text, status=status)
    return GatewayError(REFUSED, text, status=status, recipient=any(name in text for name in RECIPIENT_FIELDS))


class NotifyGateway:
    can_lookup = True

    def __init__(self, *, base_url: str, api_key: str, timeout: float, sms_template_id: str,
                 email_template_id: str, sms_sender_id: str = "", email_reply_to_id: str = ""):
        if not base_url or not api_key:
            raise GatewayError(UNAVAILABLE, "De gateway is niet ingesteld (NOTIFY_BASE_URL, NOTIFY_API_KEY).")
        self.base_url, self.api_key, self.timeout = base_url, api_key, timeout
        self.sms_template_id, self.email_template_id = sms_template_id, email_template_id
        self.sms_sender_id, self.email_reply_to_id = sms_sender_id or None, email_reply_to_id or None

    @property
    def client(self) -> NotificationsAPIClient:
        return _client(self.base_url, self.api_key, self.timeout)

    def send(self, message: OutgoingMessage) -> SendResult:
        if not (self.sms_template_id if message.channel == Channel.SMS else self.email_template_id):
            raise GatewayError(UNAVAILABLE, "Geen Notify-sjabloon ingesteld (NOTIFY_SMS_TEMPLATE_ID, "
                                            "NOTIFY_EMAIL_TEMPLATE_ID).")
        try:
            if message.channel == Channel.SMS:
                answer = self.client.send_sms_notification(
                    message.recipient, self.sms_template_id, personalisation={"inhoud": message.body},
                    reference=message.reference, sms_sender_id=self.sms_sender_id)
            else:
                answer = self.client.send_email_notification(
                    message.recipient, self.email_template_id,
                    personalisation={"onderwerp": message.subject, "inhoud": message.body},
                    reference=message.reference, email_reply_to_id=self.email_reply_to_id)
        except APIError as exc:
            raise classify(exc) from exc
        if not isinstance(answer, dict) or not answer.get("id"):
            raise GatewayError(UNCERTAIN, "Antwoord van de gateway zonder id.")
        return SendResult(str(answer["id"]), "created", answer)

    def lookup(self, reference: str) -> SendResult | None:
        try:
            answer = self.client.get_all_notifications(reference=reference)
        except APIError as exc:
            error = classify(exc)
            # A lookup changes nothing: anything but "not there" is "could not ask".
            raise GatewayError(UNAVAILABLE if error.kind != UNCERTAIN else UNCERTAIN, error.message,
                               status=error.status) from exc
        found = [n for n in (answer or {}).get("notifications", []) if n.get("reference") == reference]
        if not found:
            return None
        first = min(found, key=lambda n: n.get("created_at") or "")
        return SendResult(str(first["id"]), str(first.get("status") or "created"), first)
