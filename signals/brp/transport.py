"""Posting many BRP queries at once from one event loop: :class:`AsyncBrpSession`.

The asynchronous sibling of :class:`~signals.brp.session.BrpSession` for a chunk of checks
(:mod:`.many`): the same endpoint (``POST {base}/personen``), authentication (an API key, or the
OAuth2 token of the synchronous :class:`~signals.brp.session._TokenCache`, fetched before the loop
starts by :meth:`AsyncBrpSession.prepare` and renewed once on a 401), errors and retry policy
(:func:`~signals.brp.errors.retry_delay`). On top of that, what many queries at once need:

- at most ``concurrency`` queries in flight (``BRP_CONCURRENCY``), reached gradually: 4 at first and
  one more per answer (slow start: connections are opened a few at a time, not in one burst);
- a 429 closes a gate for every query of the session until its ``Retry-After`` (or the backoff)
  and halves the number in flight; every 20 answers raise it by one again, up to ``concurrency``
  (additive increase, multiplicative decrease). A 429 costs a query one of its retries only when
  the limit cannot go lower;
- a circuit breaker: after ``breaker_after`` transport failures in a row (5xx, timeouts, connection
  errors) the session stops asking; every query still waiting fails at once with ``BrpUnavailable``.
"""
from __future__ import annotations

import asyncio
import functools
import logging
import ssl
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Self

import httpx

from .client import ZOEK_POSTCODE_HUISNUMMER
from .errors import (
    BrpError,
    BrpUnavailable,
    _error_from_response,
    _json_body,
    retry_delay,
    transport_error,
)
from .session import (
    DEFAULT_BASE_URL,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    OAuthCredentials,
    _TokenCache,
    auth_headers,
)

__all__ = ["DEFAULT_CONCURRENCY", "AsyncBrpSession"]

logger = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 16
SUCCESSES_PER_STEP = 20  # answers before the limit is raised by one after a 429
SLOW_START = 4  # queries in flight at first; +1 per answer up to the bound (connections open gradually)
MAX_THROTTLES = 12  # 429s one query may get while the limit adapts, before it gives up


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """httpx's default context (certifi's CAs, or SSL_CERT_FILE/SSL_CERT_DIR), made once per process:
    loading the CAs costs ~40 ms of CPU per client."""
    return httpx.create_ssl_context()


