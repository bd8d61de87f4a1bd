"""The creditor API's feedback side: the feed, the signal's status, aggregated efforts."""
import datetime as dt

import pytest
from django.db import transaction

from cases import services as case_services
from feedback.models import FeedbackEvent
from feedback.selectors import cursor_encode
from feedback.services import feedback_issue_for_signal
from signals import transitions
from signals.models import SignalStatus
from tests.factories import MunicipalityFactory, make_signal, open_case, reach
from tests.feedback.helpers import NOW
from vroegsignalering.common.vocab import ContactKind, Outcome

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"
FEED = "/api/v1/terugkoppelingen"


def end(signal, outcome=Outcome.ONTERECHT_SIGNAAL, now=NOW):
    with transaction.atomic():
        transitions.signal_end(signal, outcome, now, params={"reason": "test"})


def issue(municipality, creditor, n: int, outcome=Outcome.OVERLEDEN) -> list[FeedbackEvent]:
    events = []
    for _ in range(n):
        signal = make_signal(municipality, creditor=creditor, status=SignalStatus.AFGEHANDELD)
        events.append(feedback_issue_for_signal(signal=signal, outcome=outcome, now=NOW))
    return events


def read_all(api, limit: int, **params) -> list[dict]:
    items, cursor = [], None
    for _ in range(1000):
        query = {"limiet": limit, **params} | ({"vanaf": cursor} if cursor else {})
        response = api.get(FEED, query)
        assert response.status_code == 200, response.content
        assert response["API-Version"] == "1.0.0"
        body = response.json()
        assert len(body["terugkoppelingen"]) <= limit
        items += body["terugkoppelingen"]
        if body["volgende"] is None:
            assert body["terugkoppelingen"] == []
            return items
        cursor = body["volgende"]
    raise AssertionError("the feed never ended")


def test_feed_item_has_exactly_the_contract_fields(api, municipality, worker):
    case = open_case(municipality, {"creditor": api.creditor})
    reach(case, worker)
    case_services.case_close(case=case, outcome=Outcome.VERVOLGHULP_NIET_FINANCIEEL, by=worker, now=NOW)
    body = api.get(FEED).json()
    (item,) = body["terugkoppelingen"]
    event = FeedbackEvent.objects.get()
    assert item == {"id": str(event.public_id), "signaalId": event.signal.signal_id, "gemeentecode": "0363",
                    "code": "hulp_geaccepteerd", "omschrijving": "Inwoner heeft hulp geaccepteerd",
                    "datum": "2026-06-10", "incassorustTot": "2026-07-10"}
    assert body["volgende"]
    assert api.get(FEED, {"vanaf": body["volgende"]}).json() == {"terugkoppelingen": [], "volgende": None}


@pytest.mark.parametrize("limit", [1, 2, 7, 10, 23, 100, 500])
def test_paging_with_any_limit_yields_each_event_once_in_order(api, other_api, municipality, limit):
    mine = []
    for _ in range(3):  # interleaved with another creditor's events
        mine += issue(municipality, api.creditor, 7)
        issue(municipality, other_api.creditor, 3)
    items = read_all(api, limit)
    assert [i["id"] for i in items] == [str(e.public_id) for e in mine]


def test_a_reader_resumes_from_its_last_cursor_and_sees_only_new_events(api, municipality):
    first = issue(municipality, api.creditor, 3)
    body = api.get(FEED, {"limiet": 3}).json()
    assert [i["id"] for i in body["terugkoppelingen"]] == [str(e.public_id) for e in first]
    later = issue(municipality, api.creditor, 2)
    again = api.get(FEED, {"vanaf": body["volgende"]}).json()
    assert [i["id"] for i in again["terugkoppelingen"]] == [str(e.public_id) for e in later]


def test_another_creditors_feedback_never_appears(api, other_api, municipality):
    issue(municipality, other_api.creditor, 4)
    assert api.get(FEED).json() == {"terugkoppelingen": [], "volgende": None}
    assert len(read_all(other_api, 3)) == 4
    foreign = FeedbackEvent.objects.first().signal.signal_id
    assert api.get(f"/api/v1/signalen/{foreign}").status_code == 404


def test_feed_filters_on_gemeentecode(api, municipality):
    utrecht = MunicipalityFactory(cbs_code="0344", name="Utrecht")
    here = issue(municipality, api.creditor, 2)
    issue(utrecht, api.creditor, 3)
    items = read_all(api, 2, gemeentecode="0363")
    assert [i["id"] for i in items] == [str(e.public_id) for e in here]
    assert {i["gemeentecode"] for i in read_all(api, 100)} == {"0363", "0344"}


def test_signal_status_is_ontvangen_then_the_latest_code_after_a_reopen(api, municipality, worker):
    case = open_case(municipality, {"creditor": api.creditor})
    signal_id = case.case_signals.get().signal.signal_id
    assert api.get(f"/api/v1/signalen/{signal_id}").json()["status"] == "ontvangen"
    reach(case, worker)
    case_services.case_close(case=case, outcome=Outcome.ZELF_BETAALD, by=worker, now=NOW)
    assert api.get(f"/api/v1/signalen/{signal_id}").json()["status"] == "afgesloten"
    case_services.case_reopen(case=case, reason="Alsnog hulp", by=worker, now=NOW + dt.timedelta(days=3))
    assert api.get(f"/api/v1/signalen/{signal_id}").json()["status"] == "afgesloten"
    case_services.case_close(case=case, outcome=Outcome.QUICK_FIX, by=worker, now=NOW + dt.timedelta(days=4))
    assert api.get(f"/api/v1/signalen/{signal_id}").json()["status"] == "hulp_geaccepteerd"
    assert [i["code"] for i in read_all(api, 1)] == ["afgesloten", "hulp_geaccepteerd"]


