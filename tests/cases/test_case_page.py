"""The case page: scoping (404 for another municipality and for roles that do not work cases), what it
shows (household, signals, routing, earlier cases, contact details, timeline) and every action through
the test client, with its success and its refusals in Dutch (nothing changes on a refusal); constant
queries whatever the number of signals and attempts."""
import datetime as dt
import html as html_lib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases import deadlines
from cases.models import Case, CaseStatus, FollowUp, Urgency
from contacts.models import Arranged, ContactAttempt, Dagdeel, Reached
from signals.models import Signal
from signals.schemas import judge_signals
from tests.auth import login
from tests.factories import MunicipalityFactory, UserFactory, make_case, open_cases, signal_payload
from vroegsignalering.common.vocab import ContactKind, CreditorKind, Outcome


@pytest.fixture
def andere_gemeente(db):
    return MunicipalityFactory(cbs_code="0200", name="Anderstad")


@pytest.fixture
def client_w(client, worker):
    login(client, worker)
    return client


@pytest.fixture
def case(gemeente):
    return open_cases(gemeente, signals_per_address=[2], kind=CreditorKind.HUUR)[0]


def local_now() -> dt.datetime:
    return timezone.localtime(timezone.now(), deadlines.TZ)


def moment(minutes_ago: int = 5) -> dict:
    at = local_now() - dt.timedelta(minutes=minutes_ago)
    return {"datum": at.strftime("%Y-%m-%d"), "tijd": at.strftime("%H:%M")}


def url(name: str, case, *args) -> str:
    return reverse(name, args=[case.pk, *args])


def attempt_data(**overrides) -> dict:
    return {"soort": ContactKind.TELEFOON, **moment(), "bereikt": Reached.JA, "notitie": "Gebeld", **overrides}


def field_error(html: str, field_id: str) -> str:
    """The error message shown with a field (Django's ``<id>_error`` element)."""
    match = re.search(rf'id="{field_id}_error"><span class="visueel-verborgen">Fout: </span>([^<]+)<', html)
    return html_lib.unescape(match.group(1)) if match else ""


def summary(html: str) -> str:
    return html.split('id="foutoverzicht"', 1)[1].split("</div>", 1)[0] if 'id="foutoverzicht"' in html else ""


# --- scoping -------------------------------------------------------------------------------------------


def test_another_municipalitys_case_is_a_404_by_url_and_by_action(client, case, andere_gemeente):
    outsider = UserFactory(municipalities=[andere_gemeente])
    login(client, outsider)
    assert client.get(url("case_detail", case)).status_code == 404
    assert client.post(url("case_attempt_create", case), attempt_data()).status_code == 404
    assert client.post(url("case_close", case), {"eindresultaat": Outcome.GEEN_CONTACT}).status_code == 404
    assert client.post(url("case_reopen", case), {"reden": "x"}).status_code == 404
    assert not ContactAttempt.objects.exists()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


@pytest.mark.parametrize("role", [Role.FUNCTIONEEL_BEHEERDER, Role.VASTELASTENPARTNER, Role.AUDITOR])
def test_roles_that_do_not_work_cases_get_a_404(client, case, gemeente, role):
    login(client, UserFactory(role=role, municipalities=[gemeente]))
    assert client.get(url("case_detail", case)).status_code == 404
    assert client.post(url("case_attempt_create", case), attempt_data()).status_code == 404


def test_login_required_and_an_action_url_opened_with_get_shows_the_case(client, client_w, case, andere_gemeente):
    response = client_w.get(url("case_close", case))
    assert response.status_code == 302 and response["Location"] == url("case_detail", case)
    assert client_w.put(url("case_attempt_create", case)).status_code == 405
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN
    login(client_w, UserFactory(municipalities=[andere_gemeente]))
    assert client_w.get(url("case_close", case)).status_code == 404
    client.logout()
    response = client.get(url("case_detail", case))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- what the page shows -----------------------------------------------------------------------------


