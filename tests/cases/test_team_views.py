"""The team lead's screens: assigning (one by one and in bulk), capacity per tray, the dashboard;
who may use them; bounded query counts."""
import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from cases import deadlines, services, team_views
from cases.dashboard import dashboard_for_user
from cases.exceptions import CaseActionError
from cases.history import case_history_text
from cases.models import Case, CaseEvent, CaseHistory, Tray
from contacts.models import Reached
from contacts.services import contact_attempt_register
from tests.auth import login
from tests.factories import TEAM_NOW, TEAM_OPENED, UserFactory, aware, make_cases
from vroegsignalering.common.vocab import ContactKind, Outcome

OPENED, NOW = TEAM_OPENED, TEAM_NOW  # the window is open up to and including 28 June; a Wednesday


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    monkeypatch.setattr(team_views, "_now", lambda: NOW)


@pytest.fixture
def worker2(gemeente):
    return UserFactory(municipalities=[gemeente], first_name="Wies", last_name="Tweede")


def assigned(cases) -> list:
    return list(Case.objects.filter(pk__in=[c.pk for c in cases]).order_by("pk").values_list("assigned_to", flat=True))


def post_assign(client, cases, worker, **extra):
    data = {"melding": [str(c.pk) for c in cases], "medewerker": str(worker.pk) if worker else "", **extra}
    return client.post(reverse("team:assign"), data)


def messages_of(response) -> list[str]:
    """The messages stored by this request (earlier unread ones are dropped)."""
    return [str(m) for m in response.wsgi_request._messages._queued_messages]


# --- assigning -----------------------------------------------------------------------------------------


def test_a_team_lead_assigns_ten_cases_in_bulk(client_lead, gemeente, worker):
    cases = make_cases(gemeente, 12)
    response = post_assign(client_lead, cases[:10], worker)
    assert response.status_code == 302 and response["Location"] == reverse("team:assign")
    assert assigned(cases) == [worker.pk] * 10 + [None, None]
    rows = CaseHistory.objects.filter(event=CaseEvent.ASSIGNED)
    assert rows.count() == 10
    assert {case_history_text(row) for row in rows} == {"Toegewezen aan Wim Werker."}
    assert {row.actor_name for row in rows} == {"Tineke Leider"}
    assert messages_of(response) == ["10 meldingen toegewezen aan Wim Werker."]


def test_reassign_and_unassign(client_lead, gemeente, worker, worker2):
    cases = make_cases(gemeente, 3)
    post_assign(client_lead, cases, worker)
    response = post_assign(client_lead, cases[:2], worker2)
    assert response.status_code == 302
    assert assigned(cases) == [worker2.pk, worker2.pk, worker.pk]
    response = post_assign(client_lead, cases[1:], None)
    assert assigned(cases) == [worker2.pk, None, None]
    assert messages_of(response) == ["Toewijzing van 2 meldingen opgeheven."]
    row = CaseHistory.objects.filter(case=cases[2], event=CaseEvent.ASSIGNED).last()
    assert case_history_text(row) == "Toewijzing opgeheven."


def test_assigning_the_same_worker_again_changes_nothing(client_lead, gemeente, worker):
    cases = make_cases(gemeente, 2)
    post_assign(client_lead, cases[:1], worker)
    response = post_assign(client_lead, cases, worker)
    assert messages_of(response) == ["2 meldingen toegewezen aan Wim Werker. (1 had dit al.)"]
    assert CaseHistory.objects.filter(event=CaseEvent.ASSIGNED).count() == 2


def test_a_worker_of_another_municipality_is_refused_and_nothing_changes(gemeente, andere, lead, worker):
    cases = make_cases(gemeente, 2) + make_cases(andere, 1, start=50)
    elsewhere = UserFactory(municipalities=[andere], first_name="Els", last_name="Elders")
    with pytest.raises(CaseActionError) as refused:
        services.cases_assign_bulk(cases=cases, worker=elsewhere, by=lead, now=NOW)
    text = refused.value.messages[0]
    assert "Els Elders werkt niet voor de gemeente Proefdorp" in text
    assert f"melding {cases[0].pk}, {cases[1].pk}" in text and "Er is niets gewijzigd" in text
    assert assigned(cases) == [None, None, None]
    assert refused.value.fields["medewerker"] == "Els Elders werkt niet voor de gemeente Proefdorp."


