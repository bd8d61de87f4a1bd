"""One way to change a signal's status: the transition helper, its structured history, and
optimistic concurrency (``Signal`` is a ``ConcurrentTransitionMixin``)."""
import pytest
from django.db import connection, transaction
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django_fsm import ConcurrentTransition

from signals import transitions
from signals.history import signal_history_text
from signals.models import Signal, SignalEvent, SignalHistory, SignalStatus
from tests.factories import MunicipalityFactory, aware, make_signal

pytestmark = pytest.mark.django_db
NOW = aware(2026, 6, 10, 9, 30)


@pytest.fixture
def signal():
    return make_signal(MunicipalityFactory(), status=SignalStatus.IN_CONTROLE)


def test_a_transition_saves_the_status_and_writes_the_event_and_its_sentence(signal):
    with transaction.atomic():
        row = transitions.signal_transition(signal, "wait_for_brp", at=NOW, event=SignalEvent.REGISTER_DOWN,
                                            params={"register": "BRP", "error": "time-out",
                                                    "retry_at": NOW.isoformat()})
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.WACHT_OP_BRP
    row = SignalHistory.objects.get(pk=row.pk)
    assert (row.from_status, row.to_status, row.event) == (SignalStatus.IN_CONTROLE, SignalStatus.WACHT_OP_BRP,
                                                          SignalEvent.REGISTER_DOWN)
    sentence = "BRP niet bereikbaar (time-out); nieuwe poging na 10-06-2026 09:30."
    assert signal_history_text(row) == sentence and row.reason == ""  # the sentence is worded when shown
    rendered = Template("{% load signal_history %}{{ row|signal_history_text }}").render(Context({"row": row}))
    assert rendered == sentence


def test_a_row_without_event_shows_its_stored_reason(signal):
    row = SignalHistory.objects.create(signal=signal, at=NOW, actor="x", to_status=signal.status, reason="Oud.")
    assert signal_history_text(row) == "Oud."


def test_a_signal_changed_meanwhile_is_not_overwritten(signal):
    stale = Signal.objects.get(pk=signal.pk)
    with transaction.atomic():
        transitions.signal_transition(signal, "pass_checks", at=NOW, event=SignalEvent.PASSED)
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        transitions.signal_transition(stale, "to_fallout", at=NOW, event=SignalEvent.FALLOUT,
                                      params={"cause": "geen_bsn"})
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.GECONTROLEERD


def test_a_signal_read_without_its_status_costs_no_query_per_row(signal):
    with CaptureQueriesContext(connection) as queries:
        rows = list(Signal.objects.only("bsn"))
    assert len(rows) == 1 and len(queries) == 1
