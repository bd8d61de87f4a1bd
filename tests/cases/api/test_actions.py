"""Writing through the municipal API: contact attempts and replies, closing, reopening and assigning. Each
refusal is a problem+json with a Dutch message (per field where it is about a field) and changes nothing."""
import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Role
from cases import services
from cases.history import case_history_text
from cases.models import Case, CaseHistory, CaseStatus, FollowUp
from contacts.models import ContactAttempt, Reached
from feedback.models import FeedbackEvent
from tests.cases.api import API
from tests.factories import UserFactory, client_for, open_cases
from vroegsignalering.common.vocab import Outcome

PROBLEM = "application/problem+json"


def moment(hours_ago: float = 1) -> str:
    return (timezone.localtime(timezone.now()) - dt.timedelta(hours=hours_ago)).isoformat()


def snapshot(case) -> tuple:
    case = Case.objects.get(pk=case.pk)
    return (case.status, case.outcome, case.assigned_to_id,
            ContactAttempt.objects.filter(case=case).count(), CaseHistory.objects.filter(case=case).count(),
            FeedbackEvent.objects.count(), case.first_reaction, case.help_description)


def attempt(client, case, **body):
    body = {"soortContact": "Brief", "tijdstip": moment(), **body}
    return client.post(f"{API}/meldingen/{case.pk}/contactpogingen", body, format="json")


# --- contact attempts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["api", "lead_api", "service_api"])
def test_register_an_attempt(request, case, who):
    client = request.getfixturevalue(who)
    response = attempt(client, case, soortContact="Telefoon", bereikt="ja", notitie="Gesproken met mevrouw")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["soortContact"] == "Telefoon" and body["bereikt"] == "ja" and body["dagdeel"] in (
        "Ochtend", "Middag", "Avond")
    assert body["geregistreerdDoor"] == client.user.username
    assert response["Location"] == f"{API}/meldingen/{case.pk}/contactpogingen/{body['contactpogingId']}"
    assert client.get(response["Location"]).json() == body
    assert Case.objects.get(pk=case.pk).status == CaseStatus.IN_BEHANDELING
    stored = ContactAttempt.objects.get()
    assert (stored.by, stored.reached, stored.note) == (client.user, Reached.JA, "Gesproken met mevrouw")


@pytest.mark.parametrize(("body", "expected"), [
    ({"soortContact": "Duif"}, {"soortContact": "invalid_choice"}),
    ({"tijdstip": "gisteren"}, {"tijdstip": "invalid"}),
    ({"tijdstip": "2026-06-02T19:15:00"}, {"tijdstip": "invalid"}),  # no time zone
    ({"tijdstip": None, "soortContact": None}, {"tijdstip": "invalid", "soortContact": "invalid_choice"}),
    ({"bereikt": "misschien", "kleur": "rood"}, {"bereikt": "invalid_choice", "kleur": "unknown_field"}),
    ({"notitie": "x" * 2001}, {"notitie": "max_length"}),
    ({"notitie": "a\x00b"}, {"notitie": "invalid"}),
    ({"notitie": 12}, {"notitie": "invalid"}),
])
def test_a_bad_attempt_is_refused_per_field_and_changes_nothing(api, case, body, expected):
    before = snapshot(case)
    response = attempt(api, case, **body)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    params = {p["name"]: p["code"] for p in response.json()["invalidParams"]}
    assert params == expected
    assert snapshot(case) == before


@pytest.mark.parametrize("payload", [[], "tekst", 12])
def test_a_body_that_is_no_object_is_a_400(api, case, payload):
    response = api.post(f"{API}/meldingen/{case.pk}/contactpogingen", payload, format="json")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "body"


def test_a_missing_body_lists_the_required_fields(api, case):
    response = api.post(f"{API}/meldingen/{case.pk}/contactpogingen")
    assert response.status_code == 400
    assert {p["name"]: p["reason"] for p in response.json()["invalidParams"]} == {
        "soortContact": "Dit veld is verplicht.", "tijdstip": "Dit veld is verplicht."}


