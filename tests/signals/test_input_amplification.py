"""Review D11: no request produces a disproportionate answer or stored record.

Per signal at most 20 errors and 20 warnings (the rest counted in one entry), unknown fields named
five at a time and then counted, at most 2,000 entries per delivery; the same bounds hold for what
is stored (``Delivery.results``) and served again by ``GET /leveringen/{id}``.
"""
import json

import pytest

from signals.models import Delivery, Signal
from signals.services import MAX_ENTRIES_PER_DELIVERY
from tests.factories import signal_payload

KB = 1024


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.API_RATE_LIMIT = "1000000/min"


def post(api, path, body):
    return api.post(path, json.dumps(body), content_type="application/json")


def _many_keys(payload: dict, count: int, where: tuple = ()) -> dict:
    target = payload
    for part in where:
        target = target[part]
    for n in range(count):
        target[f"onbekend{n}"] = n
    return payload


@pytest.mark.parametrize("where", [(), ("klant",), ("adres",), ("achterstand",)])
def test_a_signal_with_200000_unknown_keys_gets_a_small_answer(api, where):
    bad = _many_keys(signal_payload(1, signaalId="VEEL-1"), 200_000, where)
    body = json.dumps({"signalen": [bad, signal_payload(2)]})
    assert len(body) > 2 * KB * KB
    response = api.post("/api/v1/leveringen", body, content_type="application/json")
    assert response.status_code == 201
    assert len(response.content) < 100 * KB
    refused, accepted = response.json()["resultaten"]
    assert refused["status"] == "geweigerd" and accepted["status"] == "ontvangen"
    assert len(refused["fouten"]) == 6  # five named, the rest counted
    assert refused["fouten"][-1]["reden"].startswith("En nog 199.995 onbekende velden")
    assert all(e["code"] == "unknown_field" for e in refused["fouten"])
    stored = Delivery.objects.get()
    assert len(json.dumps(stored.results)) < 100 * KB
    again = api.get(f"/api/v1/leveringen/{stored.pk}")
    assert again.status_code == 200 and len(again.content) < 100 * KB
    assert list(Signal.objects.values_list("signal_id", flat=True)) == [signal_payload(2)["signaalId"]]

    single = api.post("/api/v1/signalen", json.dumps(bad), content_type="application/json")
    assert single.status_code == 400 and len(single.content) < 100 * KB


def test_200000_unknown_keys_in_the_envelope_get_a_small_400(api):
    body = _many_keys({"signalen": [signal_payload(1)]}, 200_000)
    response = post(api, "/api/v1/leveringen", body)
    assert response.status_code == 400 and len(response.content) < 20 * KB
    params = response.json()["invalidParams"]
    assert len(params) == 20 and params[-1]["code"] == "too_many_errors"
    assert "En nog 199.981 fouten" in params[-1]["reason"]
    assert not Signal.objects.exists()


def test_a_signal_with_100000_bad_strings_names_at_most_20_errors(api):
    bad = signal_payload(1, adres={"straatnaam": ["a\u0000"] * 100_000})
    response = post(api, "/api/v1/leveringen", {"signalen": [bad]})
    result = response.json()["resultaten"][0]
    assert result["status"] == "geweigerd" and len(result["fouten"]) == 20
    assert {e["code"] for e in result["fouten"][:-1]} == {"invalid_character"}
    assert result["fouten"][-1] == {"naam": "signaal", "code": "too_many_errors",
                                    "reden": "En nog 99.981 fouten; die worden niet afzonderlijk genoemd."}
    assert len(response.content) < 20 * KB


def test_many_phone_numbers_cost_one_warning_not_one_each(api):
    numbers = ["06 12345678", "06 87654321"] + ["geen nummer"] * 50_000
    response = post(api, "/api/v1/leveringen", {"signalen": [signal_payload(1, klant={"telefoonnummers": numbers})]})
    result = response.json()["resultaten"][0]
    assert result["status"] == "ontvangen"
    assert len(result["waarschuwingen"]) <= 20 and len(response.content) < 20 * KB
    signal = Signal.objects.get()
    assert signal.phone_numbers == ["+31612345678", "+31687654321"]
    assert len(json.dumps(signal.intake_warnings)) < 30 * KB


def test_a_delivery_of_1000_empty_signals_stays_within_the_delivery_budget(api):
    items = [{"x": 1, "y": 2} for _ in range(1000)]
    response = post(api, "/api/v1/leveringen", {"signalen": items})
    assert response.status_code == 201
    results = response.json()["resultaten"]
    entries = sum(len(r.get("fouten", [])) + len(r.get("waarschuwingen", [])) for r in results)
    assert entries <= MAX_ENTRIES_PER_DELIVERY + 2 * len(results)
    assert all(r["status"] == "geweigerd" and r["fouten"] for r in results)
    assert results[-1]["fouten"][-1]["code"] == "too_many_errors"  # past the budget: the first and a count
    assert len(response.content) < 600 * KB
