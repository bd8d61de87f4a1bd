"""The statistics store follows each case as the period close, workers and the day-28 job move it:
opened, contact attempts and replies, closed, reopened, closed at routing as known to debt
assistance, a crisis case, the expiry. After each event the case's, attempts' and signals' facts
are exactly right."""
import datetime as dt

import pytest

from cases import services
from cases.models import Case, CaseStatus, MatchType
from contacts.models import ContactAttempt, Reached
from contacts.services import contact_attempt_record_reply
from monitor.models import AmountClass, AttemptFact, CaseFact, NotPickedUpReason, SignalFact
from monitor.recording import record_cases
from signals.models import SignalStatus
from tests.factories import TEAM_NOW, aware, make_cases, make_signal, open_case, reach
from vroegsignalering.common import dates
from vroegsignalering.common.vocab import ContactKind, CreditorKind, Dagdeel, MonitorCategory, Outcome, SignalKind

pytestmark = pytest.mark.django_db


def case_fact(case) -> CaseFact:
    return CaseFact.objects.get(case_ref=case.pk)


@pytest.fixture
def case(gemeente):
    return open_case(gemeente, {"kind": CreditorKind.ZORGVERZEKERING, "amount": "300.00"},
                     {"kind": CreditorKind.HUUR, "amount": "450.00"})


def test_the_period_close_records_the_case_and_links_its_signals(gemeente, case):
    row = case_fact(case)
    # Formed at the close on 1 June from May's signals: it counts in May, the month its period ends in.
    assert (row.municipality, row.month, row.opened_on) == (gemeente, dt.date(2026, 5, 1), dt.date(2026, 6, 1))
    assert case.period_end.replace(day=1) == dt.date(2026, 5, 1)
    assert (row.period_start, row.period_end) == (case.period_start, case.period_end)
    assert (row.match_type, row.recidive, row.is_crisis, row.signal_count) == (MatchType.MEERVOUDIG, False, False, 2)
    assert row.amount_class == AmountClass.TOT_1000  # 300 + 450 together
    assert (row.status, row.outcome, row.monitor_category, row.closed_on) == (CaseStatus.OPEN, "", "", None)
    assert (row.attempts, row.reached, row.reopened, row.closed_at_routing) == (0, False, False, False)
    signals = SignalFact.objects.filter(case_ref=case.pk)
    assert signals.count() == 2
    assert set(signals.values_list("status", "not_picked_up")) == {(SignalStatus.IN_MELDING, "")}


def test_attempts_and_a_reply_are_recorded_with_kind_dagdeel_and_reached(case, worker):
    reach(case, worker, kind=ContactKind.TELEFOON, reached=Reached.NEE, at=aware(2026, 6, 3, 10))
    row = case_fact(case)
    assert (row.status, row.attempts, row.reached) == (CaseStatus.IN_BEHANDELING, 1, False)
    letter = reach(case, worker, kind=ContactKind.BRIEF, reached=Reached.ONBEKEND, at=aware(2026, 6, 4, 19))
    facts = {f.attempt_ref: f for f in AttemptFact.objects.filter(case_ref=case.pk)}
    assert len(facts) == 2 and case_fact(case).attempts == 2 and not case_fact(case).reached
    written = facts[letter.pk]
    assert (written.kind, written.dagdeel, written.reached, written.replied) == (
        ContactKind.BRIEF, Dagdeel.AVOND, Reached.ONBEKEND, False)
    assert (written.on, written.month, written.municipality_id) == (dt.date(2026, 6, 4), dt.date(2026, 6, 1),
                                                                   case.municipality_id)
    contact_attempt_record_reply(attempt=letter, at=aware(2026, 6, 8, 11), by=worker, now=TEAM_NOW)
    replied = AttemptFact.objects.get(attempt_ref=letter.pk)
    assert (replied.reached, replied.replied) == (Reached.JA, True)
    assert case_fact(case).reached is True


