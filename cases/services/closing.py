"""Closing, reopening and starting work on a case; the follow-up after accepted help; the day-28 closure."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_fsm import ConcurrentTransition

from feedback.services import COLLECTION_PAUSE
from vroegsignalering.common.fsm import bulk_transition
from vroegsignalering.common.vocab import (
    HELP_ACCEPTED,
    OUTCOMES,
    REPLY_KINDS,
    ContactKind,
    MonitorCategory,
    Outcome,
    Reached,
)

from .. import deadlines, selectors
from ..exceptions import CaseActionError, CaseWindowClosedError
from ..models import WINDOW_STATUSES, Case, CaseHistory, CaseStatus, FirstReaction, FollowUp
from ..refusals import CaseRefusal
from ..transitions import case_transition, case_transition_row
from ._writes import _feedback_issue, case_lock

# End results a person can only register after the resident was reached (DESIGN.md's monitor
# categories "help accepted" and "reached, declined").
REACHED_CATEGORIES = frozenset({
    MonitorCategory.HULP_QUICK_FIX, MonitorCategory.HULP_VERWIJZING, MonitorCategory.HULP_FINANCIEEL,
    MonitorCategory.HULP_NIET_FINANCIEEL,
    MonitorCategory.BEREIKT_GEEN_HULP,
})


def ensure_open_for_work(case: Case, *, now: dt.datetime, action: str) -> None:
    """Refuse (Dutch message) when nothing may be registered on the case now: it is closed, or its
    28-day window has passed. A reopened case accepts work until it is closed again."""
    if case.status == CaseStatus.GESLOTEN:
        closed = deadlines.format_short(deadlines.local_date(case.closed_at)) if case.closed_at else "eerder"
        raise CaseWindowClosedError(
            f"Deze melding is gesloten op {closed}; u kunt geen {action}. Heeft de inwoner later alsnog hulp "
            "aanvaard? Heropen de melding dan eerst (late hulpacceptatie).",
            code=CaseRefusal.GESLOTEN,
        )
    if case.status in WINDOW_STATUSES and not deadlines.window_is_open(case.deadline_at, now):
        last = deadlines.last_day(case.deadline_at)
        raise CaseWindowClosedError(
            f"De termijn van {deadlines.WINDOW_DAYS} dagen voor deze melding is verstreken (de laatste dag was "
            f"{deadlines.format_date(last)}); u kunt geen {action}. De melding wordt automatisch gesloten. "
            "Heeft de inwoner later alsnog hulp aanvaard? Heropen de melding dan na sluiting.",
            code=CaseRefusal.TERMIJN_VERSTREKEN,
        )


def _closing_details(outcome: Outcome, *, first_reaction: str, help_description: str, decline_reason: str,
                     consent: bool) -> dict:
    """Validate what a worker records with an end result; all errors at once, per field, in Dutch."""
    errors = {}
    category = OUTCOMES[outcome][0]
    if first_reaction and first_reaction not in FirstReaction.values:
        errors["eersteReactie"] = "Kies positief, neutraal of negatief."
    if help_description and outcome not in HELP_ACCEPTED:
        errors["welkeHulp"] = "Vul 'welke hulp' alleen in bij een eindresultaat met aanvaarde hulp."
    if decline_reason and category != MonitorCategory.BEREIKT_GEEN_HULP:
        errors["redenGeenHulp"] = "Vul een reden alleen in als de inwoner geen hulp wil."
    if consent and outcome != Outcome.GEEN_HULP_GEWENST:
        errors["toestemming"] = ("Toestemming om 'geen hulp gewenst' te melden hoort alleen bij het eindresultaat "
                                 f"'{Outcome.GEEN_HULP_GEWENST.label}'.")
    if errors:
        raise CaseActionError(" ".join(errors.values()), code=CaseRefusal.VELDEN, fields=errors)
    return {"first_reaction": first_reaction, "help_description": help_description[:300],
            "decline_reason": decline_reason[:500]}


def case_close(*, case: Case, outcome: str, by, reason: str = "", first_reaction: str = "",
               help_description: str = "", decline_reason: str = "", consent: bool = False,
               now: dt.datetime | None = None) -> Case:
    """Close a case with a DDAS end result (within the window, or a reopened case).

    With it a worker may record the first reaction, what help was agreed (accepted help), why the
    resident declined, and the resident's consent to tell the creditor 'geen hulp gewenst' (stored
    with date and by whom; without it the creditor gets 'afgesloten'). Accepted help schedules a
    follow-up item for the day the creditor's 30-day collection pause ends."""
    now = now or timezone.now()
    if outcome not in Outcome.values:
        raise CaseActionError(f"Onbekend eindresultaat: {outcome!r}.", code=CaseRefusal.EINDRESULTAAT,
                              fields={"eindresultaat": "Kies een eindresultaat uit de lijst."})
    outcome = Outcome(outcome)
    details = _closing_details(outcome, first_reaction=(first_reaction or "").strip(),
                               help_description=(help_description or "").strip(),
                               decline_reason=(decline_reason or "").strip(), consent=bool(consent))
    with transaction.atomic():
        case = case_lock(case)
        ensure_open_for_work(case, now=now, action="eindresultaat registreren")
        if OUTCOMES[outcome][0] in REACHED_CATEGORIES and not selectors.case_was_reached(case):
            raise CaseActionError(
                f"Het eindresultaat '{outcome.label}' vraagt dat de inwoner is bereikt. Registreer eerst de "
                "contactpoging waarbij de inwoner is bereikt.",
                code=CaseRefusal.NIET_BEREIKT,
            )
        case.first_closed_at = case.first_closed_at or now
        for name, value in details.items():
            setattr(case, name, value)
        case.feedback_consent_at = now if consent else None
        case.feedback_consent_by = by if consent else None
        case_transition(case, "close", outcome, now, by=by, at=now,
                        params={"kind": "closed", "outcome": str(outcome), "consent": bool(consent),
                                "note": reason or ""},
                        fields=["outcome", "closed_at", "first_closed_at", *details, "feedback_consent_at",
                                "feedback_consent_by"])
        _feedback_issue([case], now=now)
        if outcome in HELP_ACCEPTED:
            due_on = deadlines.local_date(now) + COLLECTION_PAUSE
            FollowUp.objects.get_or_create(
                case=case, due_on=due_on,
                defaults={"assigned_to": case.assigned_to or (by if getattr(by, "pk", None) else None),
                          "created_at": now},
            )
    return case


