"""Writes of contact attempts. The 28-day window is enforced here through the case."""
from __future__ import annotations

import datetime as dt

from django.db import models, transaction
from django.utils import timezone

from accounts.models import CASEWORK_ROLES, User
from cases import deadlines
from cases.exceptions import CaseActionError
from cases.history import attempt_params, moment_text
from cases.models import FOLLOW_UP_EARLY, WINDOW_STATUSES, Case, CaseEvent, FollowUp
from cases.refusals import CaseRefusal
from cases.services import (
    case_history_append,
    case_history_write,
    case_lock,
    case_start_work,
    ensure_open_for_work,
)
from cases.transitions import history_row
from vroegsignalering.common import dates
from vroegsignalering.common.vocab import RECORDABLE_CONTACT_KINDS, ContactKind

from .models import (
    REPLY_KINDS,
    Arranged,
    CaseTask,
    ContactAttempt,
    Dagdeel,
    Delivery,
    Origin,
    PlannedVisit,
    Reached,
    TaskKind,
    TaskStatus,
    dagdeel_for,
)

# The tasks an attempt of this kind answers: a phone call does the plan's "bel de inwoner" and the call
# centre's "terugbellen"; a home visit does "huisbezoek plannen" (a planned visit does it too).
TASKS_DONE_BY = {
    ContactKind.TELEFOON: (TaskKind.BELLEN, TaskKind.TERUGBELLEN),
    ContactKind.HUISBEZOEK: (TaskKind.HUISBEZOEK,),
}

# Registering an attempt a little "in the future" is a clock difference, not a planned attempt.
CLOCK_TOLERANCE = dt.timedelta(minutes=5)
# A follow-up may be done a few days before the collection pause ends (a worker plans ahead).


def _check_moment(at: dt.datetime, now: dt.datetime) -> None:
    if at.tzinfo is None:
        raise CaseActionError("Geef het tijdstip met tijdzone.", code=CaseRefusal.TIJDSTIP)
    if at > now + CLOCK_TOLERANCE:
        raise CaseActionError("Het tijdstip ligt in de toekomst; registreer een poging nadat die is gedaan.",
                                code=CaseRefusal.TIJDSTIP_TOEKOMST)


_when = moment_text  # '9 april 2026 14:30'


def _visit_mark_made(case: Case, attempt: ContactAttempt) -> None:
    """A home-visit attempt makes that day's planned visit of the case: the visitor's own visit in the
    attempt's part of the day first, then theirs at another part, then a colleague's (case locked)."""
    same_dagdeel = models.Case(models.When(dagdeel=attempt.dagdeel, then=0), default=1)
    visitor_first = models.Case(models.When(worker_id=getattr(attempt.by, "pk", None), then=0), default=1)
    visit = (PlannedVisit.objects.select_for_update()
             .filter(case=case, date=dates.local_date(attempt.at), cancelled_at__isnull=True, attempt__isnull=True)
             .order_by(visitor_first, same_dagdeel, "pk").first())
    if visit is not None:
        visit.attempt = attempt
        visit.save(update_fields=["attempt"])


def case_tasks_done(case: Case, kinds, *, attempt: ContactAttempt | None, now: dt.datetime) -> int:
    """Mark the case's open tasks of these kinds done (by ``attempt``); the case is locked. Returns how many."""
    return CaseTask.objects.filter(case=case, status=TaskStatus.OPEN, kind__in=kinds).update(
        status=TaskStatus.GEDAAN, done_at=now, attempt=attempt)


