"""Reading cases and trays through the municipal API: scoped to the caller's municipalities, in the queue's
order, filtered and paged, with every parameter checked."""
import datetime as dt

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import selectors, services
from cases.models import Case, CaseStatus, Priority, Tray, Urgency
from contacts.services import contact_attempt_register
from tests.cases.api import API
from tests.factories import UserFactory, client_for, open_cases
from vroegsignalering.common.vocab import ContactKind, CreditorKind

PROBLEM = "application/problem+json"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["meldingId"] for item in response.json()["meldingen"]]


def test_each_municipality_sees_only_its_own_cases(api, elders_api, service_api, lead_api, case, case_elders):
    for client in (api, service_api, lead_api):
        assert ids(client.get(f"{API}/meldingen")) == [case.pk]
        assert client.get(f"{API}/meldingen/{case.pk}").status_code == 200
        response = client.get(f"{API}/meldingen/{case_elders.pk}")
        assert response.status_code == 404 and response["Content-Type"] == PROBLEM
        assert response.json()["detail"] == "De gevraagde bron bestaat niet."
    assert ids(elders_api.get(f"{API}/meldingen")) == [case_elders.pk]
    # Another municipality's case answers exactly like a case that does not exist.
    missing = api.get(f"{API}/meldingen/999999")
    other = api.get(f"{API}/meldingen/{case_elders.pk}")
    assert (missing.status_code, missing.json()["detail"]) == (other.status_code, other.json()["detail"])


def test_a_user_of_two_municipalities_sees_both(gemeente, elders, case, case_elders):
    both = client_for(UserFactory(municipalities=[gemeente, elders]))
    assert sorted(ids(both.get(f"{API}/meldingen"))) == sorted([case.pk, case_elders.pk])
    assert ids(both.get(f"{API}/meldingen?gemeentecode=0200")) == [case_elders.pk]


def test_the_detail_shows_signals_household_routing_attempts_and_deadline(api, worker, gemeente):
    case = open_cases(gemeente, [5, 5], minors=True, kind=CreditorKind.HUUR, amount="400.00")[0]
    at = timezone.now() - dt.timedelta(hours=3)
    contact_attempt_register(case=case, kind=ContactKind.TELEFOON, at=at, reached="nee", note="Voicemail", by=worker)
    body = api.get(f"{API}/meldingen/{case.pk}").json()
    assert body["meldingId"] == case.pk and body["status"] == "in_behandeling"
    assert body["soortMelding"] == "meervoudig" and body["totaalbedrag"] == "800.00"
    assert len(body["signalen"]) == 2 and body["aantalSignalen"] == 2
    signal = body["signalen"][0]
    assert signal["soortVasteLast"] == "huur" and signal["bedrag"] == "400.00"
    assert signal["klant"]["telefoonnummers"] == ["0612345678"] and signal["klant"]["geslachtsnaam"] == "Proef"
    assert signal["vervaldatumOudsteFactuur"] and signal["signaaldatum"] and signal["vastelastenpartner"]
    assert body["huishouden"]["aantalMinderjarigen"] == 1
    assert body["huishouden"]["leden"] == [{"naam": "Kind", "geboortedatum": None, "leeftijd": 8,
                                            "minderjarig": True}]
    assert "bsn" not in str(body).lower()
    assert "standaardbakje" in body["routering"]["uitleg"]
    assert body["laatsteDag"] == (timezone.localdate() + dt.timedelta(days=25)).isoformat()
    assert "28 kalenderdagen" in body["termijnGrondslag"]
    [attempt] = body["contactpogingen"]
    assert (attempt["soortContact"], attempt["bereikt"], attempt["notitie"], attempt["geregistreerdDoor"]) == (
        "Telefoon", "nee", "Voicemail", "werker")
    assert body["afsluiting"] is None and body["eindresultaat"] is None


