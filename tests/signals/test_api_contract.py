"""Contract tests for the Signaalpartner-API v1 intake (contracts/signaalpartner-api.md)."""
import copy
import json

import pytest

from signals.models import CreditorAPIKey, Delivery, Signal, SignalHistory
from signals.services import api_key_revoke
from tests.factories import CreditorFactory, MunicipalityFactory, signal_payload

PROBLEM = "application/problem+json"


def deliver(api, *items, **kwargs):
    return api.post("/api/v1/leveringen", {"signalen": list(items)}, format="json", **kwargs)


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    assert response["API-Version"] == "1.0.0"
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    return body


def errors_of(result):
    return {e["naam"]: e for e in result.get("fouten", [])}


# --- A valid delivery ----------------------------------------------------------------------

def test_delivery_stores_every_valid_signal_normalised(api):
    response = deliver(api, signal_payload(1), signal_payload(2, klant={"voorvoegsel": None,
                                                                       "geslachtsnaam": "van der Berg"}))
    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == f"/api/v1/leveringen/{body['leveringId']}"
    assert response["API-Version"] == "1.0.0"
    assert (body["aantalOntvangen"], body["aantalAlOntvangen"], body["aantalGeweigerd"]) == (2, 0, 0)
    assert body["resultaten"] == [{"signaalId": "ZV-000001", "status": "ontvangen"},
                                  {"signaalId": "ZV-000002", "status": "ontvangen"}]
    signal = Signal.objects.get(signal_id="ZV-000002")
    assert (signal.postcode, signal.surname, signal.surname_prefix) == ("1011AB", "Berg", "van der")
    assert signal.phone_numbers == ["+31612345678"]
    assert signal.address_key == "1011AB|12||"
    assert signal.status == "ontvangen"
    assert list(SignalHistory.objects.filter(signal=signal).values_list("to_status", flat=True)) == ["ontvangen"]


def test_delivery_can_be_read_back_with_its_results(api):
    created = deliver(api, signal_payload(1), signal_payload(2, adres={"postcode": "nope"})).json()
    response = api.get(f"/api/v1/leveringen/{created['leveringId']}")
    assert response.status_code == 200
    assert response.json()["resultaten"] == created["resultaten"]
    assert response.json()["aantalGeweigerd"] == 1


def test_signal_echoes_what_was_delivered_with_status_ontvangen(api):
    deliver(api, signal_payload(7, soortSignaal="afsluiting", datumAfsluiting="2026-12-01",
                                adres={"huisletter": "b", "huisnummertoevoeging": "-2"}))
    response = api.get("/api/v1/signalen/ZV-000007")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ontvangen"
    assert body["soortSignaal"] == "afsluiting" and body["datumAfsluiting"] == "2026-12-01"
    assert body["adres"] == {"straatnaam": "Proefstraat", "huisnummer": 17, "huisletter": "B",
                             "huisnummertoevoeging": "2", "postcode": "1011AB", "woonplaats": "Amsterdam"}
    assert body["achterstand"] == {"bedrag": "312.50", "vervaldatumOudsteFactuur": "2026-09-01"}
    assert body["klant"]["telefoonnummers"] == ["+31612345678"]


def test_post_single_signal_201_then_200_when_identical(api):
    first = api.post("/api/v1/signalen", signal_payload(3), format="json")
    assert first.status_code == 201
    assert first["Location"] == "/api/v1/signalen/ZV-000003"
    assert first.json()["status"] == "ontvangen"
    again = api.post("/api/v1/signalen", signal_payload(3), format="json")
    assert again.status_code == 200
    assert again.json()["signaalId"] == "ZV-000003"
    assert Signal.objects.count() == 1


# --- Idempotency and conflict --------------------------------------------------------------

