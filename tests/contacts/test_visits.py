"""Planned home visits: planning and cancelling (services and the planner screen), their refusals,
and the printable visit list (sorted by postcode, only what a visit needs)."""
import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from cases import deadlines, services, team_views
from cases.exceptions import CaseActionError, CaseWindowClosedError
from cases.history import case_history_text
from cases.models import Case, CaseEvent, CaseHistory, Tray
from contacts.models import ContactAttempt, Dagdeel, PlannedVisit, Reached
from contacts.services import contact_attempt_register, visit_cancel, visit_plan
from tests.auth import login
from tests.factories import TEAM_NOW, TEAM_OPENED, UserFactory, aware, make_signal, open_cases
from vroegsignalering.common.vocab import ContactKind, Outcome

OPENED, NOW = TEAM_OPENED, TEAM_NOW  # window open up to and including Sunday 28 June; Wednesday 10 June, week 24
WEDNESDAY, THURSDAY = dt.date(2026, 6, 10), dt.date(2026, 6, 11)


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    monkeypatch.setattr(team_views, "_now", lambda: NOW)


def where(postcode: str, number: int) -> dict:
    return {"postcode": postcode, "house_number": number, "house_letter": "", "house_number_addition": ""}


@pytest.fixture
def case(gemeente):
    return open_cases(gemeente, [where("1011AB", 5)], opened=OPENED)[0]


def plan(case, worker, by, *, date=THURSDAY, dagdeel=Dagdeel.OCHTEND, note="", now=NOW):
    return visit_plan(case=case, worker=worker, date=date, dagdeel=dagdeel, note=note, by=by, now=now)


# --- services --------------------------------------------------------------------------------------------


def test_plan_a_visit(case, worker, lead):
    visit = plan(case, worker, lead, note="Bel aan bij de achterdeur")
    assert (visit.case, visit.worker, visit.date, visit.dagdeel, visit.planned_by, visit.planned_at) == (
        case, worker, THURSDAY, Dagdeel.OCHTEND, lead, NOW)
    row = CaseHistory.objects.filter(case=case, event=CaseEvent.VISIT).get()
    assert case_history_text(row) == ("Huisbezoek gepland op donderdag 11 juni 2026 (ochtend) door Wim Werker. "
                          "Notitie: Bel aan bij de achterdeur")
    assert row.actor == lead
    assert plan(case, worker, lead, date=WEDNESDAY, dagdeel=Dagdeel.AVOND).date == WEDNESDAY  # today is fine


def _refused(case, worker, lead, field=None, **kwargs) -> CaseActionError:
    with pytest.raises(CaseActionError) as refused:
        plan(case, worker, lead, **kwargs)
    assert PlannedVisit.objects.count() == 0 or kwargs.get("keep")
    if field:
        assert field in refused.value.fields
    return refused.value


def test_a_date_in_the_past_is_refused(case, worker, lead):
    error = _refused(case, worker, lead, "datum", date=dt.date(2026, 6, 9))
    assert error.fields["datum"] == "De datum ligt in het verleden; kies vandaag (10 juni 2026) of later."


def test_a_date_after_the_28_day_window_is_refused(case, worker, lead):
    assert plan(case, worker, lead, date=dt.date(2026, 6, 28)).date == dt.date(2026, 6, 28)  # the last day
    PlannedVisit.objects.all().delete()
    error = _refused(case, worker, lead, "datum", date=dt.date(2026, 6, 29))
    assert "eindigt op zondag 28 juni 2026" in error.fields["datum"]


def test_a_reopened_case_has_no_window(case, worker, lead):
    services.case_close(case=case, outcome=Outcome.VERWIJZING_ZONDER_CONTACT, by=lead, now=NOW)
    later = aware(2026, 7, 6, 9)
    services.case_reopen(case=case, reason="Inwoner belde alsnog", by=lead, now=later)
    visit = plan(case, worker, lead, date=dt.date(2026, 7, 8), now=later)
    assert visit.date == dt.date(2026, 7, 8)


