"""Posting one query to the BRP: the connection, authentication (API key or an OAuth2 token) and
retries with backoff. The queries themselves are built by :class:`signals.brp.client.BrpClient`."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self

import httpx

from .errors import (
    _RETRY_STATUSES,
    BrpAuthenticationError,
    BrpError,
    BrpUnavailable,
    _error_from_response,
    _json_body,
    _retry_after,
    retry_delay,
    transport_error,
)

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "http://127.0.0.1:5010/haalcentraal/api/brp"  # the fake (manage.py run_fake_brp)
DEFAULT_TIMEOUT = 10.0
DEFAULT_RETRIES = 3


@dataclass(frozen=True)
class OAuthCredentials:
    """OAuth2 client credentials (client_secret_post) for the token endpoint."""

    token_url: str
    client_id: str
    client_secret: str
    scope: str = ""


class _TokenCache:
    """One bearer token, shared by the threads using a client, renewed shortly before expiry."""

    EXPIRY_MARGIN = 30.0  # seconds: renew this long before the token expires

    def __init__(self, credentials: OAuthCredentials, clock: Callable[[], float]):
        self.credentials = credentials
        self._clock = clock
        self._lock = threading.Lock()
        self._token = ""
        self._expires_at = 0.0

    def get(self, http: httpx.Client) -> str:
        with self._lock:
            if not self._token or self._clock() >= self._expires_at:
                self._token, lifetime = self._fetch(http)
                margin = min(self.EXPIRY_MARGIN, lifetime / 2)
                self._expires_at = self._clock() + lifetime - margin
            return self._token

    def invalidate(self, token: str) -> None:
        with self._lock:
            if self._token == token:
                self._token = ""

    def _fetch(self, http: httpx.Client) -> tuple[str, float]:
        data = {"grant_type": "client_credentials", "client_id": self.credentials.client_id,
                "client_secret": self.credentials.client_secret}
        if self.credentials.scope:
            data["scope"] = self.credentials.scope
        try:
            response = http.post(self.credentials.token_url, data=data, headers={"Accept": "application/json"})
        except httpx.TransportError as exc:
            raise BrpUnavailable(f"De tokendienst van de BRP is niet bereikbaar ({type(exc).__name__}).") from exc
        if response.status_code in _RETRY_STATUSES:
            raise BrpUnavailable(f"De tokendienst van de BRP antwoordde {response.status_code}.",
                                 status=response.status_code, retry_after=_retry_after(response))
        if response.status_code != 200:
            raise BrpAuthenticationError(
                f"De tokendienst van de BRP weigerde de client ({response.status_code}).", status=response.status_code
            )
        try:
            body = response.json()
            return body["access_token"], float(body.get("expires_in", 300))
        except (ValueError, KeyError, TypeError) as exc:
            raise BrpUnavailable("De tokendienst van de BRP gaf een onleesbaar antwoord.") from exc


class BrpSession:
    """Posts queries to the BRP. Thread-safe; keeps connections open (use as a context manager or ``close()``).

    ``retries`` is the number of repeats after the first attempt; the wait before repeat ``n``
    (from 0) is ``backoff · 2ⁿ`` (at most ``max_backoff``, with jitter), or longer when the BRP
    sends ``Retry-After``. A ``Retry-After`` above ``max_retry_after`` is not waited for: the
    client raises :class:`BrpUnavailable` at once with that hint.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        api_key: str = "",
        oauth: OAuthCredentials | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        max_retry_after: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.base_url = base_url.rstrip("/")
        self.url = f"{self.base_url}/personen"
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.timeout = timeout
        self._api_key = api_key
        self._sleep = sleep
        self._tokens = _TokenCache(oauth, clock) if oauth else None
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout),
            transport=transport,
            headers={"Accept": "application/json", "User-Agent": "vroegsignalering-brp-client"},
        )

    @property
    def tokens(self) -> _TokenCache | None:
        """The OAuth token cache (``None`` with an API key): the asynchronous session of a chunk
        (:mod:`.transport`) uses the same token."""
        return self._tokens

    @property
    def http(self) -> httpx.Client:
        """The connection pool (the token cache fetches tokens over it)."""
        return self._http

    # -- life cycle
    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def personen(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        """POST one query body as is; the ``personen`` of the answer."""
        body = self.post(query)
        persons = body.get("personen", [])
        if not isinstance(persons, list):
            raise BrpUnavailable("De BRP gaf een antwoord zonder lijst 'personen'.")
        return persons

    def post(self, query: dict[str, Any]) -> dict[str, Any]:
        """POST ``query`` to ``/personen`` with retries; the decoded JSON answer."""
        attempt = 0
        renewed_token = False
        error: BrpError
        while True:
            token = ""
            try:
                token = self._tokens.get(self._http) if self._tokens else ""
                response = self._http.post(self.url, json=query, headers=self._auth_headers(token))
            except BrpUnavailable as exc:  # the token endpoint
                error = exc
            except httpx.TransportError as exc:
                error = transport_error(exc, self.timeout)
            else:
                if response.status_code == 401 and self._tokens and not renewed_token:
                    self._tokens.invalidate(token)  # revoked or expired early: one fresh token
                    renewed_token = True
                    continue
                if response.status_code == 200:
                    return _json_body(response)
                error = _error_from_response(response)
                if not isinstance(error, BrpUnavailable):
                    raise error
            delay = self._delay(attempt, getattr(error, "retry_after", None))
            if attempt >= self.retries or delay is None:
                logger.warning("BRP niet beschikbaar na %d poging(en): %s", attempt + 1, error)
                raise error
            logger.info("BRP-poging %d mislukt (%s); opnieuw over %.2f s", attempt + 1, error, delay)
            self._sleep(delay)
            attempt += 1

    # -- helpers
    def _auth_headers(self, token: str) -> dict[str, str]:
        return auth_headers(self._api_key, token)

    def _delay(self, attempt: int, retry_after: float | None) -> float | None:
        return retry_delay(attempt, retry_after, backoff=self.backoff, max_backoff=self.max_backoff,
                           max_retry_after=self.max_retry_after)


def auth_headers(api_key: str, token: str) -> dict[str, str]:
    """The headers of a query: JSON, and the API key or the bearer token (both sessions)."""
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if api_key:
        headers["X-API-KEY"] = api_key
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers
