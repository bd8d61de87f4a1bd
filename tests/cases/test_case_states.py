"""The case state machine: every allowed and forbidden transition, on the model and through the
services; the day-28 closure with time travel; reopening within and after the term."""
import datetime as dt

import pytest
from django.db import transaction
from django_fsm import ConcurrentTransition

from accounts.models import Role
from cases import services
from cases.exceptions import CaseActionError, CaseWindowClosedError
from cases.history import case_history_text
from cases.models import Case, CaseEvent, CaseHistory, CasePolicy, CaseStatus
from contacts.models import Reached
from contacts.services import contact_attempt_register
from tests.factories import MunicipalityFactory, UserFactory, aware, make_signal
from tests.fsm import assert_transition, in_state, transition_walk
from vroegsignalering.common.vocab import ContactKind, Outcome

S = CaseStatus
NOW = aware(2026, 6, 10, 12)

# transition → (arguments, allowed sources, target)
TRANSITIONS = {
    "start_work": ((), {S.OPEN}, S.IN_BEHANDELING),
    "close": ((Outcome.QUICK_FIX, NOW), {S.OPEN, S.IN_BEHANDELING, S.HEROPEND}, S.GESLOTEN),
    "expire": ((Outcome.GEEN_CONTACT, NOW), {S.OPEN, S.IN_BEHANDELING}, S.GESLOTEN),
    "reopen": (("Inwoner belde alsnog", NOW), {S.GESLOTEN}, S.HEROPEND),
}


def case_in(status: str) -> Case:
    return in_state(Case, status)


@transition_walk(TRANSITIONS, S.values)
def test_transition(name, source):
    assert_transition(TRANSITIONS, case_in, name, source)


def test_every_state_is_reachable_and_none_is_a_dead_end():
    targets = {target for _, _, target in TRANSITIONS.values()}
    assert targets | {S.OPEN} == set(S.values)
    sources = set().union(*(allowed for _, allowed, _ in TRANSITIONS.values()))
    assert sources == set(S.values)  # gesloten can still be reopened (late help acceptance)


def test_the_status_cannot_be_set_directly():
    with pytest.raises(AttributeError):
        case_in(S.OPEN).status = S.GESLOTEN


def test_transitions_record_outcome_and_moments():
    case = case_in(S.IN_BEHANDELING)
    case.close(Outcome.ZELF_BETAALD, NOW)
    assert (case.outcome, case.closed_at) == (Outcome.ZELF_BETAALD, NOW)
    case.reopen("Alsnog hulp", NOW)
    assert (case.reopen_reason, case.reopened_at) == ("Alsnog hulp", NOW)


# --- through the services (database) ------------------------------------------------------------------

OPENED = aware(2026, 6, 1, 6)  # period close of May: the window runs 1 … 28 June
LAST_MINUTE = aware(2026, 6, 28, 23, 59)
DAY_28 = aware(2026, 6, 29, 0, 0)


@pytest.fixture
def worker(gemeente):
    return UserFactory(first_name="Wil", last_name="Werker", municipalities=[gemeente])


@pytest.fixture
def case(gemeente):
    make_signal(gemeente, at=1)
    services.period_close(municipality=gemeente, now=OPENED)
    return Case.objects.get()


def reload(case):
    return Case.objects.get(pk=case.pk)


def attempt(case, worker, reached=Reached.NEE, at=None, now=None):
    at = at or aware(2026, 6, 3, 10)
    return contact_attempt_register(case=case, kind=ContactKind.TELEFOON, at=at, reached=reached, by=worker,
                                    now=now or at + dt.timedelta(minutes=1))


def test_first_contact_attempt_moves_open_to_in_behandeling(case, worker):
    attempt(case, worker)
    case = reload(case)
    assert case.status == S.IN_BEHANDELING
    row = CaseHistory.objects.filter(case=case, event="status").get()
    assert (row.from_status, row.to_status, row.actor, row.actor_name) == (S.OPEN, S.IN_BEHANDELING, worker,
                                                                           "Wil Werker")
    attempt(case, worker, at=aware(2026, 6, 4, 10))
    assert reload(case).status == S.IN_BEHANDELING
    assert CaseHistory.objects.filter(case=case, event="status").count() == 1


@pytest.mark.parametrize("start", [S.OPEN, S.IN_BEHANDELING])
def test_close_with_an_outcome_from_open_and_in_behandeling(case, worker, start):
    if start == S.IN_BEHANDELING:
        attempt(case, worker, reached=Reached.JA)
    closed = services.case_close(case=case, outcome=Outcome.VERVOLGHULP_FINANCIEEL if start == S.IN_BEHANDELING
                                 else Outcome.VERWIJZING_ZONDER_CONTACT, by=worker, now=NOW)
    assert closed.status == S.GESLOTEN and closed.closed_at == NOW == closed.first_closed_at
    row = CaseHistory.objects.filter(case=case).last()
    assert (row.from_status, row.to_status, row.actor) == (start, S.GESLOTEN, worker)


