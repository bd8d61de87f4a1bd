"""The team lead's start page /team/: the trays with running and unassigned cases, the capacity used,
overdue crisis cases and this week's home visits; only for team leads, only their municipalities."""
import re

import pytest
from django.urls import reverse

from accounts.models import Role
from cases import services, team_views
from cases.models import Case, Tray
from cases.team_overview import team_overview_for_user
from contacts.models import Dagdeel
from contacts.services import visit_plan
from tests.auth import login
from tests.factories import TEAM_NOW as NOW
from tests.factories import UserFactory, make_cases


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    monkeypatch.setattr(team_views, "_now", lambda: NOW)


@pytest.fixture
def team(gemeente, andere, lead, worker):
    """Proefdorp: 5 cases, 3 in Huisbezoek (capacity 3, all used: full), 1 in Brief (unlimited), 1 without a
    tray; 2 assigned to Wim; a visit on Thursday and one next week. Anderstad: 4 cases (never shown)."""
    cases = make_cases(gemeente, 5)
    huis = Tray.objects.create(municipality=gemeente, code="huis", name="Huisbezoek", monthly_capacity=3)
    brief = Tray.objects.create(municipality=gemeente, code="brief", name="Brief")
    Case.objects.filter(pk__in=[c.pk for c in cases[:3]]).update(tray=huis)
    Case.objects.filter(pk=cases[3].pk).update(tray=brief)
    Case.objects.filter(pk=cases[4].pk).update(tray=None)
    services.cases_assign_bulk(cases=cases[:2], worker=worker, by=lead, now=NOW)
    visit_plan(case=cases[0], worker=worker, date=NOW.date().replace(day=11), dagdeel=Dagdeel.OCHTEND, by=lead,
               now=NOW)
    visit_plan(case=cases[1], worker=worker, date=NOW.date().replace(day=16), dagdeel=Dagdeel.MIDDAG, by=lead,
               now=NOW)
    elsewhere = make_cases(andere, 4, start=50)
    Tray.objects.create(municipality=andere, code="geheim", name="Geheim bakje")
    return cases, elsewhere


def test_the_overview_counts_the_leads_own_trays(team, lead):
    board = team_overview_for_user(lead, now=NOW)
    assert [b.name for b in board.municipalities] == ["Proefdorp"]
    rows = [(r.name, r.running, r.unassigned, r.capacity, r.left, r.full) for r in board.municipalities[0].rows]
    assert rows == [("Algemeen", 0, 0, None, None, False), ("Brief", 1, 1, None, None, False),
                    ("Huisbezoek", 3, 1, 3, 0, True), ("Zonder bakje", 1, 1, None, None, False)]
    assert (board.running, board.unassigned) == (5, 3)


def test_the_overview_page_shows_trays_capacity_visits_and_links(client, team, lead):
    login(client, lead)
    response = client.get(reverse("team:overview"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Team</h1>" in html
    assert re.search(r"Lopende meldingen</dt><dd>5</dd>", html)
    assert re.search(r"Nog niet toegewezen</dt><dd>3</dd>", html)
    assert re.search(r"Huisbezoeken deze week</dt><dd>1</dd>", html)  # the one next week is not counted
    assert "Geheim bakje" not in html and "Anderstad" not in html
    assert "<strong>vol</strong>" in html
    assert '<th scope="row">Wim Werker</th><td>1</td>' in html
    for name in ("team:assign", "team:visits", "team:visits_print", "team:dashboard", "team:capacity", "queue"):
        assert f'href="{reverse(name)}' in html
    nav = html.split('aria-label="Hoofdmenu"', 1)[1].split("</nav>", 1)[0]
    assert f'<a href="{reverse("team:overview")}" aria-current="page">Team</a>' in nav


def test_the_unassigned_link_opens_the_filtered_assign_list(client, team, lead):
    login(client, lead)
    html = client.get(reverse("team:overview")).content.decode()
    huis = Tray.objects.get(code="huis", municipality__cbs_code="0100")
    link = re.search(rf'href="([^"]*bakje={huis.pk}[^"]*)"', html).group(1).replace("&amp;", "&")
    listing = client.get(link).content.decode()
    listed = {int(pk) for pk in re.findall(r'name="melding" value="(\d+)"', listing)}
    assert listed == {Case.objects.get(tray=huis, assigned_to__isnull=True).pk}


def test_an_empty_team_gets_a_page_not_an_error(client, gemeente, lead):
    login(client, lead)
    response = client.get(reverse("team:overview"))
    assert response.status_code == 200
    assert "Er zijn deze week geen huisbezoeken gepland." in response.content.decode()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.TEAMLEIDER])
def test_other_roles_get_the_dutch_403(client, gemeente, role):
    login(client, UserFactory(role=role, municipalities=[gemeente]))
    response = client.get(reverse("team:overview"))
    assert response.status_code == 403
    assert "teamleider" in response.content.decode().lower()


def test_anonymous_users_are_sent_to_the_login(client):
    response = client.get(reverse("team:overview"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
