"""A client for Haal Centraal BRP Personen Bevragen v2 (``POST {base}/personen``).

It speaks the spec in ``shared/haal-centraal/`` (v2.7.0): one endpoint, a JSON body with a query
``type``, its parameters and the required ``fields``. Authentication by ``X-API-KEY`` header or an
OAuth2 client-credentials token (cached until shortly before it expires). Every query is read-only,
so a POST is safe to repeat: timeouts, connection errors, 429 and 5xx are retried with exponential
backoff (honouring ``Retry-After``); when retries run out the client raises
:class:`BrpUnavailable` and the caller tries again later. Any other 4xx raises
:class:`BrpRequestError` (a bug or bad input: repeating it cannot help). Errors carry the
problem+json ``title``, ``detail``, ``code`` and ``invalidParams``.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "http://127.0.0.1:5010/haalcentraal/api/brp"  # the fake (manage.py run_fake_brp)
DEFAULT_TIMEOUT = 10.0
DEFAULT_RETRIES = 3
MAX_BSNS_PER_QUERY = 20  # RaadpleegMetBurgerservicenummer: maxItems

# Query types (the spec's discriminator values).
ZOEK_POSTCODE_HUISNUMMER = "ZoekMetPostcodeEnHuisnummer"
ZOEK_GESLACHTSNAAM_GEBOORTEDATUM = "ZoekMetGeslachtsnaamEnGeboortedatum"
ZOEK_NAAM_GEMEENTE = "ZoekMetNaamEnGemeenteVanInschrijving"
RAADPLEEG_BSN = "RaadpleegMetBurgerservicenummer"

_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


# --- errors -----------------------------------------------------------------------------------


class BrpError(Exception):
    """A BRP query failed. ``str()`` is a Dutch sentence for logs and screens."""

    def __init__(self, message: str, *, status: int | None = None, title: str = "", detail: str = "",
                 code: str = "", invalid_params: Sequence[dict[str, Any]] = (), instance: str = ""):
        super().__init__(message)
        self.status = status
        self.title = title
        self.detail = detail
        self.code = code
        self.invalid_params = list(invalid_params)
        self.instance = instance


class BrpUnavailable(BrpError):  # noqa: N818 (the name callers know)
    """Transient: the BRP did not answer usefully after the retries. Try again later.

    ``retry_after`` (seconds) is the BRP's own hint when it gave one.
    """

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class BrpRequestError(BrpError):
    """The BRP refused the query (4xx other than 408/429): a bug or bad input; do not retry."""


class BrpAuthenticationError(BrpRequestError):
    """401/403, or the token endpoint refused the client: a configuration problem."""


# --- client -----------------------------------------------------------------------------------


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


class BrpClient:
    """Queries the BRP. Thread-safe; keeps connections open (use as a context manager or ``close()``).

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

    # -- life cycle
    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> BrpClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- the queries
    def search_by_address(
        self,
        *,
        postcode: str,
        house_number: int,
        fields: Sequence[str],
        house_letter: str = "",
        addition: str = "",
        surname: str = "",
        birth_date: dt.date | None = None,
        include_deceased: bool = False,
        municipality_code: str = "",
    ) -> list[dict[str, Any]]:
        """``ZoekMetPostcodeEnHuisnummer``: the persons registered at the address (``PersoonBeperkt``).

        Without ``house_letter``/``addition`` the BRP returns every letter and addition of the
        house number. ``surname`` (without prefix) and ``birth_date`` narrow the search.
        """
        query: dict[str, Any] = {"type": ZOEK_POSTCODE_HUISNUMMER, "postcode": postcode, "huisnummer": house_number}
        _put(query, huisletter=house_letter, huisnummertoevoeging=addition, geslachtsnaam=surname,
             geboortedatum=birth_date.isoformat() if birth_date else "", gemeenteVanInschrijving=municipality_code)
        if include_deceased:
            query["inclusiefOverledenPersonen"] = True
        query["fields"] = list(fields)
        return self.personen(query)

    def search_by_name_and_birth_date(
        self,
        *,
        surname: str,
        birth_date: dt.date,
        fields: Sequence[str],
        first_names: str = "",
        prefix: str = "",
        include_deceased: bool = False,
        municipality_code: str = "",
    ) -> list[dict[str, Any]]:
        """``ZoekMetGeslachtsnaamEnGeboortedatum``: persons anywhere in the BRP (incl. RNI)."""
        query: dict[str, Any] = {"type": ZOEK_GESLACHTSNAAM_GEBOORTEDATUM, "geslachtsnaam": surname,
                                 "geboortedatum": birth_date.isoformat()}
        _put(query, voornamen=first_names, voorvoegsel=prefix, gemeenteVanInschrijving=municipality_code)
        if include_deceased:
            query["inclusiefOverledenPersonen"] = True
        query["fields"] = list(fields)
        return self.personen(query)

    def search_by_name_in_municipality(
        self,
        *,
        surname: str,
        first_names: str,
        municipality_code: str,
        fields: Sequence[str],
        prefix: str = "",
        include_deceased: bool = False,
    ) -> list[dict[str, Any]]:
        """``ZoekMetNaamEnGemeenteVanInschrijving``: persons registered in the municipality by
        geslachtsnaam and voornamen (both case-insensitive; a trailing ``*`` after 3 letters or more)."""
        query: dict[str, Any] = {"type": ZOEK_NAAM_GEMEENTE, "geslachtsnaam": surname, "voornamen": first_names,
                                 "gemeenteVanInschrijving": municipality_code}
        _put(query, voorvoegsel=prefix)
        if include_deceased:
            query["inclusiefOverledenPersonen"] = True
        query["fields"] = list(fields)
        return self.personen(query)

    def get_by_bsn(self, bsns: Iterable[str], *, fields: Sequence[str],
                   municipality_code: str = "") -> list[dict[str, Any]]:
        """``RaadpleegMetBurgerservicenummer``: full records (``Persoon``), 20 BSNs per request."""
        wanted = list(dict.fromkeys(bsns))
        persons: list[dict[str, Any]] = []
        for start in range(0, len(wanted), MAX_BSNS_PER_QUERY):
            chunk = wanted[start:start + MAX_BSNS_PER_QUERY]
            query: dict[str, Any] = {"type": RAADPLEEG_BSN, "burgerservicenummer": chunk}
            _put(query, gemeenteVanInschrijving=municipality_code)
            query["fields"] = list(fields)
            persons += self.personen(query)
        return persons

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
            except httpx.TimeoutException as exc:
                error = BrpUnavailable(f"De BRP antwoordde niet binnen {self.timeout:g} seconden.")
                error.__cause__ = exc
            except httpx.TransportError as exc:
                error = BrpUnavailable(f"De BRP is niet bereikbaar ({type(exc).__name__}).")
                error.__cause__ = exc
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
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self._api_key:
            headers["X-API-KEY"] = self._api_key
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def _delay(self, attempt: int, retry_after: float | None) -> float | None:
        delay = min(self.max_backoff, self.backoff * 2 ** attempt) * random.uniform(0.75, 1.0)
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return None
            delay = max(delay, retry_after)
        return delay


