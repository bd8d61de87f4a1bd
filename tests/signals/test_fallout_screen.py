"""The fallout review screen: the signal beside the candidates, suggestions with their reasons,
one-click decisions, position in the queue, and filtering by the BRP finding."""
import datetime as dt

import pytest

from signals.models import FalloutDecision, Signal, SignalStatus
from tests.auth import login
from tests.factories import MunicipalityFactory, UserFactory, make_signal

pytestmark = pytest.mark.django_db

CANDIDATES = [
    {"bsn": "999990019", "naam": "Pieter de Vries", "geboortedatum": "1961-03-02", "leeftijd": 65,
     "minderjarig": False, "voornamen": "Pieter", "voorvoegsel": "de", "geslachtsnaam": "Vries", "op_adres": True,
     "adres": "Proefstraat 1"},
    {"bsn": "999990020", "naam": "Test Proef", "geboortedatum": "1986-04-01", "leeftijd": 40, "minderjarig": False,
     "voornamen": "Test", "voorvoegsel": "", "geslachtsnaam": "Proef", "op_adres": True, "adres": "Proefstraat 1"},
]


@pytest.fixture
def reviewer(gemeente, client):
    user = UserFactory(municipalities=[gemeente])
    login(client, user)
    return user


def fallout(gemeente, n: int, *, finding="meerdere_kandidaten", candidates=CANDIDATES) -> Signal:
    signal = make_signal(gemeente, at=n, status=SignalStatus.UITVAL,
                         received_at=dt.datetime(2026, 6, 1, 9, n, tzinfo=dt.UTC))
    signal.brp_evidence = {"uitkomst": finding, "uitkomst_omschrijving": {
        "meerdere_kandidaten": "Meerdere personen mogelijk", "niet_gevonden": "Niet gevonden op het adres"}[finding],
        "kandidaten": candidates, "bevragingen": [{"type": "ZoekMetPostcodeEnHuisnummer", "postcode": "1234AB"}]}
    signal.save(update_fields=["brp_evidence"])
    return signal


def test_the_signal_stands_beside_the_candidates_best_match_first(gemeente, reviewer, client):
    signal = fallout(gemeente, 1)
    page = client.get(f"/uitval/{signal.pk}").content.decode()
    table = page[page.index("<table"):page.index("</table>")]
    # The signal says "Test Proef", so the second BRP person is ranked first, with its reasons.
    assert table.index("Test Proef") < table.index("Pieter de Vries")
    assert page.index("Dit is Test Proef") < page.index("Dit is Pieter de Vries")
    assert 'value="persoon:999990020"' in page and "Redenen" in page
    assert "Meerdere personen mogelijk" in page
    assert "ZoekMetPostcodeEnHuisnummer" in page  # the questions asked, for the reviewer's trust


def test_one_click_decides_and_moves_on_to_the_next_signal(gemeente, reviewer, client):
    first, second = fallout(gemeente, 1), fallout(gemeente, 2)
    page = client.get(f"/uitval/{first.pk}").content.decode()
    assert "Signaal 1 van 2" in page and f"/uitval/{second.pk}" in page  # skip link
    response = client.post(f"/uitval/{first.pk}", {"keuze": "geen_inwoner"})
    assert response.status_code == 302 and response.url == f"/uitval/{second.pk}"
    assert FalloutDecision.objects.get(signal=first).decided_by == reviewer
    assert "Signaal 1 van 1" in client.get(f"/uitval/{second.pk}").content.decode()


def test_not_picking_up_without_a_reason_is_refused_and_changes_nothing(gemeente, reviewer, client):
    signal = fallout(gemeente, 1)
    response = client.post(f"/uitval/{signal.pk}", {"keuze": "niet_opgepakt", "reden": "  "})
    assert response.status_code == 400
    assert "reden" in response.content.decode().lower()
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.UITVAL
    assert not FalloutDecision.objects.exists()


def test_the_list_filters_by_finding_with_counts(gemeente, reviewer, client):
    several = fallout(gemeente, 1)
    missing = fallout(gemeente, 2, finding="niet_gevonden", candidates=[])
    page = client.get("/uitval").content.decode()
    assert "Meerdere personen mogelijk (1)" in page and "Niet gevonden op het adres (1)" in page
    filtered = client.get("/uitval", {"bevinding": "niet_gevonden"}).content.decode()
    assert f"/uitval/{missing.pk}" in filtered and f"/uitval/{several.pk}\"" not in filtered
    for odd in ("\x00", "onzin", '"', "niet_gevonden\x00"):  # anything not in the list shows all, never a 500
        response = client.get("/uitval", {"bevinding": odd})
        assert response.status_code == 200
        assert f"/uitval/{missing.pk}" in response.content.decode()
        assert f"/uitval/{several.pk}" in response.content.decode()
    other = UserFactory(municipalities=[MunicipalityFactory(cbs_code="0200")])
    login(client, other)
    assert "Niet gevonden op het adres (1)" not in client.get("/uitval").content.decode()