def test_the_list_is_in_the_queues_order(api, worker, gemeente):
    cases = open_cases(gemeente, [1, 2, 3, 4, 5])
    Case.objects.filter(pk=cases[0].pk).update(priority=Priority.LAAG)
    Case.objects.filter(pk=cases[1].pk).update(urgency=Urgency.ACUUT, is_crisis=True)
    Case.objects.filter(pk=cases[2].pk).update(priority=Priority.HOOG)
    Case.objects.filter(pk=cases[3].pk).update(deadline_at=F("deadline_at") - dt.timedelta(days=1))
    queue = selectors.queue_page(worker, filters=selectors.QueueFilters(), now=timezone.now())
    expected = [c.pk for c in queue.cases]
    assert ids(api.get(f"{API}/meldingen")) == expected
    assert expected == [cases[1].pk, cases[2].pk, cases[3].pk, cases[4].pk, cases[0].pk]


def test_paging_walks_every_case_once_with_links(api, gemeente):
    cases = open_cases(gemeente, range(1, 8))
    seen = []
    response = api.get(f"{API}/meldingen?limiet=3&crisis=false")
    pages = 0
    while True:
        body = response.json()
        assert body["totaal"] == 7 and body["aantalPaginas"] == 3 and body["limiet"] == 3
        seen += [item["meldingId"] for item in body["meldingen"]]
        pages += 1
        if body["volgende"] is None:
            break
        assert "crisis=false" in body["volgende"]
        response = api.get(body["volgende"])
    assert pages == 3 and sorted(seen) == sorted(c.pk for c in cases)
    assert body["vorige"] == f"{API}/meldingen?limiet=3&crisis=false&pagina=2"
    beyond = api.get(f"{API}/meldingen?limiet=3&pagina=9").json()
    assert beyond["meldingen"] == [] and beyond["volgende"] is None and beyond["vorige"].endswith("pagina=3")


def test_filters(api, worker, lead, gemeente, tray):
    cases = open_cases(gemeente, [1, 2, 3, 4])
    Case.objects.filter(pk=cases[0].pk).update(tray=tray, assigned_to=worker)
    Case.objects.filter(pk=cases[1].pk).update(is_crisis=True, crisis_due_at=timezone.now() + dt.timedelta(days=1))
    Case.objects.filter(pk=cases[2].pk).update(assigned_to=lead)
    services.case_close(case=cases[3], outcome="Verwijzing zonder tussenkomst inwoner", by=worker)
    assert sorted(ids(api.get(f"{API}/meldingen"))) == [c.pk for c in cases[:3]]  # active only by default
    assert ids(api.get(f"{API}/meldingen?status=gesloten")) == [cases[3].pk]
    assert len(ids(api.get(f"{API}/meldingen?status=open,gesloten"))) == 4
    assert ids(api.get(f"{API}/meldingen?bakje=telefoon")) == [cases[0].pk]
    assert ids(api.get(f"{API}/meldingen?toegewezenAan=ik")) == [cases[0].pk]
    assert ids(api.get(f"{API}/meldingen?toegewezenAan=niemand")) == [cases[1].pk]
    assert ids(api.get(f"{API}/meldingen?crisis=true")) == [cases[1].pk]
    assert sorted(ids(api.get(f"{API}/meldingen?crisis=false"))) == [cases[0].pk, cases[2].pk]
    soon = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    assert ids(api.get(f"{API}/meldingen?termijnVoor={soon}")) == [cases[1].pk]  # the crisis deadline
    later = (timezone.localdate() + dt.timedelta(days=27)).isoformat()
    assert len(ids(api.get(f"{API}/meldingen?termijnVoor={later}"))) == 3  # the 28-day window ends before it
    assert ids(api.get(f"{API}/meldingen?gemeentecode=0200")) == []


