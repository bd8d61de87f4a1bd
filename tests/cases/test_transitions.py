"""The one way to change a status: the bulk helper follows the model's own graph, and a history row's
sentence is rendered from its event's params."""
import datetime as dt

import pytest
from django_fsm import TransitionNotAllowed

from cases.history import attempt_params, history_text
from cases.models import Case, CaseStatus
from signals.models import Signal, SignalStatus
from tests.factories import aware
from vroegsignalering.common.fsm import bulk_transition, fsm_target
from vroegsignalering.common.vocab import ContactKind, Dagdeel, Outcome, Reached

S = CaseStatus


def test_the_bulk_helper_knows_the_graph():
    assert fsm_target(Case, "expire", S.OPEN) == S.GESLOTEN
    assert fsm_target(Case, "close", S.HEROPEND) == S.GESLOTEN
    assert fsm_target(Signal, "attach_to_case", SignalStatus.GECONTROLEERD) == SignalStatus.IN_MELDING
    with pytest.raises(TransitionNotAllowed):
        fsm_target(Case, "expire", S.HEROPEND)  # a reopened case has no window
    with pytest.raises(TransitionNotAllowed):
        fsm_target(Case, "status", S.OPEN)  # not a transition


@pytest.mark.django_db
def test_a_bulk_step_outside_the_graph_is_refused_before_any_write():
    with pytest.raises(TransitionNotAllowed):
        bulk_transition(Case.objects.all(), "reopen", source=S.OPEN)
    assert bulk_transition(Case.objects.none(), "expire", source=S.OPEN) == []


def test_history_sentences_from_params():
    at = aware(2026, 4, 9, 14, 30)
    attempt = attempt_params(kind=ContactKind.TELEFOON, at=at, dagdeel=Dagdeel.MIDDAG, reached=Reached.JA)
    assert history_text({"kind": "contact_attempt", **attempt}) == "Contactpoging Telefoon op 9 april 2026 14:30 " \
        "(middag): bereikt."
    assert history_text({"kind": "work_started", **attempt}).startswith("Eerste contactpoging geregistreerd. ")
    assert history_text({"kind": "closed", "outcome": Outcome.QUICK_FIX, "consent": False, "note": ""}) == (
        "Gesloten met eindresultaat '(Budget)advies en/of quick fix'.")
    assert history_text({"kind": "reopened", "note": "Belde alsnog"}) == "Heropend (late hulpacceptatie): Belde alsnog"
    assert "nooit bereikt" in history_text({"kind": "expired", "outcome": Outcome.GEEN_CONTACT, "window_days": 28,
                                            "last_day": dt.date(2026, 5, 7).isoformat(), "was_reached": False})
    assert history_text({}, "Toegewezen aan Jan.") == "Toegewezen aan Jan."  # prose rows keep their reason
