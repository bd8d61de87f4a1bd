"""A month of cases through an outreach plan, end to end (issue 13, item 7): the sweeper every half hour of
simulated time (the clock injected), the steps run by a real Celery worker (Redis in CI, memory:// otherwise),
SMS and e-mail through the fake Notify on loopback with its delivery callbacks to a live server, letters in a
print batch handed to the mail room, the worker stopped and started again halfway.

May 2026: the cases open on Friday 1 May 06:00; the plan is SMS (day 0), e-mail (day 1: Saturday, so Monday
4 May at 08:00), letter (day 1), phone task (day 4: Liberation Day, so Wednesday 6 May), home visit (day 8).
Some residents answer early on Monday 4 May, a worker closes some cases then, one number fails for good.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from accounts.models import Role
from cases.models import Case, CaseStatus, UnusableContact
from cases.services import case_close, cases_close_expired
from contacts.models import CaseTask, ContactAttempt, ContactKind, Origin, Reached, TaskKind, TaskStatus
from contacts.services import contact_attempt_record_reply
from demo.notify_fake.server import FakeNotifyServer
from outreach.models import (
    CaseOutreachStep,
    OutreachPlan,
    PrintBatch,
    PrintBatchState,
    StepKind,
    StepStatus,
    StopReason,
)
from outreach.print_batches import print_batch_start
from outreach.print_handover import print_batch_hand_over, print_batch_register_letters
from outreach.quiet_hours import is_quiet, plan_window
from outreach.services import plan_save, sweep
from outreach.tasks import outreach_sweep
from tests.e2e_support import celery_worker_running, wait_until
from tests.factories import UserFactory, open_cases
from tests.factories.signals import address, make_signal
from tests.outreach.gateway_support import texts_for
from vroegsignalering.common.dates import TZ
from vroegsignalering.common.vocab import Outcome

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "e2e-maand-callback-token-0123456789"
OPENED = dt.datetime(2026, 5, 1, 6, 0, tzinfo=TZ)
TICK = dt.timedelta(minutes=30)
REPLY_AT = dt.datetime(2026, 5, 4, 7, 0, tzinfo=TZ)  # before Monday's e-mails
CLOSE_AT = dt.datetime(2026, 5, 4, 7, 30, tzinfo=TZ)
POSTED_AT = dt.datetime(2026, 5, 4, 12, 0, tzinfo=TZ)  # the mail room takes Saturday's letters on Monday
# The worker stops just before the phone tasks fall due; they are claimed with no worker to run them, and the
# new worker starts on an emptied queue: the sweeper must find them again (their lease runs out).
RESTART_AT = dt.datetime(2026, 5, 6, 8, 0, tzinfo=TZ)
END = dt.datetime(2026, 5, 15, 6, 0, tzinfo=TZ)
FAILING = "+31600000901"  # the fake's permanent failure
N = 24


def _plan(municipality) -> OutreachPlan:
    steps = [(0, StepKind.SMS), (1, StepKind.EMAIL), (1, StepKind.BRIEF), (4, StepKind.BELLEN),
             (8, StepKind.HUISBEZOEK)]
    return plan_save(plan=None, by=None, trays=[], fields={
        "municipality": municipality, "position": 1, "name": "Maand", "send_on_saturday": False},
        steps=[{"position": n, "day_offset": day, "kind": kind, "external": False}
               for n, (day, kind) in enumerate(steps, start=1)])


def _cases(municipality) -> tuple[list[Case], Case]:
    failing = make_signal(municipality, at=address(9999), signal_date=dt.date(2026, 4, 10))
    failing.phone_numbers = [FAILING]
    failing.save(update_fields=["phone_numbers"])
    cases = open_cases(municipality, [address(9999)], signals_per_address=[1] * N, opened=OPENED)
    failing_case = next(c for c in cases if c.address_key == failing.address_key)
    return [c for c in cases if c.pk != failing_case.pk], failing_case


def _settle():
    """Wait until the worker has run every claimed step."""
    wait_until(lambda: not CaseOutreachStep.objects.filter(status=StepStatus.BEZIG).exists(), timeout=60, step=0.02)


def _post_letters(municipality, worker, tick) -> int:
    """The mail room's Monday: a print batch of the waiting letters, rendered by the worker, handed over."""
    batch = print_batch_start(municipality=municipality, by=worker, now=tick)
    wait_until(lambda: PrintBatch.objects.get(pk=batch.pk).state == PrintBatchState.KLAAR, timeout=120, step=0.05)
    print_batch_hand_over(batch_id=batch.pk, by=worker, on=tick.date(), now=tick, enqueue=False)
    return print_batch_register_letters(batch.pk, now=tick)  # as of the simulated Monday


