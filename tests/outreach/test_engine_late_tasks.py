"""A step task that waited in the queue runs on the clock of when it runs, not of when it was claimed: a
message claimed at 19:55 whose worker was busy until 21:30 waits for the morning, and a late task cannot
take the lease of a call another worker has in flight (the review of issue 13)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from outreach.models import CaseOutreachStep, StepKind, StepStatus
from outreach.sending import LEASE
from outreach.tasks import outreach_step_run
from tests.outreach.gateway_support import discreet_case, message_step, notify_fixture, texts_for  # noqa: F401
from vroegsignalering.common.dates import TZ

pytestmark = pytest.mark.django_db
CLAIMED = dt.datetime(2026, 6, 10, 19, 55, tzinfo=TZ)  # a Wednesday, inside the default 08:00–20:00


@pytest.fixture
def step(municipality):
    texts_for(municipality)
    return message_step(discreet_case(municipality), StepKind.SMS, now=CLAIMED)


def _run(step, *, waited: dt.timedelta, claimed: dt.datetime = CLAIMED) -> CaseOutreachStep:
    outreach_step_run.apply(args=(step.pk, claimed.isoformat(), (timezone.now() - waited).isoformat()))
    return CaseOutreachStep.objects.get(pk=step.pk)


def test_a_task_run_at_once_sends_at_the_claimed_moment(notify, step):
    assert _run(step, waited=dt.timedelta(0)).status == StepStatus.VERZONDEN
    assert len(notify.messages()) == 1


def test_a_task_that_waited_past_the_evening_waits_for_the_morning(notify, step):
    step = _run(step, waited=dt.timedelta(minutes=95))  # runs at 21:30
    assert step.status == StepStatus.GEPLAND and notify.messages() == []
    assert step.due_at == dt.datetime(2026, 6, 11, 8, 0, tzinfo=TZ)


def test_a_late_task_leaves_a_call_in_flight_alone(notify, municipality):
    texts_for(municipality)
    claimed = CLAIMED.replace(hour=14)
    step = message_step(discreet_case(municipality), StepKind.SMS, now=claimed)
    # Task A waited 12 minutes in the queue, then called the gateway: its call is stamped with the clock it ran
    # on, not with the moment it was claimed.
    step = _run(step, waited=dt.timedelta(minutes=12), claimed=claimed)
    assert step.status == StepStatus.VERZONDEN and step.gateway_called_at >= claimed + dt.timedelta(minutes=12)
    # Pretend A's answer is still on its way (nothing stored yet at the gateway or here) when the sweeper's
    # re-enqueued task B for the lost claim runs, at the claim's moment plus the lease: B must leave it alone.
    CaseOutreachStep.objects.filter(pk=step.pk).update(status=StepStatus.BEZIG, attempt=None, notification_id="")
    notify.reset()
    outreach_step_run.apply(args=(step.pk, (claimed + LEASE).isoformat(), timezone.now().isoformat()))
    assert CaseOutreachStep.objects.get(pk=step.pk).status == StepStatus.BEZIG
    assert notify.messages() == [] and notify.requests["lookup"] == 0 and notify.requests["send"] == 0
