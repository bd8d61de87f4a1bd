"""Attempts know who made them (a worker, the system's outreach plan, an external call centre), and an attempt
does the tasks it answers: a phone call does 'bel de inwoner' and 'terugbellen', a home visit 'huisbezoek'."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.exceptions import CaseActionError
from cases.history import case_history_text
from cases.models import CaseEvent
from contacts.models import CaseTask, ContactKind, Origin, TaskKind, TaskSource, TaskStatus
from contacts.services import contact_attempt_register
from monitor.models import AttemptFact
from tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(gemeente):
    return make_case(gemeente, opened_days_ago=3)


def _task(case, kind, **kwargs):
    return CaseTask.objects.create(case=case, kind=kind, source=kwargs.pop("source", TaskSource.PLAN),
                                   due_date=timezone.localdate(), created_at=timezone.now(), **kwargs)


@pytest.mark.parametrize("kind, done", [
    (ContactKind.TELEFOON, {TaskKind.BELLEN, TaskKind.TERUGBELLEN}),
    (ContactKind.HUISBEZOEK, {TaskKind.HUISBEZOEK}),
    (ContactKind.BRIEF, set()),
    (ContactKind.SMS, set()),
])
def test_an_attempt_does_the_open_tasks_it_answers_and_no_others(case, worker, kind, done):
    tasks = {k: _task(case, k) for k in TaskKind.values}
    attempt = contact_attempt_register(case=case, kind=kind, at=timezone.now() - dt.timedelta(minutes=5), by=worker)
    for task_kind, task in tasks.items():
        task.refresh_from_db()
        if task_kind in done:
            assert (task.status, task.attempt_id) == (TaskStatus.GEDAAN, attempt.pk)
        else:
            assert (task.status, task.attempt_id) == (TaskStatus.OPEN, None)


def test_a_lapsed_task_stays_lapsed(case, worker):
    task = _task(case, TaskKind.BELLEN, status=TaskStatus.VERVALLEN)
    contact_attempt_register(case=case, kind=ContactKind.TELEFOON, at=timezone.now() - dt.timedelta(minutes=5),
                             by=worker)
    task.refresh_from_db()
    assert task.status == TaskStatus.VERVALLEN


def test_a_system_attempt_is_worded_as_such_and_counted_with_its_origin(case):
    attempt = contact_attempt_register(case=case, kind=ContactKind.SMS, at=timezone.now() - dt.timedelta(minutes=1),
                                       by=None, origin=Origin.SYSTEEM, reference=f"{case.contact_reference}-1",
                                       history={"plan": "Standaard", "step": 1})
    row = case.history.filter(event=CaseEvent.CONTACT).latest("pk")
    assert row.actor is None and row.actor_name == "systeem"
    assert "Automatisch verstuurd volgens benaderingsplan 'Standaard' (stap 1), door het systeem." in \
        case_history_text(row)
    assert AttemptFact.objects.get(attempt_ref=attempt.pk).origin == Origin.SYSTEEM


def test_an_unknown_origin_is_refused(case, worker):
    with pytest.raises(CaseActionError):
        contact_attempt_register(case=case, kind=ContactKind.TELEFOON, at=timezone.now(), by=worker, origin="robot")
