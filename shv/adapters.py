"""Where the SHV check gets a resident's debt-assistance products from: pluggable adapters.

``get_adapter()`` returns an instance of the class named by the setting ``SHV_ADAPTER``:

- ``shv.adapters.RegisterAdapter`` (default): the register imported with ``manage.py import_shv``.
- ``shv.adapters.HttpAdapter``: asks the SHV system over HTTP (settings ``SHV_HTTP_URL``,
  ``SHV_HTTP_TIMEOUT``, ``SHV_HTTP_API_KEY``).

An adapter answers one question: which products does the SHV register of *this* municipality hold
for this BSN? The decision (bekend / nazorg / onbekend) is made in :func:`shv.services.shv_check`,
the same for every adapter. An adapter that cannot answer raises :class:`ShvUnavailableError`; the
caller then retries later (it must never read "unavailable" as "unknown to SHV").

HTTP contract (``HttpAdapter``)::

    POST {SHV_HTTP_URL}/registraties/zoeken        (a POST: a BSN in a URL would end up in logs)
    Content-Type: application/json
    Accept: application/json
    {"gemeentecode": "0363", "bsn": "999997646"}
    X-Api-Key: {SHV_HTTP_API_KEY}          (only when set)

    200 {"registraties": [{"product": "budgetbeheer", "startdatum": "2026-01-05",
                           "einddatumBeschikking": null}]}
    200 {"registraties": []} or 404        → no products: unknown to SHV
    anything else, a timeout, a refused connection or a body not in this shape → ShvUnavailableError
"""
from __future__ import annotations

import datetime as dt
import http.client
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .models import normalise_product
from .selectors import shv_registration_list, shv_registration_list_many

if TYPE_CHECKING:
    from accounts.models import Municipality

DEFAULT_ADAPTER = "shv.adapters.RegisterAdapter"
DEFAULT_HTTP_TIMEOUT = 5.0  # seconds
MAX_RESPONSE_BYTES = 1024 * 1024


class ShvUnavailableError(Exception):
    """The SHV register could not be asked or gave no usable answer; try again later."""


ShvUnavailable = ShvUnavailableError  # the name signals.checks imports


@dataclass(frozen=True, slots=True)
class ShvProductRecord:
    """One product of one resident, whatever the adapter read it from."""

    product: str
    start_date: dt.date
    end_decision_date: dt.date | None


class ShvAdapter(Protocol):
    source: str

    def registrations(self, *, municipality: Municipality, bsn: str) -> list[ShvProductRecord]: ...


def get_adapter() -> ShvAdapter:
    """The adapter named by the setting ``SHV_ADAPTER`` (a dotted path to a class)."""
    path = getattr(settings, "SHV_ADAPTER", None) or DEFAULT_ADAPTER
    try:
        adapter_class = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"SHV_ADAPTER '{path}' kan niet worden geladen: {exc}") from exc
    return adapter_class()


class RegisterAdapter:
    """Reads the register imported with ``manage.py import_shv`` (table ``shv_shvregistration``)."""

    source = "register"

    def registrations(self, *, municipality: Municipality, bsn: str) -> list[ShvProductRecord]:
        return [
            ShvProductRecord(row.product, row.start_date, row.end_decision_date)
            for row in shv_registration_list(municipality=municipality, bsn=bsn)
        ]

    def registrations_many(self, *, municipality: Municipality, bsns) -> dict[str, list[ShvProductRecord]]:
        """Every BSN's products in one read (the checks of a chunk)."""
        found: dict[str, list[ShvProductRecord]] = {bsn: [] for bsn in bsns}
        for row in shv_registration_list_many(municipality=municipality, bsns=found):
            found[row.bsn].append(ShvProductRecord(row.product, row.start_date, row.end_decision_date))
        return found


class HttpAdapter:
    """Asks the SHV system's HTTP endpoint (see the module docstring for the contract)."""

    source = "http"

    def __init__(self, *, base_url: str | None = None, timeout: float | None = None, api_key: str | None = None):
        base_url = base_url if base_url is not None else getattr(settings, "SHV_HTTP_URL", "")
        if not base_url:
            raise ImproperlyConfigured("SHV_ADAPTER is HttpAdapter, maar SHV_HTTP_URL is niet ingesteld.")
        self.base_url = base_url.rstrip("/")
        self.timeout = float(
            timeout if timeout is not None else getattr(settings, "SHV_HTTP_TIMEOUT", DEFAULT_HTTP_TIMEOUT)
        )
        self.api_key = api_key if api_key is not None else getattr(settings, "SHV_HTTP_API_KEY", "")

    def registrations(self, *, municipality: Municipality, bsn: str) -> list[ShvProductRecord]:
        # POST, not GET: a BSN in a URL ends up in access and proxy logs.
        body = json.dumps({"gemeentecode": municipality.cbs_code, "bsn": bsn}).encode()
        request = urllib.request.Request(f"{self.base_url}/registraties/zoeken", data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        request.add_header("Accept", "application/json")
        if self.api_key:
            request.add_header("X-Api-Key", self.api_key)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                body = response.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 404:
                return []
            raise ShvUnavailableError(f"Het SHV-systeem antwoordde met HTTP-status {exc.code}.") from None
        except TimeoutError:
            raise ShvUnavailableError(f"Het SHV-systeem antwoordde niet binnen {self.timeout:g} seconden.") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise ShvUnavailableError(
                    f"Het SHV-systeem antwoordde niet binnen {self.timeout:g} seconden."
                ) from None
            raise ShvUnavailableError(f"Het SHV-systeem is niet bereikbaar: {exc.reason}.") from None
        except (OSError, http.client.HTTPException) as exc:  # reset or cut off while reading, …
            raise ShvUnavailableError(f"De verbinding met het SHV-systeem werd verbroken: {exc}.") from None
        if len(body) > MAX_RESPONSE_BYTES:
            raise ShvUnavailableError("Het antwoord van het SHV-systeem is te groot.")
        return _parse_response(body)


def _parse_response(body: bytes) -> list[ShvProductRecord]:
    try:
        data = json.loads(body)
        items = data["registraties"]
        if not isinstance(items, list):
            raise TypeError
        records = []
        for item in items:
            end = item.get("einddatumBeschikking")
            records.append(
                ShvProductRecord(
                    product=normalise_product(item["product"]),
                    start_date=dt.date.fromisoformat(item["startdatum"]),
                    end_decision_date=dt.date.fromisoformat(end) if end else None,
                )
            )
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ShvUnavailableError("Het antwoord van het SHV-systeem heeft niet de afgesproken vorm.") from None
    return records