def test_page_shows_household_signals_routing_contact_details_and_earlier_cases(client_w, gemeente):
    case = open_cases(gemeente, signals_per_address=[2], kind=CreditorKind.HUUR)[0]
    Signal.objects.filter(case_link__case=case).update(brp_evidence={
        "uitkomst": "gevonden", "uitkomst_omschrijving": "Gevonden op het adres", "bsn": "999990019",
        "naam": "Jan de Proef", "geboortedatum": "1980-04-01", "leeftijd": 46,
        "huishouden": [{"bsn": "999990020", "naam": "Kim de Proef", "geboortedatum": "2014-02-03", "leeftijd": 12,
                        "minderjarig": True}],
    })
    Signal.objects.filter(case_link__case=case).update(phone_numbers=["0612345678"], email="jan@example.nl")
    earlier = make_case(gemeente, address_key=case.address_key, status=CaseStatus.GESLOTEN, opened_days_ago=60,
                        outcome=Outcome.ZELF_BETAALD)
    too_old = make_case(gemeente, address_key=case.address_key, status=CaseStatus.GESLOTEN, opened_days_ago=400,
                        outcome=Outcome.QUICK_FIX)
    response = client_w.get(url("case_detail", case))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>Melding {case.pk}</h1>" in html
    assert "Jan de Proef" in html and "Kim de Proef" in html and "Huishouden op dit adres volgens de BRP" in html
    assert html.count("Testpartij huur<br>") == 2  # both signals
    assert "€ 250,00" in html and "€ 500,00" in html  # each signal and the case total
    assert "Vervaldatum oudste factuur" in html
    assert "Waarom in dit bakje" in html and case.routing_explanation.splitlines()[0] in html
    assert 'href="tel:0612345678"' in html and 'href="mailto:jan@example.nl"' in html
    eerder = html.split('id="kop-eerder"', 1)[1].split("</section>", 1)[0]
    assert f"Melding {earlier.pk}" in eerder and Outcome.ZELF_BETAALD.label in eerder
    assert f"Melding {too_old.pk}" not in eerder  # beyond the 12-month retention term
    # The 28-day window from the (local) day the case was opened, and the days left from today: opened
    # "an hour ago" is yesterday between 00:00 and 01:00, so the days left are derived, not fixed.
    last_day = deadlines.last_day(case.deadline_at)
    assert (last_day - deadlines.local_date(case.opened_at)).days in (27, 28)
    assert f"nog {(last_day - deadlines.local_date(timezone.now())).days} dagen" in html


def test_unusable_contact_data_is_shown_as_delivered_with_a_note(client_w, gemeente):
    """Issue 9: a value the intake could not use is still shown to the worker, never as a link."""
    case = open_cases(gemeente, signals_per_address=[1], kind=CreditorKind.HUUR)[0]
    payload = signal_payload(1, klant={"telefoonnummers": ["06 12345678", "bel na 18 uur"],
                                       "emailadres": "jan(at)proef.nl", "geboortedatum": "30-02-1980"})
    judged = judge_signals([payload], today=dt.date(2026, 10, 1))[0]
    Signal.objects.filter(case_link__case=case).update(
        phone_numbers=list(judged.signal.klant.telefoonnummers),
        intake_warnings=[warning.as_stored() for warning in judged.warnings])
    html = html_lib.unescape(client_w.get(url("case_detail", case)).content.decode())
    contact = html.split('id="kop-contact"', 1)[1].split("</section>", 1)[0]
    assert 'href="tel:+31612345678"' in contact
    assert "bel na 18 uur" in contact and "niet bruikbaar: geen geldig telefoonnummer" in contact
    assert "jan(at)proef.nl" in contact and "niet bruikbaar: geen geldig e-mailadres" in contact
    assert "30-02-1980" in contact and "niet bruikbaar: geen geldige datum" in contact
    assert "tel:bel" not in contact and "mailto:jan(at)" not in contact


# --- contact attempts ----------------------------------------------------------------------------------


