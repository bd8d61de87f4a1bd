"""The first requests after start all answer correctly (issue 9, point 8).

As production runs it: gunicorn with gunicorn.conf.py (gthread workers), a fresh process per round, against this
test's database. Right after start 20 clients at once ask for the OpenAPI document and for a creditor's signal
and a municipal user's trays. Every answer must be right: the document 200 and identical to the one this process
generates, the API answers 200 and identical to what the same requests get in-process.

Before the fix about half of such rounds had a 500 on the document (drf-spectacular loads its extension classes
lazily and not thread-safely, see vroegsignalering.common.openapi.OpenApiDocumentView), so several rounds are run.
FIRST_REQUEST_ROUNDS sets how many (default 5).
"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import Role
from tests.factories import CreditorFactory, MunicipalityFactory, UserFactory, issued_key, signal_payload, token_for

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("FIRST_REQUEST_ROUNDS", "5"))
CLIENTS = 20


def _database_url() -> str:
    """This test's database as a DATABASE_URL for the server process."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    host = (db["HOST"] or "") + (f":{db['PORT']}" if db["PORT"] else "")
    return f"postgres://{credentials}@{host}/{db['NAME']}"


class Gunicorn:
    """gunicorn -c gunicorn.conf.py on a free loopback port, in a process of its own."""

    def __init__(self, env: dict):
        self.log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", "127.0.0.1:0"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log,
        )
        self.url = self._wait_for_address()

    def _wait_for_address(self, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in Path(self.log.name).read_text().splitlines():
                if "Listening at: " in line:
                    return line.split("Listening at: ")[1].split()[0]
            if self.process.poll() is not None:
                break
            time.sleep(0.01)
        output = self.output()
        self.stop()
        raise AssertionError(f"gunicorn did not start:\n{output}")

    def output(self) -> str:
        return Path(self.log.name).read_text()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def _fire(base: str, requests: list[tuple[str, dict]]) -> list[tuple[int, bytes]]:
    """All requests at once (one client each), released together."""
    start = threading.Barrier(len(requests))
    answers: list = [None] * len(requests)

    def ask(index: int, path: str, headers: dict) -> None:
        with httpx.Client(base_url=base, timeout=120) as client:
            start.wait()
            try:
                response = client.get(path, headers=headers)
                answers[index] = (response.status_code, response.content)
            except httpx.HTTPError as exc:
                answers[index] = (0, repr(exc).encode())

    threads = [threading.Thread(target=ask, args=(i, path, headers)) for i, (path, headers) in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.fixture
def server_env(transactional_db):
    """Committed data the server process can see, and its environment."""
    municipality = MunicipalityFactory(cbs_code="0363", name="Amsterdam")
    creditor = CreditorFactory(name="Zorgverzekeraar Noord")
    key = issued_key(creditor)
    creditor_client = APIClient()
    creditor_client.credentials(HTTP_X_API_KEY=key)
    assert creditor_client.post("/api/v1/signalen", signal_payload(1), format="json").status_code == 201
    lead = UserFactory(username="leider", role=Role.TEAMLEIDER, municipalities=[municipality])
    token = token_for(lead)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        # Two fresh workers of gunicorn.conf.py's threads each: the 20 first requests land on few cold workers.
        "WEB_CONCURRENCY": "2",
        "GUNICORN_MAX_REQUESTS": "0",
        "CHECKS_ON_INTAKE": "false",
        # This test is about start-up, not the per-IP limits: its refused-key requests all come from 127.0.0.1,
        # and on Redis (CI) the counter is shared by the rounds (tests/test_rate_limits.py tests the limits).
        "UNAUTHENTICATED_RATE_LIMIT": "100000/min",
        "LOGIN_RATE_LIMIT": "100000/min",
    }
    return env, key, token


def test_twenty_concurrent_first_requests_after_start_all_answer_correctly(server_env, client):
    env, key, token = server_env
    creditor = {"X-Api-Key": key}
    municipal = {"Authorization": f"Token {token}"}
    requests = (
        [("/api/v1/openapi.json", {})] * 12
        + [("/api/v1/signalen/ZV-000001", creditor)] * 4
        + [("/api/v1/gemeente/bakjes", municipal)] * 4
    )
    assert len(requests) == CLIENTS
    reference = {}
    for path, headers in set((path, tuple(headers.items())) for path, headers in requests):
        response = client.get(path, headers=dict(headers))
        assert response.status_code == 200, (path, response.content)
        reference[path] = json.loads(response.content)

    wrong = []
    for round_number in range(1, ROUNDS + 1):
        server = Gunicorn(env)
        try:
            answers = _fire(server.url, requests)
        finally:
            server.stop()
        for (path, _), (status, body) in zip(requests, answers, strict=True):
            try:
                same = status == 200 and json.loads(body) == reference[path]
            except ValueError:
                same = False
            if not same:
                wrong.append(f"round {round_number}: {path} → {status} {body[:200]!r}")
    assert not wrong, f"{len(wrong)} of {ROUNDS * CLIENTS} first requests answered wrongly:\n" + "\n".join(wrong)