def test_redelivery_with_same_content_is_al_ontvangen_and_changes_nothing(api):
    deliver(api, signal_payload(1))
    # Same content in other notation (postcode spacing, phone format) is the same content.
    noisy = signal_payload(1, adres={"postcode": " 1011AB"}, klant={"telefoonnummers": ["+31 6 1234 5678"]})
    body = deliver(api, noisy, signal_payload(2)).json()
    assert [r["status"] for r in body["resultaten"]] == ["al_ontvangen", "ontvangen"]
    assert (body["aantalOntvangen"], body["aantalAlOntvangen"]) == (1, 1)
    assert Signal.objects.count() == 2
    assert SignalHistory.objects.count() == 2


def test_same_signal_id_with_other_content_is_refused_as_conflict(api):
    deliver(api, signal_payload(1))
    body = deliver(api, signal_payload(1, achterstand={"bedrag": "999.00"})).json()
    result = body["resultaten"][0]
    assert result["status"] == "geweigerd"
    assert errors_of(result)["signaalId"]["code"] == "conflict"
    assert Signal.objects.get().amount == 312.50


def test_single_post_conflict_answers_409(api):
    api.post("/api/v1/signalen", signal_payload(1), format="json")
    response = api.post("/api/v1/signalen", signal_payload(1, achterstand={"bedrag": "1.00"}), format="json")
    assert_problem(response, 409)
    assert Signal.objects.get().amount == 312.50


def test_repeat_inside_one_delivery(api):
    body = deliver(api, signal_payload(1), signal_payload(1), signal_payload(1, contractnummer="X")).json()
    assert [r["status"] for r in body["resultaten"]] == ["ontvangen", "al_ontvangen", "geweigerd"]
    assert Signal.objects.count() == 1


def test_same_signal_id_from_two_creditors_are_two_signals(api, other_api):
    assert deliver(api, signal_payload(1)).json()["aantalOntvangen"] == 1
    assert deliver(other_api, signal_payload(1)).json()["aantalOntvangen"] == 1
    assert Signal.objects.count() == 2


# --- Field rules ---------------------------------------------------------------------------

def _set(payload, path, value):
    target = payload
    *parents, last = path.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    if value is _DELETE:
        target.pop(last, None)
    else:
        target[last] = value


_DELETE = object()