def test_register_a_contact_attempt(client_w, case, worker):
    data = attempt_data(soort=ContactKind.BRIEF, bereikt=Reached.ONBEKEND)
    response = client_w.post(url("case_attempt_create", case), data)
    assert response.status_code == 302 and response["Location"] == url("case_detail", case)
    attempt = ContactAttempt.objects.get()
    assert (attempt.kind, attempt.reached, attempt.by, attempt.note) == (
        ContactKind.BRIEF, Reached.ONBEKEND, worker, "Gebeld")
    local = timezone.localtime(attempt.at, deadlines.TZ)
    assert (local.strftime("%Y-%m-%d"), local.strftime("%H:%M")) == (data["datum"], data["tijd"])  # local time
    hour = timezone.localtime(attempt.at, deadlines.TZ).hour
    assert attempt.dagdeel == (Dagdeel.OCHTEND if hour < 12 else Dagdeel.MIDDAG if hour < 18 else Dagdeel.AVOND)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.IN_BEHANDELING
    page = client_w.get(response["Location"]).content.decode()
    assert "Contactpoging geregistreerd." in page
    timeline = page.split('id="kop-tijdlijn"', 1)[1]
    assert f'id="poging-{attempt.pk}"' in timeline and "Brief — onbekend" in timeline
    assert "In behandeling" in timeline  # the status change is on the timeline too


@pytest.mark.parametrize(("data", "field_id", "message"), [
    ({"soort": ""}, "poging-soort", "Kies de soort contact."),
    ({"soort": "Duif"}, "poging-soort", "Kies een soort contact uit de lijst."),
    ({"bereikt": "misschien"}, "poging-bereikt", "Kies bereikt, niet bereikt of onbekend."),
    ({"datum": "31-02-2026"}, "poging-datum", "Vul een geldige datum in, bijvoorbeeld 21-11-2026."),
    ({"tijd": "25:99"}, "poging-tijd", "Vul een geldige tijd in, bijvoorbeeld 14:30."),
    ({"notitie": "x" * 2001}, "poging-notitie", "De notitie is te lang (hoogstens 2.000 tekens)."),
])
def test_bad_attempt_input_shows_the_field_error_and_changes_nothing(client_w, case, data, field_id, message):
    response = client_w.post(url("case_attempt_create", case), attempt_data(**data))
    html = response.content.decode()
    assert response.status_code == 400
    assert field_error(html, field_id) == message
    assert message in summary(html) and "er is niets gewijzigd" in html
    assert not ContactAttempt.objects.exists()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


def test_attempt_in_the_future_or_before_opening_is_refused_by_the_service(client_w, case):
    tomorrow = local_now() + dt.timedelta(days=1)
    response = client_w.post(url("case_attempt_create", case),
                             attempt_data(datum=tomorrow.strftime("%Y-%m-%d")))
    assert response.status_code == 400
    assert field_error(response.content.decode(), "poging-datum").startswith("Het tijdstip ligt in de toekomst")
    long_ago = local_now() - dt.timedelta(days=3)
    response = client_w.post(url("case_attempt_create", case), attempt_data(datum=long_ago.strftime("%d-%m-%Y")))
    assert field_error(response.content.decode(), "poging-datum").startswith(
        "Het tijdstip ligt vóór de opening van de melding")
    assert not ContactAttempt.objects.exists()


def test_attempt_on_a_closed_case_is_refused_with_the_state_machines_message(client_w, gemeente):
    case = make_case(gemeente, status=CaseStatus.GESLOTEN, opened_days_ago=10)
    response = client_w.post(url("case_attempt_create", case), attempt_data())
    html = response.content.decode()
    assert response.status_code == 400
    assert "Deze melding is gesloten op" in summary(html) and "Heropen de melding dan eerst" in html
    assert not ContactAttempt.objects.exists()


# --- replies -------------------------------------------------------------------------------------------