class _Limiter:
    """At most ``limit`` holders at once (``limit`` adapts between 1 and ``bound``), and a gate that
    keeps everybody out until a moment (after a 429)."""

    def __init__(self, bound: int, start: int = 0):
        self.bound = max(1, bound)
        self.limit = min(self.bound, start) if start > 0 else self.bound
        self.slow_start = self.limit < self.bound  # +1 per answer until the bound or the first 429
        self.in_flight = 0
        self.gate_until = 0.0  # loop time
        self.epoch = 0  # raised on every decrease: a 429 of a query sent before it does not halve again
        self._successes = 0
        self._waiters: deque[asyncio.Future] = deque()
        self._urgent: deque[asyncio.Future] = deque()  # served first: a check's next question

    async def acquire(self, urgent: bool = False) -> int:
        """Wait for a place (and the gate); the epoch the query is sent in. ``urgent`` queries get the
        next free place before the others waiting (a check that is under way finishes first)."""
        loop = asyncio.get_running_loop()
        while True:
            wait = self.gate_until - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            if self.in_flight < self.limit:
                self.in_flight += 1
                return self.epoch
            waiter = loop.create_future()
            queue = self._urgent if urgent else self._waiters
            queue.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                if waiter in queue:
                    queue.remove(waiter)
                elif waiter.done() and not waiter.cancelled():
                    self._wake()  # woken but gone: pass the place on
                raise

    def release(self) -> None:
        self.in_flight -= 1
        self._wake()

    def _wake(self) -> None:
        free = self.limit - self.in_flight
        while free > 0 and (self._urgent or self._waiters):
            waiter = (self._urgent or self._waiters).popleft()
            if not waiter.done():
                waiter.set_result(None)
                free -= 1

    def succeeded(self) -> None:
        self._successes += 1
        if self.slow_start and self.limit < self.bound:
            self.limit += 1  # new connections one by one, not a burst of handshakes
            self._wake()
        elif self._successes >= SUCCESSES_PER_STEP and self.limit < self.bound:
            self.limit += 1
            self._successes = 0
            self._wake()

    def throttled(self, epoch: int, wait: float) -> bool:
        """A 429 for a query sent in ``epoch``: close the gate for ``wait`` seconds and halve the
        limit (once per epoch). True when the limit went down."""
        loop = asyncio.get_running_loop()
        self.gate_until = max(self.gate_until, loop.time() + wait)
        self._successes = 0
        self.slow_start = False
        if epoch != self.epoch or self.limit <= 1:
            return False
        self.limit = max(1, self.limit // 2)
        self.epoch += 1
        return True


class AsyncBrpSession:
    """Posts queries to the BRP from one event loop; use ``async with`` inside the loop.

    The constructor takes :class:`~signals.brp.session.BrpSession`'s arguments plus ``concurrency``
    and ``breaker_after``. ``tokens``/``token_http``: a token cache and the synchronous client it
    fetches tokens over, to share the token of a synchronous client (``BrpSession.tokens``/``.http``).
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        api_key: str = "",
        oauth: OAuthCredentials | None = None,
        tokens: _TokenCache | None = None,
        token_http: httpx.Client | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        max_retry_after: float = 30.0,
        concurrency: int = DEFAULT_CONCURRENCY,
        breaker_after: int = 10,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.base_url = base_url.rstrip("/")
        self.url = f"{self.base_url}/personen"
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.backoff, self.max_backoff, self.max_retry_after = backoff, max_backoff, max_retry_after
        self.concurrency = max(1, int(concurrency))
        self.breaker_after = max(1, int(breaker_after))
        self._api_key = api_key
        self._tokens = tokens or (_TokenCache(oauth, clock) if oauth else None)
        self._own_token_http = self._tokens is not None and token_http is None
        self._token_http = token_http or (httpx.Client(timeout=httpx.Timeout(timeout)) if self._tokens else None)
        self._token = ""
        self._transport = transport
        self._open = False
        self._clients: list[httpx.AsyncClient] = []  # one per query in flight at most
        self._free: list[httpx.AsyncClient] = []  # the idle ones, last used first
        self._limiter = _Limiter(self.concurrency, SLOW_START)
        self._failures_in_row = 0
        self._broken: asyncio.Event | None = None
        self._renewing: asyncio.Lock | None = None
        self.requests = 0  # attempts sent
        self.throttles = 0  # 429 answers received

    # -- outside the loop
    def prepare(self) -> None:
        """Fetch the OAuth token (blocking: call before the loop starts). Raises the token endpoint's
        ``BrpUnavailable`` or ``BrpAuthenticationError``."""
        if self._tokens is not None and self._token_http is not None:
            self._token = self._tokens.get(self._token_http)

    def close(self) -> None:
        """Close the token client this session made itself (not a shared one)."""
        if self._own_token_http and self._token_http is not None:
            self._token_http.close()

    # -- inside the loop
    async def __aenter__(self) -> Self:
        self._open = True
        self._broken = asyncio.Event()
        self._renewing = asyncio.Lock()
        return self

    async def __aexit__(self, *exc_info) -> None:
        self._open = False
        clients, self._clients, self._free = self._clients, [], []
        for client in clients:
            await client.aclose()

    def _client(self) -> httpx.AsyncClient:
        """A client with one connection for one query in flight. A pool of one connection per client
        (not one client with ``concurrency`` connections): httpcore checks every connection of a pool
        on every request, which costs milliseconds per request at 32 connections."""
        if self._free:
            return self._free.pop()
        client = httpx.AsyncClient(
            timeout=httpx.Timeout(self.timeout), transport=self._transport, verify=_ssl_context(),
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            headers={"Accept": "application/json", "User-Agent": "vroegsignalering-brp-client"},
        )
        self._clients.append(client)
        return client

    @property
    def broken(self) -> bool:
        """The circuit breaker is open: the session asks nothing more."""
        return self._broken is not None and self._broken.is_set()

    @property
    def limit(self) -> int:
        """The number of queries currently allowed in flight (lowered by 429s)."""
        return self._limiter.limit

    async def personen(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        """POST one query body as is; the ``personen`` of the answer."""
        persons = (await self.post(query)).get("personen", [])
        if not isinstance(persons, list):
            raise BrpUnavailable("De BRP gaf een antwoord zonder lijst 'personen'.")
        return persons

    async def post(self, query: dict[str, Any]) -> dict[str, Any]:
        """POST ``query`` to ``/personen`` with retries; the decoded JSON answer."""
        assert self._open, "use the session with 'async with'"
        attempt = throttles = 0
        renewed = False
        while True:
            self._check_breaker()
            epoch = await self._acquire(urgent=query.get("type") != ZOEK_POSTCODE_HUISNUMMER)
            token = self._token
            status = 0
            http = self._client()
            try:
                self.requests += 1
                response = await http.post(self.url, json=query, headers=self._auth_headers(token))
            except httpx.TransportError as exc:
                error: BrpError = transport_error(exc, self.timeout)
            else:
                status = response.status_code
                if status == 200:
                    self._answered()
                    return _json_body(response)
                error = _error_from_response(response)
            finally:
                if self._open:
                    self._free.append(http)
                self._limiter.release()
            if status == 401 and self._tokens is not None and not renewed:
                renewed = True  # revoked or expired early: one fresh token
                await self._renew(token)
                continue
            if not isinstance(error, BrpUnavailable):
                self._answered()
                raise error
            delay = retry_delay(attempt, error.retry_after, backoff=self.backoff, max_backoff=self.max_backoff,
                                max_retry_after=self.max_retry_after)
            if status == 429:
                self.throttles += 1
                throttles += 1
                lowered = self._limiter.throttled(epoch, delay if delay is not None else error.retry_after or 0.0)
                if delay is not None and (lowered or self._limiter.limit > 1) and throttles <= MAX_THROTTLES:
                    await self._pause(delay)  # the BRP asks to slow down: not a failed attempt
                    continue
            else:
                self._failed()
            if attempt >= self.retries or delay is None or self.broken:
                logger.warning("BRP niet beschikbaar na %d poging(en): %s", attempt + 1, error)
                raise error
            await self._pause(delay)
            attempt += 1

    # -- helpers
    async def _acquire(self, urgent: bool = False) -> int:
        wait = self._limiter.gate_until - asyncio.get_running_loop().time()
        if wait > self.max_retry_after:
            raise BrpUnavailable("De BRP vraagt te lang te wachten (429).", status=429, retry_after=wait)
        epoch = await self._limiter.acquire(urgent)
        if self.broken:  # opened while this query waited for its turn
            self._limiter.release()
            self._check_breaker()
        return epoch

    def _check_breaker(self) -> None:
        if self.broken:
            raise BrpUnavailable(f"De BRP faalde {self.breaker_after} keer achter elkaar; er wordt voorlopig "
                                 "niets meer gevraagd.")

    def _answered(self) -> None:
        self._failures_in_row = 0
        self._limiter.succeeded()

    def _failed(self) -> None:
        self._failures_in_row += 1
        if self._failures_in_row >= self.breaker_after and self._broken is not None and not self._broken.is_set():
            logger.warning("BRP: %d fouten achter elkaar; de reeks vraagt niets meer.", self._failures_in_row)
            self._broken.set()

    async def _pause(self, seconds: float) -> None:
        """Wait before a repeat; the breaker ends the wait."""
        assert self._broken is not None
        try:
            await asyncio.wait_for(self._broken.wait(), seconds)
        except TimeoutError:
            pass

    async def _renew(self, old: str) -> None:
        assert self._renewing is not None and self._tokens is not None
        async with self._renewing:
            if self._token != old:  # another query renewed it already
                return
            self._tokens.invalidate(old)
            self._token = await asyncio.to_thread(self._tokens.get, self._token_http)

    def _auth_headers(self, token: str) -> dict[str, str]:
        return auth_headers(self._api_key, token)