def contact_attempt_register(*, case: Case, kind: str, at: dt.datetime, by, reached: str = Reached.ONBEKEND,
                             note: str = "", now: dt.datetime | None = None, origin: str = Origin.MEDEWERKER,
                             reference: str = "", history: dict | None = None,
                             delivery: str = Delivery.ONBEKEND) -> ContactAttempt:
    """Register one contact attempt. The first attempt moves an open case to in behandeling.
    Refused (``CaseWindowClosedError``, Dutch message) when the case is closed or its 28-day window has
    passed; a reopened case accepts attempts.

    ``origin``: a worker (default), the system (an outreach plan: ``by`` is None) or an external call
    centre; ``reference``: the per-case reference the message carried; ``history``: extra params for the
    history row (the plan and step of an automatic attempt, ``cases.history``); ``delivery``: what the gateway
    said of a message the system sent (``Delivery``), as of ``now``."""
    now = now or timezone.now()
    if origin not in Origin.values:
        raise CaseActionError(f"Onbekende herkomst: {origin!r}.", code=CaseRefusal.VELDEN)
    if kind not in ContactKind.values:
        raise CaseActionError(f"Onbekende soort contact: {kind!r}.", code=CaseRefusal.SOORT)
    if reached not in Reached.values:
        raise CaseActionError(f"Onbekende waarde voor bereikt: {reached!r}.", code=CaseRefusal.BEREIKT)
    _check_moment(at, now)
    with transaction.atomic():
        case = case_lock(case)
        ensure_open_for_work(case, now=now, action="contactpoging registreren")
        # Forms give minutes: an attempt in the minute the case opened is not "before the opening".
        if at < case.opened_at.replace(second=0, microsecond=0):
            raise CaseActionError(
                f"Het tijdstip ligt vóór de opening van de melding ({_when(case.opened_at)}).",
                code=CaseRefusal.TIJDSTIP_VOOR,
            )
        attempt = ContactAttempt.objects.create(
            case=case, kind=kind, at=at, dagdeel=dagdeel_for(at), reached=reached, note=note, by=by,
            registered_at=now, origin=origin, reference=reference, delivery=delivery,
            delivery_at=now if delivery else None,
        )
        params = attempt_params(kind=kind, at=at, dagdeel=attempt.dagdeel, reached=reached)
        if origin != Origin.MEDEWERKER:
            params.update(origin=str(origin), **(history or {}))
        if kind == ContactKind.HUISBEZOEK:
            _visit_mark_made(case, attempt)
        if kind in TASKS_DONE_BY:
            case_tasks_done(case, TASKS_DONE_BY[kind], attempt=attempt, now=now)
        if case.first_contact_at is None or at < case.first_contact_at:
            case.first_contact_at = at
        rows: list = []  # 'work started' (the first attempt) and the attempt: one write, seen once downstream
        if not case_start_work(case, now=now, by=by, params={"kind": "work_started", **params},
                               fields=["first_contact_at"], rows=rows):
            case.save(update_fields=["status", "first_contact_at"])
        rows.append(history_row(case, at=now, by=by, event=CaseEvent.CONTACT, to_status=case.status,
                                params={"kind": "contact_attempt", **params}))
        case_history_write(rows)
    return attempt


def contact_attempt_record_reply(*, attempt: ContactAttempt, at: dt.datetime, by, note: str = "",
                                 now: dt.datetime | None = None) -> ContactAttempt:
    """The resident replied to a letter, card, e-mail or text: the attempt becomes reached (no new
    attempt). Refused outside the case's window, like a new attempt."""
    now = now or timezone.now()
    _check_moment(at, now)
    with transaction.atomic():
        attempt = ContactAttempt.objects.select_for_update().get(pk=attempt.pk)
        case = case_lock(attempt.case)
        ensure_open_for_work(case, now=now, action="reactie registreren")
        if attempt.kind not in REPLY_KINDS:
            raise CaseActionError(
                "Een reactie wordt geregistreerd bij een brief, kaartje, e-mail of sms/WhatsApp. Registreer dit "
                "contact als nieuwe contactpoging.", code=CaseRefusal.SOORT,
            )
        if attempt.reply_received_at is not None:
            raise CaseActionError(
                f"Op deze contactpoging is al een reactie geregistreerd ({_when(attempt.reply_received_at)}).",
                code=CaseRefusal.AL_REACTIE,
            )
        if at < attempt.at:
            raise CaseActionError(
                f"De reactie kan niet eerder zijn dan de contactpoging ({_when(attempt.at)}).",
                code=CaseRefusal.TIJDSTIP_VOOR,
            )
        before = attempt.reached
        attempt.reached = Reached.JA
        attempt.reply_received_at = at
        attempt.reply_note = note
        attempt.reply_registered_by = by
        attempt.save(update_fields=["reached", "reply_received_at", "reply_note", "reply_registered_by"])
        case_history_append(case, at=now, by=by, event=CaseEvent.CONTACT, to_status=case.status,
                            params={"kind": "reply", "at": at.isoformat(), "attempt_kind": attempt.kind,
                                    "attempt_at": attempt.at.isoformat(), "was": before})
    return attempt


