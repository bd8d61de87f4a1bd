"""The call centre's writes: an inbound call ("inwoner belde") becomes a call-back task for the handler, and
an external call centre's result becomes a phone attempt on the case.

Without an active case nothing about a person is written: the views only reach these services with a case
the user may see (a signed token, or a kenmerk of the team lead's municipalities).
"""
from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone

from cases import deadlines
from cases.exceptions import CaseActionError
from cases.models import ACTIVE_STATUSES, Case, CaseEvent
from cases.refusals import CaseRefusal
from cases.services import case_history_append, case_lock
from contacts.models import REPLY_KINDS, CaseTask, ContactAttempt, Dagdeel, Origin, Reached, TaskKind, TaskSource
from contacts.services import contact_attempt_record_reply, contact_attempt_register
from vroegsignalering.common.dates import format_date, local_date
from vroegsignalering.common.vocab import ContactKind

# "VS-7K3M2QX-2" (the case's reference and the plan step), as a resident reads it out: any case, spaces.
REFERENCE = re.compile(r"^VS-?([0-9A-Z]{7})(?:-?([0-9]{1,3}))?$")
REPLY_NOTE = "De inwoner reageerde via het klantcontactcentrum."


def reference_normalise(value: str) -> str:
    """'vs 7k3m2qx 2' → 'VS-7K3M2QX-2'; '' when it is no reference."""
    compact = "".join((value or "").split()).upper().replace("—", "-").replace("–", "-")
    compact = re.sub(r"^VS(?!-)", "VS-", compact)
    match = REFERENCE.match(compact)
    if not match:
        return ""
    body, step = match.groups()
    return f"VS-{body}" + (f"-{step}" if step else "")


def _referenced_attempt(case: Case, reference: str) -> ContactAttempt:
    """The attempt of ``case`` that carried ``reference`` (locked case), or a Dutch refusal on 'kenmerk'."""
    attempt = ContactAttempt.objects.filter(case=case, reference=reference).order_by("-at", "-pk").first()
    if attempt is None and reference == case.contact_reference:  # the case's own reference, without a step
        attempt = (ContactAttempt.objects.filter(case=case, reference__startswith=f"{reference}-",
                                                 kind__in=REPLY_KINDS, reply_received_at__isnull=True)
                   .order_by("-at", "-pk").first())
    if attempt is None:
        raise CaseActionError("Bij deze melding is geen bericht met dit kenmerk verstuurd. Controleer het kenmerk "
                              "of laat het veld leeg.", code=CaseRefusal.VELDEN,
                              fields={"kenmerk": "Bij deze melding is geen bericht met dit kenmerk verstuurd."})
    return attempt


def _task_text(dagdeel: str, due: dt.date, credited: ContactAttempt | None) -> str:
    preference = f" (voorkeur: {Dagdeel(dagdeel).label.lower()})" if dagdeel else ""
    text = (f"De inwoner belde het klantcontactcentrum en vraagt om terugbellen{preference}, uiterlijk "
            f"{format_date(due)}.")
    if credited is not None:
        text += f" Dit is een reactie op het bericht met kenmerk {credited.reference}."
    return text


def inbound_call_register(*, case: Case, by, callback_phone: str, dagdeel: str = "", note: str = "",
                          reference: str = "", now: dt.datetime | None = None) -> CaseTask:
    """"Inwoner belde": a call-back task (terugbellen, source KCC) for the case's handler (or the team when
    nobody is assigned), due the next working day, and a history row. A quoted message reference credits the
    reply to the attempt that carried it (reached), in the same transaction. Refused when the case is no
    longer active."""
    now = now or timezone.now()
    if dagdeel and dagdeel not in Dagdeel.values:
        raise CaseActionError("Kies ochtend, middag of avond.", code=CaseRefusal.VELDEN,
                              fields={"dagdeel": "Kies ochtend, middag of avond."})
    with transaction.atomic():
        case = case_lock(case)
        if case.status not in ACTIVE_STATUSES:
            raise CaseActionError("Deze melding is intussen afgesloten; geef de inwoner de contactgegevens van het "
                                  "team.", code=CaseRefusal.GESLOTEN)
        credited = None
        if reference:
            attempt = _referenced_attempt(case, reference)
            if attempt.reply_received_at is None and attempt.kind in REPLY_KINDS:
                credited = contact_attempt_record_reply(attempt=attempt, at=now, by=by, note=REPLY_NOTE, now=now)
        due = deadlines.add_working_days(local_date(now), 1)
        task = CaseTask.objects.create(
            case=case, kind=TaskKind.TERUGBELLEN, source=TaskSource.KCC, assigned_to=case.assigned_to,
            due_date=due, callback_phone=callback_phone, dagdeel=dagdeel, note=note, created_at=now, created_by=by)
        case_history_append(case, at=now, by=by, event=CaseEvent.TASK, to_status=case.status,
                            params={"kind": "task", "text": _task_text(dagdeel, due, credited)})
    return task


# --- the external call centre's results ---------------------------------------------------------------


def call_result_register(*, case: Case, at: dt.datetime, reached: str, note: str, by,
                         now: dt.datetime | None = None) -> tuple[ContactAttempt, bool]:
    """One result of the external call centre: a phone attempt (origin extern_kcc, by the importing user) that
    also marks the case's open phone tasks done. Idempotent on (case, moment): the same result again returns
    the attempt already registered and False."""
    with transaction.atomic():
        case = case_lock(case)
        existing = ContactAttempt.objects.filter(case=case, origin=Origin.EXTERN_KCC, kind=ContactKind.TELEFOON,
                                                 at=at).first()
        if existing is not None:
            return existing, False
        attempt = contact_attempt_register(case=case, kind=ContactKind.TELEFOON, at=at, by=by,
                                           reached=reached or Reached.ONBEKEND, note=note, now=now,
                                           origin=Origin.EXTERN_KCC)
    return attempt, True