def test_record_a_reply_on_the_letters_attempt(client_w, case):
    client_w.post(url("case_attempt_create", case), attempt_data(soort=ContactKind.BRIEF, bereikt=Reached.ONBEKEND,
                                                                 **moment(30)))
    letter = ContactAttempt.objects.get()
    page = client_w.get(url("case_detail", case)).content.decode()
    assert f'action="{url("case_attempt_reply", case, letter.pk)}"' in page
    assert "Reactie op deze brief registreren" in page
    response = client_w.post(url("case_attempt_reply", case, letter.pk), {**moment(2), "notitie": "Belde terug"})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.reached == Reached.JA and letter.reply_note == "Belde terug"
    assert ContactAttempt.objects.count() == 1  # no new attempt
    page = client_w.get(url("case_detail", case)).content.decode()
    assert "Reactie ontvangen" in page and "Reactie op deze brief registreren" not in page


def test_reply_refusals(client_w, case, gemeente):
    client_w.post(url("case_attempt_create", case), attempt_data(soort=ContactKind.TELEFOON, **moment(30)))
    call = ContactAttempt.objects.get()
    response = client_w.post(url("case_attempt_reply", case, call.pk), moment(2))
    assert response.status_code == 400
    assert "Een reactie wordt geregistreerd bij een brief, kaartje, e-mail of sms/WhatsApp" in summary(
        response.content.decode())
    assert ContactAttempt.objects.get().reply_received_at is None
    other = open_cases(MunicipalityFactory(cbs_code="0300", name="Derde"), signals_per_address=[1],
                       kind=CreditorKind.HUUR)[0]
    # an attempt of another case, through this case's URL: not found
    assert client_w.post(url("case_attempt_reply", other, call.pk), moment(2)).status_code == 404
    client_w.post(url("case_attempt_create", case), attempt_data(soort=ContactKind.BRIEF, **moment(20)))
    letter = ContactAttempt.objects.get(kind=ContactKind.BRIEF)
    response = client_w.post(url("case_attempt_reply", case, letter.pk), {"datum": "", "tijd": ""})
    assert response.status_code == 400
    assert field_error(response.content.decode(), f"reactie-{letter.pk}-datum") == "Vul de datum in."
    assert '<details open>' in response.content.decode()  # the failed reply form is shown open
    assert ContactAttempt.objects.get(pk=letter.pk).reply_received_at is None


# --- closing and reopening -----------------------------------------------------------------------------


def test_close_with_accepted_help_schedules_the_follow_up(client_w, case, worker):
    client_w.post(url("case_attempt_create", case), attempt_data(bereikt=Reached.JA))
    response = client_w.post(url("case_close", case), {
        "eindresultaat": Outcome.QUICK_FIX, "eerste_reactie": "positief", "welke_hulp": "Betalingsregeling",
        "toelichting": "Samen gebeld met de verhuurder",
    })
    assert response.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert (case.status, case.outcome, case.first_reaction, case.help_description) == (
        CaseStatus.GESLOTEN, Outcome.QUICK_FIX, "positief", "Betalingsregeling")
    follow_up = FollowUp.objects.get(case=case)
    assert follow_up.due_on == deadlines.local_date(case.closed_at) + dt.timedelta(days=30)
    page = client_w.get(url("case_detail", case)).content.decode()
    assert "De melding is gesloten." in page
    assert "Melding sluiten</button>" not in page and "Melding heropenen</button>" in page
    assert f'id="vervolgcontact-{follow_up.pk}"' in page