def test_a_closed_case_or_a_passed_window_is_refused(case, worker, lead):
    with pytest.raises(CaseWindowClosedError, match="termijn van 28 dagen"):
        plan(case, worker, lead, date=dt.date(2026, 6, 30), now=aware(2026, 6, 29, 9))
    services.case_close(case=case, outcome=Outcome.VERWIJZING_ZONDER_CONTACT, by=lead, now=NOW)
    with pytest.raises(CaseWindowClosedError, match="Deze melding is gesloten op 10 juni 2026; u kunt geen "
                                                    "huisbezoek plannen"):
        plan(case, worker, lead)
    assert PlannedVisit.objects.count() == 0


def test_a_worker_of_another_municipality_is_refused(case, andere, lead):
    elsewhere = UserFactory(municipalities=[andere], first_name="Els", last_name="Elders")
    error = _refused(case, elsewhere, lead, "medewerker")
    assert error.fields["medewerker"] == "Els Elders werkt niet voor de gemeente van deze melding."


def test_a_user_without_a_case_working_role_is_refused(case, gemeente, lead):
    auditor = UserFactory(role=Role.AUDITOR, municipalities=[gemeente], username="controle")
    error = _refused(case, auditor, lead, "medewerker")
    assert "controle behandelt geen meldingen" in error.fields["medewerker"]


def test_one_worker_cannot_visit_one_address_twice_in_one_part_of_a_day(case, worker, lead, gemeente):
    first = plan(case, worker, lead)
    with pytest.raises(CaseActionError) as refused:
        plan(case, worker, lead)
    assert refused.value.fields["dagdeel"] == (
        f"Wim Werker heeft op donderdag 11 juni 2026 (ochtend) al een huisbezoek op dit adres (melding {case.pk}).")
    assert PlannedVisit.objects.count() == 1
    # another part of the day, another worker, or after cancelling: fine
    plan(case, worker, lead, dagdeel=Dagdeel.MIDDAG)
    plan(case, UserFactory(municipalities=[gemeente]), lead)
    visit_cancel(visit=first, by=lead, now=NOW)
    plan(case, worker, lead)
    assert PlannedVisit.objects.filter(cancelled_at__isnull=True).count() == 3


@pytest.mark.parametrize(("kwargs", "field", "message"), [
    ({"dagdeel": "Nacht"}, "dagdeel", "Kies ochtend, middag of avond."),
    ({"note": "x" * 301}, "notitie", "De notitie is te lang: hoogstens 300 tekens (nu 301)."),
    ({"date": None}, "datum", "Geef een datum."),
])
def test_bad_input_is_refused_per_field(case, worker, lead, kwargs, field, message):
    assert _refused(case, worker, lead, field, **kwargs).fields[field] == message


def test_cancel_a_visit(case, worker, lead):
    visit = plan(case, worker, lead)
    cancelled = visit_cancel(visit=visit, by=lead, reason="Inwoner ziek", now=NOW)
    assert cancelled.cancelled_at == NOW
    assert case_history_text(CaseHistory.objects.filter(case=case).last()) == (
        "Gepland huisbezoek van donderdag 11 juni 2026 (ochtend) door Wim Werker geannuleerd. Reden: Inwoner ziek")
    with pytest.raises(CaseActionError, match="al geannuleerd"):
        visit_cancel(visit=visit, by=lead, now=NOW)


def test_a_visit_made_is_linked_to_its_attempt_and_cannot_be_cancelled(case, worker, lead):
    visit = plan(case, worker, lead)
    call = aware(2026, 6, 11, 9)  # a phone call that day is not the visit
    contact_attempt_register(case=case, kind=ContactKind.TELEFOON, at=call, reached=Reached.NEE, by=worker, now=call)
    assert PlannedVisit.objects.get().attempt is None
    at = aware(2026, 6, 11, 10)
    attempt = contact_attempt_register(case=case, kind=ContactKind.HUISBEZOEK, at=at, reached=Reached.JA,
                                       by=worker, now=at)
    assert PlannedVisit.objects.get().attempt == attempt  # the planned visit of that day is made
    with pytest.raises(CaseActionError, match="al afgelegd"):
        visit_cancel(visit=visit, by=lead, now=at)
    assert PlannedVisit.objects.get().cancelled_at is None


