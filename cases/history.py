"""A case's history as data: each row's ``event`` with ``params``, rendered to a Dutch sentence here
(for the case page's timeline through the ``historytext`` filter), not composed in the services.

``params["kind"]`` names the sentence (one small function per kind below; :data:`KIND_EVENT` says
which ``CaseEvent`` each kind belongs to); the other keys are its values as they were at that moment
(JSON: dates and moments as ISO strings, amounts as strings, names of trays and people as they were
then, so a later rename does not change the history). Rows without params (written before history
was data) show their stored ``reason``; new rows keep ``reason`` empty unless it is a person's own
words.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from vroegsignalering.common import dates
from vroegsignalering.common.formats import euro
from vroegsignalering.common.vocab import (
    Arranged,
    ContactKind,
    CreditorKind,
    Dagdeel,
    Reached,
    SignalKind,
    outcome_from_stored,
)

from .deadlines import WINDOW_DAYS
from .models import CaseEvent, SignalRole, Urgency


def moment_text(at: dt.datetime) -> str:
    """'9 april 2026 14:30': the local date and time of a moment."""
    local = timezone.localtime(at, dates.TZ)
    return f"{dates.format_short(local.date())} {local:%H:%M}"


def _moment(value: str) -> str:
    return moment_text(dt.datetime.fromisoformat(value))


def _attempt(p: dict) -> str:
    text = (f"Contactpoging {ContactKind(p['contact_kind']).label} op {_moment(p['at'])} "
            f"({Dagdeel(p['dagdeel']).label.lower()}): {Reached(p['reached']).label.lower()}.")
    origin = p.get("origin")
    if origin == "systeem":  # an outreach plan's message or letter (issue 13)
        step = f" (stap {p['step']})" if p.get("step") else ""
        plan = f" '{p['plan']}'" if p.get("plan") else ""
        return f"{text} Automatisch verstuurd volgens benaderingsplan{plan}{step}, door het systeem."
    if origin == "extern_kcc":
        return f"{text} Gemeld door het externe klantcontactcentrum."
    return text


def _attempt_unanswered(p: dict) -> str:
    return (f"Geen reactie binnen {p['days']} dagen op de {ContactKind(p['contact_kind']).label.lower()} van "
            f"{_moment(p['attempt_at'])}: nu niet bereikt (door het systeem).")


def _delivery_failed(p: dict) -> str:
    text = (f"De {ContactKind(p['contact_kind']).label.lower()} van {_moment(p['attempt_at'])} is niet "
            f"afgeleverd ({p['reason']}).")
    if p.get("unusable"):
        field = "telefoonnummer" if p["unusable"] == "telefoon" else "e-mailadres"
        text += f" Het {field} is als onbruikbaar gemarkeerd."
    return text


def _contact_unusable(p: dict) -> str:
    field = "Telefoonnummer" if p["field"] == "telefoon" else "E-mailadres"
    return f"{field} gemarkeerd als onbruikbaar: {p['reason']}."


def _outreach(p: dict) -> str:
    # The outreach plan's own account (``outreach``): started, stopped, a step skipped.
    return p["text"]


def _task(p: dict) -> str:
    return p["text"]


def _closed(p: dict) -> str:
    text = f"Gesloten met eindresultaat '{outcome_from_stored(p['outcome']).label}'."
    if p.get("consent"):
        text += " De inwoner gaf toestemming om de vastelastenpartner 'geen hulp gewenst' te melden."
    return f"{text} {p.get('note', '')}".strip()


def _closed_at_routing(p: dict) -> str:
    return f"Bakje {p['tray']}: direct gesloten met eindresultaat '{outcome_from_stored(p['outcome']).label}'."


def _reopened(p: dict) -> str:
    return f"Heropend (late hulpacceptatie): {p['note']}"


def _expired(p: dict) -> str:
    last = dt.date.fromisoformat(p["last_day"])
    reached = "inwoner eerder bereikt" if p["was_reached"] else "inwoner nooit bereikt"
    if not p["was_reached"] and p.get("only_written"):
        reached += "; alleen schriftelijke pogingen, zonder reactie"
    return (f"Automatisch gesloten: de termijn van {p.get('window_days', WINDOW_DAYS)} dagen eindigde op "
            f"{dates.format_date(last)}. Eindresultaat '{outcome_from_stored(p['outcome']).label}' ({reached}).")


def _work_started(p: dict) -> str:
    return f"Eerste contactpoging geregistreerd. {_attempt(p)}"


def _date(value: str) -> str:
    return dates.format_short(dt.date.fromisoformat(value))


def _opened_at_close(p: dict) -> str:
    recidive = "opeenvolgend" if p["recidive"] else "niet opeenvolgend"
    return (f"Geopend bij afsluiting van de periode {_date(p['period_start'])} t/m {_date(p['period_end'])}: "
            f"{p['signals']} signaal/signalen op dit adres, {p['match_type']}, {recidive}.")


def _opened_crisis(p: dict) -> str:
    return (f"Direct geopend voor een {SignalKind(p['signal_kind']).label.lower()} "
            f"({CreditorKind(p['creditor_kind']).label.lower()}). Eerste actie: {p['due_basis']}")


def _routed(p: dict) -> str:
    # ``explanation``: the routing decision's own account (``cases.routing``), as on the case then.
    if p.get("from_tray") is None:
        return p["explanation"]
    return f"Van bakje {p['from_tray']} naar {p['to_tray']}.\n{p['explanation']}"


def _added_signal(s: dict) -> str:
    kind = CreditorKind(s["creditor_kind"]).label.lower()
    text = f"{SignalRole(s['role']).label}: {kind}, {euro(Decimal(s['amount']))}"
    if s.get("contract"):
        text += f", contract {s['contract']}"
    if s.get("crisis_kind"):
        text += f" ({SignalKind(s['crisis_kind']).label.lower()})"
    return text + "."


def _signals_added(p: dict) -> str:
    lines = [_added_signal(s) for s in p["signals"]]
    lines.append(f"Melding nu {p['match_type']}, totaal {euro(Decimal(p['amount']))}"
                 f" (was {euro(Decimal(p['amount_before']))}).")
    if p.get("urgency") is not None:
        lines.append(f"Urgentie verhoogd naar '{Urgency(p['urgency']).label}'; eerste actie: {p['due_basis']}")
    return "\n".join(lines)


def _assigned(p: dict) -> str:
    return f"Toegewezen aan {p['worker']}." if p.get("worker") else "Toewijzing opgeheven."


def _reply(p: dict) -> str:
    return (f"Reactie ontvangen op {_moment(p['at'])} op de {ContactKind(p['attempt_kind']).label.lower()} van "
            f"{_moment(p['attempt_at'])}: nu bereikt (was {Reached(p['was']).label.lower()}).")


def _follow_up(p: dict) -> str:
    return (f"Vervolgcontact na aanvaarde hulp: {ContactKind(p['contact_kind']).label} op {_moment(p['at'])}, "
            f"{Reached(p['reached']).label.lower()}; {Arranged(p['arranged']).label.lower()}.")


def _visit(p: dict) -> str:
    return (f"{dates.format_date(dt.date.fromisoformat(p['date']))} ({Dagdeel(p['dagdeel']).label.lower()}) "
            f"door {p['worker']}")


def _visit_planned(p: dict) -> str:
    text = f"Huisbezoek gepland op {_visit(p)}."
    return f"{text} Notitie: {p['note']}" if p.get("note") else text


def _visit_cancelled(p: dict) -> str:
    text = f"Gepland huisbezoek van {_visit(p)} geannuleerd."
    return f"{text} Reden: {p['reason']}" if p.get("reason") else text


def _contact_corrected(p: dict) -> str:
    # No values: the history says which field changed and where, never the old or the new number or address.
    field = "Telefoonnummer" if p["field"] == "telefoonnummer" else "E-mailadres"
    count = len(p["signals"])
    where = f"{count} signaal" if count == 1 else f"{count} signalen"
    return (f"{field} {p['change']} (rectificatie, AVG art. 16) in {where}: {', '.join(p['signals'])} "
            f"(van {', '.join(p['creditors'])}).")


SENTENCES = {
    "closed": _closed,
    "closed_at_routing": _closed_at_routing,
    "reopened": _reopened,
    "expired": _expired,
    "work_started": _work_started,
    "contact_attempt": _attempt,
    "opened_at_close": _opened_at_close,
    "opened_crisis": _opened_crisis,
    "routed": _routed,
    "signals_added": _signals_added,
    "assigned": _assigned,
    "reply": _reply,
    "follow_up": _follow_up,
    "visit_planned": _visit_planned,
    "visit_cancelled": _visit_cancelled,
    "contact_corrected": _contact_corrected,
    "attempt_unanswered": _attempt_unanswered,
    "delivery_failed": _delivery_failed,
    "contact_unusable": _contact_unusable,
    "outreach": _outreach,
    "task": _task,
}

# Which event each kind of sentence is written under (``CaseHistory.event``).
KIND_EVENT = {
    "closed": CaseEvent.STATUS,
    "closed_at_routing": CaseEvent.STATUS,
    "reopened": CaseEvent.STATUS,
    "expired": CaseEvent.STATUS,
    "work_started": CaseEvent.STATUS,
    "contact_attempt": CaseEvent.CONTACT,
    "reply": CaseEvent.CONTACT,
    "opened_at_close": CaseEvent.OPENED,
    "opened_crisis": CaseEvent.OPENED,
    "routed": CaseEvent.ROUTED,
    "signals_added": CaseEvent.SIGNAL,
    "assigned": CaseEvent.ASSIGNED,
    "follow_up": CaseEvent.FOLLOW_UP,
    "visit_planned": CaseEvent.VISIT,
    "visit_cancelled": CaseEvent.VISIT,
    "contact_corrected": CaseEvent.CONTACT_DATA,
    # System outreach events (the case page's timeline shows them; it leaves out CONTACT rows, which it
    # shows as the attempts themselves).
    "attempt_unanswered": CaseEvent.OUTREACH,
    "delivery_failed": CaseEvent.OUTREACH,
    "contact_unusable": CaseEvent.CONTACT_DATA,
    "outreach": CaseEvent.OUTREACH,
    "task": CaseEvent.TASK,
}


def history_text(params: dict | None, reason: str = "") -> str:
    """The Dutch sentence of a history row: rendered from its params, else its stored reason."""
    render = SENTENCES.get((params or {}).get("kind"))
    return render(params) if render is not None else reason


def case_history_text(row) -> str:
    """The Dutch sentence of a ``CaseHistory`` row (screens, admin, commands)."""
    return history_text(getattr(row, "params", None), row.reason)


def attempt_params(*, kind: str, at: dt.datetime, dagdeel: str, reached: str) -> dict:
    """The params of a contact attempt (also part of 'work started')."""
    return {"contact_kind": str(kind), "at": at.isoformat(), "dagdeel": str(dagdeel), "reached": str(reached)}
