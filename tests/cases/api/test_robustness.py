"""No input causes a 500: random JSON bodies, odd moments and odd headers on every write endpoint get a
problem+json 4xx (or are accepted), and a refused request changes nothing. Plus the rate limit per user."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from cases.models import Case, CaseHistory
from contacts.models import ContactAttempt
from tests.cases.api import API
from tests.factories import client_for

FIELDS = ["soortContact", "tijdstip", "bereikt", "notitie", "eindresultaat", "eersteReactie", "welkeHulp",
          "redenGeenHulp", "toestemmingGeenHulpGewenst", "toelichting", "reden", "gebruikersnaam"]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30), st.sampled_from([
        "Brief", "Telefoon", "ja", "nee", "positief", "Definitief geen contact kunnen krijgen", "werker",
        "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "2026-02-30T10:00:00+01:00",
        "2026-06-02T19:15:00Z", "\x00", "x" * 3000,
    ]),
)
BODIES = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS + ["onbekend"]), st.one_of(SCALARS, st.lists(SCALARS, max_size=3)),
                    max_size=6),
    st.lists(SCALARS, max_size=3), SCALARS,
)


@pytest.fixture
def clients(api, lead_api, service_api):
    return [api, lead_api, service_api]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=BODIES, target=st.sampled_from(["contactpogingen", "afsluiting", "heropening", "toewijzing", "reactie"]),
       who=st.integers(min_value=0, max_value=2))
def test_random_bodies_never_cause_a_500(clients, case, body, target, who):
    client = clients[who]
    url = f"{API}/meldingen/{case.pk}/{target}"
    if target == "reactie":
        attempt = ContactAttempt.objects.filter(case=case).first()
        url = f"{API}/meldingen/{case.pk}/contactpogingen/{attempt.pk if attempt else 1}/reactie"
    method = client.put if target == "toewijzing" else client.post
    history = CaseHistory.objects.filter(case=case).count()
    response = method(url, body, format="json")
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert CaseHistory.objects.filter(case=case).count() == history
    assert Case.objects.filter(pk=case.pk).exists()


@pytest.mark.parametrize("raw", ['{"soortContact": "Brief", "tijdstip": NaN}', '{"notitie": Infinity}', "\x00",
                                 '{"soortContact": "Brief"', "[" * 5000 + "]" * 5000,
                                 '{"notitie": ' + "[" * 900 + "]" * 900 + "}"])
def test_raw_bodies_that_are_not_strict_json_or_nested_too_deeply_are_400(api, case, raw):
    response = api.generic("POST", f"{API}/meldingen/{case.pk}/contactpogingen", raw,
                           content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert not ContactAttempt.objects.exists()


@pytest.mark.parametrize("header", ["Token abc\x00def.ghi", "Token ünïcode.tøken", "Token " + "a" * 20 + "." + "b" * 32,
                                    "Token a.b\n"])
def test_odd_authorization_headers_are_401(db, header):
    response = APIClient().get(f"{API}/meldingen", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_the_rate_limit_is_per_user_and_separate_from_creditors(settings, worker, lead, case):
    settings.API_RATE_LIMIT = "3/min"
    client, other = client_for(worker), client_for(lead)
    assert [client.get(f"{API}/bakjes").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(f"{API}/bakjes")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert response["Content-Type"] == "application/problem+json"
    assert other.get(f"{API}/bakjes").status_code == 200