def test_closing_and_reopening_are_recorded(case, worker):
    reach(case, worker)
    services.case_close(case=case, outcome=Outcome.QUICK_FIX, by=worker, first_reaction="positief",
                        help_description="Betalingsregeling met de verhuurder", now=TEAM_NOW)
    row = case_fact(case)
    assert (row.status, row.outcome, row.monitor_category, row.first_reaction, row.closed_on) == (
        CaseStatus.GESLOTEN, Outcome.QUICK_FIX, MonitorCategory.HULP_QUICK_FIX, "positief", dt.date(2026, 6, 10))
    services.case_reopen(case=case, reason="Toch hulp aanvaard", by=worker, now=TEAM_NOW + dt.timedelta(days=2))
    row = case_fact(case)
    assert (row.status, row.reopened) == (CaseStatus.HEROPEND, True)
    # The help type of the earlier close stays until it is closed again.
    assert row.outcome == Outcome.QUICK_FIX
    services.case_close(case=case, outcome=Outcome.VERVOLGHULP_FINANCIEEL, by=worker,
                        now=TEAM_NOW + dt.timedelta(days=3))
    row = case_fact(case)
    assert (row.status, row.outcome, row.monitor_category, row.reopened, row.closed_on) == (
        CaseStatus.GESLOTEN, Outcome.VERVOLGHULP_FINANCIEEL, MonitorCategory.HULP_FINANCIEEL, True,
        dt.date(2026, 6, 13))


def test_a_household_known_to_debt_assistance_is_closed_at_routing_and_not_picked_up(gemeente):
    case = open_case(gemeente, {"shv": "bekend"})
    assert (case.status, case.outcome) == (CaseStatus.GESLOTEN, Outcome.BEKEND_BIJ_SHV)
    row = case_fact(case)
    assert (row.closed_at_routing, row.status, row.outcome, row.monitor_category) == (
        True, CaseStatus.GESLOTEN, Outcome.BEKEND_BIJ_SHV, MonitorCategory.BEKEND_BIJ_SHV)
    signal = SignalFact.objects.get(case_ref=case.pk)
    assert (signal.status, signal.not_picked_up) == (SignalStatus.IN_MELDING, NotPickedUpReason.BEKEND_SHV)


def test_a_crisis_signal_opens_a_crisis_case_at_once(gemeente):
    signal = make_signal(gemeente, at=7, kind=CreditorKind.ELEKTRICITEIT, signal_kind=SignalKind.AFSLUITING)
    case = services.case_open_for_crisis(signal=signal, now=TEAM_NOW)
    row = case_fact(case)
    assert (row.is_crisis, row.signal_count, row.month) == (True, 1, dt.date(2026, 6, 1))
    signal_row = SignalFact.objects.get(signal_ref=signal.pk)
    assert (signal_row.is_crisis, signal_row.case_ref, signal_row.status) == (True, case.pk, SignalStatus.IN_MELDING)


def test_a_late_signal_joining_the_case_updates_its_count_and_type(gemeente):
    case = open_case(gemeente, {"kind": CreditorKind.ZORGVERZEKERING})
    assert (case_fact(case).signal_count, case_fact(case).match_type) == (1, MatchType.ENKELVOUDIG)
    late = make_signal(gemeente, at=1, kind=CreditorKind.HUUR)
    assert services.case_join_late_signal(signal=late, now=TEAM_NOW) is not None
    row = case_fact(case)
    assert (row.signal_count, row.match_type) == (2, MatchType.MEERVOUDIG)
    assert SignalFact.objects.get(signal_ref=late.pk).case_ref == case.pk


def test_the_day_28_job_closes_in_bulk_and_the_facts_follow(gemeente, worker):
    reached_case, silent = make_cases(gemeente, 2)
    reach(reached_case, worker)
    counts = services.cases_close_expired(now=aware(2026, 7, 2, 6))
    assert counts["closed"] == 2
    for case, outcome, category in ((reached_case, Outcome.GEEN_REACTIE_NA_CONTACT, MonitorCategory.BEREIKT_GEEN_HULP),
                                    (silent, Outcome.GEEN_CONTACT, MonitorCategory.NIET_BEREIKT)):
        row = case_fact(case)
        assert (row.status, row.outcome, row.monitor_category) == (CaseStatus.GESLOTEN, outcome, category)
        assert row.closed_on == dates.local_date(Case.objects.get(pk=case.pk).closed_at)


def test_recording_a_case_twice_changes_nothing_and_keeps_the_export_id(case, worker):
    reach(case, worker)
    row = case_fact(case)
    assert record_cases([case.pk]) == 0
    again = case_fact(case)
    assert (again.export_id, again.updated_at) == (row.export_id, row.updated_at)
    assert AttemptFact.objects.count() == ContactAttempt.objects.count() == 1


def test_the_facts_of_many_cases_are_recorded_in_few_queries(gemeente, worker, django_assert_max_num_queries):
    cases = make_cases(gemeente, 20)
    for case in cases[:5]:
        reach(case, worker)
    assert CaseFact.objects.count() == 20 and AttemptFact.objects.count() == 5
    with django_assert_max_num_queries(10):
        assert record_cases([case.pk for case in cases]) == 0
