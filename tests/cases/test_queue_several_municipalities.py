"""The queue of a worker of several municipalities (a hosting party's user): one queue in the same order and
with the same cases as for one municipality, page by page forward and back and with every filter, and the same
number of queries for a worker of 1 and of 10 municipalities."""
import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import deadlines
from cases.models import Case, CaseStatus, FollowUp, Tray
from tests.auth import login
from tests.factories import MunicipalityFactory, UserFactory, make_case, make_tray, today
from vroegsignalering.common.vocab import CreditorKind

QUEUE = reverse("queue")


def case_ids(response) -> list[int]:
    """The case ids in the queue table, top to bottom."""
    html = response.content.decode()
    table = html.split('class="werkvoorraad"', 1)[1].split("</table>", 1)[0] if 'class="werkvoorraad"' in html else ""
    return [int(pk) for pk in re.findall(r'<th scope="row"><a href="/meldingen/(\d+)"', table)]


def _follow(response, rel: str) -> str | None:
    match = re.search(rf'<a href="([^"]+)" hx-get="[^"]+" rel="{rel}"', response.content.decode())
    return match.group(1).replace("&amp;", "&") if match else None


def most_urgent_first(cases) -> list[int]:
    return [c.pk for c in sorted(cases, key=lambda c: (-c.urgency, c.priority, c.deadline_at, c.pk))]


@pytest.fixture
def three(db):
    return [MunicipalityFactory(cbs_code=f"07{n:02d}", name=f"Deelgemeente {n}") for n in range(3)]


@pytest.fixture
def hosted(client, three):
    """A signed-in worker of three municipalities."""
    user = UserFactory(municipalities=three, first_name="Hanna", last_name="Hosting")
    login(client, user)
    return user


def _fill(municipalities, user, per_municipality: int) -> list[Case]:
    """Cases of every urgency, priority and deadline, interleaved over the municipalities, with trays,
    creditor kinds and assignments; and in each a closed case (never in the queue)."""
    trays = {m.pk: Tray.objects.filter(municipality=m).first() or make_tray(m, "brief") for m in municipalities}
    kinds = [[CreditorKind.HUUR], [CreditorKind.GAS], [CreditorKind.HUUR, CreditorKind.DRINKWATER], []]
    cases = []
    for n in range(per_municipality):
        for i, m in enumerate(municipalities):
            crisis = (n + i) % 11 == 0
            cases.append(make_case(m, last_day_in=(3 * n + i) % 13, priority=1 + (n + 2 * i) % 3,
                                   urgency=1 + n % 2 if crisis else 0, is_crisis=crisis,
                                   tray=trays[m.pk] if (n + i) % 2 else None, kinds=kinds[(n + i) % 4],
                                   assigned_to=user if (n + i) % 3 == 0 else None))
    for m in municipalities:
        make_case(m, status=CaseStatus.GESLOTEN, last_day_in=0, priority=1)
    return cases


def test_one_queue_over_several_municipalities_forward_and_back(client, hosted, three):
    cases = _fill(three, hosted, 40)  # 120 cases: pages of 50, 50, 20
    elsewhere = MunicipalityFactory(cbs_code="0799", name="Buitenstad")
    make_case(elsewhere, last_day_in=0, priority=1)
    response = client.get(QUEUE)
    pages = [case_ids(response)]
    while (url := _follow(response, "next")) is not None:
        response = client.get(url)
        pages.append(case_ids(response))
    assert [len(page) for page in pages] == [50, 50, 20]
    assert [pk for page in pages for pk in page] == most_urgent_first(cases)
    assert {c.municipality_id for c in Case.objects.filter(pk__in=pages[0])} == {m.pk for m in three}
    back = client.get(_follow(response, "prev"))
    assert case_ids(back) == pages[1]
    back = client.get(_follow(back, "prev"))
    assert case_ids(back) == pages[0]
    assert _follow(back, "prev") is None


def test_every_filter_keeps_the_order_over_several_municipalities(client, hosted, three):
    cases = _fill(three, hosted, 40)
    huur = set(Case.objects.filter(case_signals__signal__creditor_kind=CreditorKind.HUUR).values_list("pk", flat=True))
    tray = Tray.objects.get(municipality=three[1])
    closes_by = today() + dt.timedelta(days=5)  # "binnen 4 dagen": the window's last day at most 4 days away

    def walk(params) -> list[int]:
        response = client.get(QUEUE, params)
        walked = case_ids(response)
        while (url := _follow(response, "next")) is not None:
            response = client.get(url)
            walked += case_ids(response)
        return walked

    expected = {
        (("vastelast", "huur"),): [c for c in cases if c.pk in huur],
        (("mij", "on"),): [c for c in cases if c.assigned_to_id == hosted.pk],
        (("bakje", str(tray.pk)),): [c for c in cases if c.tray_id == tray.pk],
        (("crisis", "ja"),): [c for c in cases if c.is_crisis],
        (("binnen", "4"), ("vastelast", "huur")): [
            c for c in cases if c.pk in huur and deadlines.local_date(c.deadline_at) <= closes_by],
    }
    for params, matching in expected.items():
        assert matching, params
        assert walk(dict(params)) == most_urgent_first(matching), params


def _queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(QUEUE, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_a_worker_of_ten_municipalities_runs_the_queries_of_a_worker_of_one(client, db):
    municipalities = [MunicipalityFactory(cbs_code=f"08{n:02d}", name=f"Regiogemeente {n}") for n in range(10)]
    one = UserFactory(municipalities=municipalities[:1])
    ten = UserFactory(municipalities=municipalities)
    for user in (one, ten):
        _fill(municipalities, user, 6)
        FollowUp.objects.create(case=Case.objects.filter(municipality=municipalities[0]).first(), due_on=today(),
                                assigned_to=user, created_at=Case.objects.first().opened_at)
    cursor = Case.objects.filter(municipality=municipalities[0],
                                 case_signals__signal__creditor_kind=CreditorKind.HUUR).first()
    counts = {}
    for user in (one, ten):
        login(client, user)
        counts[user.pk] = [_queries(client), _queries(client, {"vastelast": "gas", "binnen": "9"}),
                           _queries(client, {"vastelast": "huur", "na": cursor.pk}),
                           _queries(client, {"vastelast": "huur", "voor": cursor.pk})]
    assert len(case_ids(client.get(QUEUE))) == 50  # the worker of ten: 120 cases, a full page
    assert counts[one.pk] == counts[ten.pk]
