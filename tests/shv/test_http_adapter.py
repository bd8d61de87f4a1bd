"""The HTTP adapter against a real small SHV server on loopback (no patching)."""
import datetime as dt
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from shv.adapters import HttpAdapter, ShvProductRecord, ShvUnavailableError
from shv.services import ShvStatus, shv_check
from tests.factories import MunicipalityFactory

TODAY = dt.date(2026, 11, 22)
KNOWN = "999997646"
UNKNOWN_404 = "999997269"
UNKNOWN_EMPTY = "999996423"
DOWN = "111222333"  # answers 503
SLOW = "222333444"  # answers after the client's timeout
MALFORMED = "333444555"  # answers 200 with something else than the contract

# The register the fake server holds, per municipality.
REGISTERS = {
    "0363": {KNOWN: [{"product": "Budgetbeheer", "startdatum": "2025-01-06", "einddatumBeschikking": None}],
             UNKNOWN_EMPTY: []},
    "0599": {UNKNOWN_404: [{"product": "schuldregeling", "startdatum": "2024-01-01",
                            "einddatumBeschikking": "2026-09-01"}]},
}


class FakeShvServer:
    def __init__(self):
        self.requests: list[dict] = []
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                url = urlsplit(self.path)
                query = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                server.requests.append({"path": url.path, "query": query, "api_key": self.headers.get("X-Api-Key")})
                bsn, code = query.get("bsn"), query.get("gemeentecode")
                if url.path != "/shv/registraties/zoeken":
                    return self._send(404, {})
                if bsn == DOWN:
                    return self._send(503, {"title": "Onderhoud"})
                if bsn == SLOW:
                    server.release.wait(5)
                    return self._send(200, {"registraties": []})
                if bsn == MALFORMED:
                    return self._send(200, {"registrations": "nope"})
                items = REGISTERS.get(code, {}).get(bsn)
                if items is None:
                    return self._send(404, {"title": "Niet gevonden"})
                return self._send(200, {"registraties": items})

            def _send(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/shv"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def shv_server():
    """A server of this test's own: its request log never holds another test's (late) request."""
    with FakeShvServer() as server:
        yield server


@pytest.fixture
def amsterdam():
    # Unsaved: the adapter needs only the CBS code; no database for these tests.
    return MunicipalityFactory.build(cbs_code="0363", name="Amsterdam")


def adapter(server, **kwargs):
    return HttpAdapter(base_url=server.url + "/", timeout=kwargs.pop("timeout", 2), **kwargs)


def test_found(shv_server, amsterdam):
    records = adapter(shv_server, api_key="geheim").registrations(municipality=amsterdam, bsn=KNOWN)
    assert records == [ShvProductRecord("budgetbeheer", dt.date(2025, 1, 6), None)]
    request = shv_server.requests[-1]
    # The BSN travels in the body, never in the URL (access logs).
    assert request == {"path": "/shv/registraties/zoeken", "query": {"gemeentecode": "0363", "bsn": KNOWN},
                       "api_key": "geheim"}


def test_check_through_http_is_bekend(shv_server, amsterdam):
    result = shv_check(municipality=amsterdam, bsn=KNOWN, today=TODAY, adapter=adapter(shv_server))
    assert (result.status, result.source, result.product) == (ShvStatus.BEKEND, "http", "budgetbeheer")
    assert shv_server.requests[-1]["api_key"] is None  # no key configured, none sent


@pytest.mark.parametrize("bsn", [UNKNOWN_404, UNKNOWN_EMPTY])
def test_not_found_is_onbekend(shv_server, amsterdam, bsn):
    # UNKNOWN_404 is known in Rotterdam's register: the server is asked for Amsterdam's only.
    result = shv_check(municipality=amsterdam, bsn=bsn, today=TODAY, adapter=adapter(shv_server))
    assert result.status == ShvStatus.ONBEKEND


def test_the_other_municipality_gets_its_own_answer(shv_server):
    rotterdam = MunicipalityFactory.build(cbs_code="0599", name="Rotterdam")
    result = shv_check(municipality=rotterdam, bsn=UNKNOWN_404, today=TODAY, adapter=adapter(shv_server))
    assert (result.status, result.product) == (ShvStatus.NAZORG, "schuldregeling")


def test_503_is_unavailable(shv_server, amsterdam):
    with pytest.raises(ShvUnavailableError, match="503"):
        shv_check(municipality=amsterdam, bsn=DOWN, today=TODAY, adapter=adapter(shv_server))


def test_timeout_is_unavailable(shv_server, amsterdam):
    started = time.monotonic()
    with pytest.raises(ShvUnavailableError, match="niet binnen 0.2 seconden"):
        adapter(shv_server, timeout=0.2).registrations(municipality=amsterdam, bsn=SLOW)
    assert time.monotonic() - started < 2


def test_a_malformed_answer_is_unavailable_not_unknown(shv_server, amsterdam):
    with pytest.raises(ShvUnavailableError, match="afgesproken vorm"):
        adapter(shv_server).registrations(municipality=amsterdam, bsn=MALFORMED)


def test_a_server_that_is_not_there_is_unavailable(amsterdam):
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens on it
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ShvUnavailableError, match="niet bereikbaar"):
        HttpAdapter(base_url=f"http://127.0.0.1:{port}/shv", timeout=1).registrations(
            municipality=amsterdam, bsn=KNOWN
        )


def test_the_checks_pipeline_s_name_for_the_error_is_the_same_class():
    from shv.adapters import ShvUnavailable

    assert ShvUnavailable is ShvUnavailableError
