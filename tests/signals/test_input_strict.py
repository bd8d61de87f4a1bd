"""Review D17: booleans are strict in both APIs' request models, and the OpenAPI document states the
constraints the code applies (postcode, maand, vanaf)."""
import json
import re
import typing

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

import cases.api.requests as municipal_requests
import signals.schemas.contract as creditor_requests
from feedback.selectors import CURSOR_PATTERN, cursor_decode, cursor_encode
from monitor.api import MONTH_SCHEMA
from signals import normalise
from signals.models import Signal
from signals.schemas.contract import POSTCODE_PATTERN
from tests.factories import signal_payload

LAX_BOOLEANS = [0, 1, "true", "false", "yes", "no", "ja", "nee", "1", "0", "on", "off", 0.0, 1.0, "t", "f"]


def _models(module) -> list[type[BaseModel]]:
    return [value for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == module.__name__]


def _is_bool(annotation) -> bool:
    return annotation is bool or any(_is_bool(inner) for inner in typing.get_args(annotation))


def _bool_fields():
    for module in (municipal_requests, creditor_requests):
        for model in _models(module):
            for name, info in model.model_fields.items():
                if _is_bool(info.annotation):
                    yield model, name


BOOL_FIELDS = list(_bool_fields())


def test_both_apis_have_the_boolean_fields_we_know_of():
    names = {f"{model.__name__}.{name}" for model, name in BOOL_FIELDS}
    assert {"AfsluitingNieuw.toestemmingGeenHulpGewenst", "Signaal.warmeOverdracht"} <= names


@pytest.mark.parametrize(("model", "name"), BOOL_FIELDS, ids=lambda v: getattr(v, "__name__", v))
@pytest.mark.parametrize("value", LAX_BOOLEANS, ids=repr)
def test_every_boolean_field_takes_only_true_or_false(model, name, value):
    with pytest.raises(ValidationError) as refused:
        model.__pydantic_validator__.validate_assignment(model.model_construct(), name, value)
    assert refused.value.errors()[0]["type"] == "bool_type"
    for fine in (True, False):
        model.__pydantic_validator__.validate_assignment(model.model_construct(), name, fine)


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.API_RATE_LIMIT = "1000000/min"


@pytest.mark.parametrize("value", LAX_BOOLEANS, ids=repr)
def test_a_lax_warme_overdracht_is_not_used_and_named(api, value):
    response = api.post("/api/v1/leveringen", json.dumps({"signalen": [signal_payload(1, warmeOverdracht=value)]}),
                        content_type="application/json")
    result = response.json()["resultaten"][0]
    assert result["status"] == "ontvangen"
    assert result["waarschuwingen"] == [{"naam": "warmeOverdracht", "code": "invalid", "reden": "Geef true of false."}]
    assert Signal.objects.get().warm_handover is None


# --- the OpenAPI document says what the code does -------------------------------------------------------------

def _document(client):
    return client.get("/api/v1/openapi.json").json()


@pytest.mark.django_db
def test_the_document_publishes_the_patterns_the_code_applies(client):
    document = _document(client)
    assert document["components"]["schemas"]["Adres"]["properties"]["postcode"]["pattern"] == POSTCODE_PATTERN
    parameters = {(path, p["name"]): p["schema"] for path, item in document["paths"].items()
                  for operation in item.values() if isinstance(operation, dict)
                  for p in operation.get("parameters", [])}
    assert parameters[("/inspanningen", "maand")]["pattern"] == MONTH_SCHEMA["pattern"]
    assert parameters[("/terugkoppelingen", "vanaf")] == {"type": "string", "minLength": 1,
                                                          "pattern": CURSOR_PATTERN}
    bodies = [(path, method) for path, item in document["paths"].items() for method, operation in item.items()
              if isinstance(operation, dict) and "requestBody" in operation]
    assert bodies and all("413" in document["paths"][path][method]["responses"] for path, method in bodies)


postcode_like = st.text(st.sampled_from("0123456789abszABSZnlNL -\t\u00a0ßﬀ\u212a٣"), max_size=12)


@settings(max_examples=400)
@given(value=postcode_like | st.text(max_size=10) | st.from_regex(POSTCODE_PATTERN, fullmatch=True))
def test_every_postcode_the_code_takes_matches_the_published_pattern(value):
    try:
        stored = normalise.postcode(value)
    except ValueError:
        return
    assert re.fullmatch(POSTCODE_PATTERN, value), value
    assert re.fullmatch(r"[1-9][0-9]{3}[A-Z]{2}", stored)


@pytest.mark.parametrize(("given_as", "stored"), [("1011 ab", "1011AB"), ("NL-1011-AB", "1011AB"),
                                                   ("nl 1011ab", "1011AB"), ("1011\u00a0AB", "1011AB")])
def test_postcode_notations_are_stored_compactly(given_as, stored):
    assert normalise.postcode(given_as) == stored


@pytest.mark.parametrize("refused", ["1011ﬀ", "1011 aß", "0123AB", "1011SA", "1011 A", "١٠١١AB", ""])
def test_postcodes_outside_the_rule_are_refused(refused):
    with pytest.raises(ValueError):
        normalise.postcode(refused)


@settings(max_examples=300)
@given(value=st.text(max_size=40) | st.just(cursor_encode(12)) | st.just(cursor_encode(12) + "=="))
def test_every_cursor_the_code_takes_matches_the_published_pattern(value):
    if cursor_decode(value) is not None:
        assert re.fullmatch(CURSOR_PATTERN, value), value


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.from_regex(r"[0-9]{4}-[0-9]{2}", fullmatch=True) | st.sampled_from(["0000-01", "0001-01", "2026-00",
                                                                                   "2026-12", "2026-13", "9999-12"]))
def test_the_month_pattern_is_exactly_what_the_api_accepts(api, value):
    response = api.get("/api/v1/inspanningen", {"gemeentecode": "0363", "maand": value})
    assert response.status_code in (200, 400)
    assert (response.status_code == 200) == bool(re.fullmatch(MONTH_SCHEMA["pattern"], value)), value