def test_lead_of_two_municipalities_gets_a_field_error_for_a_mixed_batch(client, gemeente, andere, worker):
    lead = UserFactory(role=Role.TEAMLEIDER, municipalities=[gemeente, andere])
    login(client, lead)
    cases = make_cases(gemeente, 2) + make_cases(andere, 1, start=50)
    response = post_assign(client, cases, worker)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Wim Werker werkt niet voor de gemeente Anderstad" in html
    assert 'href="#id_medewerker"' in html and 'id="id_medewerker_error"' in html
    assert assigned(cases) == [None, None, None]
    # the chosen cases stay ticked so the lead can deselect the one that failed
    assert len(re.findall(r'name="melding" value="\d+" id="melding-\d+" checked', html)) == 3


def test_a_worker_outside_the_leads_municipalities_is_not_in_the_list(client_lead, gemeente, andere):
    cases = make_cases(gemeente, 1)
    elsewhere = UserFactory(municipalities=[andere])
    response = post_assign(client_lead, cases, elsewhere)
    assert response.status_code == 400
    assert "Kies een medewerker uit de lijst." in response.content.decode()
    assert assigned(cases) == [None]


def test_a_user_without_a_case_working_role_is_refused(gemeente, lead):
    cases = make_cases(gemeente, 1)
    admin = UserFactory(role=Role.FUNCTIONEEL_BEHEERDER, municipalities=[gemeente], username="beheer")
    with pytest.raises(CaseActionError, match="beheer behandelt geen meldingen"):
        services.cases_assign_bulk(cases=cases, worker=admin, by=lead, now=NOW)
    assert assigned(cases) == [None]


def test_a_closed_case_in_the_batch_refuses_the_whole_batch(client_lead, gemeente, worker, lead):
    cases = make_cases(gemeente, 3)
    services.case_close(case=cases[1], outcome=Outcome.VERWIJZING_ZONDER_CONTACT, by=lead, now=NOW)
    response = post_assign(client_lead, cases, worker)
    assert response.status_code == 400
    assert f"melding {cases[1].pk} is gesloten" in response.content.decode()
    assert assigned(cases) == [None, None, None]


def test_no_worker_chosen_is_a_field_error_not_an_unassignment(client_lead, gemeente, worker, lead):
    cases = make_cases(gemeente, 1)
    services.cases_assign_bulk(cases=cases, worker=worker, by=lead, now=NOW)
    response = client_lead.post(reverse("team:assign"), {"melding": [cases[0].pk]})  # the placeholder sends nothing
    assert response.status_code == 400
    html = response.content.decode()
    assert "Kies aan wie u de meldingen toewijst, of &#x27;Niemand&#x27; om de toewijzing op te heffen." in html
    assert '<option value="" disabled selected>Kies een medewerker</option>' in html
    assert assigned(cases) == [worker.pk]


def test_no_case_chosen_is_a_field_error(client_lead, gemeente, worker):
    make_cases(gemeente, 1)
    response = client_lead.post(reverse("team:assign"), {"medewerker": worker.pk})
    assert response.status_code == 400
    assert "Kies minstens één melding." in response.content.decode()


@pytest.mark.parametrize("bad", ["abc", "-1", "1e3", "9" * 40])
def test_nonsense_case_numbers_are_a_field_error_not_a_500(client_lead, gemeente, worker, bad):
    make_cases(gemeente, 1)
    response = client_lead.post(reverse("team:assign"), {"melding": [bad], "medewerker": worker.pk})
    assert response.status_code == 400
    assert "Een gekozen melding bestaat niet." in response.content.decode()


def test_a_case_of_another_municipality_is_not_found(client_lead, gemeente, andere, worker):
    mine = make_cases(gemeente, 1)
    theirs = make_cases(andere, 1, start=50)
    response = post_assign(client_lead, mine + theirs, worker)
    assert response.status_code == 404
    assert assigned(mine + theirs) == [None, None]


def test_single_assignment_from_the_case_page_returns_there(client_lead, gemeente, worker):
    case, = make_cases(gemeente, 1)
    response = post_assign(client_lead, [case], worker, next=f"/meldingen/{case.pk}")
    assert response.status_code == 302 and response["Location"] == f"/meldingen/{case.pk}"
    assert assigned([case]) == [worker.pk]
    assert messages_of(response) == ["1 melding toegewezen aan Wim Werker."]


