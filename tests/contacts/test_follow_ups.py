"""Follow-up after accepted help: when the creditor's 30-day collection pause ends, the case's worker
gets an item ("loopt de afspraak?") and records it like an attempt; the case stays closed."""
import datetime as dt

import pytest

from cases import services
from cases.exceptions import CaseActionError
from cases.history import case_history_text
from cases.models import Case, CaseStatus, FollowUp
from contacts.models import Arranged, Dagdeel, Reached
from contacts.selectors import follow_ups_due_for_user
from contacts.services import follow_up_record
from tests.factories import MunicipalityFactory, UserFactory, aware, open_case, reach
from tests.feedback.helpers import NOW
from vroegsignalering.common.vocab import ContactKind, Outcome

pytestmark = pytest.mark.django_db
PAUSE_END = dt.date(2026, 7, 10)  # closed on 10 June + 30 days


@pytest.fixture
def worker(gemeente):
    return UserFactory(municipalities=[gemeente])


@pytest.fixture
def follow_up(gemeente, worker):
    case = open_case(gemeente, {})
    reach(case, worker)
    services.case_close(case=case, outcome=Outcome.VERVOLGHULP_FINANCIEEL, by=worker, now=NOW)
    return FollowUp.objects.get(case=case)


def test_the_item_appears_in_the_workers_queue_when_the_pause_ends(follow_up, worker, gemeente):
    assert follow_up.due_on == PAUSE_END
    assert list(follow_ups_due_for_user(worker, today=PAUSE_END - dt.timedelta(days=8))) == []
    assert list(follow_ups_due_for_user(worker, today=PAUSE_END - dt.timedelta(days=7))) == [follow_up]
    colleague = UserFactory(municipalities=[gemeente])
    lead = UserFactory(municipalities=[gemeente], role="teamleider")
    outsider = UserFactory(municipalities=[MunicipalityFactory(cbs_code="0200")])
    assert list(follow_ups_due_for_user(colleague, today=PAUSE_END)) == []  # assigned to the worker
    assert list(follow_ups_due_for_user(lead, today=PAUSE_END)) == [follow_up]
    assert list(follow_ups_due_for_user(lead, today=PAUSE_END, mine_only=True)) == []
    assert list(follow_ups_due_for_user(outsider, today=PAUSE_END)) == []


def test_recording_it_like_an_attempt_keeps_the_case_closed(follow_up, worker):
    at = aware(2026, 7, 10, 14, 30)
    done = follow_up_record(follow_up=follow_up, kind=ContactKind.TELEFOON, at=at, reached=Reached.JA,
                            arranged=Arranged.JA, note="Regeling loopt, eerste termijn betaald", by=worker,
                            now=at + dt.timedelta(minutes=3))
    assert (done.kind, done.dagdeel, done.reached, done.arranged, done.done_by) == (
        ContactKind.TELEFOON, Dagdeel.MIDDAG, Reached.JA, Arranged.JA, worker)
    case = Case.objects.get(pk=follow_up.case_id)
    assert case.status == CaseStatus.GESLOTEN
    assert "Vervolgcontact na aanvaarde hulp: Telefoon op 10 juli 2026 14:30, bereikt; ja, de afspraak loopt." in \
        case_history_text(case.history.last())
    assert list(follow_ups_due_for_user(worker, today=PAUSE_END)) == []
    with pytest.raises(CaseActionError, match="al vastgelegd"):
        follow_up_record(follow_up=follow_up, kind=ContactKind.TELEFOON, at=at, reached=Reached.JA,
                         arranged=Arranged.JA, by=worker, now=at + dt.timedelta(minutes=5))


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"kind": "duif"}, "soort"),
    ({"reached": "misschien"}, "bereikt"),
    ({"arranged": "half"}, "afspraakLoopt"),
    ({"reached": Reached.NEE, "arranged": Arranged.JA}, "afspraakLoopt"),
])
def test_bad_input_is_refused_per_field_and_changes_nothing(follow_up, worker, kwargs, field):
    at = aware(2026, 7, 10, 9)
    values = {"kind": ContactKind.TELEFOON, "reached": Reached.JA, "arranged": Arranged.JA, **kwargs}
    with pytest.raises(CaseActionError) as refused:
        follow_up_record(follow_up=follow_up, at=at, by=worker, now=at, **values)
    assert set(refused.value.fields) == {field}
    assert FollowUp.objects.get(pk=follow_up.pk).done_at is None


def test_not_long_before_the_pause_ends_nor_in_the_future(follow_up, worker):
    early = aware(2026, 6, 20, 10)
    with pytest.raises(CaseActionError, match="incassorust") as refused:
        follow_up_record(follow_up=follow_up, kind=ContactKind.TELEFOON, at=early, reached=Reached.NEE,
                         arranged=Arranged.ONBEKEND, by=worker, now=early)
    assert set(refused.value.fields) == {"tijdstip"}
    with pytest.raises(CaseActionError, match="toekomst"):
        follow_up_record(follow_up=follow_up, kind=ContactKind.TELEFOON, at=aware(2026, 7, 12, 10),
                         reached=Reached.NEE, arranged=Arranged.ONBEKEND, by=worker, now=aware(2026, 7, 11, 10))
    assert FollowUp.objects.get(pk=follow_up.pk).done_at is None
