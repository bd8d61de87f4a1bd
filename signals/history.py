"""A signal's history in Dutch: each ``SignalEvent`` with its ``params`` as the sentence a person reads.

The services write what happened as data (``SignalHistory.event`` + ``params``); this module words
it, one small function per event. Rows written before events existed have no ``event`` and show
their stored ``reason``; rows written before the rules and the repeat rule were data carry their
sentence in ``params["reason"]`` and show that. The not-picked-up rules (``signals.rules``) and the
repeat rule (``cases.matching.RepeatDecision``) word their decisions here too (:func:`rule_text`,
:func:`repeat_text`), so the worker reads one sentence wherever it appears.
"""
import datetime as dt
from decimal import Decimal

from django.utils import timezone

from vroegsignalering.common.dates import format_short
from vroegsignalering.common.formats import euro
from vroegsignalering.common.vocab import CreditorKind, outcome_from_stored

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


def _kind_label(kind: str) -> str:
    try:
        return str(CreditorKind(kind).label).lower()
    except ValueError:
        return kind


def _days(count: int) -> str:
    return f"{count} dag" if abs(count) == 1 else f"{count} dagen"


def _dmy(value: str) -> str:
    return f"{dt.date.fromisoformat(value):%d-%m-%Y}"


def rule_text(rule: str, p: dict) -> str:
    """Why a not-picked-up rule (``signals.rules.Rule``) fired, from its details (``RuleDecision.params``)."""
    if rule == "rechtspersoon":
        return (f"De naam bevat de rechtsvorm \u201c{p['form']}\u201d: het signaal gaat over een rechtspersoon, "
                "die niet onder de Wgs valt.")
    if rule == "termijn_achterstand":
        low, high = p["low"], p["high"]
        span = f"{low} tot en met {high} dagen" if high is not None else f"vanaf {low} dagen"
        return (f"De achterstand is {_days(p['age_days'])} oud (vervaldatum oudste factuur "
                f"{_dmy(p['oldest_due_date'])}, signaaldatum {_dmy(p['signal_date'])}); de termijn voor "
                f"{_kind_label(p['creditor_kind'])} in {p['municipality']} is {span}.")
    return (f"Het bedrag van {euro(Decimal(p['amount']))} is lager dan het drempelbedrag van "
            f"{euro(Decimal(p['threshold']))} in {p['municipality']}.")


def _arrear(p: dict) -> str:
    if p.get("contract"):
        return f"contract {p['contract']}"
    if p.get("oldest_due_date"):
        return f"vervaldatum oudste factuur {format_short(dt.date.fromisoformat(p['oldest_due_date']))}"
    return "zelfde klant"


def repeat_text(p: dict) -> str:
    """The repeat rule's decision (``cases.matching.RepeatDecision.params``): wait for an earlier
    signal, a repeat, or a higher amount that updates an open case."""
    if p["repeat"] == "wacht":
        return (f"Wacht op het besluit over eerder signaal {p['signal']} van dezelfde achterstand "
                f"(gesignaleerd op {format_short(dt.date.fromisoformat(p['signalled_on']))}): pas daarna is "
                "bekend of dit signaal een herhaalde melding is.")
    amounts = f"{euro(Decimal(p['amount']))} tegen {euro(Decimal(p['earlier_amount']))}"
    if p["repeat"] == "herhaald":
        where = "wacht op de periodeafsluiting" if p.get("case") is None else f"in melding {p['case']}"
        return (f"Dezelfde achterstand ({_arrear(p)}) is door deze vastelastenpartner al gesignaleerd op "
                f"{format_short(dt.date.fromisoformat(p['signalled_on']))} ({where}); het bedrag is niet hoger "
                f"({amounts}).")
    return f"Hoger bedrag voor dezelfde achterstand ({_arrear(p)}): {amounts}; werkt open melding {p['case']} bij."


_BRP_ENDS = {"overleden": "BRP: persoon is overleden.", "geemigreerd": "BRP: persoon is geëmigreerd."}


def _end_reason(p: dict) -> str:
    if "reason" in p:  # a person's own words (or a row from before the rules were data)
        return p["reason"]
    if p.get("rule"):
        return rule_text(p["rule"], p)
    if p.get("repeat"):
        return repeat_text(p)
    return _BRP_ENDS[p["cause"]]


def _ended(p) -> str:
    rule = f" (regel: {p['rule']})" if p.get("rule") else ""
    return f"{outcome_from_stored(p['outcome']).label}: {_end_reason(p)}{rule}"


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
    E.HELD: lambda p: p["reason"] if "reason" in p else repeat_text(p),
    E.PASSED: lambda p: "Alle controles doorlopen.",
    E.ATTACHED: lambda p: f"Gekoppeld aan melding {p['case']} ({p['role_label']}).",
}


def signal_event_text(event: str, params: dict) -> str:
    """The Dutch sentence for ``event`` with ``params``."""
    return _SENTENCES[SignalEvent(event)](params or {})


def signal_history_text(row: SignalHistory) -> str:
    """What a person reads for a history row: the event in Dutch, or the stored reason of an older row."""
    return signal_event_text(row.event, row.params) if row.event else row.reason
