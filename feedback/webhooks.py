"""Webhook mechanics: the secret, the signature, the backoff and one HTTP POST (docs/webhooks.md).

Pure functions and the HTTP call only; the bookkeeping (which delivery, when, with what result)
is in ``feedback.services``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import random
import secrets
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore
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


# The one error for an address that is not public or a name that does not resolve: telling the two apart
# would tell whoever sets the address which internal names exist.
ADDRESS_REFUSED = "Adres niet toegestaan of niet gevonden; alleen openbare internetadressen."

# Every range of the IANA special-purpose address registries (iana-ipv4-special-registry,
# iana-ipv6-special-registry, as of 2025), plus multicast, the deprecated IPv6 site-local and
# IPv4-compatible ranges. None of them is an ordinary public web server: they are internal, unroutable,
# for documentation or tests, or tunnel to an address inside them (6to4, Teredo, NAT64, IPv4-mapped),
# which an IPv4 check would then never see. ``ipaddress.is_global`` alone lets 6to4, ORCHIDv2 and
# others through (review D14).
SPECIAL_RANGES: dict[str, str] = {
    "0.0.0.0/8": "RFC 791: this network",
    "10.0.0.0/8": "RFC 1918: private",
    "100.64.0.0/10": "RFC 6598: shared address space (CGNAT)",
    "127.0.0.0/8": "RFC 1122: loopback",
    "169.254.0.0/16": "RFC 3927: link-local (cloud metadata)",
    "172.16.0.0/12": "RFC 1918: private",
    "192.0.0.0/24": "RFC 6890: IETF protocol assignments (DS-Lite, NAT64 discovery, …)",
    "192.0.2.0/24": "RFC 5737: documentation (TEST-NET-1)",
    "192.31.196.0/24": "RFC 7535: AS112-v4",
    "192.52.193.0/24": "RFC 7450: AMT",
    "192.88.99.0/24": "RFC 7526: deprecated 6to4 relay anycast",
    "192.168.0.0/16": "RFC 1918: private",
    "192.175.48.0/24": "RFC 7534: direct delegation AS112",
    "198.18.0.0/15": "RFC 2544: benchmarking",
    "198.51.100.0/24": "RFC 5737: documentation (TEST-NET-2)",
    "203.0.113.0/24": "RFC 5737: documentation (TEST-NET-3)",
    "224.0.0.0/4": "RFC 5771: multicast",
    "240.0.0.0/4": "RFC 1112: reserved (and 255.255.255.255, RFC 919: limited broadcast)",
    "::/128": "RFC 4291: unspecified",
    "::1/128": "RFC 4291: loopback",
    "::/96": "RFC 4291: deprecated IPv4-compatible IPv6",
    "::ffff:0:0/96": "RFC 4291: IPv4-mapped",
    "64:ff9b::/96": "RFC 6052: NAT64 well-known prefix",
    "64:ff9b:1::/48": "RFC 8215: local-use NAT64",
    "100::/64": "RFC 6666: discard-only",
    "100:0:0:1::/64": "RFC 9780: dummy IPv6 prefix",
    "2001::/23": "RFC 2928: IETF protocol assignments (incl. the following)",
    "2001::/32": "RFC 4380: Teredo",
    "2001:2::/48": "RFC 5180: benchmarking",
    "2001:10::/28": "RFC 4843: deprecated ORCHID",
    "2001:20::/28": "RFC 7343: ORCHIDv2",
    "2001:db8::/32": "RFC 3849: documentation",
    "2002::/16": "RFC 3056: 6to4 (embeds an IPv4 address)",
    "2620:4f:8000::/48": "RFC 7534: direct delegation AS112",
    "3fff::/20": "RFC 9637: documentation",
    "5f00::/16": "RFC 9602: segment routing (SRv6) SIDs",
    "fc00::/7": "RFC 4193: unique local (ULA)",
    "fe80::/10": "RFC 4291: link-local",
    "fec0::/10": "RFC 3879: deprecated site-local",
    "ff00::/8": "RFC 4291: multicast",
}
_SPECIAL_NETWORKS = tuple(ipaddress.ip_network(network) for network in SPECIAL_RANGES)
# The only IPv6 space allocated for global unicast; the rest is reserved by the IETF (RFC 4291).
_GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")


def address_allowed(address: str) -> bool:
    """True when ``address`` (an IP literal) is an ordinary public internet address: outside every range
    in ``SPECIAL_RANGES`` (loopback, private, link-local, CGNAT, documentation, benchmarking, multicast,
    reserved, and the IPv6 forms that carry an IPv4 address: mapped, compatible, 6to4, Teredo, NAT64),
    IPv6 only in global unicast 2000::/3, and global by Python's own account too."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id (fe80::1%eth0)
    except ValueError:
        return False
    if ip.version == 6 and ip not in _GLOBAL_UNICAST_V6:
        return False
    if any(ip in network for network in _SPECIAL_NETWORKS if network.version == ip.version):
        return False
    return ip.is_global and not (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast
                                 or ip.is_reserved or ip.is_unspecified)


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to for a TCP connection (an IP literal resolves to itself)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