def test_help_accepted_needs_a_reached_resident(case, worker):
    attempt(case, worker, reached=Reached.NEE)
    with pytest.raises(CaseActionError, match="vraagt dat de inwoner is bereikt"):
        services.case_close(case=case, outcome=Outcome.QUICK_FIX, by=worker, now=NOW)
    assert reload(case).status == S.IN_BEHANDELING


def test_unknown_outcome_is_refused(case, worker):
    with pytest.raises(CaseActionError, match="Onbekend eindresultaat"):
        services.case_close(case=case, outcome="wil hulp", by=worker, now=NOW)


def test_closing_a_closed_case_is_refused_with_a_dutch_message(case, worker):
    services.case_close(case=case, outcome=Outcome.VERWIJZING_ZONDER_CONTACT, by=worker, now=NOW)
    with pytest.raises(CaseWindowClosedError, match="Deze melding is gesloten op 10 juni 2026"):
        services.case_close(case=case, outcome=Outcome.GEEN_CONTACT, by=worker, now=NOW)


def test_outcome_after_the_window_is_refused_even_before_the_job_ran(case, worker):
    with pytest.raises(CaseWindowClosedError, match="De termijn van 28 dagen voor deze melding is verstreken"):
        services.case_close(case=case, outcome=Outcome.VERWIJZING_ZONDER_CONTACT, by=worker, now=DAY_28)
    closed = services.case_close(case=case, outcome=Outcome.VERWIJZING_ZONDER_CONTACT, by=worker, now=LAST_MINUTE)
    assert closed.status == S.GESLOTEN


def test_stale_instance_loses_cleanly(case, worker):
    first, second = reload(case), reload(case)
    first.start_work()
    first.save()
    second.close(Outcome.GEEN_CONTACT, NOW)
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.save()
    assert reload(case).status == S.IN_BEHANDELING


# --- day 28 --------------------------------------------------------------------------------------------


def test_day_28_closure_with_time_travel(gemeente, worker):
    for n in range(1, 4):
        make_signal(gemeente, at=n)
    services.period_close(municipality=gemeente, now=OPENED)
    silent, reached, handled = Case.objects.order_by("pk")
    attempt(reached, worker, reached=Reached.JA)
    attempt(silent, worker, reached=Reached.NEE)
    services.case_close(case=handled, outcome=Outcome.VERWIJZING_ZONDER_CONTACT, by=worker, now=NOW)

    assert services.cases_close_expired(now=LAST_MINUTE)["closed"] == 0
    counts = services.cases_close_expired(now=DAY_28)
    assert counts == {"closed": 2, "GEEN_CONTACT": 1, "GEEN_REACTIE_NA_CONTACT": 1}
    silent, reached, handled = (reload(c) for c in (silent, reached, handled))
    assert (silent.status, silent.outcome) == (S.GESLOTEN, Outcome.GEEN_CONTACT)
    assert (reached.status, reached.outcome) == (S.GESLOTEN, Outcome.GEEN_REACTIE_NA_CONTACT)
    assert silent.closed_at == DAY_28  # closed as of the window's end, whenever the job runs
    assert handled.outcome == Outcome.VERWIJZING_ZONDER_CONTACT and handled.closed_at == NOW
    row = CaseHistory.objects.filter(case=silent).last()
    assert (row.from_status, row.to_status, row.actor_name) == (S.IN_BEHANDELING, S.GESLOTEN, "systeem")
    assert "de termijn van 28 dagen eindigde op zondag 28 juni 2026" in case_history_text(row)
    # Idempotent: running again (or late) changes nothing.
    assert services.cases_close_expired(now=DAY_28 + dt.timedelta(days=3))["closed"] == 0


def test_an_open_case_never_contacted_expires_as_geen_contact(case):
    counts = services.cases_close_expired(now=aware(2026, 7, 2, 3))
    assert counts["GEEN_CONTACT"] == 1
    case = reload(case)
    assert case.history.last().from_status == S.OPEN
    assert case.closed_at == DAY_28


# --- reopening (late help acceptance) -----------------------------------------------------------------


def test_reopen_within_the_term_and_close_again(case, worker):
    services.cases_close_expired(now=DAY_28)
    reopened = services.case_reopen(case=case, reason="Inwoner belde op 20 augustus: wil alsnog hulp",
                                    by=worker, now=aware(2026, 8, 20, 11))
    assert reopened.status == S.HEROPEND and reopened.reopened_at == aware(2026, 8, 20, 11)
    # Work may be registered on a reopened case although its window has long passed.
    attempt(reopened, worker, reached=Reached.JA, at=aware(2026, 8, 20, 11, 5))
    closed = services.case_close(case=reopened, outcome=Outcome.VERVOLGHULP_FINANCIEEL, by=worker,
                                 now=aware(2026, 8, 21, 9))
    assert closed.status == S.GESLOTEN and closed.outcome == Outcome.VERVOLGHULP_FINANCIEEL
    assert closed.first_closed_at == DAY_28
    row = reload(case).history.filter(event="status", to_status=S.HEROPEND).get()
    assert case_history_text(row).startswith("Heropend (late hulpacceptatie)")