@pytest.mark.parametrize(("query", "names"), [
    ("pagina=0", ["pagina"]),
    ("limiet=501", ["limiet"]),
    ("limiet=abc&pagina=-1", ["pagina", "limiet"]),
    ("status=dicht", ["status"]),
    ("status=", ["status"]),
    ("bakje=%00", ["bakje"]),
    ("toegewezenAan=jan", ["toegewezenAan"]),
    ("crisis=ja", ["crisis"]),
    ("termijnVoor=2026-02-30", ["termijnVoor"]),
    ("termijnVoor=morgen", ["termijnVoor"]),
    ("gemeentecode=363", ["gemeentecode"]),
    ("sorteer=bedrag", ["sorteer"]),
    ("crisis=true&crisis=false", ["crisis"]),
    ("pagina=99999999999999999999999", ["pagina"]),
])
def test_bad_parameters_are_a_field_level_400(api, case, query, names):
    response = api.get(f"{API}/meldingen?{query}")
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    params = response.json()["invalidParams"]
    assert sorted(p["name"] for p in params) == sorted(names)
    assert all(p["reason"] and p["reason"][0].isupper() for p in params)


def test_the_list_costs_the_same_number_of_queries_for_3_or_30_cases(api, gemeente, elders, worker, tray):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{API}/meldingen?limiet=500")
        assert response.status_code == 200
        return len(queries), len(response.json()["meldingen"])

    cases = open_cases(gemeente, range(1, 31), kind=CreditorKind.HUUR)
    Case.objects.update(tray=tray, assigned_to=worker)
    Case.objects.filter(pk__in=[c.pk for c in cases[3:]]).update(municipality=elders)
    few, shown = count()
    assert shown == 3
    Case.objects.update(municipality=gemeente)
    assert count() == (few, 30)


def test_unknown_paths_and_huge_ids_are_404_problems(api, case):
    for path in (f"{API}/meldingen/{case.pk}/", f"{API}/meldingen/123456789012345678901234", f"{API}/onbekend",
                 f"{API}/meldingen/{case.pk}/contactpogingen/99999999999999999"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == PROBLEM


def test_the_trays_with_their_counts(api, worker, gemeente, elders, tray):
    cases = open_cases(gemeente, [1, 2, 3])
    Tray.objects.create(municipality=elders, code="elders", name="Niet van ons")
    Case.objects.filter(pk__in=[cases[0].pk, cases[1].pk]).update(tray=tray)
    Case.objects.filter(pk=cases[0].pk).update(assigned_to=worker, is_crisis=True)
    services.case_close(case=Case.objects.get(pk=cases[1].pk), outcome="Verwijzing zonder tussenkomst inwoner",
                        by=worker)
    body = api.get(f"{API}/bakjes").json()
    by_code = {t["code"]: t for t in body["bakjes"]}
    assert set(by_code) == {"telefoon", "algemeen"}
    assert by_code["telefoon"] == {
        "code": "telefoon", "naam": "Bellen", "omschrijving": "", "gemeentecode": "0100", "soortContact": "Telefoon",
        "capaciteitPerPeriode": None, "actief": True, "aantalActief": 1, "aantalCrisis": 1,
        "aantalNietToegewezen": 0, "aantalAanMij": 1,
    }
    assert by_code["algemeen"]["aantalActief"] == 1 and by_code["algemeen"]["aantalNietToegewezen"] == 1
    assert api.get(f"{API}/bakjes?x=1").status_code == 400


def test_a_closed_case_shows_its_closing(api, worker, case):
    services.case_close(case=case, outcome="Verwijzing zonder tussenkomst inwoner", by=worker, reason="Doorverwezen")
    body = api.get(f"{API}/meldingen/{case.pk}").json()
    assert body["status"] == CaseStatus.GESLOTEN and body["eindresultaat"] == "Verwijzing zonder tussenkomst inwoner"
    assert body["afsluiting"]["eindresultaat"] == "Verwijzing zonder tussenkomst inwoner"
    assert body["afsluiting"]["geslotenOp"] == body["geslotenOp"]
