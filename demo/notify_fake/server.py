"""A fake Notify v2 API (NotifyNL / GOV.UK Notify) for tests, ``make run`` and the bench: a real HTTP server
on loopback that the real ``notifications-python-client`` talks to.

- ``POST /v2/notifications/sms`` and ``/email``: the real request schema, the JWT checked with the client's
  own ``decode_jwt_token``, the message stored *before* the 201 (as Notify does), the real response shape.
- ``GET /v2/notifications/{id}`` and ``GET /v2/notifications?reference=…``.
- Outcomes by recipient (:data:`OUTCOMES`: reserved fictional numbers and addresses for a permanent,
  temporary or technical failure; everything else is delivered), reported by a delivery callback to
  ``callback_url`` with ``Authorization: Bearer <callback_token>`` (retried on a connection error, 5xx, 429).
- Faults for tests: :meth:`~FakeNotifyServer.fail_next` (the next sends answer ``status``),
  :meth:`~FakeNotifyServer.set_down` (connections closed unanswered), :meth:`~FakeNotifyServer.accept_then_drop`
  (store the message, then close without answering: the crash window of "never twice"), ``latency`` per
  request (slept in the request's own thread, never under the lock).
- Counters and a log of every request body it received (``log``), the stored messages (``messages``).

    with FakeNotifyServer(port=0) as notify:
        settings.NOTIFY_BASE_URL = notify.url
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler
from typing import Any

from demo.loopback import LoopbackServer

from .schema import NotifyError, authenticate, keys_of, nl_mobile, validate

logger = logging.getLogger(__name__)

DEV_SMS_TEMPLATE_ID = "a1b2c3d4-0000-4000-8000-000000000501"
DEV_EMAIL_TEMPLATE_ID = "a1b2c3d4-0000-4000-8000-000000000502"
# Reserved fictional recipients (never a real resident) with the outcome the fake reports for them.
PERMANENT_FAILURE_NUMBER, TEMPORARY_FAILURE_NUMBER, TECHNICAL_FAILURE_NUMBER = (
    "+31600000901", "+31600000902", "+31600000903")
PERMANENT_FAILURE_EMAIL, TEMPORARY_FAILURE_EMAIL, TECHNICAL_FAILURE_EMAIL = (
    "perm-fail@simulator.notify", "temp-fail@simulator.notify", "tech-fail@simulator.notify")
OUTCOMES = {
    PERMANENT_FAILURE_NUMBER: "permanent-failure", TEMPORARY_FAILURE_NUMBER: "temporary-failure",
    TECHNICAL_FAILURE_NUMBER: "technical-failure", PERMANENT_FAILURE_EMAIL: "permanent-failure",
    TEMPORARY_FAILURE_EMAIL: "temporary-failure", TECHNICAL_FAILURE_EMAIL: "technical-failure",
}
_ERROR_NAMES = {400: "BadRequestError", 403: "AuthError", 404: "NotFoundError", 429: "RateLimitError",
                500: "InternalServerError", 503: "ServiceUnavailable"}


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def default_templates() -> dict[str, dict]:
    """The two shell templates: body ``((inhoud))``, e-mail subject ``((onderwerp))``; their ids are the
    settings' (``NOTIFY_SMS_TEMPLATE_ID``, ``NOTIFY_EMAIL_TEMPLATE_ID``) or the development ones."""
    sms_id, email_id = DEV_SMS_TEMPLATE_ID, DEV_EMAIL_TEMPLATE_ID
    try:
        from django.conf import settings

        if settings.configured:
            sms_id = getattr(settings, "NOTIFY_SMS_TEMPLATE_ID", "") or sms_id
            email_id = getattr(settings, "NOTIFY_EMAIL_TEMPLATE_ID", "") or email_id
    except ImportError:  # pragma: no cover - Django is always installed here
        pass
    return {sms_id: {"type": "sms", "body": "((inhoud))"},
            email_id: {"type": "email", "subject": "((onderwerp))", "body": "((inhoud))"}}


def default_keys() -> dict[str, str]:
    """{service id: secret} of the settings' ``NOTIFY_API_KEY`` (the development key by default)."""
    try:
        from django.conf import settings

        if settings.configured and getattr(settings, "NOTIFY_API_KEY", ""):
            return dict([keys_of(settings.NOTIFY_API_KEY)])
    except ImportError:  # pragma: no cover
        pass
    return {}