def follow_up_record(*, follow_up: FollowUp, kind: str, at: dt.datetime, reached: str, arranged: str, by,
                     note: str = "", now: dt.datetime | None = None) -> FollowUp:
    """Record the follow-up after accepted help like a contact attempt: how and when the household was
    contacted, whether it was reached, and whether the arrangement is in place. The case stays closed
    (this is not an attempt within the 28-day window); the answer goes into the case's history."""
    now = now or timezone.now()
    errors = {}
    if kind not in RECORDABLE_CONTACT_KINDS:
        errors["soort"] = "Kies een soort contact uit de lijst."
    if reached not in Reached.values:
        errors["bereikt"] = "Kies of de inwoner is bereikt."
    if arranged not in Arranged.values:
        errors["afspraakLoopt"] = "Kies of de afspraak loopt."
    elif reached in Reached.values and reached != Reached.JA and arranged != Arranged.ONBEKEND:
        errors["afspraakLoopt"] = "Als de inwoner niet is bereikt, is onbekend of de afspraak loopt."
    if errors:
        raise CaseActionError(" ".join(errors.values()), code=CaseRefusal.VELDEN, fields=errors)
    _check_moment(at, now)
    with transaction.atomic():
        follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        case = case_lock(follow_up.case)
        if follow_up.done_at is not None:
            raise CaseActionError(f"Dit vervolgcontact is al vastgelegd ({_when(follow_up.done_at)}).",
                                  code=CaseRefusal.AL_VASTGELEGD)
        if dates.local_date(at) < follow_up.due_on - FOLLOW_UP_EARLY:
            raise CaseActionError(
                "Het vervolgcontact is bedoeld rond het einde van de incassorust "
                f"({dates.format_short(follow_up.due_on)}); registreer eerder contact als contactpoging op de "
                "melding.", code=CaseRefusal.TE_VROEG,
                fields={"tijdstip": "Dit tijdstip ligt ruim vóór het einde van de incassorust."},
            )
        follow_up.kind, follow_up.at, follow_up.dagdeel = kind, at, dagdeel_for(at)
        follow_up.reached, follow_up.arranged, follow_up.note = reached, arranged, note
        follow_up.done_at, follow_up.done_by = now, by
        follow_up.save()
        case_history_append(
            case, at=now, by=by, event=CaseEvent.FOLLOW_UP, to_status=case.status,
            params={"kind": "follow_up", "contact_kind": kind, "at": at.isoformat(), "reached": reached,
                    "arranged": arranged},
        )
    return follow_up


# --- planned home visits (team lead) ---------------------------------------------------------------

VISIT_NOTE_MAX = 300


def _visit_params(visit: PlannedVisit) -> dict:
    """What a visit's history row needs (``cases.history``): the day, part and worker as they are now."""
    return {"date": visit.date.isoformat(), "dagdeel": visit.dagdeel, "worker_id": visit.worker_id,
            "worker": visit.worker.get_full_name() or visit.worker.get_username()}


