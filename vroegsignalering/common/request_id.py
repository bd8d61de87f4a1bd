"""A request id on every request: ``request.request_id``, the ``X-Request-ID`` response header, and
``%(request_id)s`` in log records (``RequestIdLogFilter``), so an audit event, a log line and a
user's report of an error can be joined. A well-formed ``X-Request-ID`` is kept behind trusted proxies
(``TRUSTED_PROXY_COUNT`` > 0), where the proxy sets it."""
from __future__ import annotations

import contextvars
import logging
import re
import uuid

from django.conf import settings

_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_WELL_FORMED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "X-Request-ID"


def current_request_id() -> str:
    """The id of the request this code runs in, or ``-`` outside a request (a task, a command)."""
    return _current.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only a trusted proxy's id is kept (TRUSTED_PROXY_COUNT): a client must not choose the id that joins
        # its requests to the audit trail and the logs.
        offered = request.headers.get(HEADER, "") if getattr(settings, "TRUSTED_PROXY_COUNT", 0) > 0 else ""
        request.request_id = offered if _WELL_FORMED.match(offered) else uuid.uuid4().hex
        token = _current.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request.request_id
        return response


class RequestIdLogFilter(logging.Filter):
    """Adds ``record.request_id`` (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True