def test_malformed_json_and_other_media_types_are_problems(api, case):
    url = f"{API}/meldingen/{case.pk}/contactpogingen"
    response = api.generic("POST", url, "{kapot", content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"] == "De inhoud is geen geldige JSON."
    response = api.post(f"{API}/meldingen/{case.pk}/contactpogingen", {"soortContact": "Brief"})  # multipart
    assert response.status_code == 415 and response["Content-Type"] == PROBLEM


def test_an_attempt_in_the_future_or_before_the_case_opened_is_a_field_error(api, case):
    before = snapshot(case)
    response = attempt(api, case, tijdstip=moment(-2))
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "tijdstip"
    assert "toekomst" in response.json()["invalidParams"][0]["reason"]
    response = attempt(api, case, tijdstip=moment(24 * 10))
    assert response.status_code == 400 and "vóór de opening" in response.json()["invalidParams"][0]["reason"]
    assert snapshot(case) == before


def test_no_attempt_on_a_closed_case_or_after_the_window(api, worker, gemeente):
    closed, late = open_cases(gemeente, [1, 7])
    services.case_close(case=closed, outcome=Outcome.VERWIJZING_ZONDER_CONTACT, by=worker)
    before = snapshot(closed)
    response = attempt(api, closed)
    assert response.status_code == 409 and response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "gesloten" and "Heropen de melding" in response.json()["detail"]
    assert snapshot(closed) == before
    Case.objects.filter(pk=late.pk).update(deadline_at=timezone.now() - dt.timedelta(hours=1))
    before = snapshot(late)
    response = attempt(api, late, tijdstip=moment(2))
    assert response.status_code == 409 and response.json()["code"] == "termijn_verstreken"
    assert "28 dagen" in response.json()["detail"]
    assert snapshot(late) == before


# --- replies -----------------------------------------------------------------------------------------------


def test_a_reply_makes_the_letter_reached(api, service_api, case):
    letter = attempt(api, case, tijdstip=moment(5)).json()
    url = f"{API}/meldingen/{case.pk}/contactpogingen/{letter['contactpogingId']}/reactie"
    response = service_api.post(url, {"tijdstip": moment(1), "notitie": "Belde terug"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["bereikt"] == "ja" and body["reactieNotitie"] == "Belde terug" and body["reactieOntvangenOp"]
    assert ContactAttempt.objects.count() == 1
    again = service_api.post(url, {"tijdstip": moment(0.5)}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "al_reactie"


def test_a_reply_is_refused_on_a_phone_call_or_before_the_letter(api, case):
    call = attempt(api, case, soortContact="Telefoon").json()
    url = f"{API}/meldingen/{case.pk}/contactpogingen/{call['contactpogingId']}/reactie"
    response = api.post(url, {"tijdstip": moment(0.5)}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "soort"
    letter = attempt(api, case, tijdstip=moment(2)).json()
    url = f"{API}/meldingen/{case.pk}/contactpogingen/{letter['contactpogingId']}/reactie"
    response = api.post(url, {"tijdstip": moment(3)}, format="json")
    assert response.status_code == 400 and response.json()["invalidParams"][0]["name"] == "tijdstip"
    assert ContactAttempt.objects.get(pk=letter["contactpogingId"]).reached == Reached.ONBEKEND


def test_an_attempt_of_another_case_or_municipality_is_404(api, elders_api, case, case_elders):
    letter = attempt(elders_api, case_elders).json()
    for client, case_id in ((api, case.pk), (api, case_elders.pk)):
        url = f"{API}/meldingen/{case_id}/contactpogingen/{letter['contactpogingId']}"
        assert client.get(url).status_code == 404
        assert client.post(f"{url}/reactie", {"tijdstip": moment(0.5)}, format="json").status_code == 404
    assert ContactAttempt.objects.get().reply_received_at is None


# --- closing -----------------------------------------------------------------------------------------------


def test_close_with_accepted_help(api, worker, case):
    attempt(api, case, soortContact="Huisbezoek", bereikt="ja")
    response = api.post(f"{API}/meldingen/{case.pk}/afsluiting", {
        "eindresultaat": Outcome.QUICK_FIX, "eersteReactie": "positief", "welkeHulp": "Betalingsregeling",
        "toelichting": "Via het klantcontactcentrum",
    }, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "gesloten" and body["eindresultaat"] == Outcome.QUICK_FIX
    assert body["afsluiting"]["eersteReactie"] == "positief" and body["afsluiting"]["welkeHulp"] == "Betalingsregeling"
    assert FollowUp.objects.filter(case=case).exists()
    assert FeedbackEvent.objects.filter(code="hulp_geaccepteerd").count() == 1
    assert "Via het klantcontactcentrum" in case_history_text(CaseHistory.objects.filter(case=case).last())


def test_close_with_recorded_consent_for_geen_hulp_gewenst(service_api, service, case):
    attempt(service_api, case, soortContact="Telefoon", bereikt="ja")
    response = service_api.post(f"{API}/meldingen/{case.pk}/afsluiting", {
        "eindresultaat": Outcome.GEEN_HULP_GEWENST, "redenGeenHulp": "Regelt het zelf",
        "toestemmingGeenHulpGewenst": True, "eersteReactie": None,
    }, format="json")
    assert response.status_code == 200, response.content
    case = Case.objects.get(pk=case.pk)
    assert case.feedback_consent_by == service and case.decline_reason == "Regelt het zelf"
    assert response.json()["afsluiting"]["toestemmingGeenHulpGewenstOp"]


@pytest.mark.parametrize(("body", "expected"), [
    ({"eindresultaat": "Opgelost"}, {"eindresultaat"}),
    ({}, {"eindresultaat"}),
    ({"eindresultaat": Outcome.VERWIJZING_ZONDER_CONTACT, "welkeHulp": "Budgetcoach"}, {"welkeHulp"}),
    ({"eindresultaat": Outcome.VERWIJZING_ZONDER_CONTACT, "toestemmingGeenHulpGewenst": True},
     {"toestemmingGeenHulpGewenst"}),
    ({"eindresultaat": Outcome.VERWIJZING_ZONDER_CONTACT, "redenGeenHulp": "Geen zin",
      "welkeHulp": "Budgetcoach"}, {"redenGeenHulp", "welkeHulp"}),
    ({"eindresultaat": Outcome.VERWIJZING_ZONDER_CONTACT, "eersteReactie": "boos"}, {"eersteReactie"}),
    ({"eindresultaat": Outcome.VERWIJZING_ZONDER_CONTACT, "toestemmingGeenHulpGewenst": "misschien"},
     {"toestemmingGeenHulpGewenst"}),
    ({"eindresultaat": Outcome.VERWIJZING_ZONDER_CONTACT, "welkeHulp": "x" * 301}, {"welkeHulp"}),
])
def test_bad_closing_details_are_field_errors_in_dutch_and_change_nothing(api, case, body, expected):
    before = snapshot(case)
    response = api.post(f"{API}/meldingen/{case.pk}/afsluiting", body, format="json")
    assert response.status_code == 400, response.content
    params = response.json()["invalidParams"]
    assert {p["name"] for p in params} == expected
    assert all(p["reason"] for p in params)
    assert snapshot(case) == before


def test_help_accepted_without_a_reached_resident_is_a_conflict(api, case):
    before = snapshot(case)
    response = api.post(f"{API}/meldingen/{case.pk}/afsluiting", {"eindresultaat": Outcome.QUICK_FIX}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "niet_bereikt"
    assert "Registreer eerst de contactpoging" in response.json()["detail"]
    assert snapshot(case) == before


def test_closing_twice_is_a_conflict(api, case):
    url = f"{API}/meldingen/{case.pk}/afsluiting"
    assert api.post(url, {"eindresultaat": Outcome.GEEN_CONTACT}, format="json").status_code == 200
    before = snapshot(case)
    response = api.post(url, {"eindresultaat": Outcome.VERWIJZING_ZONDER_CONTACT}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "gesloten"
    assert snapshot(case) == before


# --- reopening -------------------------------------------------------------------------------------------


def test_reopen_for_late_acceptance_then_close_again(api, worker, case):
    services.case_close(case=case, outcome=Outcome.GEEN_CONTACT, by=worker)
    url = f"{API}/meldingen/{case.pk}/heropening"
    assert api.post(url, {"reden": ""}, format="json").json()["invalidParams"][0]["name"] == "reden"
    response = api.post(url, {"reden": "Inwoner belde alsnog"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "heropend" and response.json()["redenHeropenen"] == "Inwoner belde alsnog"
    assert response.json()["eindresultaat"] is None and response.json()["afsluiting"] is None
    assert api.post(url, {"reden": "Nogmaals"}, format="json").json()["code"] == "niet_gesloten"
    assert attempt(api, case, soortContact="Telefoon", bereikt="ja").status_code == 201


# --- assigning ---------------------------------------------------------------------------------------------


def test_a_team_lead_assigns_and_unassigns(lead_api, worker, case):
    url = f"{API}/meldingen/{case.pk}/toewijzing"
    response = lead_api.put(url, {"gebruikersnaam": "werker"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["toegewezenAan"] == {"gebruikersnaam": "werker", "naam": "Wil Werker"}
    assert Case.objects.get(pk=case.pk).assigned_to == worker
    history = CaseHistory.objects.filter(case=case).count()
    assert lead_api.put(url, {"gebruikersnaam": "werker"}, format="json").status_code == 200
    assert CaseHistory.objects.filter(case=case).count() == history  # unchanged: no new history row
    response = lead_api.put(url, {"gebruikersnaam": None}, format="json")
    assert response.status_code == 200 and response.json()["toegewezenAan"] is None
    assert Case.objects.get(pk=case.pk).assigned_to is None


def test_a_closed_case_is_not_assigned(lead_api, worker, case):
    services.case_close(case=case, outcome=Outcome.GEEN_CONTACT, by=worker)
    before = snapshot(case)
    response = lead_api.put(f"{API}/meldingen/{case.pk}/toewijzing", {"gebruikersnaam": "werker"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "gesloten"
    assert snapshot(case) == before


@pytest.mark.parametrize("who", ["api", "service_api"])
def test_a_worker_and_a_service_account_may_not_assign(request, worker, case, who):
    client = request.getfixturevalue(who)
    before = snapshot(case)
    response = client.put(f"{API}/meldingen/{case.pk}/toewijzing", {"gebruikersnaam": "werker"}, format="json")
    assert response.status_code == 403 and response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == "Alleen een teamleider kan meldingen toewijzen."
    assert snapshot(case) == before


def test_assigning_to_someone_outside_the_municipality_or_role_is_a_field_error(lead_api, worker_elders, case,
                                                                                   gemeente):
    UserFactory(username="beheer", role=Role.FUNCTIONEEL_BEHEERDER, municipalities=[gemeente])
    UserFactory(username="oud", is_active=False, municipalities=[gemeente])
    before = snapshot(case)
    for username in ("werker-elders", "beheer", "oud", "kcc", "bestaat-niet", ""):
        response = lead_api.put(f"{API}/meldingen/{case.pk}/toewijzing", {"gebruikersnaam": username},
                                format="json")
        assert response.status_code == 400, username
        assert response.json()["invalidParams"][0]["name"] == "gebruikersnaam"
    # The same message whether the person exists elsewhere or not at all (nothing leaks).
    reasons = {lead_api.put(f"{API}/meldingen/{case.pk}/toewijzing", {"gebruikersnaam": name}, format="json")
               .json()["invalidParams"][0]["reason"] for name in ("werker-elders", "bestaat-niet")}
    assert len(reasons) == 1
    assert snapshot(case) == before
    assert lead_api.put(f"{API}/meldingen/{case.pk}/toewijzing", {}, format="json").status_code == 400


# --- scoping of every write ---------------------------------------------------------------------------------


def test_no_write_reaches_a_case_of_another_municipality(api, lead_api, service_api, case_elders, worker_elders):
    before = snapshot(case_elders)
    for client in (api, lead_api, service_api):
        base = f"{API}/meldingen/{case_elders.pk}"
        for response in (
            client.post(f"{base}/contactpogingen", {"soortContact": "Brief", "tijdstip": moment()}, format="json"),
            client.post(f"{base}/afsluiting", {"eindresultaat": Outcome.GEEN_CONTACT}, format="json"),
            client.post(f"{base}/heropening", {"reden": "x"}, format="json"),
            client.put(f"{base}/toewijzing", {"gebruikersnaam": "werker-elders"}, format="json"),
        ):
            assert response.status_code == 404, response.content
            assert response["Content-Type"] == PROBLEM
    assert snapshot(case_elders) == before


def test_a_team_lead_of_two_municipalities_assigns_only_within_the_cases_municipality(gemeente, elders, case,
                                                                                        worker_elders):
    lead = client_for(UserFactory(role=Role.TEAMLEIDER, municipalities=[gemeente, elders]))
    response = lead.put(f"{API}/meldingen/{case.pk}/toewijzing", {"gebruikersnaam": "werker-elders"}, format="json")
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).assigned_to is None


def test_methods_that_do_not_exist_are_405_problems(api, case):
    response = api.delete(f"{API}/meldingen/{case.pk}")
    assert response.status_code == 405 and response["Content-Type"] == PROBLEM
    assert api.get(f"{API}/meldingen/{case.pk}/afsluiting").status_code == 405
