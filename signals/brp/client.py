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
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from .errors import BrpAuthenticationError, BrpError, BrpRequestError, BrpUnavailable
from .session import DEFAULT_BASE_URL, DEFAULT_RETRIES, DEFAULT_TIMEOUT, BrpSession, OAuthCredentials

__all__ = [
    "DEFAULT_BASE_URL", "DEFAULT_RETRIES", "DEFAULT_TIMEOUT", "MAX_BSNS_PER_QUERY", "RAADPLEEG_BSN",
    "ZOEK_GESLACHTSNAAM_GEBOORTEDATUM", "ZOEK_NAAM_GEMEENTE", "ZOEK_POSTCODE_HUISNUMMER", "BrpAuthenticationError",
    "BrpClient", "BrpError", "BrpRequestError", "BrpUnavailable", "OAuthCredentials", "client_from_settings",
    "settings_values", "shared_client",
]

MAX_BSNS_PER_QUERY = 20  # RaadpleegMetBurgerservicenummer: maxItems

# Query types (the spec's discriminator values).
ZOEK_POSTCODE_HUISNUMMER = "ZoekMetPostcodeEnHuisnummer"
ZOEK_GESLACHTSNAAM_GEBOORTEDATUM = "ZoekMetGeslachtsnaamEnGeboortedatum"
ZOEK_NAAM_GEMEENTE = "ZoekMetNaamEnGemeenteVanInschrijving"
RAADPLEEG_BSN = "RaadpleegMetBurgerservicenummer"


class BrpClient(BrpSession):
    """The BRP's queries (the spec's ``type`` values) on a :class:`~signals.brp.session.BrpSession`:
    same constructor (base URL, API key or OAuth credentials, timeout, retries)."""

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


def _put(query: dict[str, Any], **values: str) -> None:
    """Add the optional parameters that have a value (the BRP refuses empty strings)."""
    query.update({name: value for name, value in values.items() if value})


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