FIELD_RULES = [
    # (field, value, error name, code)
    ("signaalId", _DELETE, "signaalId", "required"),
    ("signaalId", "", "signaalId", "required"),
    ("signaalId", "x" * 65, "signaalId", "max_length"),
    ("signaalId", " A-1", "signaalId", "invalid"),
    ("signaalId", 12, "signaalId", "invalid"),
    ("gemeentecode", _DELETE, "gemeentecode", "required"),
    ("gemeentecode", "363", "gemeentecode", "invalid"),
    ("gemeentecode", "9999", "gemeentecode", "unknown"),
    ("soortVasteLast", _DELETE, "soortVasteLast", "required"),
    ("soortVasteLast", "telefoon", "soortVasteLast", "invalid_choice"),
    # Present but not one of the four: refused (the default vroegsignaal is only for an absent one).
    ("soortSignaal", "laatsignaal", "soortSignaal", "invalid_choice"),
    ("soortSignaal", "ontruimming", "soortSignaal", "invalid_choice"),
    ("soortSignaal", None, "soortSignaal", "invalid_choice"),
    ("soortSignaal", "eindelevering", "datumEindeLevering", "required"),
    ("soortSignaal", "afsluiting", "datumAfsluiting", "required"),
    ("soortSignaal", "ontruiming", "datumOntruiming", "required"),
    ("klant", _DELETE, "klant", "required"),
    ("klant.geslachtsnaam", _DELETE, "klant.geslachtsnaam", "required"),
    ("klant.geslachtsnaam", "   ", "klant.geslachtsnaam", "required"),
    ("klant.geslachtsnaam", "x" * 201, "klant.geslachtsnaam", "max_length"),
    ("klant.extra", "x", "klant.extra", "unknown_field"),
    ("adres", _DELETE, "adres", "required"),
    ("adres.postcode", _DELETE, "adres.postcode", "required"),
    ("adres.postcode", "0123AB", "adres.postcode", "invalid"),
    ("adres.postcode", "1234 SS", "adres.postcode", "invalid"),
    ("adres.postcode", "12345", "adres.postcode", "invalid"),
    ("adres.huisnummer", _DELETE, "adres.huisnummer", "required"),
    ("adres.huisnummer", 0, "adres.huisnummer", "min_value"),
    ("adres.huisnummer", 100000, "adres.huisnummer", "max_value"),
    ("adres.huisnummer", "tien", "adres.huisnummer", "invalid"),
    ("achterstand", _DELETE, "achterstand", "required"),
    ("achterstand.bedrag", _DELETE, "achterstand.bedrag", "required"),
    ("achterstand.bedrag", "0.00", "achterstand.bedrag", "min_value"),
    ("achterstand.bedrag", "-5.00", "achterstand.bedrag", "invalid"),
    ("achterstand.bedrag", "12.345", "achterstand.bedrag", "invalid"),
    ("achterstand.bedrag", 312.5, "achterstand.bedrag", "invalid"),
    ("achterstand.bedrag", "1.234,50", "achterstand.bedrag", "invalid"),
    ("achterstand.vervaldatumOudsteFactuur", _DELETE, "achterstand.vervaldatumOudsteFactuur", "required"),
    ("achterstand.vervaldatumOudsteFactuur", "2026-13-01", "achterstand.vervaldatumOudsteFactuur", "invalid"),
    ("onbekendVeld", 1, "onbekendVeld", "unknown_field"),
    ("adres.extra", 1, "adres.extra", "unknown_field"),
    ("signaalId", "A?1", "signaalId", "invalid"),
    ("signaalId", "/A-1", "signaalId", "invalid"),
    ("signaalId", "A-1\u0000", "signaalId", "invalid_character"),
    ("klant.voornamen", "Jan\u0007", "klant.voornamen", "invalid_character"),
    ("klant.kla\u0000nt", 1, "klant.kla\\u0000nt", "invalid_character"),
]


@pytest.mark.parametrize(("field", "value", "name", "code"), FIELD_RULES,
                         ids=[f"{f}={v!r:.20}" for f, v, _, _ in FIELD_RULES])
def test_field_rule_refuses_with_a_dutch_field_error(api, field, value, name, code):
    payload = signal_payload(1)
    _set(payload, field, value)
    body = deliver(api, payload, signal_payload(2)).json()
    refused, accepted = body["resultaten"]
    assert refused["status"] == "geweigerd"
    sent = payload.get("signaalId")
    storable = isinstance(sent, str) and not (name == "signaalId" and code == "invalid_character")
    assert refused["signaalId"] == (sent if storable else None)
    error = errors_of(refused).get(name)
    assert error is not None, refused
    assert error["code"] == code
    assert error["reden"] and not error["reden"].startswith(("Input should", "Field required", "Value error"))
    assert accepted["status"] == "ontvangen"
    assert not Signal.objects.filter(signal_id="ZV-000001").exists()


