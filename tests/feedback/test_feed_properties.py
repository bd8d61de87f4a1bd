"""Property test of the feedback feed over random case histories (issue 5, "Done when").

Each example builds a random history through the real services — several creditors' signals in one
case (one household), signals ended by the checks, contact attempts, closures with random DDAS end
results, the day-28 job, reopenings and later closures — and then reads every creditor's feed
through the API with a random page size. It asserts that the feed holds only the contract's nine
codes and fields, that each creditor sees exactly its own issued statuses once each in issue order,
that nothing about another creditor, the help type, the reason, contact results or an address
leaks, and that `GET /api/v1/signalen/{id}` shows the latest code.

The number of random histories is ``FEED_PROPERTY_EXAMPLES`` (default 100, about 15 s on
SQLite). The issue's figure is ``FEED_PROPERTY_EXAMPLES=10000``, e.g. on PostgreSQL:

    FEED_PROPERTY_EXAMPLES=10000 DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
        .venv/bin/pytest tests/feedback/test_feed_properties.py

Every example runs in a savepoint that is rolled back afterwards, and uses fresh creditors and
keys, so each starts from a clean state.
"""
import datetime as dt
import json
import os

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from cases import services as case_services
from cases.exceptions import CaseActionError
from cases.models import Case, CaseStatus
from contacts.models import Reached
from contacts.services import contact_attempt_register
from feedback.models import FeedbackCode
from signals import transitions
from signals.models import SignalStatus
from tests.caches import own_caches
from tests.factories import CreditorFactory, aware, issued_key, make_signal
from tests.feedback.helpers import OPENED
from vroegsignalering.common.vocab import NOT_PICKED_UP, OUTCOMES, ContactKind, Outcome

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FEED_PROPERTY_EXAMPLES", "100"))
FEED = "/api/v1/terugkoppelingen"
CONTRACT_FIELDS = {"id", "signaalId", "gemeentecode", "code", "omschrijving", "datum", "incassorustTot"}
NOT_PICKED_UP_CODES = {"niet_opgepakt_herhaalde_melding", "niet_opgepakt_onterecht_signaal", "niet_opgepakt"}
# End results the checks can give a signal that never becomes a case.
CHECK_OUTCOMES = sorted(NOT_PICKED_UP | {Outcome.OVERLEDEN, Outcome.GEEN_INWONER, Outcome.BEKEND_BIJ_SHV})
PHASE_1 = aware(2026, 6, 2, 8)   # within the 28-day window (opened 1 June, window ends 29 June 00:00)
EXPIRY = aware(2026, 6, 29, 1)   # the day-28 job
PHASE_2 = aware(2026, 7, 1, 8)   # after the window: only reopened cases accept work
# Words that would reveal more than the contract allows: the help type, reasons, contact results.
FORBIDDEN_WORDS = sorted(({o.value for o in Outcome} - set(FeedbackCode.labels))
                         | {k.lower() for k in ContactKind.names} | {"Proefstraat", "0612345678", "test@example.com",
                                                      "bereikt", "reden", "adres", "postcode", "huisnummer"})

_ops = st.tuples(st.integers(0, 2),
                 st.sampled_from(["attempt_ja", "attempt_nee", "close", "close", "close_consent", "reopen"]),
                 st.sampled_from(list(Outcome)))
histories = st.fixed_dictionaries({
    "creditors": st.integers(1, 3),
    # per case: the creditor index of each of its signals (two signals of one creditor may share a case)
    "cases": st.lists(st.lists(st.integers(0, 2), min_size=1, max_size=3), min_size=1, max_size=3),
    "checked": st.lists(st.tuples(st.integers(0, 2), st.sampled_from(CHECK_OUTCOMES)), max_size=3),
    "ops": st.lists(_ops, max_size=14),
    "expire_at": st.integers(0, 14),
    "limits": st.lists(st.one_of(st.integers(1, 5), st.integers(6, 500)), min_size=3, max_size=3),
})


def _read_all(client, limit: int) -> list[dict]:
    items, cursor = [], None
    for _ in range(10_000):
        query = {"limiet": limit} | ({"vanaf": cursor} if cursor else {})
        response = client.get(FEED, query)
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"terugkoppelingen", "volgende"}
        assert len(body["terugkoppelingen"]) <= limit
        for word in FORBIDDEN_WORDS:
            assert word not in response.content.decode(), word
        items += body["terugkoppelingen"]
        if body["volgende"] is None:
            assert body["terugkoppelingen"] == []
            return items
        cursor = body["volgende"]
    raise AssertionError("the feed never ended")