def test_closing_refusals_show_dutch_messages_next_to_the_fields(client_w, case):
    response = client_w.post(url("case_close", case), {"eindresultaat": Outcome.QUICK_FIX})
    html = response.content.decode()
    assert response.status_code == 400
    assert "vraagt dat de inwoner is bereikt" in field_error(html, "sluiten-eindresultaat")
    response = client_w.post(url("case_close", case), {
        "eindresultaat": Outcome.GEEN_CONTACT, "welke_hulp": "Iets", "reden_geen_hulp": "Geen zin", "toestemming": "on",
    })
    html = response.content.decode()
    assert field_error(html, "sluiten-welke_hulp") == (
        "Vul 'welke hulp' alleen in bij een eindresultaat met aanvaarde hulp.")
    assert field_error(html, "sluiten-reden_geen_hulp") == "Vul een reden alleen in als de inwoner geen hulp wil."
    assert field_error(html, "sluiten-toestemming").startswith("Toestemming om 'geen hulp gewenst' te melden")
    assert html.count('<li><a href="#sluiten-') == 3  # the error summary links to each field
    response = client_w.post(url("case_close", case), {"eindresultaat": ""}, HTTP_HX_REQUEST="true",
                             HTTP_HX_BOOSTED="true")
    assert response.status_code == 400 and response["HX-Push-Url"] == url("case_detail", case)
    response = client_w.post(url("case_close", case), {"eindresultaat": "Alles opgelost"})
    assert field_error(response.content.decode(), "sluiten-eindresultaat") == "Kies een eindresultaat uit de lijst."
    response = client_w.post(url("case_close", case), {"eindresultaat": Outcome.GEEN_CONTACT, "eerste_reactie": "boos"})
    assert field_error(response.content.decode(), "sluiten-eerste_reactie") == "Kies positief, neutraal of negatief."
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


def test_consent_for_geen_hulp_gewenst_is_recorded_with_date_and_by_whom(client_w, case, worker):
    client_w.post(url("case_attempt_create", case), attempt_data(bereikt=Reached.JA))
    response = client_w.post(url("case_close", case), {
        "eindresultaat": Outcome.GEEN_HULP_GEWENST, "eerste_reactie": "neutraal", "reden_geen_hulp": "Regelt het zelf",
        "toestemming": "on",
    })
    assert response.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert case.feedback_consent_by == worker and case.feedback_consent_at is not None
    assert case.decline_reason == "Regelt het zelf"
    page = client_w.get(url("case_detail", case)).content.decode()
    assert "Toestemming ‘geen hulp gewenst’" in page and "vastgelegd door Wim Werker" in page


def test_reopen_for_late_acceptance(client_w, case):
    client_w.post(url("case_close", case), {"eindresultaat": Outcome.GEEN_CONTACT})
    assert Case.objects.get(pk=case.pk).status == CaseStatus.GESLOTEN
    response = client_w.post(url("case_reopen", case), {"reden": ""})
    assert response.status_code == 400
    assert field_error(response.content.decode(), "heropenen-reden") == "Geef een reden om de melding te heropenen."
    assert Case.objects.get(pk=case.pk).status == CaseStatus.GESLOTEN
    response = client_w.post(url("case_reopen", case), {"reden": "Inwoner belde, wil alsnog hulp"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.HEROPEND
    page = client_w.get(url("case_detail", case)).content.decode()
    assert "De melding is heropend." in page and "Contactpoging registreren</button>" in page
    assert "heropend (geen termijn)" in page
    response = client_w.post(url("case_reopen", case), {"reden": "Nog eens"})
    assert response.status_code == 400
    assert "Alleen een gesloten melding kan worden heropend." in summary(response.content.decode())


def test_reopen_after_the_term_is_refused(client_w, gemeente):
    case = make_case(gemeente, status=CaseStatus.GESLOTEN, opened_days_ago=200)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - dt.timedelta(days=150),
                                           first_closed_at=timezone.now() - dt.timedelta(days=150))
    response = client_w.post(url("case_reopen", case), {"reden": "Te laat"})
    assert response.status_code == 400
    assert "De termijn om deze melding te heropenen is verstreken" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.GESLOTEN


# --- the follow-up after accepted help ------------------------------------------------------------------


def test_record_the_follow_up_and_its_refusals(client_w, gemeente, worker):
    case = make_case(gemeente, status=CaseStatus.GESLOTEN, opened_days_ago=40, outcome=Outcome.QUICK_FIX)
    follow_up = FollowUp.objects.create(case=case, due_on=deadlines.local_date(timezone.now()), assigned_to=worker,
                                        created_at=timezone.now())
    target = url("case_follow_up", case, follow_up.pk)
    response = client_w.post(target, {"soort": ContactKind.TELEFOON, **moment(), "bereikt": Reached.NEE,
                                      "afspraak": Arranged.JA})
    assert response.status_code == 400
    assert field_error(response.content.decode(), f"vervolg-{follow_up.pk}-afspraak") == (
        "Als de inwoner niet is bereikt, is onbekend of de afspraak loopt.")
    assert FollowUp.objects.get().done_at is None
    response = client_w.post(target, {"soort": ContactKind.TELEFOON, **moment(), "bereikt": Reached.JA,
                                      "afspraak": Arranged.JA, "notitie": "Regeling loopt"})
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.arranged, follow_up.done_by, follow_up.note) == (Arranged.JA, worker, "Regeling loopt")
    page = client_w.get(url("case_detail", case)).content.decode()
    assert "Vervolgcontact vastgelegd." in page and "Telefoon — ja, de afspraak loopt" in page
    assert client_w.post(url("case_follow_up", case, 999999), {}).status_code == 404


