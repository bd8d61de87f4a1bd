"""A benchmark in another process reads what the fake BRP received (GET /_stats), and a fault drill can make
it unreachable and bring it back (POST /_control, only when the fake was started with ``control``)."""
from __future__ import annotations

import time

import httpx
import pytest

from demo import population as demo_population
from demo.brp_fake.server import Behaviour, FakeBrpServer

HOME = demo_population.household("0518", 0, 0)  # a household of the demo population
ADDRESS = {"type": "ZoekMetPostcodeEnHuisnummer", "fields": ["burgerservicenummer"], "postcode": HOME.postcode,
           "huisnummer": HOME.huisnummer}


@pytest.fixture(scope="module")
def population():
    return FakeBrpServer(inhabitants={"0518": 566_221}).store


def test_the_stats_count_the_queries_per_type_and_the_throttled_and_failed_ones(population):
    with FakeBrpServer(store=population, behaviour=Behaviour(error_rate=1.0)) as failing:
        with httpx.Client(base_url=failing.url) as client:
            assert client.post("/personen", json=ADDRESS).status_code == 503
        stats = httpx.get(f"{failing.root_url}/_stats").json()
        assert stats["request_count"] == 1 and stats["injected_errors"] == 1

    with FakeBrpServer(store=population) as brp, httpx.Client(base_url=brp.url) as client:
        bsn = client.post("/personen", json=ADDRESS).json()["personen"][0]["burgerservicenummer"]
        client.post("/personen", json=ADDRESS)
        client.post("/personen", json={"type": "RaadpleegMetBurgerservicenummer", "fields": ["naam"],
                                       "burgerservicenummer": [bsn]})
        deadline = time.monotonic() + 5  # a handler counts itself out just after its answer left
        while (stats := httpx.get(f"{brp.root_url}/_stats").json())["in_flight"] and time.monotonic() < deadline:
            time.sleep(0.01)
    assert stats["request_count"] == 3
    assert stats["requests_by_type"] == {"ZoekMetPostcodeEnHuisnummer": 2, "RaadpleegMetBurgerservicenummer": 1}
    assert stats["max_in_flight"] == 1 and stats["in_flight"] == 0
    assert stats["throttled"] == 0 and stats["injected_errors"] == 0 and stats["down"] is False


def test_the_control_endpoint_takes_the_fake_down_and_up_again_without_forgetting_who_it_knows(population):
    with FakeBrpServer(store=population, control=True) as brp, httpx.Client(base_url=brp.url) as client:
        bsn = client.post("/personen", json=ADDRESS).json()["personen"][0]["burgerservicenummer"]
        assert httpx.post(f"{brp.root_url}/_control", json={"down": True}).json()["down"] is True
        with pytest.raises(httpx.TransportError):  # no answer at all, as a BRP that is down
            client.post("/personen", json=ADDRESS)
        assert httpx.get(f"{brp.root_url}/_stats").json()["down"] is True
        assert httpx.post(f"{brp.root_url}/_control", json={"down": False}).status_code == 200
        found = client.post("/personen", json={"type": "RaadpleegMetBurgerservicenummer", "fields": ["naam"],
                                               "burgerservicenummer": [bsn]})
        assert found.status_code == 200 and len(found.json()["personen"]) == 1
        assert httpx.post(f"{brp.root_url}/_control", json={"down": "ja"}).status_code == 400


def test_without_control_nobody_can_take_the_fake_down(population):
    with FakeBrpServer(store=population) as brp:
        assert httpx.post(f"{brp.root_url}/_control", json={"down": True}).status_code == 404
        with httpx.Client(base_url=brp.url) as client:
            assert client.post("/personen", json=ADDRESS).status_code == 200
