"""The sweeper with an injected clock: each step fires once at its time; a step run twice runs once;
nothing after a close or a reach; a reopened case does not resume; item 5's intermediate result.

Message and letter steps are handed to the gateway and letters parts (``outreach.sending``,
``outreach.letters``), which land on other branches: here they are only claimed (their Celery task is
captured, not run); the lead's end-to-end month covers the sending."""
import datetime as dt

import pytest

from cases.services import case_close, case_reopen, cases_close_expired
from contacts.models import CaseTask, ContactAttempt, Reached, TaskKind, TaskStatus
from contacts.services import contact_attempt_record_reply, contact_attempt_register, visit_plan
from outreach import services
from outreach.models import (
    CaseOutreach,
    CaseOutreachStep,
    OutreachSettings,
    SkipReason,
    StepKind,
    StepStatus,
    StopReason,
)
from tests.factories import aware
from tests.outreach.engine_support import make_plan, routed_case
from vroegsignalering.common.vocab import ContactKind, Dagdeel, Outcome

MONDAY = aware(2026, 5, 4, 6, 30)
TASKS = [(0, StepKind.BELLEN), (4, StepKind.BELLEN), (8, StepKind.HUISBEZOEK)]


def ticks(start, end, minutes=30):
    moment = start
    while moment <= end:
        yield moment
        moment += dt.timedelta(minutes=minutes)


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """sweep(now, run=True): one beat; the enqueued step tasks run (eagerly) unless ``run`` is False.
    Returns the ids of the steps enqueued."""

    def beat(now, run=True):
        with django_capture_on_commit_callbacks(execute=run) as callbacks:
            services.sweep(now)
        return len(callbacks)

    return beat


def test_task_steps_fire_once_each_at_their_time(gemeente, worker, sweep):
    make_plan(gemeente, TASKS)
    case = routed_case(gemeente, routed_at=MONDAY, assigned_to=worker)
    fired = {}
    for now in ticks(MONDAY, MONDAY + dt.timedelta(days=12)):
        sweep(now)
        for task in CaseTask.objects.filter(case=case).exclude(pk__in=[t.pk for t in fired.values()]):
            fired[now] = task
    steps = list(CaseOutreachStep.objects.filter(case=case).order_by("position"))
    assert [s.status for s in steps] == [StepStatus.TAAK] * 3
    assert CaseTask.objects.filter(case=case).count() == 3
    # Each fired at the first beat at or after its due moment (beats every 30 minutes from 06:30).
    assert sorted(fired) == [aware(2026, 5, 4, 8), aware(2026, 5, 8, 8), aware(2026, 5, 12, 8)]
    tasks = sorted(fired.values(), key=lambda t: t.due_date)
    assert [(t.kind, t.due_date, t.assigned_to) for t in tasks] == [
        (TaskKind.BELLEN, dt.date(2026, 5, 4), worker), (TaskKind.BELLEN, dt.date(2026, 5, 8), worker),
        (TaskKind.HUISBEZOEK, dt.date(2026, 5, 12), None)]
    assert case.history.filter(params__kind="task").count() == 3


def test_message_and_letter_steps_are_claimed_once_at_their_time_and_re_enqueued_after_the_lease(gemeente,
                                                                                                  sweep):
    make_plan(gemeente, [(0, StepKind.SMS), (1, StepKind.EMAIL), (1, StepKind.BRIEF)])
    case = routed_case(gemeente, routed_at=MONDAY)
    claims = []
    for now in ticks(MONDAY, MONDAY + dt.timedelta(days=3), minutes=5):
        before = set(CaseOutreachStep.objects.filter(case=case, status=StepStatus.BEZIG).values_list("pk", flat=True))
        enqueued = sweep(now, run=False)
        after = CaseOutreachStep.objects.filter(case=case, status=StepStatus.BEZIG).exclude(pk__in=before)
        claims.extend((now, step.position) for step in after)
        if enqueued and not after.exists():
            claims.append((now, "opnieuw"))
    assert [c for c in claims if c[1] != "opnieuw"] == [
        (aware(2026, 5, 4, 8), 1), (aware(2026, 5, 5, 8), 3), (aware(2026, 5, 6, 8), 2)]  # e-mail after 5 May
    # Never run here (no worker): re-enqueued after each 10-minute lease, never claimed twice.
    assert (aware(2026, 5, 4, 8, 10), "opnieuw") in claims