def test_a_home_visit_attempt_makes_the_visitors_own_visit_of_that_part_of_the_day(case, worker, lead, gemeente):
    colleague = UserFactory(municipalities=[gemeente], first_name="Kees", last_name="Collega")
    theirs = plan(case, colleague, lead, dagdeel=Dagdeel.AVOND)
    morning = plan(case, worker, lead, dagdeel=Dagdeel.OCHTEND)
    evening = plan(case, worker, lead, dagdeel=Dagdeel.AVOND, date=THURSDAY)
    at = aware(2026, 6, 11, 19, 30)  # Thursday evening, by the worker
    attempt = contact_attempt_register(case=case, kind=ContactKind.HUISBEZOEK, at=at, reached=Reached.NEE,
                                       by=worker, now=at)
    made = {v.pk: v.attempt_id for v in PlannedVisit.objects.all()}
    assert made == {theirs.pk: None, morning.pk: None, evening.pk: attempt.pk}


# --- the planner screen -----------------------------------------------------------------------------------


def test_the_planner_shows_this_weeks_visits_per_worker_day_and_part_of_day(client_lead, case, worker, lead):
    plan(case, worker, lead, note="Achterdeur")
    plan(case, worker, lead, date=dt.date(2026, 6, 20), dagdeel=Dagdeel.AVOND)  # a Saturday, next week? no: week 25
    html = client_lead.get(reverse("team:visits")).content.decode()
    assert "<h1>Huisbezoeken</h1>" in html
    assert "Week 24: maandag 8 juni t/m zondag 14 juni 2026" in html
    section = re.search(r'<section aria-labelledby="kop-medewerker-\d+">(.*?)</section>', html, re.S).group(1)
    assert "Wim Werker (1)" in section
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(\w+)</th>(.*?)</tr>", section, re.S)
    assert [name for name, _ in rows] == ["Ochtend", "Middag", "Avond"]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", rows[0][1], re.S)
    assert len(cells) == 5  # Monday to Friday (no weekend visits this week)
    assert f"Melding {case.pk}" in cells[3] and "Achterdeur" in cells[3]  # Thursday
    assert all(f"Melding {case.pk}" not in cell for i, cell in enumerate(cells) if i != 3)
    assert "Huisbezoek melding" in section and "annuleren" in section
    # next week shows the Saturday visit in a Saturday column
    html = client_lead.get(reverse("team:visits"), {"week": "2026-W25"}).content.decode()
    assert "Week 25: maandag 15 juni t/m zondag 21 juni 2026" in html and "zaterdag<br>20-6" in html


def test_week_navigation_and_a_bad_week(client_lead):
    html = client_lead.get(reverse("team:visits"), {"week": "2026-W24"}).content.decode()
    assert 'href="?week=2026-W23"' in html and 'href="?week=2026-W25"' in html
    response = client_lead.get(reverse("team:visits"), {"week": "2026-W99"})
    assert response.status_code == 200
    assert "De week &#x27;2026-W99&#x27; is onbekend; u ziet deze week." in response.content.decode()


def test_plan_through_the_screen(client_lead, case, worker):
    response = client_lead.post(reverse("team:visits"), {
        "melding": case.pk, "medewerker": worker.pk, "datum": "2026-06-16", "dagdeel": "Middag",
        "notitie": "Hond aanwezig"})
    assert response.status_code == 302 and response["Location"] == reverse("team:visits") + "?week=2026-W25"
    visit = PlannedVisit.objects.get()
    assert (visit.case_id, visit.worker, visit.date, visit.dagdeel, visit.note) == (
        case.pk, worker, dt.date(2026, 6, 16), Dagdeel.MIDDAG, "Hond aanwezig")
    page = client_lead.get(response["Location"]).content.decode()
    assert f"Huisbezoek gepland: melding {case.pk} op dinsdag 16 juni 2026 (middag) door Wim Werker." in page