def test_signal_ended_by_the_checks_shows_its_code(api, municipality):
    signal = make_signal(municipality, creditor=api.creditor, status=SignalStatus.IN_CONTROLE)
    end(signal, Outcome.HERHAALDE_MELDING)
    assert api.get(f"/api/v1/signalen/{signal.signal_id}").json()["status"] == "niet_opgepakt_herhaalde_melding"


def assert_invalid(response, *names):
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    assert response["API-Version"] == "1.0.0"
    body = response.json()
    assert body["status"] == 400 and body["title"] and body["detail"]
    assert sorted(p["name"] for p in body["invalidParams"]) == sorted(names)
    return body


@pytest.mark.parametrize("params", [{"limiet": "0"}, {"limiet": "501"}, {"limiet": "abc"}, {"limiet": "-1"},
                                    {"limiet": "1.5"}, {"vanaf": "nonsense"}, {"vanaf": cursor_encode(1)[:-1] + "!"},
                                    {"gemeentecode": "363"}, {"gemeentecode": "abcd"}, {"onbekend": "1"}])
def test_bad_feed_parameters_answer_400_problem(api, params):
    assert_invalid(api.get(FEED, params), *params)


def test_all_bad_feed_parameters_are_listed_at_once(api):
    assert_invalid(api.get(FEED, {"limiet": "0", "vanaf": "x", "gemeentecode": "1"}), "limiet", "vanaf",
                   "gemeentecode")


def test_feed_needs_an_api_key(client):
    response = client.get(FEED)
    assert response.status_code == 401 and response["Content-Type"] == PROBLEM


# --- inspanningen --------------------------------------------------------------------------------

EFFORTS = "/api/v1/inspanningen"


def test_efforts_counts_and_suppression_below_10(api, other_api, municipality, worker):
    for n in range(12):
        make_signal(municipality, at=100 + n, creditor=api.creditor)
    make_signal(municipality, at=200, creditor=other_api.creditor)
    case_services.period_close(municipality=municipality, now=NOW.replace(day=1))
    from cases.models import Case

    cases = list(Case.objects.filter(case_signals__signal__creditor=api.creditor).order_by("pk"))
    for case in cases[:10]:
        reach(case, worker)
    reach(cases[0], worker, kind=ContactKind.BRIEF, at=NOW - dt.timedelta(days=2))
    for case in cases[:3]:
        case_services.case_close(case=case, outcome=Outcome.QUICK_FIX, by=worker, now=NOW)
    response = api.get(EFFORTS, {"gemeentecode": "0363", "maand": "2026-05"})
    assert response.status_code == 200 and response["API-Version"] == "1.0.0"
    body = response.json()
    shown = {"aantal": None, "onderdrukt": True}
    assert body["gemeentecode"] == "0363" and body["maand"] == "2026-05"
    assert body["signalenOntvangen"] == {"aantal": 12, "onderdrukt": False}
    assert body["signalenOpgepakt"] == {"aantal": 12, "onderdrukt": False}
    assert body["meldingenMetContactpoging"] == {"aantal": 10, "onderdrukt": False}
    assert body["meldingenMetContact"] == {"aantal": 10, "onderdrukt": False}
    assert body["meldingenHulpGeaccepteerd"] == shown
    per_kind = {k.pop("soortContact"): k for k in body["contactpogingenPerSoort"]}
    assert per_kind["Telefoon"] == {"aantal": 10, "onderdrukt": False}
    assert per_kind["Brief"] == shown and per_kind["Huisbezoek"] == shown
    assert set(per_kind) == set(ContactKind.values)
    # The other creditor has one signal: everything suppressed; another month: nothing.
    other = other_api.get(EFFORTS, {"gemeentecode": "0363", "maand": "2026-05"}).json()
    assert other["signalenOntvangen"] == shown
    empty = api.get(EFFORTS, {"gemeentecode": "0363", "maand": "2026-04"}).json()
    assert empty["signalenOntvangen"] == shown


@pytest.mark.parametrize(("params", "names"), [
    ({}, ["gemeentecode", "maand"]),
    ({"gemeentecode": "0363"}, ["maand"]),
    ({"gemeentecode": "0363", "maand": "2026-13"}, ["maand"]),
    ({"gemeentecode": "0363", "maand": "2026-1"}, ["maand"]),
    ({"gemeentecode": "03630", "maand": "2026-05"}, ["gemeentecode"]),
    ({"gemeentecode": "0363", "maand": "2026-05", "extra": "x"}, ["extra"]),
])
def test_bad_efforts_parameters_answer_400_problem(api, params, names):
    assert_invalid(api.get(EFFORTS, params), *names)


def test_creditors_in_one_household_each_see_only_their_own_signal(api, other_api, municipality, worker):
    case = open_case(municipality, {"creditor": api.creditor}, {"creditor": other_api.creditor})
    reach(case, worker)
    case_services.case_close(case=case, outcome=Outcome.VERVOLGHULP_FINANCIEEL, by=worker, now=NOW)
    mine, theirs = read_all(api, 5), read_all(other_api, 5)
    assert len(mine) == len(theirs) == 1
    own = {s.creditor_id: s.signal_id for s in (link.signal for link in case.case_signals.select_related("signal"))}
    assert mine[0]["signaalId"] == own[api.creditor.pk]
    assert theirs[0]["signaalId"] == own[other_api.creditor.pk]
    assert api.get(f"/api/v1/signalen/{own[other_api.creditor.pk]}").status_code == 404