def test_a_refusal_from_the_case_page_returns_there_with_the_message(client_lead, gemeente, andere, worker, lead):
    case, = make_cases(gemeente, 1)
    services.case_close(case=case, outcome=Outcome.VERWIJZING_ZONDER_CONTACT, by=lead, now=NOW)
    response = post_assign(client_lead, [case], worker, next=f"/meldingen/{case.pk}")
    assert response["Location"] == f"/meldingen/{case.pk}"
    assert messages_of(response) == [f"Niets toegewezen: melding {case.pk} is gesloten. Er is niets gewijzigd."]
    assert assigned([case]) == [None]


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_an_unsafe_next_is_ignored(client_lead, gemeente, worker, unsafe):
    case, = make_cases(gemeente, 1)
    response = post_assign(client_lead, [case], worker, next=unsafe)
    assert response["Location"] == reverse("team:assign")


class _PostForms(HTMLParser):
    """The POST forms of a page as a browser sees them: action and the inputs a submit sends as they are."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post":
            self.forms.append({"action": attrs.get("action"), "hidden": [], "boxes": []})
        elif tag == "input" and self.forms:
            if attrs.get("type") == "hidden":
                self.forms[-1]["hidden"].append((attrs["name"], attrs.get("value", "")))
            elif attrs.get("type") == "checkbox" and attrs.get("name"):
                self.forms[-1]["boxes"].append(attrs["value"])


def assign_form_of(html: str) -> dict:
    parser = _PostForms()
    parser.feed(html)
    forms = [form for form in parser.forms if form["boxes"]]
    assert len(forms) == 1
    return forms[0]


def submit_assign_form(client, page_url, params, cases, worker):
    """GET the list, then tick ``cases`` and submit its own form, as the lead's browser does."""
    form = assign_form_of(client.get(page_url, params).content.decode())
    data: dict[str, list[str]] = {}
    for name, value in form["hidden"]:
        data.setdefault(name, []).append(value)
    data["melding"] = [str(case.pk) for case in cases]
    data["medewerker"] = [str(worker.pk)]
    return form, client.post(form["action"], data)


def test_a_refused_bulk_assign_on_the_list_shows_the_list_again(client, gemeente, andere, worker):
    """The list's own form has no ``next``: a refusal is a 400 with the boxes still ticked, the errors by the
    fields and the lead's filters kept (not a redirect that loses all of that)."""
    lead = UserFactory(role=Role.TEAMLEIDER, municipalities=[gemeente, andere])
    login(client, lead)
    cases = make_cases(gemeente, 2) + make_cases(andere, 1, start=50)
    form, response = submit_assign_form(client, reverse("team:assign"), {"toewijzing": "niet_toegewezen"}, cases,
                                        worker)
    assert form["action"] == "/team/toewijzen?toewijzing=niet_toegewezen"
    assert "next" not in dict(form["hidden"])
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_medewerker_error">Wim Werker werkt niet voor de gemeente Anderstad.</p>' in html
    assert "Niets toegewezen: Wim Werker werkt niet voor de gemeente Anderstad" in html  # the summary at the top
    assert sorted(re.findall(r'name="melding" value="(\d+)" id="melding-\d+" checked', html)) == sorted(
        str(c.pk) for c in cases)
    assert '<option value="niet_toegewezen" selected>Niet toegewezen</option>' in html  # the filter is kept
    assert assign_form_of(html)["action"] == "/team/toewijzen?toewijzing=niet_toegewezen"
    assert assigned(cases) == [None, None, None]


def test_a_bulk_assign_on_a_filtered_list_returns_to_that_list(client_lead, gemeente, worker):
    cases = make_cases(gemeente, 3)
    _, response = submit_assign_form(client_lead, reverse("team:assign"), {"toewijzing": "niet_toegewezen"},
                                     cases[:2], worker)
    assert response.status_code == 302 and response["Location"] == "/team/toewijzen?toewijzing=niet_toegewezen"
    assert messages_of(response) == ["2 meldingen toegewezen aan Wim Werker."]
    assert assigned(cases) == [worker.pk, worker.pk, None]