def test_the_plan_form_is_accessible(client_lead, case):
    html = client_lead.get(reverse("team:visits"), {"melding": case.pk}).content.decode()
    assert '<h2 id="plannen" tabindex="-1">Huisbezoek plannen</h2>' in html
    for name, label in [("melding", "Meldingnummer"), ("medewerker", "Medewerker"), ("datum", "Datum"),
                        ("notitie", "Notitie voor het bezoek")]:
        assert f'<label for="id_{name}">{label}' in html
    assert "<legend>Dagdeel</legend>" in html
    assert '<label for="id_dagdeel_0"><input type="radio" name="dagdeel" value="Ochtend"' in html
    assert f'name="melding" value="{case.pk}"' in html  # pre-filled from ?melding=
    assert '<button type="submit">Huisbezoek plannen</button>' in html


def test_a_refused_plan_shows_linked_errors_and_changes_nothing(client_lead, case, worker):
    response = client_lead.post(reverse("team:visits"), {
        "melding": case.pk, "medewerker": worker.pk, "datum": "2026-06-01", "dagdeel": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#id_datum">De datum ligt in het verleden' not in html  # form errors first: dagdeel missing
    assert '<a href="#id_dagdeel_0">Kies ochtend, middag of avond.</a>' in html
    response = client_lead.post(reverse("team:visits"), {
        "melding": case.pk, "medewerker": worker.pk, "datum": "2026-06-01", "dagdeel": "Ochtend"})
    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_datum">De datum ligt in het verleden; kies vandaag (10 juni 2026) of later.</a>' in html
    assert 'id="id_datum_error"' in html and 'aria-describedby="id_datum_helptext id_datum_error"' in html
    assert PlannedVisit.objects.count() == 0


@pytest.mark.parametrize("datum", ["31-02-2026", "morgen", "2026-13-01"])
def test_a_nonsense_date_is_a_field_error(client_lead, case, worker, datum):
    response = client_lead.post(reverse("team:visits"), {
        "melding": case.pk, "medewerker": worker.pk, "datum": datum, "dagdeel": "Ochtend"})
    assert response.status_code == 400
    assert "Geef een geldige datum (dd-mm-jjjj)." in response.content.decode()


def test_a_case_of_another_municipality_cannot_be_planned(client_lead, andere, worker):
    theirs, = open_cases(andere, [where("9999ZZ", 1)], opened=OPENED)
    response = client_lead.post(reverse("team:visits"), {
        "melding": theirs.pk, "medewerker": worker.pk, "datum": "2026-06-11", "dagdeel": "Ochtend"})
    assert response.status_code == 400
    assert "Deze melding bestaat niet of hoort niet bij uw gemeente." in response.content.decode()
    assert PlannedVisit.objects.count() == 0


def test_cancel_through_the_screen(client_lead, case, worker, lead):
    visit = plan(case, worker, lead)
    response = client_lead.post(reverse("team:visit_cancel", args=[visit.pk]))
    assert response["Location"] == reverse("team:visits") + "?week=2026-W24"
    visit.refresh_from_db()
    assert visit.cancelled_at == NOW
    page = client_lead.get(response["Location"]).content.decode()
    assert f"Huisbezoek voor melding {case.pk} op donderdag 11 juni 2026 (ochtend) geannuleerd." in page
    assert "Deze week zijn geen huisbezoeken gepland." in page
    again = client_lead.post(reverse("team:visit_cancel", args=[visit.pk]))
    assert "al geannuleerd" in client_lead.get(again["Location"]).content.decode()


def test_a_visit_of_another_municipality_is_not_found(client_lead, andere):
    theirs, = open_cases(andere, [where("9999ZZ", 1)], opened=OPENED)
    boss = UserFactory(role=Role.TEAMLEIDER, municipalities=[andere])
    visit = plan(theirs, UserFactory(municipalities=[andere]), boss)
    assert client_lead.post(reverse("team:visit_cancel", args=[visit.pk])).status_code == 404
    assert client_lead.get(reverse("team:visits"), {"week": "2026-W24"}).content.decode().count("Melding ") == 0
    visit.refresh_from_db()
    assert visit.cancelled_at is None


def test_a_worker_cannot_plan_or_cancel(client, case, worker, lead):
    visit = plan(case, worker, lead)
    login(client, worker)
    assert client.post(reverse("team:visits"), {"melding": case.pk, "medewerker": worker.pk,
                                                "datum": "2026-06-12", "dagdeel": "Ochtend"}).status_code == 403
    assert client.post(reverse("team:visit_cancel", args=[visit.pk])).status_code == 403
    assert PlannedVisit.objects.filter(cancelled_at__isnull=True).count() == 1


def test_the_planner_lists_home_visit_cases_still_to_plan(client_lead, gemeente, worker, lead):
    a, b, c = open_cases(gemeente, [where("1011AB", 1), where("1011AB", 2), where("1011AB", 3)], opened=OPENED)
    huis = Tray.objects.create(municipality=gemeente, code="huis", name="Huisbezoek",
                               contact_kind=ContactKind.HUISBEZOEK)
    Case.objects.filter(pk__in=[a.pk, b.pk]).update(tray=huis)
    plan(a, worker, lead)
    html = client_lead.get(reverse("team:visits")).content.decode()
    todo = re.search(r'<section aria-labelledby="kop-te-plannen">(.*?)</section>', html, re.S).group(1)
    assert f"<td>{b.pk}</td>" in todo and f"<td>{a.pk}</td>" not in todo and f"<td>{c.pk}</td>" not in todo
    assert f'href="?week=2026-W24&amp;melding={b.pk}#plannen"' in todo


def test_the_planner_runs_a_bounded_number_of_queries(client_lead, gemeente, worker, lead):
    cases = open_cases(gemeente, [where("1011AB", n) for n in range(1, 13)], opened=OPENED)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client_lead.get(reverse("team:visits")).status_code == 200
        return len(ctx.captured_queries)

    plan(cases[0], worker, lead)
    few = count()
    other = UserFactory(municipalities=[gemeente])
    for i, case in enumerate(cases[1:]):
        plan(case, other if i % 2 else worker, lead, dagdeel=[Dagdeel.OCHTEND, Dagdeel.AVOND][i % 2],
             date=WEDNESDAY + dt.timedelta(days=i % 3))
    assert count() == few


# --- the printable list -----------------------------------------------------------------------------------


@pytest.fixture
def printable(gemeente, worker, lead):
    """Three visits this week at postcodes out of order; one case has two residents (two signals)."""
    make_signal(gemeente, at=where("3511AA", 2), amount="1234.56")
    make_signal(gemeente, at=where("1011AB", 10), amount="312.50")
    make_signal(gemeente, at=where("1011AB", 9), amount="77.00")
    Case.objects.all()  # (no cases yet)
    services.period_close(municipality=gemeente, now=OPENED)
    from signals.models import Signal

    Signal.objects.filter(postcode="3511AA").update(first_names="Anna", surname="Jansen", bsn="123456782",
                                                    phone_numbers=["+31612345678"])
    case_utrecht = Case.objects.get(address_key__startswith="3511AA")
    second = make_signal(gemeente, at=where("3511AA", 2), signal_date=dt.date(2026, 6, 2), amount="88.00",
                         received_at=aware(2026, 6, 2, 9))
    Signal.objects.filter(pk=second.pk).update(first_names="Bram", surname_prefix="de", surname="Vries",
                                               phone_numbers=["+31687654321"])
    from cases.models import CaseSignal

    CaseSignal.objects.create(case=case_utrecht, signal=second, role="late", joined_at=OPENED)
    ten = Case.objects.get(address_key="1011AB|10||")
    nine = Case.objects.get(address_key="1011AB|9||")
    other = UserFactory(municipalities=[gemeente], first_name="Olga", last_name="Ander")
    plan(case_utrecht, worker, lead, date=WEDNESDAY, dagdeel=Dagdeel.MIDDAG, note="Achterom")
    plan(ten, worker, lead, date=THURSDAY)
    plan(nine, other, lead, date=dt.date(2026, 6, 12), dagdeel=Dagdeel.AVOND)
    plan(nine, worker, lead, date=dt.date(2026, 6, 22))  # next week: not on this week's list
    return {"utrecht": case_utrecht, "ten": ten, "nine": nine, "other": other}


def case_column(body: str) -> list[int]:
    """The case numbers of the list, top to bottom (the fourth column)."""
    return [int(re.findall(r"<td>(.*?)</td>", row, re.S)[3]) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_the_print_list_is_sorted_by_postcode_and_holds_only_what_a_visit_needs(client_lead, printable):
    response = client_lead.get(reverse("team:visits_print"), {"week": "2026-W24"})
    assert response.status_code == 200
    html = response.content.decode()
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    numbers = case_column(body)
    assert numbers == [printable["nine"].pk, printable["ten"].pk, printable["utrecht"].pk]  # 1011AB 9, 10; 3511AA
    row = re.findall(r"<tr>(.*?)</tr>", body, re.S)[2]
    assert "Anna Jansen, Bram de Vries" in row and "+31612345678, +31687654321" in row
    assert "woensdag 10-6, middag" in row and "Achterom" in row and "Wim Werker" in row
    assert "Proefstraat 2, 3511 AA Proefdorp" in row
    for secret in ["123456782", "1234.56", "1234,56", "312", "77,00", "€", "Testpartij", "zorgverzekering"]:
        assert secret not in body, secret
    # The print layout (site.css, issue 11: no inline <style> under the Content-Security-Policy) applies to
    # this page's <main class="afdruklijst">: the header, the skip link and the buttons are not printed.
    assert '<main id="inhoud" class="afdruklijst">' in html and "vroegsignalering/site.css" in html
    css = Path(finders.find("vroegsignalering/site.css")).read_text()
    assert "@media print" in css and "body:has(main.afdruklijst) header" in css
    assert "main.afdruklijst .niet-afdrukken" in css
    assert "Bezoekenlijst week 24 (8 juni t/m 14 juni 2026)" in html


def test_the_print_list_of_one_worker(client_lead, printable):
    other = printable["other"]
    html = client_lead.get(reverse("team:visits_print"), {"week": "2026-W24", "medewerker": other.pk}).content.decode()
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    assert case_column(body) == [printable["nine"].pk]
    assert "Bezoekenlijst week 24 (8 juni t/m 14 juni 2026): Olga Ander" in html


def test_the_print_list_refuses_bad_input_without_a_500(client_lead, printable, andere):
    response = client_lead.get(reverse("team:visits_print"), {"week": "volgende"})
    assert response.status_code == 400
    assert "Geef de week als jjjj-Www" in response.content.decode()
    elsewhere = UserFactory(municipalities=[andere])
    for bad in [str(elsewhere.pk), "abc", "9" * 30]:
        assert client_lead.get(reverse("team:visits_print"), {"week": "2026-W24", "medewerker": bad}
                               ).status_code == 404


def test_the_print_list_runs_two_queries_for_its_rows(client_lead, printable, lead):
    from contacts.selectors import visit_print_list

    with CaptureQueriesContext(connection) as ctx:
        rows = visit_print_list(lead, start=dt.date(2026, 6, 8), end=dt.date(2026, 6, 14))
    assert len(rows) == 3
    assert len(ctx.captured_queries) <= 3
    assert ContactAttempt.objects.count() == 0  # printing registers nothing


def test_deadline_helper_matches_the_window(case):
    # the planner's "last day" is the day before the stored deadline moment
    assert deadlines.local_date(case.deadline_at) - dt.timedelta(days=1) == dt.date(2026, 6, 28)
