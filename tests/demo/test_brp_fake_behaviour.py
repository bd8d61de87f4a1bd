"""The fake BRP can answer like a production BRP (issue 14): latency with jitter, a limit on queries at once
(429 with Retry-After beyond it) and an error rate (503), repeatable with a seed; `run_fake_brp` takes them."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from demo.brp_fake.server import Behaviour, FakeBrpServer

QUERY = {"type": "ZoekMetPostcodeEnHuisnummer", "fields": ["burgerservicenummer"], "postcode": "2513AA",
         "huisnummer": 1}


@pytest.fixture(scope="module")
def population():
    return FakeBrpServer(inhabitants={"0518": 566_221}).store


def _post(url: str) -> httpx.Response:
    with httpx.Client(base_url=url, timeout=10) as client:
        return client.post("/personen", json=QUERY)


def test_each_query_waits_the_latency_give_or_take_the_jitter(population):
    with FakeBrpServer(store=population, behaviour=Behaviour(latency_ms=150, jitter_ms=50, seed=1)) as brp:
        waits = []
        for _ in range(6):
            start = time.perf_counter()
            assert _post(brp.url).status_code == 200
            waits.append(time.perf_counter() - start)
    assert all(0.1 <= wait < 0.5 for wait in waits), waits
    assert max(waits) - min(waits) > 0.005  # the jitter varies it


def test_beyond_the_limit_of_queries_at_once_it_answers_429_with_retry_after(population):
    behaviour = Behaviour(latency_ms=300, max_concurrent=2, retry_after_s=2)
    with FakeBrpServer(store=population, behaviour=behaviour) as brp, ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: _post(brp.url), range(6)))
        # a handler counts itself out just after its answer left: wait for the last one
        deadline = time.monotonic() + 5
        while brp.in_flight and time.monotonic() < deadline:
            time.sleep(0.01)
        assert brp.max_in_flight == 2 and brp.in_flight == 0
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(200) >= 2 and statuses.count(429) >= 1 and set(statuses) <= {200, 429}
    throttled = next(a for a in answers if a.status_code == 429)
    assert throttled.headers["Retry-After"] == "2"
    assert throttled.headers["Content-Type"].startswith("application/problem+json")
    assert brp.throttled == statuses.count(429)


@pytest.mark.parametrize("rate, expected", [(0.0, 0), (1.0, 20)])
def test_the_error_rate_fails_that_share_of_the_queries_with_503(population, rate, expected):
    with FakeBrpServer(store=population, behaviour=Behaviour(error_rate=rate)) as brp:
        statuses = [_post(brp.url).status_code for _ in range(20)]
        assert statuses.count(503) == expected == brp.injected_errors


def test_a_seed_makes_the_errors_repeatable(population):
    runs = []
    for _ in range(2):
        with FakeBrpServer(store=population, behaviour=Behaviour(error_rate=0.3, seed=7)) as brp:
            runs.append([_post(brp.url).status_code for _ in range(30)])
    assert runs[0] == runs[1] and 0 < runs[0].count(503) < 30


@pytest.mark.parametrize("kwargs", [{"latency_ms": -1}, {"error_rate": 1.5}, {"max_concurrent": -2}])
def test_an_impossible_behaviour_is_refused(kwargs):
    with pytest.raises(ValueError):
        Behaviour(**kwargs)


def test_the_command_takes_the_behaviour_and_refuses_a_bad_one():
    manage = Path(__file__).resolve().parents[2] / "manage.py"
    bad = subprocess.run([sys.executable, str(manage), "run_fake_brp", "--port", "0", "--error-rate", "2"],
                         capture_output=True, text=True, timeout=60, env={**os.environ, "ENVIRONMENT": "development"})
    assert bad.returncode != 0 and "Ongeldig gedrag" in bad.stderr