def test_the_list_shows_open_cases_with_filters(client_lead, gemeente, andere, worker, lead):
    cases = make_cases(gemeente, 4)
    make_cases(andere, 1, start=50)
    brief = Tray.objects.create(municipality=gemeente, code="brief", name="Brief")
    Case.objects.filter(pk=cases[0].pk).update(tray=brief)
    services.cases_assign_bulk(cases=cases[1:2], worker=worker, by=lead, now=NOW)
    services.case_close(case=cases[3], outcome=Outcome.VERWIJZING_ZONDER_CONTACT, by=lead, now=NOW)

    def listed(**params):
        html = client_lead.get(reverse("team:assign"), params).content.decode()
        return sorted(int(pk) for pk in re.findall(r'name="melding" value="(\d+)"', html))

    assert listed() == [c.pk for c in cases[:3]]  # not the closed one, not the other municipality's
    assert listed(toewijzing="niet_toegewezen") == [cases[0].pk, cases[2].pk]
    assert listed(toewijzing="toegewezen") == [cases[1].pk]
    assert listed(medewerker=worker.pk) == [cases[1].pk]
    assert listed(bakje=brief.pk) == [cases[0].pk]
    response = client_lead.get(reverse("team:assign"), {"bakje": "999999", "toewijzing": "raar"})
    assert response.status_code == 200
    assert "Kies een bakje uit de lijst." in response.content.decode()


def test_the_list_has_labelled_checkboxes_and_a_select_all(client_lead, gemeente):
    case, = make_cases(gemeente, 1)
    html = client_lead.get(reverse("team:assign")).content.decode()
    assert "<h1>Toewijzen</h1>" in html
    assert f'<label for="melding-{case.pk}" class="visueel-verborgen">Melding {case.pk} kiezen</label>' in html
    assert '<label for="alles-selecteren"' in html and "Alle meldingen op deze pagina selecteren" in html
    assert '<label for="id_medewerker">Toewijzen aan</label>' in html
    assert '<option value="" disabled selected>Kies een medewerker</option>' in html
    assert '<option value="">Niemand (toewijzing opheffen)</option>' in html
    assert '<button type="submit">Toewijzen</button>' in html
    assert "<caption>Lopende meldingen: 1</caption>" in html


@pytest.mark.parametrize("name", ["team:assign", "team:capacity", "team:visits", "team:dashboard"])
def test_element_ids_are_unique(client_lead, gemeente, name, worker):
    make_cases(gemeente, 2)
    Tray.objects.create(municipality=gemeente, code="brief", name="Brief")
    html = client_lead.get(reverse(name), {"toewijzing": "raar"} if name == "team:assign" else {}).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert ids and len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@pytest.mark.parametrize(("name", "label"), [("team:assign", "Toewijzen"), ("team:visits", "Huisbezoeken"),
                                           ("team:dashboard", "Dashboard"), ("team:capacity", "Capaciteit")])
def test_the_menu_links_the_team_pages_and_marks_the_current_one(client_lead, name, label):
    html = client_lead.get(reverse(name)).content.decode()
    nav = html.split('aria-label="Hoofdmenu"', 1)[1].split("</nav>", 1)[0]
    for other in ("team:assign", "team:visits", "team:dashboard", "team:capacity"):
        assert f'href="{reverse(other)}"' in nav
    assert re.findall(r'<a href="([^"]+)" aria-current="page">([^<]+)</a>', nav) == [(reverse(name), label)]


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_the_assign_list_runs_a_bounded_number_of_queries(client_lead, gemeente, lead, worker, worker2):
    cases = make_cases(gemeente, 3)
    tray = Tray.objects.create(municipality=gemeente, code="huis", name="Huisbezoek")
    Case.objects.update(tray=tray)
    services.cases_assign_bulk(cases=cases, worker=worker, by=lead, now=NOW)
    few = _queries(client_lead, reverse("team:assign"))
    more = make_cases(gemeente, 40, start=100, month=4)
    assert len(more) == 40
    Case.objects.update(tray=tray)
    services.cases_assign_bulk(cases=more[:20], worker=worker2, by=lead, now=NOW)
    assert _queries(client_lead, reverse("team:assign")) == few
    assert few <= 12


# --- who may use the screens ----------------------------------------------------------------------------