def _run_month(cases, worker, fake) -> dict:
    replied, closed = cases[:5], cases[5:8]
    events = {}
    tick = OPENED
    outreach_sweep.delay(tick.isoformat())  # the beat's task itself, through the broker
    wait_until(lambda: CaseOutreachStep.objects.exists(), timeout=60, step=0.02)
    _settle()
    while tick < END:
        tick += TICK
        if tick == REPLY_AT:
            for case in replied:
                sms = ContactAttempt.objects.get(case=case, kind=ContactKind.SMS)
                contact_attempt_record_reply(attempt=sms, at=tick, by=worker, note="Belde terug", now=tick)
            events["replied"] = tick
        if tick == CLOSE_AT:
            for case in closed:
                case_close(case=Case.objects.get(pk=case.pk), outcome=Outcome.ONTERECHT_SIGNAAL, by=worker,
                           reason="Signaal bleek onterecht", now=tick)
            events["closed"] = tick
        if tick == POSTED_AT:
            events["posted"] = _post_letters(cases[0].municipality, worker, tick)
        if tick == RESTART_AT:
            return {**events, "tick": tick}
        sweep(tick)
        _settle()
    return {**events, "tick": tick}


def _continue(tick) -> None:
    while tick < END:
        tick += TICK
        sweep(tick)
        _settle()