def visit_plan(*, case: Case, worker, date: dt.date, dagdeel: str, note: str = "", by,
               now: dt.datetime | None = None) -> PlannedVisit:
    """Plan a home visit for a case: a worker of the case's municipality, a date and a part of the day.

    Refused (``CaseActionError``; ``fields`` names the inputs ``medewerker``, ``datum``, ``dagdeel``,
    ``notitie``) when the case is closed or its window has passed, the date lies in the past or after
    the last day of the 28-day window (a reopened case has no window), the worker does not work for
    the municipality or does not handle cases, or the worker already has a visit at this address in
    that part of that day. Appends a history row to the case."""
    now = now or timezone.now()
    today = dates.local_date(now)
    note = (note or "").strip()
    errors = {}
    if worker is None:
        errors["medewerker"] = "Kies een medewerker."
    elif not worker.is_active or worker.role not in CASEWORK_ROLES:
        errors["medewerker"] = (f"{worker.get_full_name() or worker.get_username()} behandelt geen meldingen; "
                                "kies een vroegsignaleerder of teamleider.")
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        errors["datum"] = "Geef een datum."
    elif date < today:
        errors["datum"] = f"De datum ligt in het verleden; kies vandaag ({dates.format_short(today)}) of later."
    if dagdeel not in Dagdeel.values:
        errors["dagdeel"] = "Kies ochtend, middag of avond."
    if len(note) > VISIT_NOTE_MAX:
        errors["notitie"] = f"De notitie is te lang: hoogstens {VISIT_NOTE_MAX} tekens (nu {len(note)})."
    if errors:
        raise CaseActionError(" ".join(errors.values()), code=CaseRefusal.VELDEN, fields=errors)
    with transaction.atomic():
        case = case_lock(case)
        ensure_open_for_work(case, now=now, action="huisbezoek plannen")
        if case.status in WINDOW_STATUSES:
            last = deadlines.last_day(case.deadline_at)
            if date > last:
                text = (f"De termijn van {deadlines.WINDOW_DAYS} dagen van deze melding eindigt op "
                        f"{dates.format_date(last)}; plan het huisbezoek uiterlijk op die dag.")
                raise CaseActionError(text, code=CaseRefusal.NA_TERMIJN, fields={"datum": text})
        # Lock the worker: two leads planning the same worker at once cannot both pass the clash check.
        worker = User.objects.select_for_update().get(pk=worker.pk)
        name = worker.get_full_name() or worker.get_username()
        if not worker.municipalities.filter(pk=case.municipality_id).exists():
            text = f"{name} werkt niet voor de gemeente van deze melding."
            raise CaseActionError(text, code=CaseRefusal.GEMEENTE, fields={"medewerker": text})
        clash = PlannedVisit.objects.filter(
            worker=worker, date=date, dagdeel=dagdeel, cancelled_at__isnull=True,
            case__municipality_id=case.municipality_id, case__address_key=case.address_key,
        ).first()
        if clash is not None:
            text = (f"{name} heeft op {dates.format_date(date)} ({Dagdeel(dagdeel).label.lower()}) al een "
                    f"huisbezoek op dit adres (melding {clash.case_id}).")
            raise CaseActionError(text, code=CaseRefusal.DUBBEL, fields={"dagdeel": text})
        visit = PlannedVisit.objects.create(case=case, worker=worker, date=date, dagdeel=dagdeel, note=note,
                                            planned_by=by, planned_at=now)
        case_tasks_done(case, (TaskKind.HUISBEZOEK,), attempt=None, now=now)  # "huisbezoek plannen" (issue 13)
        case_history_append(case, at=now, by=by, event=CaseEvent.VISIT, to_status=case.status,
                            params={"kind": "visit_planned", **_visit_params(visit), "note": note})
    return visit


def visit_cancel(*, visit: PlannedVisit, by, reason: str = "", now: dt.datetime | None = None) -> PlannedVisit:
    """Cancel a planned home visit (also of a case closed since). Refused when it was cancelled
    before or has been made (registered as a contact attempt). Appends a history row to the case."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        case = case_lock(Case(pk=visit.case_id))  # lock order as everywhere: case, then what hangs on it
        visit = PlannedVisit.objects.select_for_update().select_related("worker").get(pk=visit.pk)
        if visit.cancelled_at is not None:
            raise CaseActionError(f"Dit huisbezoek is al geannuleerd ({_when(visit.cancelled_at)}).",
                                  code=CaseRefusal.AL_GEANNULEERD)
        if visit.attempt_id is not None:
            raise CaseActionError("Dit huisbezoek is al afgelegd en als contactpoging geregistreerd; annuleren kan "
                                  "niet meer.", code=CaseRefusal.AFGELEGD)
        visit.cancelled_at = now
        visit.save(update_fields=["cancelled_at"])
        case_history_append(case, at=now, by=by, event=CaseEvent.VISIT, to_status=case.status,
                            params={"kind": "visit_cancelled", **_visit_params(visit), "reason": reason[:500]})
    return visit
