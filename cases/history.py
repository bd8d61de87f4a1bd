"""A case's history as data: each row's ``event`` with ``params``, rendered to a Dutch sentence here
(for the case page's timeline through the ``historytext`` filter), not composed in the services.

``params["kind"]`` names the sentence; the other keys are its values (JSON: dates and moments as ISO
strings). Rows without params (written before, or by an event still recorded as prose) show their
stored ``reason``. Structured so far: the transitions (closed, closed at routing, reopened, expired,
work started by the first attempt) and registered contact attempts.
"""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from vroegsignalering.common import dates
from vroegsignalering.common.vocab import ContactKind, Dagdeel, Outcome, Reached

from .deadlines import WINDOW_DAYS


def moment_text(at: dt.datetime) -> str:
    """'9 april 2026 14:30': the local date and time of a moment."""
    local = timezone.localtime(at, dates.TZ)
    return f"{dates.format_short(local.date())} {local:%H:%M}"


def _moment(value: str) -> str:
    return moment_text(dt.datetime.fromisoformat(value))


def _attempt(p: dict) -> str:
    return (f"Contactpoging {ContactKind(p['contact_kind']).label} op {_moment(p['at'])} "
            f"({Dagdeel(p['dagdeel']).label.lower()}): {Reached(p['reached']).label.lower()}.")


def _closed(p: dict) -> str:
    text = f"Gesloten met eindresultaat '{Outcome(p['outcome']).label}'."
    if p.get("consent"):
        text += " De inwoner gaf toestemming om de vastelastenpartner 'geen hulp gewenst' te melden."
    return f"{text} {p.get('note', '')}".strip()


def _closed_at_routing(p: dict) -> str:
    return f"Bakje {p['tray']}: direct gesloten met eindresultaat '{Outcome(p['outcome']).label}'."


def _reopened(p: dict) -> str:
    return f"Heropend (late hulpacceptatie): {p['note']}"


def _expired(p: dict) -> str:
    last = dt.date.fromisoformat(p["last_day"])
    reached = "inwoner eerder bereikt" if p["was_reached"] else "inwoner nooit bereikt"
    return (f"Automatisch gesloten: de termijn van {p.get('window_days', WINDOW_DAYS)} dagen eindigde op "
            f"{dates.format_date(last)}. Eindresultaat '{Outcome(p['outcome']).label}' ({reached}).")


def _work_started(p: dict) -> str:
    return f"Eerste contactpoging geregistreerd. {_attempt(p)}"


SENTENCES = {
    "closed": _closed,
    "closed_at_routing": _closed_at_routing,
    "reopened": _reopened,
    "expired": _expired,
    "work_started": _work_started,
    "contact_attempt": _attempt,
}


def history_text(params: dict | None, reason: str = "") -> str:
    """The Dutch sentence of a history row: rendered from its params, else its stored reason."""
    render = SENTENCES.get((params or {}).get("kind"))
    return render(params) if render is not None else reason


def attempt_params(*, kind: str, at: dt.datetime, dagdeel: str, reached: str) -> dict:
    """The params of a contact attempt (also part of 'work started')."""
    return {"contact_kind": str(kind), "at": at.isoformat(), "dagdeel": str(dagdeel), "reached": str(reached)}
