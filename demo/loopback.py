"""The life cycle the loopback fakes share (the fake BRP, the fake Notify): a ``ThreadingHTTPServer`` in a
daemon thread, started and stopped with ``with``, on a free port when asked for port 0."""
from __future__ import annotations

import abc
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar, Self


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # listen backlog: a burst of new connections (a chunk's BRP questions) is not dropped


class LoopbackServer(abc.ABC):
    """Base of a fake: a subclass gives :meth:`_handler_class` (its request handler, which reads
    ``server_fake``) and :attr:`label` (how errors name it), and calls :meth:`_loopback_init` from its
    ``__init__``."""

    label: ClassVar[str] = "de nep-server"

    @abc.abstractmethod
    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        """The fake's request handler class (it reads the fake as ``server_fake``)."""

    def _loopback_init(self, host: str, port: int) -> None:
        self.host = host
        self._requested_port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(self) -> Self:
        fake = self

        class Handler(self._handler_class()):
            server_fake = fake

        self._stopping.clear()
        self._server = _Server((self.host, self._requested_port), Handler)
        self._server.daemon_threads = True
        # A short poll interval: stop() returns within 10 ms (the tests start a server per test).
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01},
                                        name=type(self).__name__, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError(f"{self.label[0].upper()}{self.label[1:]} is niet gestart.")
        return self._server.server_address[1]