def test_step_run_twice_is_once(gemeente, sweep):
    make_plan(gemeente, [(0, StepKind.BELLEN)])
    case = routed_case(gemeente, routed_at=MONDAY)
    now = aware(2026, 5, 4, 8)
    sweep(now, run=False)
    step = CaseOutreachStep.objects.get(case=case)
    assert step.status == StepStatus.BEZIG
    assert services.step_run(step.pk, now=now) == StepStatus.TAAK
    assert services.step_run(step.pk, now=now + dt.timedelta(minutes=11)) == StepStatus.TAAK
    assert CaseTask.objects.filter(case=case).count() == 1
    sweep(now + dt.timedelta(minutes=15))  # nothing left to claim or re-enqueue
    assert CaseTask.objects.filter(case=case).count() == 1


def _started(gemeente, sweep, steps=TASKS, **kwargs):
    make_plan(gemeente, steps)
    case = routed_case(gemeente, routed_at=MONDAY, **kwargs)
    sweep(aware(2026, 5, 4, 8))  # the run starts, the day-0 task is made
    return case


def _statuses(case):
    return [(s.status, s.skip_reason) for s in CaseOutreachStep.objects.filter(case=case).order_by("position")]


def test_a_close_stops_the_run_skips_the_rest_and_lets_open_tasks_lapse(gemeente, worker, sweep):
    case = _started(gemeente, sweep)
    case_close(case=case, outcome=Outcome.GEEN_CONTACT, by=worker, now=aware(2026, 5, 5, 10))
    run = CaseOutreach.objects.get(case=case)
    assert run.stop_reason == StopReason.GESLOTEN and run.stopped_at == aware(2026, 5, 5, 10)
    assert _statuses(case) == [(StepStatus.TAAK, ""), (StepStatus.OVERGESLAGEN, SkipReason.GESTOPT),
                               (StepStatus.OVERGESLAGEN, SkipReason.GESTOPT)]
    assert list(CaseTask.objects.filter(case=case).values_list("status", flat=True)) == [TaskStatus.VERVALLEN]
    for now in ticks(aware(2026, 5, 5, 10), aware(2026, 5, 20, 10), minutes=240):
        sweep(now)
    assert CaseTask.objects.filter(case=case).count() == 1
    assert "gestopt: melding gesloten. 2 geplande stappen vervallen." in case.history.filter(
        params__kind="outreach").last().params["text"]


def test_a_reopened_case_does_not_resume(gemeente, worker, sweep):
    case = _started(gemeente, sweep)
    case_close(case=case, outcome=Outcome.GEEN_CONTACT, by=worker, now=aware(2026, 5, 5, 10))
    case_reopen(case=case, reason="Inwoner belde alsnog", by=worker, now=aware(2026, 5, 6, 10))
    for now in ticks(aware(2026, 5, 6, 10), aware(2026, 5, 20, 10), minutes=240):
        sweep(now)
    assert CaseOutreach.objects.filter(case=case).count() == 1
    assert CaseOutreach.objects.get(case=case).stopped_at is not None
    assert CaseTask.objects.filter(case=case).count() == 1


def test_expiry_at_day_28_stops_the_run(gemeente, sweep):
    case = _started(gemeente, sweep, steps=[(0, StepKind.BELLEN), (27, StepKind.BRIEF)])
    cases_close_expired(now=aware(2026, 6, 1, 0, 5))  # bulk: rows_inserted
    run = CaseOutreach.objects.get(case=case)
    assert run.stop_reason == StopReason.TERMIJN
    assert _statuses(case)[1] == (StepStatus.OVERGESLAGEN, SkipReason.GESTOPT)
    assert CaseTask.objects.get(case=case).status == TaskStatus.VERVALLEN


def test_a_phone_call_that_reached_the_resident_stops_the_run_and_does_the_task(gemeente, worker, sweep):
    case = _started(gemeente, sweep)
    contact_attempt_register(case=case, kind=ContactKind.TELEFOON, at=aware(2026, 5, 4, 11), by=worker,
                             reached=Reached.JA, now=aware(2026, 5, 4, 11, 5))
    assert CaseOutreach.objects.get(case=case).stop_reason == StopReason.BEREIKT
    assert _statuses(case) == [(StepStatus.GEDAAN, ""), (StepStatus.OVERGESLAGEN, SkipReason.GESTOPT),
                               (StepStatus.OVERGESLAGEN, SkipReason.GESTOPT)]
    for now in ticks(aware(2026, 5, 4, 12), aware(2026, 5, 20, 12), minutes=240):
        sweep(now)
    assert CaseTask.objects.filter(case=case).count() == 1


