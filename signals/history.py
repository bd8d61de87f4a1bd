"""A signal's history in Dutch: each ``SignalEvent`` with its ``params`` as the sentence a person reads.

The services write what happened as data (``SignalHistory.event`` + ``params``); this module words
it. Rows written before events existed have no ``event`` and show their stored ``reason``.
"""
import datetime as dt

from django.utils import timezone

from vroegsignalering.common.vocab import Outcome

from .brp.decide import BrpOutcome
from .models import SignalEvent, SignalHistory, Source

E = SignalEvent


def _received(p) -> str:
    return f"Ontvangen via {Source(p['source']).label}, levering {p['delivery']}"


def _register_down(p) -> str:
    retry_at = timezone.localtime(dt.datetime.fromisoformat(p["retry_at"]))
    return f"{p['register']} niet bereikbaar ({p['error']}); nieuwe poging na {retry_at:%d-%m-%Y %H:%M}."


def _fallout(p) -> str:
    cause = p.get("cause")
    if cause == "vastgelopen":
        return f"De controle liep {p['attempts']} keer vast; een medewerker beoordeelt het signaal."
    if cause == "brp":
        return f"BRP: {BrpOutcome(p['brp_outcome']).label}; een medewerker beoordeelt het signaal."
    if cause == "brp_geweigerd":
        return f"De BRP weigerde de bevraging: {p['error']}"
    if cause == "geen_bsn":
        return "Geen BSN gevonden; een medewerker beoordeelt het signaal."
    return p.get("reason", "")


def _reviewed(p) -> str:
    decision = p["decision"]
    if decision == "persoon":
        return f"Uitval beoordeeld: persoon gekozen ({p['name']})."
    if decision == "geen_inwoner":
        return "Uitval beoordeeld: geen inwoner."
    return f"Uitval beoordeeld: niet oppakken ({p['reason']})."


def _ended(p) -> str:
    rule = f" (regel: {p['rule']})" if p.get("rule") else ""
    return f"{Outcome(p['outcome']).label}: {p['reason']}{rule}"


def _forwarded(p) -> str:
    if p.get("manual"):
        return f"Woont in gemeente {p['code']}: handmatig doorsturen."
    return f"Woont in gemeente {p['municipality']}: doorgestuurd (Awb 2:3)."


_SENTENCES = {
    E.RECEIVED: _received,
    E.CHECKS_STARTED: lambda p: "Controle opnieuw gestart." if p.get("again") else "Controle gestart.",
    E.REGISTER_DOWN: _register_down,
    E.BRP_FOUND: lambda p: "BRP: persoon minderjarig (contact via ouder)." if p.get("minor")
    else "BRP: persoon gevonden.",
    E.FALLOUT: _fallout,
    E.REVIEWED: _reviewed,
    E.ENDED: _ended,
    E.FORWARDED: _forwarded,
    E.FORWARDED_HERE: lambda p: f"Doorgestuurd vanuit gemeente {p['municipality']} (Awb 2:3).",
    E.HELD: lambda p: p["reason"],
    E.PASSED: lambda p: "Alle controles doorlopen.",
    E.ATTACHED: lambda p: f"Gekoppeld aan melding {p['case']} ({p['role_label']}).",
}


def signal_event_text(event: str, params: dict) -> str:
    """The Dutch sentence for ``event`` with ``params``."""
    return _SENTENCES[SignalEvent(event)](params or {})


def signal_history_text(row: SignalHistory) -> str:
    """What a person reads for a history row: the event in Dutch, or the stored reason of an older row."""
    return signal_event_text(row.event, row.params) if row.event else row.reason
