"""No input causes a 500: random JSON, and valid signals with random values in each field."""
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signals.models import Signal
from tests.factories import signal_payload

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)

FIELDS = [
    ("signaalId",), ("gemeentecode",), ("soortVasteLast",), ("soortSignaal",), ("warmeOverdracht",),
    ("klant",), ("klant", "geslachtsnaam"), ("klant", "voorvoegsel"), ("klant", "voorletters"),
    ("klant", "geboortedatum"), ("klant", "telefoonnummers"), ("klant", "emailadres"),
    ("adres",), ("adres", "postcode"), ("adres", "huisnummer"), ("adres", "huisletter"),
    ("adres", "huisnummertoevoeging"), ("achterstand",), ("achterstand", "bedrag"),
    ("achterstand", "vervaldatumOudsteFactuur"), ("achterstand", "aantalTermijnen"),
    ("achterstand", "termijnbedrag"), ("contractnummer",), ("datumEindeLevering",), ("signaaldatum",),
]

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(body=json_values)
def test_random_json_delivery_never_500(api, body):
    response = api.post("/api/v1/leveringen", json.dumps(body), content_type="application/json")
    assert response.status_code in (201, 400, 413), response.content
    assert response["Content-Type"] in ("application/json", "application/problem+json")


@FUZZ
@given(field=st.sampled_from(FIELDS), value=json_values)
def test_random_value_in_any_field_is_judged_not_crashed(api, field, value):
    payload = signal_payload(1, signaalId="FUZZ-1")
    target = payload
    for part in field[:-1]:
        target = target[part]
    target[field[-1]] = value
    response = api.post("/api/v1/signalen", json.dumps(payload), content_type="application/json")
    assert response.status_code in (200, 201, 400, 409), response.content
    if response.status_code == 400:
        assert response.json()["invalidParams"], response.content
        assert not Signal.objects.filter(signal_id="FUZZ-1").exists()
    Signal.objects.filter(signal_id="FUZZ-1").delete()


@FUZZ
@given(path=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=40))
def test_any_signal_id_in_the_path_answers_200_or_404(api, path):
    response = api.get("/api/v1/signalen/" + path)
    assert response.status_code in (200, 404)
