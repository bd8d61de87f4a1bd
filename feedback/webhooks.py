"""Webhook mechanics: the secret, the signature, the backoff and one HTTP POST (docs/webhooks.md).

Pure functions and the HTTP call only; the bookkeeping (which delivery, when, with what result)
is in ``feedback.services``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import random
import secrets
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

SECRET_PREFIX = "whsec_"
SIGNATURE_HEADER = "Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
CURSOR_HEADER = "Feed-Cursor"
USER_AGENT = "Vroegsignalering-Webhooks/1"
FIRST_DELAY = dt.timedelta(minutes=1)
MAX_DELAY = dt.timedelta(hours=6)
JITTER = 0.2  # each delay is drawn from ±20 % around its nominal value


def secret_generate() -> str:
    """A new signing secret: 256 random bits, URL-safe text. The HMAC key is the whole string (UTF-8)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, body: bytes, timestamp: int) -> str:
    """The ``Signature`` header value: ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">``."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def signature_verify(secret: str, body: bytes, header: str, *, now: int, tolerance: int = 300) -> bool:
    """What a receiver does (docs/webhooks.md): the MAC matches and the timestamp is recent."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    if not parts.get("t", "").isdigit() or "v1" not in parts:
        return False
    timestamp = int(parts["t"])
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts["v1"])


def url_error(url: str) -> str | None:
    """A Dutch message when ``url`` cannot be a webhook address, else None. https is required
    unless ``WEBHOOK_ALLOW_HTTP`` (on by default only with DEBUG; the tests' loopback receivers)."""
    schemes = ["https", "http"] if settings.WEBHOOK_ALLOW_HTTP else ["https"]
    try:
        URLValidator(schemes=schemes)(url)
    except ValidationError:
        if url.lower().startswith("http://") and not settings.WEBHOOK_ALLOW_HTTP:
            return "Gebruik een https-adres; http is alleen toegestaan in een test- of ontwikkelomgeving."
        return "Geef een geldig https-adres, bv. https://partner.example.nl/vroegsignalering/webhook."
    if "@" in url.split("//", 1)[1].split("/", 1)[0]:
        return "Zet geen gebruikersnaam of wachtwoord in het adres; de handtekening bewijst de afzender."
    return None


def retry_delay(failures: int, rng: random.Random | None = None) -> dt.timedelta:
    """The wait after the ``failures``-th failure in a row: 1, 2, 4, … minutes, at most 6 hours,
    with ±20 % jitter (so receivers coming back up are not hit by every sender at once)."""
    nominal = min(FIRST_DELAY * 2 ** max(0, failures - 1), MAX_DELAY)
    return nominal * (rng or random).uniform(1 - JITTER, 1 + JITTER)


def body_bytes(item: dict) -> bytes:
    """The exact bytes that are sent and signed: the feed item as compact UTF-8 JSON."""
    return json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Attempt:
    ok: bool
    http_status: int | None = None
    error: str = ""


def client() -> httpx.Client:
    """One client per delivery run (connections are reused); short timeouts, no redirects."""
    timeout = settings.WEBHOOK_TIMEOUT
    return httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)), follow_redirects=False,
                        headers={"User-Agent": USER_AGENT})


def post(http: httpx.Client, *, url: str, secret: str, body: bytes, event_id: str, cursor: str,
         timestamp: int) -> Attempt:
    """POST one item. Success is any 2xx; the response body is never read."""
    if url_error(url):
        return Attempt(False, error="Ongeldig of niet-toegestaan adres (https vereist).")
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature(secret, body, timestamp),
        IDEMPOTENCY_HEADER: event_id,
        CURSOR_HEADER: cursor,
    }
    try:
        with http.stream("POST", url, content=body, headers=headers) as response:
            status = response.status_code
    except httpx.TimeoutException:
        return Attempt(False, error=f"Geen antwoord binnen {settings.WEBHOOK_TIMEOUT:g} s.")
    except httpx.HTTPError as exc:
        return Attempt(False, error=f"Verbinding mislukt: {type(exc).__name__}: {exc}"[:500])
    if 200 <= status < 300:
        return Attempt(True, http_status=status)
    return Attempt(False, http_status=status, error=f"Antwoord met HTTP-status {status}.")