class FakeNotifyServer(LoopbackServer):
    """The fake Notify; start and stop it with ``with``, or :meth:`start` and :meth:`stop`."""

    label = "de nep-Notify"

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, keys: Mapping[str, str] | None = None,
                 api_keys: tuple[str, ...] = (), templates: Mapping[str, dict] | None = None,
                 outcomes: Mapping[str, str] | None = None, callback_url: str = "", callback_token: str = "",
                 callback_delay: float = 0.0, callback_retry_delay: float = 1.0, callback_retries: int = 5,
                 latency: float = 0.0):
        """``keys`` {service id: secret} and/or ``api_keys`` (whole client keys); default: the settings' key."""
        self.keys = dict(keys if keys is not None else default_keys())
        self.keys.update(keys_of(key) for key in api_keys)
        self.templates = dict(templates or default_templates())
        self.outcomes = {**OUTCOMES, **(outcomes or {})}
        self.callback_url, self.callback_token = callback_url, callback_token
        self.callback_delay, self.callback_retry_delay = callback_delay, callback_retry_delay
        self.callback_retries = callback_retries
        self.latency = latency
        # Recipients the fake refuses with a 400 as NotifyNL's own number check may (for tests).
        self.refused_recipients: set[str] = set()
        self._loopback_init(host, port)
        self._lock = threading.Lock()
        self._callbacks_idle = threading.Condition(self._lock)
        self.reset()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        return _Handler

    @property
    def url(self) -> str:
        """The base URL (``NOTIFY_BASE_URL``)."""
        return f"http://{self.host}:{self.port}"

    # -- faults, counters and what it stored (for tests)
    def reset(self) -> None:
        """Forget messages, faults, counters and the log."""
        with self._lock:
            self._failures: list[int] = []
            self._drops = 0
            self._down = False
            self.notifications: dict[str, dict] = {}
            self.log: list[dict[str, Any]] = []  # every request: method, path, body (parsed JSON or None)
            self.requests: Counter[str] = Counter()  # "send", "lookup", "get", "refused", "dropped", "down"
            self.callbacks: list[dict[str, Any]] = []  # each callback POST: id, status, http_status
            self._callbacks_running = 0

    def fail_next(self, n: int = 1, status: int = 503) -> None:
        """Answer the next ``n`` sends (POSTs) with ``status`` and the real error body; nothing is stored."""
        with self._lock:
            self._failures += [status] * n

    def set_down(self, down: bool = True) -> None:
        """While down, every request's connection is closed without an answer and nothing is stored."""
        with self._lock:
            self._down = down

    def accept_then_drop(self, n: int = 1) -> None:
        """The next ``n`` sends are stored (as Notify stores before it answers), then the connection is closed
        without an answer."""
        with self._lock:
            self._drops += n

    def messages(self, reference: str | None = None) -> list[dict]:
        with self._lock:
            return [dict(n) for n in self.notifications.values() if reference is None or n["reference"] == reference]

    def wait_for_callbacks(self, timeout: float = 5.0) -> bool:
        """Wait until no callback is pending (True) or ``timeout`` passed (False)."""
        with self._callbacks_idle:
            return self._callbacks_idle.wait_for(lambda: self._callbacks_running == 0, timeout)

    def callback_body(self, notification_id: str) -> dict[str, Any]:
        """The body Notify POSTs to the callback URL for this message (all strings but template_version)."""
        with self._lock:
            n = dict(self.notifications[notification_id])
        return {"id": n["id"], "reference": n["reference"], "to": n["phone_number"] or n["email_address"],
                "status": n["status"], "created_at": n["created_at"], "completed_at": n["completed_at"],
                "sent_at": n["sent_at"], "notification_type": n["type"], "template_id": n["template"]["id"],
                "template_version": n["template"]["version"]}

    # -- request handling (called by the handler threads)
    def _begin(self, method: str, path: str, body: Any, kind: str) -> tuple[bool, int | None, bool]:
        """Log the request and take its fault: (down, failure status, drop after storing)."""
        with self._lock:
            self.log.append({"method": method, "path": path, "body": body})
            if self._down:
                self.requests["down"] += 1
                return True, None, False
            failure = drop = None
            if kind == "send":
                failure = self._failures.pop(0) if self._failures else None
                if failure is None and self._drops:
                    self._drops -= 1
                    drop = True
            return False, failure, bool(drop)

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self._stopping.wait(seconds)

    def _store(self, kind: str, service_id: str, checked: dict[str, Any]) -> dict[str, Any]:
        now = dt.datetime.now(dt.UTC)
        notification_id = str(uuid.uuid4())
        template = checked["template"]
        template_id = next(key for key, value in self.templates.items() if value is template)
        record = {
            "id": notification_id, "reference": checked["reference"], "type": kind, "status": "created",
            "phone_number": checked["recipient"] if kind == "sms" else None,
            "email_address": checked["recipient"] if kind == "email" else None,
            **{f"line_{i}": None for i in range(1, 7)}, "postcode": None,
            "template": {"id": template_id, "version": 1, "uri": f"{self.url}/v2/template/{template_id}"},
            "body": checked["body"], "subject": checked["subject"] if kind == "email" else None,
            "created_at": _iso(now), "sent_at": None, "completed_at": None, "scheduled_for": None,
            "created_by_name": None, "service_id": service_id,
        }
        with self._lock:
            self.notifications[notification_id] = record
            self.requests["send"] += 1
            self._callbacks_running += 1
        threading.Thread(target=self._complete, args=(notification_id,), daemon=True,
                         name="fake-notify-callback").start()
        content = ({"body": record["body"], "from_number": "NOTIFYNL"} if kind == "sms" else
                   {"body": record["body"], "subject": record["subject"], "from_email": "vroegsignalering@notifynl.nl",
                    "one_click_unsubscribe_url": None})
        return {"id": notification_id, "reference": record["reference"], "content": content,
                "uri": f"{self.url}/v2/notifications/{notification_id}", "template": record["template"],
                "scheduled_for": None}

    def _complete(self, notification_id: str) -> None:
        """After ``callback_delay``: the outcome for the recipient, then the callback (if a URL is set)."""
        try:
            self._wait(self.callback_delay)
            now = _iso(dt.datetime.now(dt.UTC))
            with self._lock:
                n = self.notifications.get(notification_id)
                if n is None:
                    return
                to = n["phone_number"] or n["email_address"]
                n["status"] = self.outcomes.get(to, "delivered")
                n["sent_at"], n["completed_at"] = n["created_at"], now
            if self.callback_url:
                self._post_callback(notification_id)
        finally:
            with self._callbacks_idle:
                self._callbacks_running -= 1
                self._callbacks_idle.notify_all()

    def _post_callback(self, notification_id: str) -> None:
        body = json.dumps(self.callback_body(notification_id)).encode()
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.callback_token}"}
        for attempt in range(self.callback_retries + 1):
            if self._stopping.is_set():
                return
            request = urllib.request.Request(self.callback_url, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback, our config
                    status = response.status
            except urllib.error.HTTPError as exc:
                status = exc.code
            except OSError:
                status = None
            with self._lock:
                self.callbacks.append({"id": notification_id, "http_status": status, "attempt": attempt + 1})
            if status is not None and not (status >= 500 or status == 429):
                return  # delivered, or a 4xx Notify does not retry
            self._wait(self.callback_retry_delay)

    def _lookup(self, query: dict[str, list[str]]) -> dict[str, Any]:
        reference = (query.get("reference") or [None])[0]
        status = (query.get("status") or [None])[0]
        kind = (query.get("template_type") or [None])[0]
        with self._lock:
            self.requests["lookup"] += 1
            found = [dict(n) for n in reversed(self.notifications.values())
                     if (reference is None or n["reference"] == reference) and (status is None or n["status"] == status)
                     and (kind is None or n["type"] == kind)]
        return {"notifications": found[:250], "links": {"current": f"{self.url}/v2/notifications"}}

    def _get(self, notification_id: str) -> dict[str, Any]:
        with self._lock:
            self.requests["get"] += 1
            n = self.notifications.get(notification_id)
        if n is None:
            raise NotifyError(404, "NoResultFound", "No result found")
        return dict(n)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real API behind its load balancer
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms delayed-ACK stalls
    server_fake: FakeNotifyServer

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's signature
        logger.debug("nep-Notify: " + format, *args)

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        self._handle("POST")

    def _handle(self, method: str) -> None:
        fake = self.server_fake
        parts = urllib.parse.urlsplit(self.path)
        path = parts.path.rstrip("/")
        try:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        except (OSError, ValueError):
            self.close_connection = True
            return
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        kind = {"/v2/notifications/sms": "send", "/v2/notifications/email": "send"}.get(path, "read")
        try:
            down, failure, drop = fake._begin(method, path, body, kind if method == "POST" else "read")
            if down:
                self.close_connection = True  # no answer at all
                return
            fake._wait(fake.latency)  # in this request's own thread: concurrent requests overlap
            if failure is not None:
                raise NotifyError(failure, _ERROR_NAMES.get(failure, "Error"), "Storing nagebootst door de nep-Notify")
            service_id = authenticate(self.headers.get("Authorization", ""), fake.keys)
            if method == "POST" and kind == "send":
                channel = path.rsplit("/", 1)[1]
                if raw and body is None:
                    raise NotifyError(400, "ValidationError", "Invalid JSON supplied in POST data")
                checked = validate(channel, body, fake.templates)
                if checked["recipient"] in fake.refused_recipients:
                    field = "phone_number Not a NL mobile number" if channel == "sms" else \
                        "email_address Not a valid email address"
                    raise NotifyError(400, "ValidationError", field)
                answer = fake._store(channel, service_id, checked)
                if drop:
                    with fake._lock:
                        fake.requests["dropped"] += 1
                    self.close_connection = True  # stored, but the client never hears so
                    return
                self._send_json(201, answer)
            elif method == "GET" and path == "/v2/notifications":
                self._send_json(200, fake._lookup(urllib.parse.parse_qs(parts.query)))
            elif method == "GET" and path.startswith("/v2/notifications/"):
                self._send_json(200, fake._get(path.rsplit("/", 1)[1]))
            else:
                raise NotifyError(404, "NotFoundError", "The requested URL was not found on the server.")
        except NotifyError as error:
            if error.status == 400:
                with fake._lock:
                    fake.requests["refused"] += 1
            self._send_json(error.status, error.body())
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            self.close_connection = True
        except Exception:  # a bug in the fake: answer 500 like a server would
            logger.exception("Nep-Notify: fout bij het beantwoorden")
            self._send_json(500, NotifyError(500, "InternalServerError", "Internal server error").body())

    def _send_json(self, status: int, body: dict[str, Any]) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


__all__ = ["FakeNotifyServer", "NotifyError", "nl_mobile"]
