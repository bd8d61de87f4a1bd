"""Item 5 of issue 13, the day-28 part: the day-28 job closes an unreached case 'Definitief geen contact kunnen
krijgen' as it always did, by the system; when only written attempts were made its history says so."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.history import case_history_text
from cases.models import Case
from cases.services import cases_close_expired
from contacts.models import ContactAttempt, ContactKind
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def _attempt(case, kind):
    ContactAttempt.objects.create(case=case, kind=kind, at=case.opened_at + dt.timedelta(hours=1), dagdeel="ochtend",
                                  registered_at=case.opened_at + dt.timedelta(hours=1))


@pytest.mark.parametrize("kinds, only_written", [
    ((), False),
    ((ContactKind.BRIEF,), True),
    ((ContactKind.SMS, ContactKind.MAIL, ContactKind.BRIEF), True),
    ((ContactKind.BRIEF, ContactKind.TELEFOON), False),
    ((ContactKind.HUISBEZOEK,), False),
])
def test_the_day_28_history_says_whether_only_written_attempts_were_made(gemeente, kinds, only_written):
    case = make_case(gemeente, last_day_in=-1)
    for kind in kinds:
        _attempt(case, kind)
    cases_close_expired(now=timezone.now())
    case = Case.objects.get(pk=case.pk)
    assert case.outcome == "Definitief geen contact kunnen krijgen"
    row = case.history.latest("pk")
    assert row.actor_name == "systeem" and row.params["only_written"] is only_written
    assert ("alleen schriftelijke pogingen" in case_history_text(row)) is only_written