def case_reopen(*, case: Case, reason: str, by, now: dt.datetime | None = None) -> Case:
    """Late help acceptance: reopen a closed case within the municipality's term (default 3 months
    after it was first closed)."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise CaseActionError("Geef een reden om de melding te heropenen.", code=CaseRefusal.REDEN)
    with transaction.atomic():
        case = case_lock(case)
        if case.status != CaseStatus.GESLOTEN:
            raise CaseActionError("Alleen een gesloten melding kan worden heropend.", code=CaseRefusal.NIET_GESLOTEN)
        months = selectors.policy_for(case.municipality_id).reopen_term_months
        term = deadlines.reopen_deadline(case.first_closed_at or case.closed_at, months)
        if now > term.at:
            raise CaseActionError(f"De termijn om deze melding te heropenen is verstreken ({term.basis}).",
                                  code=CaseRefusal.TERMIJN_VERSTREKEN)
        case_transition(case, "reopen", reason[:500], now, by=by, at=now,
                        params={"kind": "reopened", "note": reason}, fields=["reopen_reason", "reopened_at"])
    return case


def case_start_work(case: Case, *, now: dt.datetime, by, params: dict, fields: Iterable[str] = (),
                    rows: list | None = None) -> bool:
    """open → in_behandeling on a locked case (the first contact attempt), saving ``fields`` with the
    status; no-op (False) otherwise. ``params``: the history row's (``cases.history``). With ``rows`` the
    history row is appended there for the caller to write with its own (``case_history_write``)."""
    if case.status != CaseStatus.OPEN:
        return False
    if rows is None:
        case_transition(case, "start_work", by=by, at=now, params=params, fields=fields)
    else:
        rows.append(case_transition_row(case, "start_work", by=by, at=now, params=params))
        case.save(update_fields=["status", *fields])
    return True


def cases_close_expired(*, now: dt.datetime | None = None, batch_size: int = 1000) -> dict[str, int]:
    """The day-28 job: close every open or in-progress case whose window has passed, with the
    derived end result (ever reached → 'Geen reactie na eerder contact', else 'Definitief geen
    contact kunnen krijgen'), as of the window's end. Idempotent; rows are locked and re-checked,
    each batch in its own transaction. Returns counts."""
    now = now or timezone.now()
    ids = list(selectors.cases_due_for_expiry(now=now).order_by("deadline_at", "pk").values_list("pk", flat=True))
    counts = {"closed": 0, Outcome.GEEN_CONTACT.name: 0, Outcome.GEEN_REACTIE_NA_CONTACT.name: 0}
    reached = Case.objects.filter(pk=OuterRef("pk"), contact_attempts__reached=Reached.JA)
    # Only letters, cards, e-mails and texts were tried (item 5 of issue 13: the history says so).
    spoken = Case.objects.filter(pk=OuterRef("pk"),
                                 contact_attempts__kind__in=[k for k in ContactKind.values if k not in REPLY_KINDS])
    written = Case.objects.filter(pk=OuterRef("pk"), contact_attempts__kind__in=REPLY_KINDS)
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            cases = list(Case.objects.select_for_update()
                         .filter(pk__in=ids[start:start + batch_size], status__in=WINDOW_STATUSES,
                                 deadline_at__lte=now)
                         .annotate(was_reached=Exists(reached), any_spoken=Exists(spoken),
                                   any_written=Exists(written)).order_by("pk"))
            by_outcome: dict[tuple, list[CaseHistory]] = defaultdict(list)
            for case in cases:
                outcome = Outcome.GEEN_REACTIE_NA_CONTACT if case.was_reached else Outcome.GEEN_CONTACT
                before = case.status
                row = case_transition_row(  # in memory: validates the transition, writes the history row
                    case, "expire", outcome, case.deadline_at, by=None, at=now,
                    params={"kind": "expired", "window_days": deadlines.WINDOW_DAYS, "outcome": str(outcome),
                            "last_day": deadlines.last_day(case.deadline_at).isoformat(),
                            "was_reached": bool(case.was_reached),
                            "only_written": bool(case.any_written and not case.any_spoken)},
                )
                by_outcome[(before, outcome)].append(row)
                counts["closed"] += 1
                counts[outcome.name] += 1
            for (before, outcome), rows in by_outcome.items():
                # One UPDATE per (state, end result) along the graph's edge; the rows are locked, the
                # state is checked again.
                pks = [row.case.pk for row in rows]
                try:
                    changed = bulk_transition(
                        Case.objects.filter(pk__in=pks), "expire", source=before, history=rows,
                        values={"outcome": outcome, "closed_at": F("deadline_at"),
                                "first_closed_at": Coalesce(F("first_closed_at"), F("deadline_at"))},
                    )
                except ConcurrentTransition:
                    changed = []
                if len(changed) != len(pks):
                    raise CaseActionError("Een melding is intussen door een ander proces gewijzigd; probeer opnieuw.")
            _feedback_issue(cases, now=now)
    return counts
