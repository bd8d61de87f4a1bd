"""Rate limits that hold under concurrency (review D10): fixed-window counters in the cache.

The counting is django-ratelimit's core (``get_usage``): per key and window one cache entry, created
with ``cache.add`` and counted with ``cache.incr``. On Redis (``CACHE_URL=redis://…``, CI and
production) ``INCR`` is atomic, so parallel requests, threads and web replicas never lose a count (DRF's
``SimpleRateThrottle`` read, appended and wrote back a list: 870 of 1,500 parallel requests passed a
600/min limit). LocMemCache (the embedded run: one process) counts under its own lock. A window
lasts the rate's period; each key's window starts at its own offset from the epoch (django-ratelimit
spreads them), and ``Retry-After`` says how many seconds are left of it.

Three kinds of limit:

- ``AtomicRateThrottle``: DRF throttles per creditor (``signals.api.throttling``) and per user token
  (``cases.api.authentication``), both ``API_RATE_LIMIT``.
- ``ratelimit_middleware.RateLimitMiddleware``, per client IP: ``LOGIN_RATE_LIMIT`` on every POST to the sign-in pages
  (``/inloggen`` and the steps under it, ``/beheer/login/``; ``LOGIN_RATE_LIMIT_PATHS``), and
  ``UNAUTHENTICATED_RATE_LIMIT`` on API requests that come without a key or token (counted before
  they run) or whose key or token is refused (401, counted afterwards; once over the limit, every
  request from that IP is refused before it runs). Coarse by design; the lockout per account and IP
  after failed sign-ins is django-axes'.
- The client IP is ``REMOTE_ADDR``, or, behind ``TRUSTED_PROXY_COUNT`` proxies, the X-Forwarded-For
  entry that the outermost trusted proxy added. IPv6 clients count per /64 (one subscriber).
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django_ratelimit.core import get_usage
from rest_framework.throttling import BaseThrottle

IPV6_PREFIX = 64


@dataclass(frozen=True)
class Usage:
    count: int
    limit: int
    retry_after: int  # seconds until the window ends (at least 1)

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit


def hit(group: str, ident: str, rate: str, *, increment: bool = True) -> Usage:
    """Count one request of ``ident`` in ``group`` against ``rate`` ("600/min", "20/m", "5/10s")
    atomically, and say where the count stands. ``increment=False`` only reads it."""
    usage = get_usage(None, group=group, key=lambda _group, _request: ident, rate=rate, increment=increment)
    if usage is None:  # RATELIMIT_ENABLE = False
        return Usage(0, 1, 1)
    return Usage(usage["count"], usage["limit"], max(1, usage["time_left"]))


def client_ip(request) -> str:
    """The client's address: ``REMOTE_ADDR``, or behind ``TRUSTED_PROXY_COUNT`` proxies the
    X-Forwarded-For entry the outermost of them appended (entries further left are the client's own
    claims and can be forged). IPv6 addresses are cut to their /64 network."""
    address = request.META.get("REMOTE_ADDR", "") or ""
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= trusted and _ip(forwarded[-trusted]) is not None:
            address = forwarded[-trusted]
    ip = _ip(address)
    if ip is None:
        return address[:64] or "onbekend"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False).network_address)
    return str(ip)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])  # without an IPv6 zone id
    except ValueError:
        return None


class AtomicRateThrottle(BaseThrottle):
    """A DRF throttle on an atomic counter; subclasses say the group (``scope``) and who counts
    (``ident``). Beyond the limit DRF answers 429 with Retry-After (problem+json, Dutch)."""

    scope = ""

    def rate(self) -> str:
        return settings.API_RATE_LIMIT

    def ident(self, request) -> str:
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        principal = getattr(request, "user", None)
        if principal is None or not getattr(principal, "is_authenticated", False):
            ident = f"ip-{client_ip(request)}"
        else:
            ident = self.ident(request)
        self.usage = hit(self.scope, ident, self.rate())
        return not self.usage.exceeded

    def wait(self) -> int:
        return self.usage.retry_after