def test_an_unanswered_call_keeps_the_plan_going(gemeente, worker, sweep):
    case = _started(gemeente, sweep)
    contact_attempt_register(case=case, kind=ContactKind.TELEFOON, at=aware(2026, 5, 4, 11), by=worker,
                             reached=Reached.NEE, now=aware(2026, 5, 4, 11, 5))
    assert CaseOutreach.objects.get(case=case).stopped_at is None
    assert _statuses(case)[0] == (StepStatus.GEDAAN, "")
    sweep(aware(2026, 5, 8, 8))
    assert _statuses(case)[1] == (StepStatus.TAAK, "")


def test_a_planned_visit_does_the_home_visit_task(gemeente, lead, worker, sweep):
    case = _started(gemeente, sweep, steps=[(0, StepKind.HUISBEZOEK)])
    task = CaseTask.objects.get(case=case)
    visit_plan(case=case, worker=worker, date=dt.date(2026, 5, 6), dagdeel=Dagdeel.OCHTEND, by=lead,
               now=aware(2026, 5, 4, 12))
    task.refresh_from_db()
    assert task.status == TaskStatus.GEDAAN
    assert _statuses(case) == [(StepStatus.GEDAAN, "")]


def test_a_reply_stops_the_run(gemeente, worker, sweep):
    case = _started(gemeente, sweep)
    attempt = contact_attempt_register(case=case, kind=ContactKind.BRIEF, at=aware(2026, 5, 4, 9), by=worker,
                                       now=aware(2026, 5, 4, 9))
    assert CaseOutreach.objects.get(case=case).stopped_at is None
    contact_attempt_record_reply(attempt=attempt, at=aware(2026, 5, 5, 9), by=worker, now=aware(2026, 5, 5, 9))
    assert CaseOutreach.objects.get(case=case).stop_reason == StopReason.BEREIKT


def test_run_stop_by_a_worker(gemeente, worker, sweep):
    case = _started(gemeente, sweep)
    services.run_stop(case=case, reason=StopReason.GEEN_BERICHTEN, by=worker, now=aware(2026, 5, 4, 9))
    run = CaseOutreach.objects.get(case=case)
    assert (run.stop_reason, run.stopped_by) == (StopReason.GEEN_BERICHTEN, worker)
    assert _statuses(case)[1:] == [(StepStatus.OVERGESLAGEN, SkipReason.GESTOPT)] * 2
    assert services.run_stop(case=case, reason=StopReason.HANDMATIG, by=worker, now=aware(2026, 5, 4, 10)) is None


# --- item 5 --------------------------------------------------------------------------------------------


def _letter(case, worker):
    return contact_attempt_register(case=case, kind=ContactKind.BRIEF, at=aware(2026, 5, 4, 9), by=worker,
                                    now=aware(2026, 5, 4, 9))


def test_item_5_is_off_by_default(gemeente, worker, sweep):
    case = routed_case(gemeente, routed_at=MONDAY)
    attempt = _letter(case, worker)
    sweep(aware(2026, 5, 20, 9))
    attempt.refresh_from_db()
    assert attempt.reached == Reached.ONBEKEND


def test_item_5_marks_unanswered_written_attempts_after_n_days_and_a_reply_still_counts(gemeente, worker, sweep):
    OutreachSettings.objects.create(municipality=gemeente, written_no_reply_days=7)
    case = routed_case(gemeente, routed_at=MONDAY)
    attempt = _letter(case, worker)
    call = contact_attempt_register(case=case, kind=ContactKind.TELEFOON, at=aware(2026, 5, 4, 10), by=worker,
                                    now=aware(2026, 5, 4, 10))
    sweep(aware(2026, 5, 11, 8, 55))
    attempt.refresh_from_db()
    assert attempt.reached == Reached.ONBEKEND
    sweep(aware(2026, 5, 11, 9, 0))
    sweep(aware(2026, 5, 11, 9, 5))
    attempt.refresh_from_db()
    assert attempt.reached == Reached.NEE
    assert ContactAttempt.objects.get(pk=call.pk).reached == Reached.ONBEKEND  # a phone call is not written
    row = case.history.get(params__kind="attempt_unanswered")
    assert (row.actor_id, row.actor_name, row.params["days"]) == (None, "systeem", 7)
    contact_attempt_record_reply(attempt=attempt, at=aware(2026, 5, 12, 9), by=worker, now=aware(2026, 5, 12, 9))
    attempt.refresh_from_db()
    assert attempt.reached == Reached.JA
