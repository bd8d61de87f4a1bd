"""Shared pieces of the end-to-end tests: a real Celery worker (Redis in CI, memory:// otherwise),
polling, and an HTTP receiver on loopback that records what it is sent (webhooks).

The worker is the ``e2e_worker`` fixture (tests/conftest.py), built on ``celery_worker_running``.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.conf import settings as django_settings

from vroegsignalering.celery import app


@contextmanager
def celery_worker_running():
    """A Celery worker thread consuming from Redis (memory:// without CELERY_BROKER_URL), with a
    clean queue of this test process's own. Used by the ``e2e_worker`` fixture (tests/conftest.py)."""
    from celery.contrib.testing.worker import start_worker

    app.conf.task_always_eager = False  # restored by the autouse _eager_celery fixture
    # A queue of this test process's own, so parallel test processes never take each other's tasks.
    saved_queue, saved_broker = app.conf.task_default_queue, app.conf.broker_url
    app.conf.task_default_queue = f"e2e-{os.getpid()}"
    app.conf.broker_url = django_settings.CELERY_BROKER_URL or "memory://"
    saved_options = app.conf.broker_transport_options
    if not django_settings.CELERY_BROKER_URL:
        app.conf.broker_transport_options = {"polling_interval": 0.01}
    drop_connections()
    # The embedded worker sets up logging (root level, handlers); give them back afterwards.
    root = logging.getLogger()
    saved_logging = root.level, list(root.handlers)
    try:
        with app.connection_for_write() as connection:
            connection.default_channel.queue_purge(app.conf.task_default_queue)
        with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        app.conf.task_default_queue, app.conf.broker_url = saved_queue, saved_broker
        app.conf.broker_transport_options = saved_options
        drop_connections()
        root.setLevel(saved_logging[0])
        root.handlers[:] = saved_logging[1]


def drop_connections() -> None:
    """Forget pooled broker connections, so the next publish uses the broker configured now."""
    app._pool = None
    app.amqp._producer_pool = None


def wait_until(condition, timeout: float = 120, step: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(step)
    raise AssertionError("timed out waiting")


# --- An HTTP receiver on loopback -------------------------------------------------------------

@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() when the request arrived


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1 (port 0) in a thread. ``respond(n)`` gives the HTTP status
    for the n-th request (0-based) and may sleep first (a hanging receiver); default 200."""

    respond: Callable[[int], int] = lambda n: 200
    requests: list[Received] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    n = len(receiver.requests)
                    receiver.requests.append(Received(dict(self.headers.items()), body, time.monotonic()))
                status = receiver.respond(n)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

            def handle_error(self, request, client_address):
                pass  # a client that timed out and went away: nothing to report

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/webhook"

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def statuses(*codes: int, then: int = 200) -> Callable[[int], int]:
    """Answer the first requests with ``codes`` in turn, every later one with ``then``."""
    return lambda n: codes[n] if n < len(codes) else then


def hanging(seconds: float) -> Callable[[int], int]:
    """Answer 200, but only after ``seconds`` (beyond the sender's timeout)."""
    def respond(n: int) -> int:
        time.sleep(seconds)
        return 200
    return respond