# Optional values that cannot be used: the signal is stored without them, with a warning (issue 9).
OPTIONAL_RULES = [
    # (field, value, warning name, code)
    ("warmeOverdracht", "misschien", "warmeOverdracht", "invalid"),
    ("klant.voorletters", "..", "klant.voorletters", "invalid"),
    ("klant.geboortedatum", "01-04-1980", "klant.geboortedatum", "invalid"),
    ("klant.geboortedatum", "1980-02-30", "klant.geboortedatum", "invalid"),
    ("klant.geboortedatum", "2999-01-01", "klant.geboortedatum", "invalid"),
    ("klant.geboortedatum", "1880-01-01", "klant.geboortedatum", "invalid"),
    ("klant.telefoonnummers", "0612345678", "klant.telefoonnummers", "invalid"),
    ("klant.telefoonnummers", ["1"], "klant.telefoonnummers[0]", "invalid"),
    ("klant.telefoonnummers", ["0612345678"] * 6, "klant.telefoonnummers[5]", "max_items"),
    ("klant.emailadres", "geen-mail", "klant.emailadres", "invalid"),
    ("adres.huisletter", "AB", "adres.huisletter", "invalid"),
    ("adres.huisletter", "1", "adres.huisletter", "invalid"),
    ("adres.huisnummertoevoeging", "12345", "adres.huisnummertoevoeging", "invalid"),
    ("adres.straatnaam", ["Dorpsstraat"], "adres.straatnaam", "invalid"),
    ("achterstand.aantalTermijnen", -1, "achterstand.aantalTermijnen", "min_value"),
    ("achterstand.termijnbedrag", "abc", "achterstand.termijnbedrag", "invalid"),
    ("contractnummer", "x" * 65, "contractnummer", "max_length"),
    ("datumEindeLevering", "morgen", "datumEindeLevering", "invalid"),
    ("signaaldatum", "2999-01-01", "signaaldatum", "invalid"),
    # A crisis date on a vroegsignaal is kept, and the creditor is told it does not fit.
    ("datumOntruiming", "2026-12-01", "datumOntruiming", "inconsistent"),
]


@pytest.mark.parametrize(("field", "value", "name", "code"), OPTIONAL_RULES,
                         ids=[f"{f}={v!r:.20}" for f, v, _, _ in OPTIONAL_RULES])
def test_unusable_optional_value_is_stored_as_delivered_with_a_warning(api, field, value, name, code):
    payload = signal_payload(1)
    _set(payload, field, value)
    body = deliver(api, payload).json()
    result = body["resultaten"][0]
    assert result["status"] == "ontvangen", result
    assert (body["aantalOntvangen"], body["aantalMetWaarschuwingen"]) == (1, 1)
    warning = {w["naam"]: w for w in result["waarschuwingen"]}[name]
    assert warning["code"] == code
    assert warning["reden"] and not warning["reden"].startswith(("Input should", "Value error"))
    signal = Signal.objects.get(signal_id="ZV-000001")
    stored = {w["naam"]: w for w in signal.intake_warnings}[name]
    delivered = value[5] if name.endswith("[5]") else value[0] if name.endswith("[0]") else value
    assert stored["waarde"] == delivered
    echoed = api.get("/api/v1/signalen/ZV-000001").json()
    assert echoed["waarschuwingen"] == result["waarschuwingen"]
    assert deliver(api, payload).json()["resultaten"][0]["status"] == "al_ontvangen"


def test_all_errors_of_a_signal_are_listed_at_once(api):
    payload = signal_payload(1, adres={"postcode": "x", "huisnummer": 0}, achterstand={"bedrag": "nul"})
    result = deliver(api, payload).json()["resultaten"][0]
    assert set(errors_of(result)) == {"adres.postcode", "adres.huisnummer", "achterstand.bedrag"}


@pytest.mark.parametrize(("field", "value"), [
    ("klant.geslachtsnaam", _DELETE),  # with a trade name the surname may be absent
    ("soortSignaal", _DELETE),
    ("achterstand.bedrag", "312,50"),
    ("achterstand.bedrag", "5"),
    ("adres.postcode", "1011 ab"),
    ("klant.telefoonnummers", ["+32 470 12 34 56", "020-1234567"]),
    ("klant.geboortedatum", None),
])
def test_accepted_variants(api, field, value):
    payload = signal_payload(1, klant={"bedrijfsnaam": "Proef Installatie"})
    _set(payload, field, value)
    result = deliver(api, payload).json()["resultaten"][0]
    assert result["status"] == "ontvangen", result


