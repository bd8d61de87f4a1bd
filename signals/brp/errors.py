"""The errors of the BRP client, and an HTTP answer turned into one (problem+json when the BRP
gives it), and the retry policy both sessions (:mod:`.session`, :mod:`.transport`) follow.
``str()`` of each is a Dutch sentence for logs and screens."""
from __future__ import annotations

import datetime as dt
import email.utils
import random
from collections.abc import Sequence
from typing import Any

import httpx

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


# --- the retry policy (shared by the synchronous and the asynchronous session) ----------------


def retry_delay(attempt: int, retry_after: float | None, *, backoff: float, max_backoff: float,
                max_retry_after: float) -> float | None:
    """The wait before repeat ``attempt`` (from 0): ``backoff · 2ⁿ`` (at most ``max_backoff``, with
    jitter), or the BRP's ``Retry-After`` when that is longer; ``None`` when ``Retry-After`` is above
    ``max_retry_after`` (not waited for: the caller tries again later)."""
    delay = min(max_backoff, backoff * 2 ** attempt) * random.uniform(0.75, 1.0)
    if retry_after is not None:
        if retry_after > max_retry_after:
            return None
        delay = max(delay, retry_after)
    return delay


def transport_error(exc: httpx.TransportError, timeout: float) -> BrpUnavailable:
    """A timeout or connection error as the (retryable) :class:`BrpUnavailable` it means."""
    if isinstance(exc, httpx.TimeoutException):
        error = BrpUnavailable(f"De BRP antwoordde niet binnen {timeout:g} seconden.")
    else:
        error = BrpUnavailable(f"De BRP is niet bereikbaar ({type(exc).__name__}).")
    error.__cause__ = exc
    return error