# --- team lead -----------------------------------------------------------------------------------------


def test_team_lead_gets_the_assign_form(client, case, gemeente, worker):
    lead = UserFactory(role=Role.TEAMLEIDER, municipalities=[gemeente])
    UserFactory(municipalities=[MunicipalityFactory(cbs_code="0400", name="Elders")], first_name="Olga")
    login(client, lead)
    html = client.get(url("case_detail", case)).content.decode()
    form = html.split('id="toewijzen"', 1)[1].split("</form>", 1)[0]
    assert 'action="/team/toewijzen"' in html
    assert f'name="melding" value="{case.pk}"' in form and f'name="next" value="/meldingen/{case.pk}"' in form
    assert f'<option value="{worker.pk}"' in form and "Olga" not in form
    assert 'name="medewerker"' in form and '<label for="toewijzen-medewerker">' in form
    login(client, worker)
    assert 'id="toewijzen"' not in client.get(url("case_detail", case)).content.decode()


# --- constant queries ----------------------------------------------------------------------------------


def _page_queries(client, case) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("case_detail", case))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_case_page_runs_a_constant_number_of_queries(client_w, gemeente, worker):
    small, large = open_cases(gemeente, signals_per_address=[1, 10], kind=CreditorKind.HUUR)
    for case, count in ((small, 1), (large, 10)):
        for n in range(count):
            kind = [ContactKind.BRIEF, ContactKind.TELEFOON][n % 2]
            response = client_w.post(url("case_attempt_create", case), attempt_data(soort=kind, **moment(50 - n)))
            assert response.status_code == 302
        make_case(gemeente, address_key=case.address_key, status=CaseStatus.GESLOTEN, opened_days_ago=30)
    assert Signal.objects.filter(case_link__case=large).count() == 10
    assert _page_queries(client_w, small) == _page_queries(client_w, large)
    lead = UserFactory(role=Role.TEAMLEIDER, municipalities=[gemeente])
    login(client_w, lead)
    assert _page_queries(client_w, small) == _page_queries(client_w, large)


def test_overdue_crisis_case_is_flagged_until_an_attempt_is_registered(client_w, gemeente):
    case = make_case(gemeente, is_crisis=True, urgency=Urgency.ACUUT, opened_days_ago=4)
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(crisis_at=now - dt.timedelta(days=4),
                                           crisis_due_at=now - dt.timedelta(hours=2),
                                           crisis_due_basis="3 werkdagen na ontvangst")
    html = client_w.get(url("case_detail", case)).content.decode()
    assert "Let op: crisismelding, eerste actie te laat." in html and "3 werkdagen na ontvangst" in html
    assert "Urgent</strong>" in html  # acute urgency is marked in words
    client_w.post(url("case_attempt_create", case), attempt_data())
    assert "eerste actie te laat" not in client_w.get(url("case_detail", case)).content.decode()