def test_creditor_only_delivers_its_own_kinds(db, municipality):
    from rest_framework.test import APIClient

    from tests.factories import issued_key

    water = CreditorFactory(name="Waterbedrijf", kinds=["drinkwater"])
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=issued_key(water))
    body = deliver(client, signal_payload(1), signal_payload(2, soortVasteLast="drinkwater")).json()
    assert errors_of(body["resultaten"][0])["soortVasteLast"]["code"] == "not_allowed"
    assert body["resultaten"][1]["status"] == "ontvangen"


def test_single_post_lists_all_invalid_params(api):
    payload = signal_payload(1, adres={"postcode": "x"}, extra=True)
    response = api.post("/api/v1/signalen", payload, format="json")
    body = assert_problem(response, 400)
    assert {p["name"] for p in body["invalidParams"]} == {"adres.postcode", "extra"}
    assert all(set(p) == {"name", "code", "reason"} for p in body["invalidParams"])
    assert Signal.objects.count() == 0 and Delivery.objects.count() == 0


# --- The envelope --------------------------------------------------------------------------

def test_more_than_1000_signals_is_413_and_stores_nothing(api):
    response = deliver(api, *[signal_payload(i) for i in range(1001)])
    body = assert_problem(response, 413)
    assert body["invalidParams"][0]["name"] == "signalen"
    assert Signal.objects.count() == 0 and Delivery.objects.count() == 0


def test_exactly_1000_signals_is_accepted(api):
    response = deliver(api, *[signal_payload(i) for i in range(1000)])
    assert response.status_code == 201
    assert response.json()["aantalOntvangen"] == 1000


def test_body_over_the_size_limit_is_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    response = deliver(api, *[signal_payload(i) for i in range(10)])
    assert_problem(response, 413)
    assert Signal.objects.count() == 0


@pytest.mark.parametrize("body", [b"{not json", b"", b"[1,2", b"{\"signalen\": [}"])
def test_malformed_json_is_400_problem(api, body):
    response = api.post("/api/v1/leveringen", body, content_type="application/json")
    assert_problem(response, 400)
    assert Delivery.objects.count() == 0


@pytest.mark.parametrize(("body", "name"), [
    ([], "body"),
    ("tekst", "body"),
    ({}, "signalen"),
    ({"signalen": {}}, "signalen"),
    ({"signalen": []}, "signalen"),
    ({"signalen": [{}], "extra": 1}, "extra"),
])
def test_bad_envelope_is_400_with_the_field(api, body, name):
    response = api.post("/api/v1/leveringen", json.dumps(body), content_type="application/json")
    problem = assert_problem(response, 400)
    assert name in {p["name"] for p in problem["invalidParams"]}
    assert Delivery.objects.count() == 0


def test_non_json_content_type_is_415(api):
    response = api.post("/api/v1/leveringen", "signaalId=1", content_type="application/x-www-form-urlencoded")
    assert_problem(response, 415)


def test_wrong_method_is_405(api):
    assert_problem(api.put("/api/v1/leveringen", {}, format="json"), 405)


# --- Authentication and isolation ----------------------------------------------------------

@pytest.mark.parametrize("key", [None, "", "onzin", "abcdefgh.verkeerd"])
def test_missing_or_invalid_key_is_401(api, key):
    api.credentials() if key is None else api.credentials(HTTP_X_API_KEY=key)
    for response in (deliver(api, signal_payload(1)), api.get("/api/v1/signalen/ZV-000001")):
        assert_problem(response, 401)
        assert response["WWW-Authenticate"]
    assert Signal.objects.count() == 0


def test_revoked_key_is_401(api):
    api_key = CreditorAPIKey.objects.get(creditor=api.creditor)
    api_key_revoke(api_key=api_key)
    assert_problem(deliver(api, signal_payload(1)), 401)


def test_inactive_creditor_is_401(api):
    api.creditor.is_active = False
    api.creditor.save()
    assert_problem(deliver(api, signal_payload(1)), 401)