def test_a_month_of_cases_runs_through_the_plan_once_at_its_time(gemeente, live_server, settings):
    settings.NOTIFY_CALLBACK_TOKEN = TOKEN
    texts_for(gemeente)
    plan = _plan(gemeente)
    cases, failing = _cases(gemeente)
    worker = UserFactory(municipalities=[gemeente], role=Role.VROEGSIGNALEERDER)
    with FakeNotifyServer(port=0, callback_url=live_server.url + "/koppelingen/notify/afleverstatus",
                          callback_token=TOKEN, callback_retry_delay=0.1) as fake:
        settings.NOTIFY_BASE_URL = fake.url
        with celery_worker_running():
            events = _run_month(cases, worker, fake)
        sweep(events["tick"])  # claimed and enqueued, with no worker running
        stranded = set(CaseOutreachStep.objects.filter(status=StepStatus.BEZIG).values_list("case_id", "kind"))
        with celery_worker_running():  # a new worker, an emptied queue: the sweeper re-enqueues the stranded
            _continue(events["tick"])
        assert fake.wait_for_callbacks(20)
        sent = fake.messages()

    replied, closed = cases[:5], cases[5:8]
    steps = list(CaseOutreachStep.objects.select_related("attempt", "case"))
    assert {s.case_id for s in steps} == {c.pk for c in cases} | {failing.pk}

    # Every message went out once: one message per reference at the gateway, each an attempt of the system.
    references = Counter(m["reference"] for m in sent)
    assert references and set(references.values()) == {1}
    system = ContactAttempt.objects.filter(origin=Origin.SYSTEEM, kind__in=[ContactKind.SMS, ContactKind.MAIL])
    assert system.count() == len(sent)
    messages = [s for s in steps if s.kind in (StepKind.SMS, StepKind.EMAIL) and s.status == StepStatus.VERZONDEN]
    assert len(messages) == len(sent) and all(s.attempt_id for s in messages)
    assert {str(s.message_id) for s in messages} == set(references)

    # ... at its time, never in quiet hours (night, Saturday for this plan, Sunday, Liberation Day).
    for step in messages:
        assert not is_quiet(step.done_at, **plan_window(plan)), step.done_at
        assert step.done_at >= step.due_at
    first_sms = min(s.done_at for s in messages if s.kind == StepKind.SMS)
    first_mail = min(s.done_at for s in messages if s.kind == StepKind.EMAIL)
    # (a task runs as of its claim plus the moments it waited in the worker's queue)
    assert dt.timedelta(0) <= first_sms - dt.datetime(2026, 5, 1, 8, 0, tzinfo=TZ) < dt.timedelta(minutes=1)
    assert dt.timedelta(0) <= first_mail - dt.datetime(2026, 5, 4, 8, 0, tzinfo=TZ) < dt.timedelta(minutes=1)

    # Nothing after a reply or a close: the runs stopped, their later steps skipped (the letter made on
    # Saturday was in the envelope already).
    for case in replied + closed:
        later = ContactAttempt.objects.filter(case=case, origin=Origin.SYSTEEM, at__gt=REPLY_AT).exclude(
            kind=ContactKind.BRIEF)
        assert not later.exists(), case
        assert not CaseTask.objects.filter(case=case).exists()
        run = Case.objects.get(pk=case.pk).outreach
        assert run.stop_reason == (StopReason.BEREIKT if case in replied else StopReason.GESLOTEN)
        assert not CaseOutreachStep.objects.filter(case=case, status=StepStatus.GEPLAND).exists()

    # Letters: made on Saturday, posted on Monday, each an attempt of the system (kind Brief, reached unknown) —
    # except those of the cases answered or closed that morning: withdrawn from the batch, never printed.
    letters = ContactAttempt.objects.filter(kind=ContactKind.BRIEF)
    assert events["posted"] == letters.count() == N + 1 - len(replied) - len(closed)
    assert set(letters.values_list("origin", "reached").distinct()) == {(Origin.SYSTEEM, Reached.ONBEKEND)}
    assert set(letters.values_list("at", flat=True)) == {POSTED_AT}
    assert not letters.filter(case__in=replied + closed).exists()
    withdrawn = CaseOutreachStep.objects.filter(case__in=replied + closed, kind=StepKind.BRIEF)
    assert set(withdrawn.values_list("status", flat=True)) == {StepStatus.OVERGESLAGEN}

    # Phone tasks only for the cases not reached and still open on Wednesday 6 May; a home-visit task on Monday
    # 11 May for the same cases.
    open_cases_ = {c.pk for c in cases[8:]} | {failing.pk}
    calls = CaseTask.objects.filter(kind=TaskKind.BELLEN)
    assert set(calls.values_list("case_id", flat=True)) == open_cases_
    assert set(calls.values_list("due_date", flat=True)) == {dt.date(2026, 5, 6)}
    visits = CaseTask.objects.filter(kind=TaskKind.HUISBEZOEK)
    assert set(visits.values_list("case_id", flat=True)) == open_cases_

    # The failing number: the SMS attempt is not reached, the number unusable, and the e-mail still went.
    failed = ContactAttempt.objects.get(case=failing, kind=ContactKind.SMS)
    assert failed.reached == Reached.NEE
    assert UnusableContact.objects.filter(case=failing, value=FAILING).exists()
    assert ContactAttempt.objects.filter(case=failing, kind=ContactKind.MAIL, origin=Origin.SYSTEEM).exists()

    # The restart: the phone tasks stranded by the stopped worker were made afterwards, once each.
    assert stranded == {(pk, StepKind.BELLEN) for pk in open_cases_}
    assert Counter(calls.values_list("case_id", flat=True)) == Counter(open_cases_)
    assert not CaseOutreachStep.objects.filter(status=StepStatus.BEZIG).exists()
    assert not CaseOutreachStep.objects.filter(status=StepStatus.GEPLAND, due_at__lte=END).exists()

    # Day 28: the day-28 job closes the rest 'Definitief geen contact kunnen krijgen'; their runs stop and open
    # tasks lapse.
    cases_close_expired(now=dt.datetime(2026, 5, 30, 6, 0, tzinfo=TZ))
    for pk in open_cases_:
        case = Case.objects.get(pk=pk)
        assert case.status == CaseStatus.GESLOTEN and case.outcome == Outcome.GEEN_CONTACT
        assert case.outreach.stopped_at is not None
    assert not CaseTask.objects.filter(case_id__in=open_cases_, status=TaskStatus.OPEN).exists()