PAGES = ["team:assign", "team:capacity", "team:visits", "team:visits_print", "team:dashboard"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", [Role.VROEGSIGNALEERDER, Role.FUNCTIONEEL_BEHEERDER, Role.AUDITOR])
def test_only_team_leads_get_in(client, gemeente, name, role):
    login(client, UserFactory(role=role, municipalities=[gemeente]))
    assert client.get(reverse(name)).status_code == 403


def test_a_worker_cannot_assign(client, gemeente, worker):
    case, = make_cases(gemeente, 1)
    login(client, worker)
    assert post_assign(client, [case], worker).status_code == 403
    assert assigned([case]) == [None]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_users_are_sent_to_the_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- capacity ---------------------------------------------------------------------------------------------


@pytest.fixture
def trays(gemeente):
    brief = Tray.objects.create(municipality=gemeente, code="brief", name="Brief", monthly_capacity=None)
    huis = Tray.objects.create(municipality=gemeente, code="huis", name="Huisbezoek", monthly_capacity=3,
                               capacity_fallback=brief)
    return huis, brief


def test_capacity_shows_usage_of_the_last_closed_period(client_lead, gemeente, trays, andere):
    huis, brief = trays
    Tray.objects.create(municipality=andere, code="elders", name="Elders")
    cases = make_cases(gemeente, 4)
    Case.objects.filter(pk__in=[c.pk for c in cases[:3]]).update(tray=huis)
    Case.objects.filter(pk=cases[3].pk).update(tray=brief)
    html = client_lead.get(reverse("team:capacity")).content.decode()
    assert "<h1>Capaciteit</h1>" in html
    assert "gebruik in de periode 1 mei 2026 t/m 31 mei 2026" in html
    row = re.search(r"<th scope=\"row\">Huisbezoek</th>(.*?)</tr>", html, re.S).group(1)
    assert 'value="3"' in row and "<td>3</td>" in row and "<strong>vol</strong>" in row and "<td>Brief</td>" in row
    row = re.search(r"<th scope=\"row\">Brief</th>(.*?)</tr>", html, re.S).group(1)
    assert "<td>1</td>" in row and "onbeperkt" in row
    assert f'<label for="id_capaciteit-{huis.pk}" class="visueel-verborgen">Capaciteit van Huisbezoek' in html
    assert "Elders" not in html


def test_capacity_edit(client_lead, trays):
    huis, brief = trays
    response = client_lead.post(reverse("team:capacity"), {f"capaciteit-{huis.pk}": "20",
                                                           f"capaciteit-{brief.pk}": "50"})
    assert response.status_code == 302
    huis.refresh_from_db()
    brief.refresh_from_db()
    assert (huis.monthly_capacity, brief.monthly_capacity) == (20, 50)
    assert messages_of(response) == ["Capaciteit opgeslagen voor Brief, Huisbezoek."]  # in the page's order
    client_lead.post(reverse("team:capacity"), {f"capaciteit-{huis.pk}": "20", f"capaciteit-{brief.pk}": ""})
    brief.refresh_from_db()
    assert brief.monthly_capacity is None  # empty = unlimited


@pytest.mark.parametrize(("value", "message"), [
    ("-3", "De capaciteit van Huisbezoek kan niet negatief zijn."),
    ("twintig", "Geef voor Huisbezoek een heel getal, of laat het veld leeg."),
    ("2.5", "Geef voor Huisbezoek een heel getal, of laat het veld leeg."),
    ("99999999999", "De capaciteit van Huisbezoek is te groot"),
])
def test_bad_capacity_is_a_dutch_field_error_and_nothing_changes(client_lead, trays, value, message):
    huis, brief = trays
    response = client_lead.post(reverse("team:capacity"), {f"capaciteit-{huis.pk}": value,
                                                           f"capaciteit-{brief.pk}": "50"})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'href="#id_capaciteit-{huis.pk}"' in html and f'id="id_capaciteit-{huis.pk}_error"' in html
    assert 'aria-invalid="true"' in html
    huis.refresh_from_db()
    brief.refresh_from_db()
    assert (huis.monthly_capacity, brief.monthly_capacity) == (3, None)


def test_capacity_service_checks_its_input(trays, lead):
    huis, brief = trays
    with pytest.raises(CaseActionError) as refused:
        services.tray_capacity_update(capacities={huis: 10, brief: -1}, by=lead)
    assert refused.value.fields == {f"capaciteit-{brief.pk}": "De capaciteit van Brief kan niet negatief zijn."}
    huis.refresh_from_db()
    assert huis.monthly_capacity == 3


def test_a_lead_cannot_post_capacity_of_another_municipality(client_lead, trays, andere):
    elders = Tray.objects.create(municipality=andere, code="elders", name="Elders", monthly_capacity=5)
    client_lead.post(reverse("team:capacity"), {f"capaciteit-{elders.pk}": "0"})
    elders.refresh_from_db()
    assert elders.monthly_capacity == 5


# --- the dashboard ----------------------------------------------------------------------------------------


def _deadline(case, last_day: dt.date) -> None:
    Case.objects.filter(pk=case.pk).update(deadline_at=deadlines.start_of_day(last_day + dt.timedelta(days=1)))


def _attempt(case, by, day: int, reached: str):
    at = aware(2026, 6, day, 10)
    contact_attempt_register(case=case, kind=ContactKind.TELEFOON, at=at, reached=reached, by=by,
                             now=at + dt.timedelta(minutes=1))


@pytest.fixture
def dataset(gemeente, andere, worker, lead):
    """A: last day Fri 12 June, no attempt (due this week, at risk). B: last day Sun 14 June, reached
    on 9 June (due, not at risk). C: last day Tue 16 June, not reached on 8 June. D: reached on 2 June,
    closed with a quick fix. Plus a reached case of another municipality (never counted)."""
    a, b, c, d = make_cases(gemeente, 4)
    huis = Tray.objects.create(municipality=gemeente, code="huis", name="Huisbezoek")
    brief = Tray.objects.create(municipality=gemeente, code="brief", name="Brief")
    Case.objects.filter(pk__in=[a.pk, b.pk]).update(tray=huis)
    Case.objects.filter(pk__in=[c.pk, d.pk]).update(tray=brief)
    _deadline(a, dt.date(2026, 6, 12))
    _deadline(b, dt.date(2026, 6, 14))
    _deadline(c, dt.date(2026, 6, 16))
    _attempt(b, worker, 9, Reached.JA)
    _attempt(c, worker, 8, Reached.NEE)
    _attempt(d, worker, 2, Reached.JA)
    services.case_close(case=d, outcome=Outcome.QUICK_FIX, by=worker, now=aware(2026, 6, 3, 9))
    other, = make_cases(andere, 1, start=50)
    elsewhere = UserFactory(municipalities=[andere])
    _attempt(other, elsewhere, 4, Reached.JA)
    _deadline(other, dt.date(2026, 6, 11))
    return a, b, c, d


def test_dashboard_figures_on_a_known_dataset(dataset, lead):
    board = dashboard_for_user(lead, now=NOW)
    assert [(row.name, row.count) for row in board.per_tray] == [("Brief", 1), ("Huisbezoek", 2)]
    assert board.open_total == 3
    assert board.due_this_week == 2  # A and B (D is closed)
    assert board.at_risk == 1  # A: last day within 5 days and never contacted
    assert (board.attempted, board.reached, board.accepted) == (3, 2, 1)
    assert (board.reach_pct, board.acceptance_pct) == (67, 50)


def test_dashboard_page_shows_figures_charts_and_tables(client_lead, dataset):
    html = client_lead.get(reverse("team:dashboard")).content.decode()
    assert "<h1>Dashboard</h1>" in html
    assert html.count('role="img"') == 2
    assert '<title id="grafiek-bakjes-titel">Lopende meldingen per bakje</title>' in html
    assert "Staafdiagram. Brief: 1. Huisbezoek: 2." in html
    assert '<th scope="row">Huisbezoek</th><td>2</td>' in html
    assert "Bereikt: 67 procent. Hulp aanvaard: 50 procent." in html
    assert "2 van 3 meldingen met een contactpoging" in html and "1 van 2 bereikte meldingen" in html
    assert re.search(r"Dreigt te verlopen</dt><dd>1</dd>", html)
    assert re.search(r"Termijn eindigt deze week</dt><dd>2</dd>", html)
    # chart geometry is never localised ("19,04" is no SVG number)
    for svg in re.findall(r"<svg.*?</svg>", html, re.S):
        assert not re.search(r'\s(x|y|width|height)="[^"]*[^\d"]', svg), svg


def test_dashboard_without_data_shows_dashes_not_errors(client_lead):
    response = client_lead.get(reverse("team:dashboard"))
    assert response.status_code == 200
    assert "Er zijn geen lopende meldingen." in response.content.decode()
    assert "nog geen contactpogingen" in response.content.decode()


def test_dashboard_runs_a_bounded_number_of_queries(client_lead, dataset, gemeente, worker):
    few = _queries(client_lead, reverse("team:dashboard"))
    more = make_cases(gemeente, 30, start=200, month=4)
    for i, case in enumerate(more[:10]):
        _attempt(case, worker, 5, Reached.JA if i % 2 else Reached.NEE)
    Tray.objects.create(municipality=gemeente, code="tel", name="Telefoon")
    assert _queries(client_lead, reverse("team:dashboard")) == few
    assert few <= 8