def test_reopen_term_runs_from_the_first_closing(case, worker):
    services.cases_close_expired(now=DAY_28)  # first closed 29 June 00:00 → term until 29 September 00:00
    assert services.case_reopen(case=case, reason="Alsnog hulp", by=worker, now=aware(2026, 9, 28, 23, 59))
    services.case_close(case=case, outcome=Outcome.VERWIJZING_ZONDER_CONTACT,
                        by=worker, now=aware(2026, 9, 28, 23, 59))
    with pytest.raises(CaseActionError, match="De termijn om deze melding te heropenen is verstreken"):
        services.case_reopen(case=case, reason="Nog eens", by=worker, now=aware(2026, 9, 29, 0, 1))


def test_reopen_after_the_term_is_refused(case, worker):
    services.cases_close_expired(now=DAY_28)
    with pytest.raises(CaseActionError, match=r"3 maanden na sluiting op maandag 29 juni 2026"):
        services.case_reopen(case=case, reason="Te laat", by=worker, now=aware(2026, 9, 29, 0, 1))
    assert reload(case).status == S.GESLOTEN


def test_reopen_term_is_configurable(case, gemeente, worker):
    CasePolicy.objects.create(municipality=gemeente, reopen_term_months=1)
    services.cases_close_expired(now=DAY_28)
    with pytest.raises(CaseActionError):
        services.case_reopen(case=case, reason="Alsnog", by=worker, now=aware(2026, 7, 29, 0, 1))
    assert services.case_reopen(case=case, reason="Alsnog", by=worker, now=aware(2026, 7, 28, 23)).status == S.HEROPEND


@pytest.mark.parametrize("start", [S.OPEN, S.IN_BEHANDELING, S.HEROPEND])
def test_reopen_is_only_for_closed_cases(case, worker, start):
    if start == S.IN_BEHANDELING:
        attempt(case, worker)
    if start == S.HEROPEND:
        services.cases_close_expired(now=DAY_28)
        services.case_reopen(case=case, reason="Alsnog", by=worker, now=DAY_28)
    with pytest.raises(CaseActionError, match="Alleen een gesloten melding kan worden heropend"):
        services.case_reopen(case=case, reason="Alsnog", by=worker, now=DAY_28)


def test_reopen_needs_a_reason(case, worker):
    services.cases_close_expired(now=DAY_28)
    with pytest.raises(CaseActionError, match="Geef een reden"):
        services.case_reopen(case=case, reason="  ", by=worker, now=DAY_28)


def test_a_reopened_case_is_not_closed_by_the_day_28_job(case, worker):
    services.cases_close_expired(now=DAY_28)
    services.case_reopen(case=case, reason="Alsnog", by=worker, now=DAY_28)
    assert services.cases_close_expired(now=aware(2026, 8, 1))["closed"] == 0
    assert reload(case).status == S.HEROPEND


def test_assign_to_a_worker_of_the_municipality(case, worker):
    outsider = UserFactory(municipalities=[MunicipalityFactory(cbs_code="0200", name="Elders")])
    with pytest.raises(CaseActionError, match="werkt niet voor de gemeente"):
        services.case_assign(case=case, worker=outsider, by=worker, now=NOW)
    assert services.case_assign(case=case, worker=worker, by=worker, now=NOW).assigned_to == worker
    assert case_history_text(reload(case).history.last()) == "Toegewezen aan Wil Werker."


def test_assign_checks_what_the_team_lead_screen_checks(case, worker, gemeente):
    """``case_assign`` is the bulk assignment for one case: the same refusals, and nothing changes."""
    admin = UserFactory(role=Role.FUNCTIONEEL_BEHEERDER, municipalities=[gemeente], username="beheer")
    gone = UserFactory(municipalities=[gemeente], username="weg", is_active=False)
    for person in (admin, gone):
        with pytest.raises(CaseActionError, match="behandelt geen meldingen") as refused:
            services.case_assign(case=case, worker=person, by=worker, now=NOW)
        assert refused.value.fields == {"medewerker": refused.value.messages[0]}
    services.case_close(case=case, outcome=Outcome.VERWIJZING_ZONDER_CONTACT, by=worker, now=NOW)
    with pytest.raises(CaseActionError, match=f"melding {case.pk} is gesloten"):
        services.case_assign(case=case, worker=worker, by=worker, now=NOW)
    assert reload(case).assigned_to is None
    assert not reload(case).history.filter(event=CaseEvent.ASSIGNED).exists()


def test_unassign_and_assigning_the_same_worker_again(case, worker):
    services.case_assign(case=case, worker=worker, by=worker, now=NOW)
    assert services.case_assign(case=case, worker=worker, by=worker, now=NOW).assigned_to == worker
    assert reload(case).history.filter(event=CaseEvent.ASSIGNED).count() == 1  # the same worker again: no row
    assert services.case_assign(case=case, worker=None, by=worker, now=NOW).assigned_to is None
    assert reload(case).assigned_to is None
    assert case_history_text(reload(case).history.last()) == "Toewijzing opgeheven."
