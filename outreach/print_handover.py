"""The handover of a print batch to the mail room: the moment its letters become contact attempts.

One click ("Afgegeven aan de postkamer", with the date) marks the batch handed over; each letter is then
registered as an attempt (kind Brief, reached unknown, by the system, with the step's reference) in its own
transaction, in the background, so a batch of 1,000 never holds 1,000 cases locked at once. A second click,
a retried task or the sweeper finds nothing left to do: a letter is registered once (its row is locked and
its status checked first; its attempt is one-to-one).

A case closed (or past its 28-day window) between the batch's start and the handover: the envelope did go
out, so the letter is ``verzonden``, but the contacts service refuses an attempt on it; the letter keeps a
note why, and the case history says the letter was sent without being registered.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from cases.exceptions import CaseActionError
from cases.models import CaseEvent
from cases.services import case_history_append
from contacts.models import Origin, Reached
from contacts.services import contact_attempt_register
from vroegsignalering.common import dates
from vroegsignalering.common.vocab import ContactKind

from .models import Letter, LetterStatus, PrintBatch, PrintBatchState, StepStatus
from .print_batches import PrintBatchError
from .tasks import print_batch_register


def handover_moment(on: dt.date, *, batch: PrintBatch, now: dt.datetime) -> dt.datetime:
    """The attempts' moment: now for today, else noon of that day (never before the batch was started)."""
    if on == dates.local_date(now):
        return now
    return max(dates.start_of_day(on) + dt.timedelta(hours=12), batch.created_at)


def print_batch_hand_over(*, batch_id: int, by, on: dt.date, now: dt.datetime, enqueue: bool = True) -> PrintBatch:
    """Mark a finished batch handed to the mail room on ``on`` and enqueue the registration of its letters.
    Idempotent: a batch already handed over is returned as it is. ``PrintBatchError`` (Dutch, field
    ``datum``) for a batch not ready or an impossible date."""
    with transaction.atomic():
        batch = PrintBatch.objects.select_for_update().defer("pdf").get(pk=batch_id)
        if batch.state == PrintBatchState.AFGEGEVEN:
            return batch
        if batch.state != PrintBatchState.KLAAR:
            raise PrintBatchError("Deze printbatch is nog niet klaar; geef hem af als de PDF gemaakt is.")
        if on > dates.local_date(now):
            raise PrintBatchError("De datum ligt in de toekomst; registreer de afgifte op de dag zelf of erna.",
                                  fields={"datum": "Kies vandaag of een eerdere dag."})
        if on < dates.local_date(batch.created_at):
            raise PrintBatchError("De datum ligt vóór het maken van de printbatch.",
                                  fields={"datum": f"Kies {dates.format_date(dates.local_date(batch.created_at))} "
                                                   "of later."})
        batch.state = PrintBatchState.AFGEGEVEN
        batch.handed_over_at = handover_moment(on, batch=batch, now=now)
        batch.handed_over_by = by
        batch.save(update_fields=["state", "handed_over_at", "handed_over_by"])
        if enqueue:
            print_batch_register.delay_on_commit(batch.pk)
    return batch


def print_batch_register_letters(batch_id: int, *, now: dt.datetime) -> int:
    """Register every letter of a handed-over batch not registered yet; how many were done now."""
    batch = PrintBatch.objects.defer("pdf").filter(pk=batch_id, state=PrintBatchState.AFGEGEVEN).first()
    if batch is None:
        return 0
    done = 0
    for letter_id in (Letter.objects.filter(batch_id=batch_id, status=LetterStatus.IN_BATCH)
                      .order_by("batch_position").values_list("pk", flat=True)):
        done += letter_send(letter_id, batch=batch, now=now)
    registered = Letter.objects.filter(batch_id=batch_id, status=LetterStatus.VERZONDEN).count()
    PrintBatch.objects.filter(pk=batch_id).update(letters_registered=registered)
    return done


def letter_send(letter_id: int, *, batch: PrintBatch, now: dt.datetime) -> int:
    """One letter of the batch posted: its attempt and its step (1), or nothing when done before (0)."""
    at = batch.handed_over_at
    with transaction.atomic():
        letter = Letter.objects.select_for_update(of=("self",)).select_related("case", "run_step__run").get(
            pk=letter_id)
        if letter.status != LetterStatus.IN_BATCH or letter.attempt_id is not None:
            return 0
        step = letter.run_step
        reference = step.contact_reference if step is not None else letter.case.contact_reference
        history = {"plan": step.run.plan_name, "step": step.position} if step is not None else {}
        note = f"Automatisch geregistreerd: brief uit printbatch {batch.pk}, afgegeven aan de postkamer."
        try:
            with transaction.atomic():
                attempt = contact_attempt_register(
                    case=letter.case, kind=ContactKind.BRIEF, at=at, by=None, reached=Reached.ONBEKEND, note=note,
                    now=now, origin=Origin.SYSTEEM, reference=reference, history=history)
        except CaseActionError as exc:
            attempt = None
            letter.note = ("Verzonden, maar niet als contactpoging geregistreerd: " + " ".join(exc.messages))[:500]
            case = letter.case
            case_history_append(case, at=now, by=None, event=CaseEvent.OUTREACH, to_status=case.status, params={
                "kind": "outreach",
                "text": f"Brief met kenmerk {reference} verzonden (printbatch {batch.pk}); niet als contactpoging "
                        "geregistreerd, omdat de melding toen gesloten was of de termijn voorbij was."})
        letter.status, letter.sent_at, letter.attempt = LetterStatus.VERZONDEN, at, attempt
        letter.save(update_fields=["status", "sent_at", "attempt", "note"])
        if step is not None:
            step.status, step.done_at, step.attempt = StepStatus.VERZONDEN, at, attempt
            step.save(update_fields=["status", "done_at", "attempt"])
    return 1
