"""The signal's state machine: every allowed and every forbidden transition."""
import pytest

from signals.models import Signal, SignalStatus
from tests.fsm import assert_transition, in_state, transition_walk
from vroegsignalering.common.vocab import Outcome

S = SignalStatus

# transition name → (arguments, allowed sources, target)
TRANSITIONS = {
    "start_checks": ((), {S.ONTVANGEN, S.WACHT_OP_BRP}, S.IN_CONTROLE),
    "wait_for_brp": ((), {S.IN_CONTROLE}, S.WACHT_OP_BRP),
    "to_fallout": ((), {S.IN_CONTROLE}, S.UITVAL),
    "resume_after_review": ((), {S.UITVAL}, S.IN_CONTROLE),
    "pass_checks": ((), {S.IN_CONTROLE}, S.GECONTROLEERD),
    "end": ((Outcome.ONTERECHT_SIGNAAL,), {S.IN_CONTROLE, S.UITVAL}, S.AFGEHANDELD),
    "forward": ((None,), {S.IN_CONTROLE, S.UITVAL}, S.DOORGESTUURD),
    "attach_to_case": ((), {S.GECONTROLEERD}, S.IN_MELDING),
}


def signal_in(status: str) -> Signal:
    return in_state(Signal, status)


@transition_walk(TRANSITIONS, S.values)
def test_transition(name, source):
    assert_transition(TRANSITIONS, signal_in, name, source)


def test_every_state_is_reachable_and_only_the_ends_are_final():
    targets = {target for _, _, target in TRANSITIONS.values()}
    assert targets | {S.ONTVANGEN} == set(S.values)
    sources = set().union(*(allowed for _, allowed, _ in TRANSITIONS.values()))
    assert set(S.values) - sources == {S.IN_MELDING, S.AFGEHANDELD, S.DOORGESTUURD}


def test_the_status_cannot_be_set_directly():
    signal = signal_in(S.ONTVANGEN)
    with pytest.raises(AttributeError):
        signal.status = S.IN_MELDING


def test_end_and_forward_record_the_outcome():
    signal = signal_in(S.IN_CONTROLE)
    signal.end(Outcome.OVERLEDEN)
    assert signal.outcome == Outcome.OVERLEDEN
    signal = signal_in(S.UITVAL)
    signal.forward(None)
    assert signal.outcome == Outcome.GEEN_INWONER
