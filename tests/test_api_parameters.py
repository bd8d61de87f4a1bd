"""Numbers, codes, months, dates and cursors in the query strings of both APIs: only ASCII digits count.

`str.isdigit()` and Python's `\\d` also accept "²", "１２" or "٠٣٦٣"; `int()` refuses some of those (a 500 before)
and reads others as numbers. Generated values built from every kind of Unicode digit, with spaces, signs and
newlines: the answer is 200 or a 400 naming the parameter, never a 500, and a value with any non-ASCII character
is refused.
"""
import base64

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from accounts.models import Role
from tests.factories import CreditorFactory, MunicipalityFactory, UserFactory, issued_key, token_for

CREDITOR = [
    ("/api/v1/terugkoppelingen", "limiet", {}),
    ("/api/v1/terugkoppelingen", "gemeentecode", {}),
    ("/api/v1/inspanningen", "gemeentecode", {"maand": "2026-11"}),
    ("/api/v1/inspanningen", "maand", {"gemeentecode": "0363"}),
]
MUNICIPAL = [
    ("/api/v1/gemeente/meldingen", "pagina", {}),
    ("/api/v1/gemeente/meldingen", "limiet", {}),
    ("/api/v1/gemeente/meldingen", "gemeentecode", {}),
    ("/api/v1/gemeente/meldingen", "termijnVoor", {}),
]

# Mostly digits of any script (Nd: "٣", "１"; No: "²", "½") and ASCII digits; sometimes with separators, spaces,
# signs, newlines or any character at all (but a lone surrogate, which no URL can carry).
_digit = st.characters(categories=["Nd", "No"]) | st.sampled_from("0123456789")
numberish = st.one_of(
    st.text(_digit, min_size=1, max_size=8),
    st.text(_digit | st.sampled_from("-: \t\n+.") | st.characters(exclude_categories=["Cs"]), min_size=1,
            max_size=12),
)


@pytest.fixture
def clients(db, settings):
    settings.API_RATE_LIMIT = "1000000/min"
    municipality = MunicipalityFactory(cbs_code="0363", name="Amsterdam")
    creditor = APIClient()
    creditor.credentials(HTTP_X_API_KEY=issued_key(CreditorFactory()))
    municipal = APIClient()
    lead = UserFactory(username="leider", role=Role.TEAMLEIDER, municipalities=[municipality])
    municipal.credentials(HTTP_AUTHORIZATION=f"Token {token_for(lead)}")
    return {"creditor": creditor, "municipal": municipal}


def _ask(client, path, name, other, value):
    response = client.get(path, {**other, name: value})
    assert response.status_code in (200, 400), (path, name, value, response.status_code)
    if not value.isascii():
        assert response.status_code == 400, (path, name, value)
    if response.status_code == 400:
        assert name in {p["name"] for p in response.json()["invalidParams"]}, (path, name, value)


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=numberish, which=st.integers(min_value=0, max_value=len(CREDITOR) + len(MUNICIPAL) - 1))
def test_query_numbers_and_codes_are_ascii_digits_or_refused(clients, value, which):
    if which < len(CREDITOR):
        _ask(clients["creditor"], *CREDITOR[which], value)
    else:
        _ask(clients["municipal"], *MUNICIPAL[which - len(CREDITOR)], value)


@hypothesis_settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=numberish)
def test_a_cursor_with_other_digits_is_refused(clients, sequence):
    cursor = base64.urlsafe_b64encode(f"v1:{sequence}".encode()).decode().rstrip("=")
    response = clients["creditor"].get("/api/v1/terugkoppelingen", {"vanaf": cursor})
    ascii_number = sequence.isascii() and sequence.isdigit() and len(sequence) <= 19
    assert response.status_code == (200 if ascii_number else 400), (sequence, response.status_code)