class AddressNotAllowed(httpcore.ConnectError):
    """The host did not resolve, or resolved to an address outside the public internet; no connection
    was made."""


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's network backend, with the address check where the socket is opened: resolve the
    host once, refuse the whole host if ANY of its addresses is not public (unless
    ``WEBHOOK_ALLOW_PRIVATE_ADDRESSES``), then connect to those checked addresses only. The name is
    not looked up again, so a DNS answer that changes between check and connect (DNS rebinding)
    cannot slip through. TLS (SNI and the certificate check) and the Host header still use the
    name from the URL: httpcore does those with the URL's host, not with what is passed here."""

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            addresses = resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise AddressNotAllowed(ADDRESS_REFUSED) from exc
        if not addresses or (not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES
                             and not all(map(address_allowed, addresses))):
            raise AddressNotAllowed(ADDRESS_REFUSED)
        failure: Exception | None = None
        for address in addresses:  # as socket.create_connection does: the first that answers
            try:
                return super().connect_tcp(address, port, timeout=timeout, local_address=local_address,
                                           socket_options=socket_options)
            except httpcore.ConnectTimeout:
                raise
            except httpcore.ConnectError as exc:
                failure = exc
        raise failure


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport (its request and error handling) over a connection pool whose network
    backend is ``GuardedBackend``. httpx 0.28 has no argument for the backend, so the pool it made
    is replaced by one with the same defaults (verified TLS, httpx's default limits); pinned
    versions in requirements.txt, and the tests fail if the check is bypassed."""

    def __init__(self) -> None:
        super().__init__(trust_env=False)
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)  # httpx's defaults
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False), max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections, keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend())


URL_REFUSED = ("Dit adres is niet toegestaan of niet gevonden: het moet een bestaande naam of een openbaar "
               "internetadres zijn, niet een intern, gereserveerd of speciaal adres (zoals 127.0.0.1, 10.x.x.x, "
               "169.254.x.x of een documentatieadres). Gebruik het openbare https-adres van de partner.")


def _form_error(url: str) -> str | None:
    """The address's form: a valid https (or, if allowed, http) URL without user name or password."""
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


def url_error(url: str) -> str | None:
    """A Dutch message when ``url`` cannot be a webhook address, else None. https is required
    unless ``WEBHOOK_ALLOW_HTTP`` (on by default only with DEBUG; the tests' loopback receivers).
    An address that is, or whose name resolves to, a non-public IP address is refused unless
    ``WEBHOOK_ALLOW_PRIVATE_ADDRESSES``; so is a name that does not resolve, with the same message
    (two messages would let whoever sets the address probe which internal names exist). Each delivery
    checks again (``GuardedBackend``): a name may point elsewhere later."""
    error = _form_error(url)
    if error or settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return error
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        addresses = resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
    except (OSError, UnicodeError, ValueError):
        addresses = []
    if not addresses or not all(map(address_allowed, addresses)):
        return URL_REFUSED
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
    """One client per delivery run (connections are reused); short timeouts, no redirects. Every
    connection goes through ``GuardedTransport`` (the address check); no proxy from the environment
    (``trust_env=False``), as a proxy would connect on our behalf, past the check."""
    timeout = settings.WEBHOOK_TIMEOUT
    return httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)), follow_redirects=False,
                        headers={"User-Agent": USER_AGENT}, transport=GuardedTransport(), trust_env=False)


def post(http: httpx.Client, *, url: str, secret: str, body: bytes, event_id: str, cursor: str,
         timestamp: int) -> Attempt:
    """POST one item. Success is any 2xx; the response body is never read. The address is checked
    when the connection is opened (``GuardedBackend``); a refused address is a failed attempt."""
    if _form_error(url):
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
        if isinstance(exc.__cause__, AddressNotAllowed):
            return Attempt(False, error=ADDRESS_REFUSED)
        return Attempt(False, error=f"Verbinding mislukt: {type(exc).__name__}: {exc}"[:500])
    if 200 <= status < 300:
        return Attempt(True, http_status=status)
    return Attempt(False, http_status=status, error=f"Antwoord met HTTP-status {status}.")