def test_another_creditors_signal_and_delivery_answer_404(api, other_api):
    delivery_id = deliver(api, signal_payload(1)).json()["leveringId"]
    assert_problem(other_api.get("/api/v1/signalen/ZV-000001"), 404)
    assert_problem(other_api.get(f"/api/v1/leveringen/{delivery_id}"), 404)
    assert api.get("/api/v1/signalen/ZV-000001").status_code == 200


def test_unknown_signal_and_delivery_answer_404(api):
    assert_problem(api.get("/api/v1/signalen/bestaat-niet"), 404)
    assert_problem(api.get("/api/v1/leveringen/00000000-0000-0000-0000-000000000000"), 404)
    assert_problem(api.get("/api/v1/leveringen/geen-uuid"), 404)


# --- Conventions ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/leveringen/", "/api/v1/signalen/", "/api/v1/signalen/ZV-000001/",
                                  "/api/v1/openapi.json/"])
def test_trailing_slash_is_404(api, path):
    deliver(api, signal_payload(1))
    assert_problem(api.get(path), 404)
    assert_problem(api.post(path, {"signalen": [signal_payload(2)]}, format="json"), 404)
    assert Signal.objects.count() == 1


def test_api_version_header_on_every_answer(api):
    responses = [
        deliver(api, signal_payload(1)),
        api.get("/api/v1/signalen/ZV-000001"),
        api.get("/api/v1/signalen/onbekend"),
        api.get("/api/v1/onbekend"),
        api.get("/api/v1/openapi.json"),
    ]
    assert [r["API-Version"] for r in responses] == ["1.0.0"] * len(responses)


def test_rate_limit_answers_429_with_retry_after(api, settings):
    settings.API_RATE_LIMIT = "3/min"
    statuses = [api.get("/api/v1/signalen/ZV-1").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    response = api.get("/api/v1/signalen/ZV-1")
    assert_problem(response, 429)
    assert 0 < int(response["Retry-After"]) <= 60


def test_openapi_document_is_public_and_describes_the_contract(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) >= {"/leveringen", "/leveringen/{leveringId}", "/signalen", "/signalen/{signaalId}"}
    signaal = document["components"]["schemas"]["Signaal"]
    assert set(signaal["required"]) == {"signaalId", "gemeentecode", "soortVasteLast", "klant", "adres", "achterstand"}
    scheme = document["components"]["securitySchemes"]["apiKey"]
    assert scheme == {"type": "apiKey", "in": "header", "name": "X-Api-Key"}
    assert document["servers"][0]["url"].endswith("/api/v1")


def test_signals_for_a_second_municipality(api):
    MunicipalityFactory(cbs_code="0518", name="'s-Gravenhage")
    payload = copy.deepcopy(signal_payload(1, gemeentecode="0518"))
    assert deliver(api, payload).json()["aantalOntvangen"] == 1
    assert Signal.objects.get().municipality.cbs_code == "0518"


def test_signal_id_with_a_slash_can_be_read_back(api):
    deliver(api, signal_payload(1, signaalId="HUUR/2026/0001"))
    response = api.get("/api/v1/signalen/HUUR/2026/0001")
    assert response.status_code == 200
    assert response.json()["signaalId"] == "HUUR/2026/0001"


def test_initials_are_limited_so_that_they_fit_when_normalised(api):
    result = deliver(api, signal_payload(1, klant={"voorletters": "A" * 21})).json()["resultaten"][0]
    assert result["status"] == "ontvangen"
    assert result["waarschuwingen"][0]["naam"] == "klant.voorletters"
    assert Signal.objects.get(signal_id="ZV-000001").initials == ""
    assert deliver(api, signal_payload(2, klant={"voorletters": "A" * 20})).json()["aantalOntvangen"] == 1
    assert Signal.objects.get(signal_id="ZV-000002").initials == "A." * 20
