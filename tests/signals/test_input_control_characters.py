"""Review D6 and D7: NUL and other control characters anywhere in a creditor-API body are refused per
signal with a field-level Dutch error, never a 500; the other signals of the batch are stored; no
stored signaalId can break a later answer's headers.

Run on PostgreSQL too (``DATABASE_URL=postgres://…``): its jsonb (``Delivery.results``) and COPY
(``common.bulk``) are where NUL failed.
"""
import itertools
import json
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils.encoding import escape_uri_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from accounts.models import Role
from signals.api.views import _signal_location
from signals.models import Delivery, Signal
from tests.factories import UserFactory, build_signal, signal_payload, token_for
from vroegsignalering.common.bulk import bulk_insert

PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
_ids = itertools.count(1)

C0_C1_DEL = [chr(c) for c in range(0x20)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xA0)]
assert len(C0_C1_DEL) == 65
# Refused anywhere: every control character but tab, LF and CR (whitespace inside a value), and lone surrogates.
REFUSED = [c for c in C0_C1_DEL if c not in "\t\n\r"] + ["\ud800", "\udfff"]


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.API_RATE_LIMIT = "1000000/min"


def post(api, path, body):
    return api.post(path, json.dumps(body, ensure_ascii=True), content_type="application/json")


def _slots(node, path=()):
    """Every place of a string: (container path, key, 'key' or 'value')."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key, "key"
            if isinstance(value, str):
                yield path, key, "value"
            yield from _slots(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if isinstance(value, str):
                yield path, index, "value"
            yield from _slots(value, (*path, index))


def _poison(draw, node):
    path, slot, kind = draw(st.sampled_from(list(_slots(node))))
    container = node
    for part in path:
        container = container[part]
    bad = draw(st.sampled_from(REFUSED))
    text = slot if kind == "key" else container[slot]
    at = draw(st.integers(0, len(text)))
    poisoned = text[:at] + bad + text[at:]
    if kind == "key":
        container[poisoned] = container.pop(slot)
    else:
        container[slot] = poisoned
    return path


@st.composite
def poisoned_batches(draw):
    """A valid batch of 2 to 6 signals; a few places (values or keys, any depth, the envelope too) get a
    refused character. Returns (body, the indexes of poisoned signals, whether the envelope was poisoned)."""
    run = next(_ids)
    body = {"signalen": [signal_payload(n, signaalId=f"P{run}-{n}") for n in range(1, draw(st.integers(2, 6)) + 1)]}
    if draw(st.booleans()):  # junk in an optional field: a warning, and more places to put a bad character
        body["signalen"][0]["adres"]["straatnaam"] = {"x": ["diep", {"y": "dieper"}]}
    poisoned, envelope = set(), False
    for _ in range(draw(st.integers(1, 3))):
        path = _poison(draw, body)
        if path:  # ("signalen", index, …): inside that signal
            poisoned.add(path[1])
        else:  # the key "signalen" itself
            envelope = True
    return body, poisoned, envelope


@PROPERTY
@given(poisoned_batches())
def test_control_characters_anywhere_in_a_batch_refuse_only_their_signals(api, batch):
    body, poisoned, envelope = batch
    response = post(api, "/api/v1/leveringen", body)
    assert response.status_code in (201, 400), response.content
    if envelope or response.status_code == 400:  # "signalen" itself poisoned: not a delivery
        assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
        assert not Signal.objects.exists()
        return
    items = body["signalen"]
    results = response.json()["resultaten"]
    clean = [i for i in range(len(items)) if i not in poisoned]
    for index, result in enumerate(results):
        if index in clean:
            assert result["status"] == "ontvangen", result
        else:
            assert result["status"] == "geweigerd"
            assert "invalid_character" in {e["code"] for e in result["fouten"]}
            assert all(e["naam"].isprintable() for e in result["fouten"])
    stored = set(Signal.objects.values_list("signal_id", flat=True))
    assert stored == {items[i]["signaalId"] for i in clean}
    again = api.get(f"/api/v1/leveringen/{response.json()['leveringId']}")
    assert again.status_code == 200 and again.json()["resultaten"] == results
    Signal.objects.all().delete()
    Delivery.objects.all().delete()


@pytest.mark.parametrize("char", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_the_review_bodies_with_a_refused_character_never_500(api, char):
    valid = [signal_payload(n, signaalId=f"OK-{n}") for n in range(1, 1000)]
    bad_key = signal_payload(1000, signaalId="BAD-KEY")
    bad_key["klant"][f"voornamen{char}"] = bad_key["klant"].pop("voornamen")
    response = post(api, "/api/v1/leveringen", {"signalen": [*valid, bad_key]})  # 999 valid + 1 with a bad key
    assert response.status_code == 201
    assert response.json()["aantalOntvangen"] == 999 and response.json()["aantalGeweigerd"] == 1
    assert Signal.objects.count() == 999
    for body in ({"signalen": [{char: 1}]}, {"signalen": [{"signaalId": char}]}):
        response = post(api, "/api/v1/leveringen", body)
        assert response.status_code == 201 and response.json()["resultaten"][0]["status"] == "geweigerd"
    name = signal_payload(1, signaalId="NAME-1", klant={"geslachtsnaam": f"Jan{char}sen"})
    response = post(api, "/api/v1/signalen", name)
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert [(p["name"], p["code"]) for p in response.json()["invalidParams"]] == [
        ("klant.geslachtsnaam", "invalid_character")]
    assert "kan worden opgeslagen" in response.json()["invalidParams"][0]["reason"]


# --- D7: signaalId ------------------------------------------------------------------------------------------

ID_REFUSED = C0_C1_DEL + ["\u2028", "\u2029", "\u0085", "\u200b", "\ufeff"]


@pytest.mark.parametrize("char", ID_REFUSED, ids=[f"U+{ord(c):04X}" for c in ID_REFUSED])
def test_a_signal_id_with_a_control_or_separator_character_is_refused_everywhere(api, char):
    for signal_id in (f"SEC-{char}1", f"{char}SEC-1", f"SEC-1{char}"):
        single = post(api, "/api/v1/signalen", signal_payload(1, signaalId=signal_id))
        assert single.status_code == 400, (signal_id, single.content)
        assert "signaalId" in {p["name"] for p in single.json()["invalidParams"]}
        batch = post(api, "/api/v1/leveringen", {"signalen": [signal_payload(2, signaalId=signal_id)]})
        result = batch.json()["resultaten"][0]
        # Echoed in the JSON answer only when it is storable text (tab, line breaks): JSON escapes it.
        assert result["status"] == "geweigerd" and result["signaalId"] in (None, signal_id)
        assert api.get(escape_uri_path(f"/api/v1/signalen/{signal_id}")).status_code == 404
    assert not Signal.objects.exists()


@pytest.mark.parametrize("char", ["\r", "\n", "\x06", "\x1f", "\x7f", "\x85", "\u2028"])
def test_a_signal_stored_before_the_rule_reads_back_and_its_location_is_header_safe(api, municipality, char):
    legacy = build_signal(municipality, creditor=api.creditor)  # as the review's probe left them in the database
    legacy.signal_id = f"SEC-CTRL-{char}1"
    legacy.save()
    location = _signal_location(legacy.signal_id)
    assert location.isascii() and location.isprintable() and "%" in location
    response = api.get(location)
    if char == "\n":  # the URL pattern never matched a line break: not found, as before
        assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    else:
        assert response.status_code == 200 and response.json()["signaalId"] == legacy.signal_id


# --- NUL in every parameter of both APIs (from the OpenAPI document) ------------------------------------------

def _operations():
    document = Client().get("/api/v1/openapi.json").json()
    prefix = urlsplit(document["servers"][0]["url"]).path.rstrip("/")
    for path, item in document["paths"].items():
        path = prefix + path
        for method, operation in item.items():
            if method not in ("get", "post", "delete", "put", "patch"):
                continue
            for parameter in operation.get("parameters", []):
                if parameter["in"] in ("path", "query"):
                    yield method, path, parameter["name"], parameter["in"]


@pytest.fixture
def clients(api, municipality):
    municipal = APIClient()
    lead = UserFactory(username="leider", role=Role.TEAMLEIDER, municipalities=[municipality])
    municipal.credentials(HTTP_AUTHORIZATION=f"Token {token_for(lead)}")
    return {"creditor": api, "municipal": municipal}


@pytest.mark.django_db
def test_a_nul_in_any_parameter_of_either_api_is_answered_never_500(clients):
    operations = list(_operations())
    assert len(operations) >= 10 and all(path.startswith("/api/") for _, path, _, _ in operations)
    seen = set()
    for method, path, name, where in operations:
        client = clients["municipal" if path.startswith("/api/v1/gemeente") else "creditor"]
        url = path
        for other in re.findall(r"\{(\w+)\}", path):
            url = url.replace("{" + other + "}", escape_uri_path("a\x00b") if other == name else "1")
        query = {name: "a\x00b"} if where == "query" else {}
        response = getattr(client, method)(url, query) if method == "get" else getattr(client, method)(
            url + ("?" + f"{name}=a%00b" if query else ""), {}, format="json")
        assert response.status_code < 500, (method, path, name, response.status_code)
        seen.add(response.status_code)
    assert seen & {400, 404}, seen


@PROPERTY
@given(char=st.characters(codec="utf-8"), where=st.sampled_from(["start", "middle", "end"]))
def test_a_stored_signal_id_is_always_printable_and_fetched_back(api, char, where):
    signal_id = {"start": f"{char}ID-{next(_ids)}", "middle": f"ID-{char}-{next(_ids)}",
                 "end": f"ID-{next(_ids)}{char}"}[where]
    response = post(api, "/api/v1/signalen", signal_payload(1, signaalId=signal_id))
    assert response.status_code in (201, 400), response.content
    if response.status_code == 201:
        stored = response.json()["signaalId"]
        assert stored.isprintable() and api.get(response["Location"]).status_code == 200
        assert response["Location"].isascii() and response["Location"].isprintable()
    else:
        assert "signaalId" in {p["name"] for p in response.json()["invalidParams"]}
    Signal.objects.all().delete()


@pytest.mark.parametrize("char", ["\u061c", "\U000e0001", "\U000e0041", "\ufdd0", "\U0001fffe", "\u0378",
                                  "\U000f0000", "\U0001d173"])
def test_format_unassigned_and_noncharacters_in_a_signal_id_are_refused(api, char):
    response = post(api, "/api/v1/signalen", signal_payload(1, signaalId=f"ID-{char}-1"))
    assert response.status_code == 400
    assert not Signal.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("street", "Kerk\x00straat"), ("intake_warnings", [{"waarde": "a\x00"}]),
                                               ("intake_warnings", [{"a\x00": 1}]), ("phone_numbers", ["\x00"])])
def test_bulk_insert_refuses_nul_on_every_database(municipality, field, value):
    signal = build_signal(municipality)
    setattr(signal, field, value)
    with pytest.raises(ValueError, match="NUL"):
        bulk_insert(Signal, [signal])
    assert not Signal.objects.exists()
