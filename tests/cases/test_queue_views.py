"""The worker's queue (werkvoorraad): who sees it, order, days left in words, tray counts, filters,
keyset paging, the follow-ups and overdue crisis cases on top, htmx partials and constant queries."""
import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases import selectors
from cases.models import Case, CaseStatus, FollowUp, MatchType, Priority, Urgency
from tests.auth import login
from tests.factories import MunicipalityFactory, UserFactory, make_case, make_tray, today
from vroegsignalering.common.vocab import CreditorKind

QUEUE = reverse("queue")


@pytest.fixture
def andere_gemeente(db):
    return MunicipalityFactory(cbs_code="0200", name="Anderstad")


@pytest.fixture
def worker_client(client, worker):
    login(client, worker)
    return client


def case_ids(response) -> list[int]:
    """The case ids in the queue table, top to bottom."""
    html = response.content.decode()
    table = html.split('class="werkvoorraad"', 1)[1].split("</table>", 1)[0] if 'class="werkvoorraad"' in html else ""
    return [int(pk) for pk in re.findall(r'<th scope="row"><a href="/meldingen/(\d+)"', table)]


def test_queue_needs_a_login(client, db):
    response = client.get(QUEUE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", [Role.VASTELASTENPARTNER, Role.FUNCTIONEEL_BEHEERDER, Role.AUDITOR])
def test_roles_that_do_not_work_cases_get_no_queue(client, gemeente, role):
    make_case(gemeente)
    user = UserFactory(role=role, municipalities=[gemeente])
    login(client, user)
    response = client.get(QUEUE)
    assert response.status_code == 403
    assert "Geen toegang tot de werkvoorraad" in response.content.decode()
    assert "Werkvoorraad</a>" not in response.content.decode()  # not in their menu either


def test_queue_shows_only_the_users_municipalities_most_urgent_first(worker_client, gemeente, andere_gemeente):
    later = make_case(gemeente, last_day_in=20)
    sooner = make_case(gemeente, last_day_in=5)
    high = make_case(gemeente, last_day_in=25, priority=Priority.HOOG)
    acute = make_case(gemeente, last_day_in=27, urgency=Urgency.ACUUT, is_crisis=True)
    low = make_case(gemeente, last_day_in=1, priority=Priority.LAAG)
    make_case(gemeente, status=CaseStatus.GESLOTEN)  # closed: not in the queue
    elsewhere = make_case(andere_gemeente, last_day_in=0)
    response = worker_client.get(QUEUE)
    assert response.status_code == 200
    assert case_ids(response) == [acute.pk, high.pk, sooner.pk, later.pk, low.pk]
    assert elsewhere.pk not in case_ids(response)
    assert "5 open meldingen" in response.content.decode()
    assert '<h1>Werkvoorraad</h1>' in response.content.decode()


def test_days_left_in_plain_words_and_urgent_marked_in_text(worker_client, gemeente):
    make_case(gemeente, last_day_in=10)
    make_case(gemeente, last_day_in=1)
    make_case(gemeente, last_day_in=0)
    make_case(gemeente, last_day_in=-2)  # not yet closed by the day-28 job
    make_case(gemeente, status=CaseStatus.HEROPEND)
    html = worker_client.get(QUEUE).content.decode()
    assert "nog 10 dagen" in html
    assert "nog 1 dag (morgen laatste dag)" in html
    assert "vandaag laatste dag" in html
    assert "verlopen" in html
    assert "heropend (geen termijn)" in html
    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr")[1:]
    urgent = [row for row in rows if "Urgent</strong>" in row]
    assert len(urgent) == 3  # 1 day, today, expired: marked with the word, not by colour alone
    assert all('class="urgent"' in row for row in urgent)
    assert not any("nog 10 dagen" in row for row in urgent)


def test_tray_tabs_with_counts_and_current_tray(worker_client, gemeente, andere_gemeente):
    phone = make_tray(gemeente, "telefoon", "Telefoon")
    visit = make_tray(gemeente, "huisbezoek", "Huisbezoek")
    make_tray(andere_gemeente, "brief", "Brief Anderstad")
    for _ in range(3):
        make_case(gemeente, tray=phone)
    in_visit = make_case(gemeente, tray=visit)
    make_case(gemeente, tray=visit, status=CaseStatus.GESLOTEN)
    html = worker_client.get(QUEUE).content.decode()
    nav = html.split('aria-label="Bakjes"', 1)[1].split("</nav>", 1)[0]
    assert re.search(r'aria-current="page">Alle bakjes <span class="aantal">4<', nav)
    assert re.search(r'>Telefoon <span class="aantal">3<', nav)
    assert re.search(r'>Huisbezoek <span class="aantal">1<', nav)
    assert "Brief Anderstad" not in html
    response = worker_client.get(QUEUE, {"bakje": visit.pk})
    assert case_ids(response) == [in_visit.pk]
    nav = response.content.decode().split('aria-label="Bakjes"', 1)[1].split("</nav>", 1)[0]
    assert re.search(r'aria-current="page">Huisbezoek', nav)


def test_filters(worker_client, worker, gemeente):
    other_worker = UserFactory(municipalities=[gemeente])
    rent = make_case(gemeente, kinds=[CreditorKind.HUUR], last_day_in=15)
    water = make_case(gemeente, kinds=[CreditorKind.DRINKWATER, CreditorKind.GAS], match_type=MatchType.MEERVOUDIG,
                      last_day_in=2, assigned_to=worker)
    crisis = make_case(gemeente, kinds=[CreditorKind.GAS], is_crisis=True, urgency=Urgency.HOOG, recidive=True,
                       last_day_in=20, assigned_to=other_worker)

    def ids(**params):
        return set(case_ids(worker_client.get(QUEUE, params)))

    assert ids() == {rent.pk, water.pk, crisis.pk}
    assert ids(vastelast="gas") == {water.pk, crisis.pk}
    assert ids(vastelast="huur") == {rent.pk}
    assert ids(soort="meervoudig") == {water.pk}
    assert ids(soort="enkelvoudig") == {rent.pk, crisis.pk}
    assert ids(opeenvolgend="ja") == {crisis.pk}
    assert ids(opeenvolgend="nee") == {rent.pk, water.pk}
    assert ids(crisis="ja") == {crisis.pk}
    assert ids(crisis="nee") == {rent.pk, water.pk}
    assert ids(mij="on") == {water.pk}
    assert ids(binnen="2") == {water.pk}
    assert ids(binnen="1") == set()
    assert ids(binnen="15") == {rent.pk, water.pk}
    assert ids(vastelast="gas", binnen="30") == {water.pk, crisis.pk}
    html = worker_client.get(QUEUE, {"vastelast": "gas", "mij": "on"}).content.decode()
    assert "1 open melding met deze filters" in html
    assert 'value="gas" selected' in html and 'name="mij" id="id_mij" checked' in html  # the form keeps them


@pytest.mark.parametrize(("params", "message"), [
    ({"binnen": "abc"}, "Vul een aantal dagen in (een heel getal)."),
    ({"binnen": "-1"}, "Vul 0 of meer dagen in."),
    ({"bakje": "999999"}, "Kies een bakje uit de lijst."),
    ({"vastelast": "bitcoin"}, "Kies een soort vaste last uit de lijst."),
    ({"na": "xyz", "voor": "1' OR 1=1"}, None),
])
def test_bad_filter_input_is_reported_and_ignored(worker_client, gemeente, params, message):
    case = make_case(gemeente)
    response = worker_client.get(QUEUE, params)
    assert response.status_code == 200
    assert case_ids(response) == [case.pk]
    if message:
        assert message in response.content.decode()
        assert "Niet alle filters zijn gebruikt" in response.content.decode()


def test_a_tray_of_another_municipality_is_not_a_filter(worker_client, gemeente, andere_gemeente):
    foreign = make_tray(andere_gemeente, "brief")
    make_case(andere_gemeente, tray=foreign)
    mine = make_case(gemeente)
    response = worker_client.get(QUEUE, {"bakje": foreign.pk})
    assert case_ids(response) == [mine.pk]
    assert "Kies een bakje uit de lijst." in response.content.decode()


def _follow(response, rel: str) -> str | None:
    match = re.search(rf'<a href="([^"]+)" hx-get="[^"]+" rel="{rel}"', response.content.decode())
    return match.group(1).replace("&amp;", "&") if match else None


def test_keyset_paging_walks_every_case_once_forward_and_back(worker_client, gemeente, andere_gemeente):
    tray = make_tray(gemeente, "brief")
    cases = [make_case(gemeente, tray=tray, last_day_in=n % 7, priority=1 + n % 3) for n in range(120)]
    make_case(andere_gemeente)
    first = worker_client.get(QUEUE, {"bakje": tray.pk})
    pages = [case_ids(first)]
    assert "Vorige pagina" not in first.content.decode()
    response = first
    while (url := _follow(response, "next")) is not None:
        assert f"bakje={tray.pk}" in url  # the filters stay
        response = worker_client.get(url)
        pages.append(case_ids(response))
    assert [len(page) for page in pages] == [50, 50, 20]
    walked = [pk for page in pages for pk in page]
    expected = sorted(cases, key=lambda c: (-c.urgency, c.priority, c.deadline_at, c.pk))
    assert walked == [c.pk for c in expected]
    assert "Eerste pagina" in response.content.decode()
    back = worker_client.get(_follow(response, "prev"))
    assert case_ids(back) == pages[1]
    back = worker_client.get(_follow(back, "prev"))
    assert case_ids(back) == pages[0]
    assert _follow(back, "prev") is None  # at the start again


def test_a_cursor_of_another_municipality_gives_the_first_page(worker_client, gemeente, andere_gemeente):
    mine = [make_case(gemeente, last_day_in=n) for n in range(3)]
    foreign = make_case(andere_gemeente, last_day_in=0)
    assert case_ids(worker_client.get(QUEUE, {"na": foreign.pk})) == [c.pk for c in mine]


def test_htmx_request_gets_only_the_results(worker_client, gemeente):
    case = make_case(gemeente, kinds=[CreditorKind.HUUR])
    make_case(gemeente, kinds=[CreditorKind.GAS])
    response = worker_client.get(QUEUE, {"vastelast": "huur"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="werkvoorraad">')  # tray tabs, filters and results
    assert "<html" not in html and case_ids(response) == [case.pk]
    assert 'value="huur" selected' in html
    response = worker_client.get(QUEUE, {"binnen": "x"}, HTTP_HX_REQUEST="true")
    assert "Niet alle filters zijn gebruikt" in response.content.decode()  # errors also without a full page
    full = worker_client.get(QUEUE, {"vastelast": "huur"}).content.decode()
    assert "<html" in full and 'hx-get="/werkvoorraad"' in full and "htmx-2.min.js" in full


def test_follow_ups_and_overdue_crisis_cases_on_top(worker_client, worker, gemeente, andere_gemeente):
    now = timezone.now()
    helped = make_case(gemeente, status=CaseStatus.GESLOTEN)
    FollowUp.objects.create(case=helped, due_on=today() - dt.timedelta(days=1), assigned_to=worker, created_at=now)
    not_yet = make_case(gemeente, status=CaseStatus.GESLOTEN)
    FollowUp.objects.create(case=not_yet, due_on=today() + dt.timedelta(days=20), assigned_to=worker,
                            created_at=now)
    late = make_case(gemeente, is_crisis=True, urgency=Urgency.ACUUT)
    Case.objects.filter(pk=late.pk).update(crisis_at=now - dt.timedelta(days=5),
                                           crisis_due_at=now - dt.timedelta(days=1))
    foreign = make_case(andere_gemeente, is_crisis=True, urgency=Urgency.ACUUT)
    Case.objects.filter(pk=foreign.pk).update(crisis_at=now - dt.timedelta(days=5),
                                              crisis_due_at=now - dt.timedelta(days=1))
    html = worker_client.get(QUEUE).content.decode()
    assert "Vervolgcontact: loopt de afspraak? (1)" in html
    assert f'href="/meldingen/{helped.pk}#vervolgcontact-' in html
    assert f'href="/meldingen/{not_yet.pk}#' not in html
    crisis = html.split('id="kop-crisis"', 1)[1].split("</section>", 1)[0]
    assert "crisismeldingen met een te late eerste actie (1)" in crisis
    assert f"Melding {late.pk}" in crisis and f"Melding {foreign.pk}" not in crisis
    assert html.index('id="kop-crisis"') < html.index('id="kop-vervolg"') < html.index('id="kop-meldingen"')


def test_menu_and_start_page(client, gemeente, worker):
    login(client, worker)
    html = client.get(QUEUE).content.decode()
    assert '<a href="/werkvoorraad" aria-current="page">Werkvoorraad</a>' in html
    assert "/team/toewijzen" not in html
    assert 'href="/werkvoorraad">Naar de werkvoorraad' in client.get(reverse("home")).content.decode()
    lead = UserFactory(role=Role.TEAMLEIDER, municipalities=[gemeente])
    login(client, lead)
    html = client.get(QUEUE).content.decode()
    for path, label in [("/team/toewijzen", "Toewijzen"), ("/team/huisbezoeken", "Huisbezoeken"),
                        ("/team/dashboard", "Dashboard"), ("/team/capaciteit", "Capaciteit")]:
        assert f'<a href="{path}">{label}</a>' in html


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_queue_runs_a_constant_number_of_queries(worker_client, worker, gemeente):
    trays = [make_tray(gemeente, f"bakje{i}") for i in range(3)]

    def fill(count):
        for n in range(count):
            case = make_case(gemeente, tray=trays[n % 3], kinds=[CreditorKind.HUUR, CreditorKind.GAS][: 1 + n % 2],
                             assigned_to=worker if n % 2 else None, last_day_in=n % 9)
            if n % 5 == 0:
                FollowUp.objects.create(case=case, due_on=today(), assigned_to=worker, created_at=timezone.now())

    fill(5)
    small = [_queries(worker_client, QUEUE), _queries(worker_client, QUEUE, {"vastelast": "gas", "binnen": "9"})]
    fill(115)
    large = [_queries(worker_client, QUEUE), _queries(worker_client, QUEUE, {"vastelast": "gas", "binnen": "9"})]
    assert small == large
    second_page = selectors.queue_page(worker, filters=selectors.QueueFilters(), now=timezone.now()).next_after
    assert _queries(worker_client, QUEUE, {"na": second_page}) == large[0] + 1  # the cursor's one lookup