def _run(history: dict, municipality, worker) -> None:
    creditors = [CreditorFactory() for _ in range(history["creditors"])]
    clients = []
    for creditor in creditors:
        client = APIClient()
        client.credentials(HTTP_X_API_KEY=issued_key(creditor))
        clients.append(client)
    expected: dict[int, list[tuple[str, str]]] = {c.pk: [] for c in creditors}  # creditor → [(signaalId, code)]
    own: dict[int, set[str]] = {c.pk: set() for c in creditors}

    def issued_for_case(case: Case, consent: bool = False) -> None:
        code = OUTCOMES[Outcome(case.outcome)][1]
        if consent:  # the resident agreed that the creditor hears 'geen hulp gewenst'
            assert case.outcome == Outcome.GEEN_HULP_GEWENST
            code = "geen_hulp_gewenst"
        for link in case.case_signals.select_related("signal").order_by("signal_id"):
            expected[link.signal.creditor_id].append((link.signal.signal_id, code))

    # Signals ended by the checks (not picked up, deceased, not resident, known to SHV).
    for who, outcome in history["checked"]:
        creditor = creditors[who % len(creditors)]
        signal = make_signal(municipality, at=900, creditor=creditor, status=SignalStatus.IN_CONTROLE)
        own[creditor.pk].add(signal.signal_id)
        with transaction.atomic():
            transitions.signal_end(signal, outcome, OPENED - dt.timedelta(days=1), params={"reason": "test"})
        expected[creditor.pk].append((signal.signal_id, OUTCOMES[outcome][1]))

    # One case per address (a household), each holding signals of one or more creditors.
    for n, members in enumerate(history["cases"]):
        for who in members:
            creditor = creditors[who % len(creditors)]
            signal = make_signal(municipality, at=10 + n, creditor=creditor)
            own[creditor.pk].add(signal.signal_id)
    case_services.period_close(municipality=municipality, now=OPENED)
    cases = list(Case.objects.filter(municipality=municipality).order_by("pk"))
    assert len(cases) == len(history["cases"])
    for case in cases:
        if case.status == CaseStatus.GESLOTEN:  # closed at routing
            issued_for_case(case)

    ops = history["ops"]
    expire_at = min(history["expire_at"], len(ops))
    for i in range(len(ops) + 1):
        if i == expire_at:
            due = [c.pk for c in Case.objects.filter(pk__in=[c.pk for c in cases], status__in=(
                CaseStatus.OPEN, CaseStatus.IN_BEHANDELING))]
            case_services.cases_close_expired(now=EXPIRY)
            for case in Case.objects.filter(pk__in=due).order_by("pk"):
                assert case.status == CaseStatus.GESLOTEN
                assert case.outcome in (Outcome.GEEN_CONTACT, Outcome.GEEN_REACTIE_NA_CONTACT)
                issued_for_case(case)
        if i == len(ops):
            break
        which, op, outcome = ops[i]
        now = (PHASE_1 if i < expire_at else PHASE_2) + dt.timedelta(hours=i)
        case = cases[which % len(cases)]
        try:
            if op.startswith("attempt"):
                contact_attempt_register(case=case, kind=ContactKind.TELEFOON, at=now, by=worker, now=now,
                                         reached=Reached.JA if op == "attempt_ja" else Reached.NEE)
            elif op.startswith("close"):
                consent = op == "close_consent"  # refused unless the outcome is 'geen hulp gewenst'
                closed = case_services.case_close(case=case, outcome=outcome, by=worker, now=now, consent=consent)
                issued_for_case(closed, consent)
            else:
                case_services.case_reopen(case=case, reason="Alsnog hulp", by=worker, now=now)
        except CaseActionError:
            pass  # refused by the service (closed, window passed, not reached, …): nothing issued

    every_signal = set().union(*own.values())
    for creditor, client, limit in zip(creditors, clients, history["limits"] * 3, strict=False):
        items = _read_all(client, limit)
        for item in items:
            assert set(item) == CONTRACT_FIELDS
            assert item["code"] in FeedbackCode.values
            assert item["omschrijving"] == FeedbackCode(item["code"]).label
            assert item["gemeentecode"] == municipality.cbs_code
            assert item["signaalId"] in own[creditor.pk]
            if item["code"] == FeedbackCode.HULP_GEACCEPTEERD:
                assert item["incassorustTot"] == (dt.date.fromisoformat(item["datum"]) + dt.timedelta(days=30)
                                                  ).isoformat()
            else:
                assert item["incassorustTot"] is None
        text = json.dumps(items)
        for foreign in every_signal - own[creditor.pk]:
            assert foreign not in text
        # Each issued status exactly once, in issue order.
        assert len({i["id"] for i in items}) == len(items)
        assert [(i["signaalId"], i["code"]) for i in items] == expected[creditor.pk]
        latest = {}
        for signal_id, code in expected[creditor.pk]:
            latest[signal_id] = code
        for signal_id in own[creditor.pk]:
            response = client.get(f"/api/v1/signalen/{signal_id}")
            assert response.status_code == 200, response.content
            assert response.json()["status"] == latest.get(signal_id, "ontvangen")
        for foreign in every_signal - own[creditor.pk]:
            assert client.get(f"/api/v1/signalen/{foreign}").status_code == 404


@settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(history=histories)
def test_feed_over_random_case_histories(history, municipality, worker):
    # Rate limits and cached keys: a clean cache per example.
    with override_settings(CACHES=own_caches(django_settings.CACHES)), transaction.atomic():
        _run(history, municipality, worker)
        transaction.set_rollback(True)