def _put(query: dict[str, Any], **values: str) -> None:
    """Add the optional parameters that have a value (the BRP refuses empty strings)."""
    query.update({name: value for name, value in values.items() if value})


def _json_body(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError as exc:
        raise BrpUnavailable("De BRP gaf een onleesbaar antwoord (geen JSON).", status=response.status_code) from exc
    if not isinstance(body, dict):
        raise BrpUnavailable("De BRP gaf een onverwacht antwoord.", status=response.status_code)
    return body


def _retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` as seconds: a number, or an HTTP date."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _error_from_response(response: httpx.Response) -> BrpError:
    """Turn a non-200 answer (problem+json when the BRP gives one) into a typed error."""
    problem: dict[str, Any] = {}
    try:
        parsed = response.json()
        if isinstance(parsed, dict):
            problem = parsed
    except ValueError:
        pass
    status = response.status_code
    details = {
        "status": status,
        "title": str(problem.get("title", "")),
        "detail": str(problem.get("detail", "")),
        "code": str(problem.get("code", "")),
        "invalid_params": [p for p in problem.get("invalidParams") or [] if isinstance(p, dict)],
        "instance": str(problem.get("instance", "")),
    }
    summary = details["title"] or response.reason_phrase
    if details["detail"]:
        summary = f"{summary} {details['detail']}"
    if status in _RETRY_STATUSES or status >= 500:
        return BrpUnavailable(f"De BRP is tijdelijk niet beschikbaar ({status}): {summary}",
                              retry_after=_retry_after(response), **details)
    if status in (401, 403):
        return BrpAuthenticationError(f"De BRP weigert de toegang ({status}): {summary}", **details)
    params = ", ".join(f"{p.get('name')}: {p.get('reason')}" for p in details["invalid_params"])
    return BrpRequestError(f"De BRP weigert de vraag ({status}): {summary}" + (f" [{params}]" if params else ""),
                           **details)


# --- from Django settings ---------------------------------------------------------------------

_shared: dict[tuple, BrpClient] = {}  # at most one: the client of the current configuration
_shared_lock = threading.Lock()


def settings_values() -> dict[str, Any]:
    """The BRP_* settings with their defaults (read with getattr, so they may be absent)."""
    from django.conf import settings

    return {
        "base_url": getattr(settings, "BRP_BASE_URL", DEFAULT_BASE_URL) or DEFAULT_BASE_URL,
        "api_key": getattr(settings, "BRP_API_KEY", "") or "",
        "token_url": getattr(settings, "BRP_OAUTH_TOKEN_URL", "") or "",
        "client_id": getattr(settings, "BRP_OAUTH_CLIENT_ID", "") or "",
        "client_secret": getattr(settings, "BRP_OAUTH_CLIENT_SECRET", "") or "",
        "scope": getattr(settings, "BRP_OAUTH_SCOPE", "") or "",
        "timeout": float(getattr(settings, "BRP_TIMEOUT", DEFAULT_TIMEOUT)),
        "retries": int(getattr(settings, "BRP_RETRIES", DEFAULT_RETRIES)),
    }


def client_from_settings() -> BrpClient:
    """A new client configured by ``BRP_BASE_URL``, ``BRP_API_KEY``, ``BRP_OAUTH_TOKEN_URL``,
    ``BRP_OAUTH_CLIENT_ID``, ``BRP_OAUTH_CLIENT_SECRET`` (``BRP_OAUTH_SCOPE``), ``BRP_TIMEOUT``
    and ``BRP_RETRIES``. OAuth is used when a token URL is set."""
    values = settings_values()
    oauth = None
    if values["token_url"]:
        oauth = OAuthCredentials(values["token_url"], values["client_id"], values["client_secret"], values["scope"])
    return BrpClient(values["base_url"], api_key=values["api_key"], oauth=oauth, timeout=values["timeout"],
                     retries=values["retries"])


def shared_client() -> BrpClient:
    """One client per process for the current configuration (keeps connections and the token between
    tasks). When the BRP_* settings change (tests, one fake BRP each) the client of the old
    configuration is closed, so no connections to an old address are kept."""
    values = settings_values()
    key = tuple(sorted(values.items()))
    with _shared_lock:
        client = _shared.get(key)
        if client is None:
            for old in _shared.values():
                old.close()
            _shared.clear()
            client = _shared[key] = client_from_settings()
        return client
