"""A fake BRP Personen Bevragen v2 for tests and local use: a real HTTP server on loopback.

``POST {base}/personen`` answers the four query types of the spec in ``shared/haal-centraal/``
(validation, search and answer: :mod:`.queries`). The persons are the official mock's test persons
plus the demo population (see :mod:`.persons`).

Authentication, when configured: an ``X-API-KEY`` header (``api_key``) and/or an OAuth2
client-credentials token from ``{root}/oauth/token`` (``oauth_clients``, client_secret_post or
HTTP Basic). Faults for tests: :meth:`FakeBrpServer.fail_next`, :meth:`~FakeBrpServer.set_delay`,
:meth:`~FakeBrpServer.set_down`; counters of what it received. A real BRP's behaviour for benchmarks
(:class:`Behaviour`, :meth:`~FakeBrpServer.set_behaviour`, ``run_fake_brp --latency-ms …``): latency with
jitter, at most so many queries at once (beyond it 429 with ``Retry-After``), and an error rate (503).
For benchmarks run in another process: ``GET {root}/_stats`` answers the counters (:meth:`FakeBrpServer.stats`),
and with ``control=True`` (``run_fake_brp --control``) ``POST {root}/_control`` with ``{"down": true|false}``
switches :meth:`~FakeBrpServer.set_down` (the fault drill, ``bench/drill.py``).

    with FakeBrpServer(port=0, inhabitants={"0518": 566221}) as brp:
        client = BrpClient(brp.url)
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import random
import secrets
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from demo.loopback import LoopbackServer

from .persons import PersonStore, StoredPerson, load_mock_persons
from .queries import ProblemError, find, invalid, param, render, validate

logger = logging.getLogger(__name__)

DEFAULT_BASE_PATH = "/haalcentraal/api/brp"
TOKEN_PATH = "/oauth/token"
STATS_PATH = "/_stats"
CONTROL_PATH = "/_control"


def default_mock_data_path() -> Path:
    """``BRP_FAKE_MOCK_DATA``, or ``shared/haal-centraal/personen-mock-test-data.json`` next to the project."""
    try:
        from django.conf import settings

        if settings.configured:
            configured = getattr(settings, "BRP_FAKE_MOCK_DATA", None)
            if configured:
                return Path(configured)
            return Path(settings.BASE_DIR).parent / "shared/haal-centraal/personen-mock-test-data.json"
    except ImportError:  # pragma: no cover - Django is always installed here
        pass
    return Path(__file__).resolve().parents[3] / "shared/haal-centraal/personen-mock-test-data.json"


@dataclass(frozen=True)
class Behaviour:
    """How the fake answers, like a production BRP (issue 14): each query waits ``latency_ms`` ± up to
    ``jitter_ms`` (uniform); beyond ``max_concurrent`` queries at once (0: no limit) it answers 429 with
    ``Retry-After: retry_after_s`` at once; a share ``error_rate`` of the queries fails with 503 after the wait.
    ``seed`` makes the jitter and the errors repeatable."""

    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    max_concurrent: int = 0
    error_rate: float = 0.0
    retry_after_s: float = 1.0
    seed: int = 0

    def __post_init__(self):
        if self.latency_ms < 0 or self.jitter_ms < 0 or self.max_concurrent < 0 or self.retry_after_s < 0:
            raise ValueError("latency, jitter, max_concurrent and retry_after cannot be negative")
        if not 0.0 <= self.error_rate <= 1.0:
            raise ValueError("error_rate is a share between 0 and 1")


class FakeBrpServer(LoopbackServer):
    """The fake BRP; start and stop it with ``with``, or :meth:`start` and :meth:`stop`."""

    label = "de nep-BRP"

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        base_path: str = DEFAULT_BASE_PATH,
        inhabitants: Mapping[str, int] | None = None,
        municipality_names: Mapping[str, str] | None = None,
        mock_data: str | Path | None | bool = True,
        api_key: str = "",
        oauth_clients: Mapping[str, str] | None = None,
        token_lifetime: float = 300.0,
        seed: int = 0,
        today: dt.date | Callable[[], dt.date] | None = None,
        store: PersonStore | None = None,
        behaviour: Behaviour | None = None,
        control: bool = False,
    ):
        """``mock_data``: True for :func:`default_mock_data_path`, a path, or False/None for none.
        ``today`` fixes the date ``leeftijd`` is computed on (default: the real date). ``store``: the
        persons of another server (``other.store``), so a fresh server (its own port, request log
        and faults, e.g. one per test) needs no new population; ``mock_data``, ``inhabitants``,
        ``municipality_names`` and ``seed`` are then not used. ``behaviour``: latency, a concurrency limit and
        an error rate like a production BRP (default: every query at once). ``control``: accept
        ``POST {root}/_control`` (down or up) from another process."""
        self.control = control
        self.base_path = "/" + base_path.strip("/") if base_path.strip("/") else ""
        self.api_key = api_key
        self.oauth_clients = dict(oauth_clients or {})
        self.token_lifetime = token_lifetime
        if today is None:
            self._today: Callable[[], dt.date] = dt.date.today
        elif isinstance(today, dt.date):
            self._today = lambda: today
        else:
            self._today = today
        self.store = store if store is not None else PersonStore(
            self._mock_persons(mock_data), inhabitants=inhabitants, names=municipality_names, seed=seed)
        self._loopback_init(host, port)
        self._lock = threading.Lock()
        self._tokens: dict[str, float] = {}
        self._behaviour = behaviour or Behaviour()
        self.reset()

    @staticmethod
    def _mock_persons(mock_data: str | Path | None | bool) -> tuple[StoredPerson, ...]:
        if mock_data is False or mock_data is None:
            return ()
        path = default_mock_data_path() if mock_data is True else Path(mock_data)
        if not path.is_file():
            logger.warning("Nep-BRP: testpersonen niet gevonden (%s); alleen de demobevolking.", path)
            return ()
        return load_mock_persons(path)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        return _Handler

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The base URL (``BRP_BASE_URL``); the endpoint is ``{url}/personen``."""
        return f"{self.root_url}{self.base_path}"

    @property
    def token_url(self) -> str:
        return f"{self.root_url}{TOKEN_PATH}"

    # -- faults and counters (for tests)
    def reset(self) -> None:
        """Clear faults and counters."""
        with self._lock:
            self._failures: list[tuple[int, float | None]] = []
            self._delay = 0.0
            self._delay_count: int | None = None
            self._down = False
            self._random = random.Random(self._behaviour.seed)  # the behaviour itself is configuration: it stays
            self.in_flight = 0
            self.max_in_flight = 0  # the most queries it held at once
            self.throttled = 0  # 429 answers for too many queries at once
            self.injected_errors = 0  # 503 answers of the error rate
            self.request_count = 0  # POST /personen requests received, failed ones included
            self.requests_by_type: Counter[str] = Counter()
            self.queries: list[dict[str, Any]] = []  # the bodies of the answered queries
            self.token_request_count = 0

    def fail_next(self, n: int = 1, status: int = 503, retry_after: float | None = None) -> None:
        """Answer the next ``n`` queries with ``status`` (problem+json), with ``Retry-After`` if given."""
        with self._lock:
            self._failures += [(status, retry_after)] * n

    def set_delay(self, seconds: float, count: int | None = None) -> None:
        """Wait this long before answering each query, or only the next ``count`` ones (to provoke
        client timeouts)."""
        with self._lock:
            self._delay, self._delay_count = seconds, count

    def set_behaviour(self, behaviour: Behaviour) -> None:
        """Answer like a production BRP from now on (:class:`Behaviour`; ``Behaviour()`` for at once)."""
        with self._lock:
            self._behaviour = behaviour
            self._random = random.Random(behaviour.seed)

    def stats(self) -> dict[str, Any]:
        """The counters as JSON-ready values (``GET {root}/_stats``)."""
        with self._lock:
            return {"request_count": self.request_count, "requests_by_type": dict(self.requests_by_type),
                    "in_flight": self.in_flight, "max_in_flight": self.max_in_flight, "throttled": self.throttled,
                    "injected_errors": self.injected_errors, "token_request_count": self.token_request_count,
                    "down": self._down}

    def set_down(self, down: bool = True) -> None:
        """While down, every connection is closed without an answer."""
        with self._lock:
            self._down = down

    def bsn_for(self, person) -> str:
        """The BSN the fake gives a :class:`demo.people.Person`."""
        return self.store.bsn_for(person)

    # -- request handling (called by the handler threads)
    def _begin(self) -> tuple[bool, float, tuple[int, float | None] | None, bool]:
        """(down, wait, failure, holding): ``holding`` when the query counts against ``max_concurrent`` until
        :meth:`_end`."""
        with self._lock:
            self.request_count += 1
            failure = self._failures.pop(0) if self._failures else None
            delay = self._delay
            if self._delay_count is not None:
                self._delay_count -= 1
                if self._delay_count <= 0:
                    self._delay, self._delay_count = 0.0, None
            behaviour = self._behaviour
            if self._down or failure is not None:
                return self._down, delay, failure, False
            if behaviour.max_concurrent and self.in_flight >= behaviour.max_concurrent:
                self.throttled += 1
                return False, 0.0, (429, behaviour.retry_after_s), False
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            jitter = self._random.uniform(-behaviour.jitter_ms, behaviour.jitter_ms) if behaviour.jitter_ms else 0.0
            delay += max(behaviour.latency_ms + jitter, 0.0) / 1000
            if behaviour.error_rate and self._random.random() < behaviour.error_rate:
                self.injected_errors += 1
                failure = (503, None)
            return False, delay, failure, True

    def _end(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self._stopping.wait(seconds)

    def _issue_token(self, form: dict[str, str], authorization: str) -> dict[str, Any]:
        with self._lock:
            self.token_request_count += 1
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization.lower().startswith("basic "):
            try:
                client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
            except ValueError:
                client_id = secret = ""
        if form.get("grant_type") != "client_credentials":
            raise ProblemError(400, "unsupported_grant_type", code="unsupported_grant_type")
        if not client_id or self.oauth_clients.get(client_id) != secret:
            raise ProblemError(401, "invalid_client", code="invalid_client")
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = time.monotonic() + self.token_lifetime
        return {"access_token": token, "token_type": "Bearer", "expires_in": int(self.token_lifetime)}

    def revoke_tokens(self) -> None:
        """Forget every issued token (the next query with an old token gets 401)."""
        with self._lock:
            self._tokens.clear()

    def _authenticate(self, headers) -> None:
        if self.api_key and headers.get("X-API-KEY", "") != self.api_key:
            raise ProblemError(401, "Niet correct geauthenticeerd.",
                               "Geef een geldige API-sleutel in de header X-API-KEY.", "authentication",
                               headers={"WWW-Authenticate": 'ApiKey header="X-API-KEY"'})
        if self.oauth_clients:
            authorization = headers.get("Authorization", "")
            token = authorization[7:] if authorization.lower().startswith("bearer ") else ""
            with self._lock:
                expires = self._tokens.get(token)
            if expires is None or expires < time.monotonic():
                raise ProblemError(401, "Niet correct geauthenticeerd.", "Geef een geldig toegangstoken.",
                                   "authentication", headers={"WWW-Authenticate": "Bearer"})

    def answer(self, query: Any) -> dict[str, Any]:
        """Validate a query body and answer it (also usable without HTTP)."""
        kind = validate(query)
        with self._lock:
            self.requests_by_type[kind] += 1
            self.queries.append(query)
        persons = find(self.store, kind, query)
        today = self._today()
        return {"type": kind, "personen": [render(person, query["fields"], today) for person in persons]}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real API gateway
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms delayed-ACK stalls
    server_fake: FakeBrpServer

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's signature
        logger.debug("nep-BRP: " + format, *args)

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        if urllib.parse.urlsplit(self.path).path.rstrip("/") == STATS_PATH:
            self._send_json(200, self.server_fake.stats())
            return
        self._send_problem(ProblemError(405, "Methode niet toegestaan.", code="methodNotAllowed"))

    def _control(self, body: bytes) -> None:
        """``POST /_control`` with ``{"down": bool}``: only when the fake was started with ``control``."""
        fake = self.server_fake
        if not fake.control:
            raise ProblemError(404, "Opgevraagde resource bestaat niet.", code="notFound")
        try:
            command = json.loads(body or b"{}")
        except ValueError:
            command = None
        if not isinstance(command, dict) or not isinstance(command.get("down"), bool):
            raise invalid([param("boolean", "down", "Geef down: true of false.")])
        fake.set_down(command["down"])
        self._send_json(200, fake.stats())

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        fake = self.server_fake
        path = urllib.parse.urlsplit(self.path).path.rstrip("/")
        try:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        except (OSError, ValueError):
            self.close_connection = True
            return
        try:
            if path == TOKEN_PATH:
                form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode("utf-8", "replace")).items()}
                self._send_json(200, fake._issue_token(form, self.headers.get("Authorization", "")))
                return
            if path == CONTROL_PATH:
                self._control(body)
                return
            if path != f"{fake.base_path}/personen":
                raise ProblemError(404, "Opgevraagde resource bestaat niet.", code="notFound")
            down, delay, failure, holding = fake._begin()
            if down:
                self.close_connection = True  # no answer at all
                return
            self._holding = holding  # released when the answer is sent (below)
            fake._wait(delay)
            if failure is not None:
                status, retry_after = failure
                headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
                title = "Bronservice BRP is tijdelijk niet beschikbaar." if status >= 500 else "Too many request"
                raise ProblemError(status, title, "Storing nagebootst door de nep-BRP.",
                                   "serviceUnavailable" if status >= 500 else "tooManyRequests", headers=headers)
            fake._authenticate(self.headers)
            content_type = self.headers.get("Content-Type", "")
            if not content_type.lower().startswith("application/json"):
                raise ProblemError(415, "Unsupported Media Type", "Gebruik application/json.", "unsupported")
            try:
                query = json.loads(body)
            except ValueError:
                raise invalid([param("json", "body", "Het bericht is geen geldige JSON.")])
            self._send_json(200, fake.answer(query))
        except ProblemError as problem:
            self._send_problem(problem)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            self.close_connection = True
        except Exception:  # a bug in the fake: answer 500 like a server would
            logger.exception("Nep-BRP: fout bij het beantwoorden")
            self._send_problem(ProblemError(500, "Interne server fout.", code="serverError"))
        finally:
            if getattr(self, "_holding", False):
                self._holding = False
                fake._end()

    def _send_json(self, status: int, body: dict[str, Any], content_type: str = "application/json; charset=utf-8",
                   headers: Mapping[str, str] | None = None) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _send_problem(self, problem: ProblemError) -> None:
        instance = urllib.parse.urlsplit(self.path).path
        self._send_json(problem.status, problem.body(instance), "application/problem+json", problem.headers)
