"""Text in the municipal API's requests: what can be stored is stored (NFC-normalised), what cannot (NUL and other
control characters, lone surrogates) is refused with a Dutch reason naming the field, and nothing changes then.

Generated text from every Unicode category, lone surrogates and control characters included."""
import json
import unicodedata

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contacts.models import ContactAttempt
from tests.cases.api import API

ANY_TEXT = st.text(st.characters(codec=None), max_size=40) | st.text(
    st.characters(categories=["Cc", "Cs", "Mn", "Lo"]) | st.sampled_from("ae\u0301\u212b\t\n"), max_size=10)


def post(client, url: str, body: dict):
    """As JSON with \\u escapes, so a lone surrogate can be sent at all."""
    return client.post(url, json.dumps(body), content_type="application/json")


def storable(text: str) -> bool:
    return not any(unicodedata.category(c) == "Cs" or (unicodedata.category(c) == "Cc" and c not in "\t\n\r")
                   for c in text)


@pytest.fixture
def at(case):
    return case.opened_at.isoformat()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=ANY_TEXT)
def test_a_note_is_stored_normalised_or_refused_with_a_reason(lead_api, case, at, text):
    with transaction.atomic():
        before = ContactAttempt.objects.count()
        response = post(lead_api, f"{API}/meldingen/{case.pk}/contactpogingen",
                        {"soortContact": "Telefoon", "tijdstip": at, "notitie": text})
        if storable(text):
            assert response.status_code == 201, response.content
            assert response.json()["notitie"] == unicodedata.normalize("NFC", text).strip()
        else:
            assert response.status_code == 400, response.content
            [error] = response.json()["invalidParams"]
            assert error["name"] == "notitie" and "ongeldig teken" in error["reason"]
            assert ContactAttempt.objects.count() == before
        transaction.set_rollback(True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=ANY_TEXT.filter(lambda t: not storable(t)), field=st.sampled_from(["toelichting", "redenGeenHulp"]))
def test_a_closing_with_unstorable_text_is_refused_and_the_case_stays_open(lead_api, case, text, field):
    response = post(lead_api, f"{API}/meldingen/{case.pk}/afsluiting",
                    {"eindresultaat": "Inwoner is overleden", field: text})
    assert response.status_code == 400, response.content
    assert [e["name"] for e in response.json()["invalidParams"]] == [field]
    case.refresh_from_db()
    assert case.status != "gesloten"
