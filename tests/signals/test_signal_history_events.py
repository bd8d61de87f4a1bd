"""Every ``SignalEvent`` is worded in Dutch by ``signals.history`` from its params (a new event
without a sentence fails here), including the decisions of the not-picked-up rules and the repeat
rule, which are stored as data."""
import pytest

from signals.brp.decision import BrpOutcome
from signals.history import repeat_text, rule_text, signal_event_text, signal_history_text
from signals.models import SignalEvent, SignalHistory
from vroegsignalering.common.vocab import Outcome

REPEAT = {"repeat": "herhaald", "contract": "C-1", "oldest_due_date": "", "signalled_on": "2026-04-02",
          "case": 12, "amount": "250.00", "earlier_amount": "300.00"}

# One or more representative params per event.
SAMPLES = {
    SignalEvent.RECEIVED: [{"source": "api", "delivery": "3"}],
    SignalEvent.CHECKS_STARTED: [{"again": False}, {"again": True}],
    SignalEvent.REGISTER_DOWN: [{"register": "BRP", "error": "time-out", "retry_at": "2026-06-10T09:30:00+00:00"}],
    SignalEvent.BRP_FOUND: [{"minor": False}, {"minor": True}],
    SignalEvent.FALLOUT: [{"cause": "vastgelopen", "attempts": 5}, {"cause": "brp", "brp_outcome": BrpOutcome.DECEASED},
                          {"cause": "brp_geweigerd", "error": "400"}, {"cause": "geen_bsn"}],
    SignalEvent.REVIEWED: [{"decision": "persoon", "name": "J. Jansen"}, {"decision": "geen_inwoner"},
                           {"decision": "niet_oppakken", "reason": "Dubbel."}],
    SignalEvent.ENDED: [
        {"outcome": Outcome.ANDERE_REDEN, "rule": "rechtspersoon", "form": "B.V."},
        {"outcome": Outcome.ONTERECHT_SIGNAAL, "rule": "termijn_achterstand", "age_days": 101, "low": 30,
         "high": 100, "creditor_kind": "zorgverzekering", "oldest_due_date": "2026-01-01",
         "signal_date": "2026-04-12", "municipality": "Amsterdam"},
        {"outcome": Outcome.ONTERECHT_SIGNAAL, "rule": "drempelbedrag", "amount": "999.99", "threshold": "1250.00",
         "municipality": "Amsterdam"},
        {"outcome": Outcome.OVERLEDEN, "cause": "overleden"},
        {"outcome": Outcome.GEEN_INWONER, "cause": "geemigreerd"},
        {"outcome": Outcome.HERHAALDE_MELDING, **REPEAT},
        {"outcome": Outcome.HERHAALDE_MELDING, "reason": "Oude regel in woorden."},
    ],
    SignalEvent.FORWARDED: [{"code": "0363", "municipality": "Amsterdam"}, {"code": "0363", "manual": True}],
    SignalEvent.FORWARDED_HERE: [{"municipality": "Utrecht"}],
    SignalEvent.HELD: [{"repeat": "wacht", "signal": 41, "signalled_on": "2026-04-02"}],
    SignalEvent.PASSED: [{}],
    SignalEvent.ATTACHED: [{"case": 12, "role_label": "eerste signaal"}],
}


@pytest.mark.parametrize("event", list(SignalEvent))
def test_every_event_is_worded_in_dutch(event):
    assert event in SAMPLES, f"no sample (and perhaps no sentence) for the signal event {event!r}"
    for params in SAMPLES[event]:
        text = signal_history_text(SignalHistory(event=event, params=params, reason=""))
        assert text and "{" not in text and "None" not in text, (params, text)


def test_the_rules_and_the_repeat_rule_are_worded_from_their_parts():
    threshold = signal_event_text(SignalEvent.ENDED, SAMPLES[SignalEvent.ENDED][2])
    assert threshold.endswith(": Het bedrag van € 999,99 is lager dan het drempelbedrag van € 1.250,00 in "
                              "Amsterdam. (regel: drempelbedrag)")
    assert "101 dagen oud" in rule_text("termijn_achterstand", SAMPLES[SignalEvent.ENDED][1])
    assert repeat_text(REPEAT) == (
        "Dezelfde achterstand (contract C-1) is door deze vastelastenpartner al gesignaleerd op 2 april 2026 "
        "(in melding 12); het bedrag is niet hoger (€ 250,00 tegen € 300,00).")
    assert "wacht op de periodeafsluiting" in repeat_text({**REPEAT, "case": None})
    higher = repeat_text({**REPEAT, "repeat": "hoger"})
    assert higher.startswith("Hoger bedrag voor dezelfde achterstand (contract C-1)")


def test_a_row_without_event_shows_its_stored_reason():
    assert signal_history_text(SignalHistory(event="", params={}, reason="Oud.")) == "Oud."
