"""Print batches: every letter waiting to be printed for a municipality as one PDF, sorted by postcode, for
the mail room; made in the background with its progress on screen (the CSV import's pattern).

- ``print_batch_start`` claims the waiting letters (``FOR UPDATE SKIP LOCKED``: two starts never share a
  letter) and numbers them in the sorted order: postcode, house number, letter, addition, case.
- ``print_batch_run`` renders chunks of :data:`CHUNK` letters, each as one HTML document (one page per
  letter), stores each chunk's PDF as a part and counts the progress, one transaction per chunk; then
  merges the parts with pypdf into the batch's PDF (about 2 KB a letter). A second run at the same time
  wastes a render but never stores a chunk twice.
- The sweeper (``print_batches_sweep`` in the task) re-enqueues a batch without progress for
  :data:`STALLED_AFTER`, fails one without progress for :data:`GIVE_UP_AFTER` (its letters wait for the
  next batch), and deletes a handed-over batch's PDF after :data:`KEEP_PDF_FOR`.
- The handover to the mail room is ``outreach.print_handover``.

The merged PDF is a print artefact and not tagged (pypdf's merge drops the structure); each letter's own
PDF/UA copy re-renders from its frozen text (``outreach.letter_pdf.letter_pdf``).
"""
from __future__ import annotations

import datetime as dt
import io
import logging
import time
import traceback

from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from cases.models import WINDOW_STATUSES
from vroegsignalering.common.errors import Refusal

from .letter_pdf import Frame, LetterPage, letters_pdf
from .models import (
    BATCH_DONE_STATES,
    Letter,
    LetterStatus,
    PrintBatch,
    PrintBatchPart,
    PrintBatchState,
)
from .tasks import print_batch_process

logger = logging.getLogger(__name__)

CHUNK = 100  # letters per rendered part: about 2.5 s and a flat ~110 MB each (docs/design/outreach-letters.md §3)
STALLED_AFTER = dt.timedelta(minutes=10)
GIVE_UP_AFTER = dt.timedelta(hours=2)
KEEP_PDF_FOR = dt.timedelta(days=14)
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)
OPEN_STATES = (PrintBatchState.WACHTEND, PrintBatchState.BEZIG, PrintBatchState.SAMENVOEGEN)
FAILURE = ("Er ging iets onverwachts mis bij het maken van de printbatch. De brieven staan weer klaar voor een "
           "nieuwe printbatch; start die gerust opnieuw. Blijft dit gebeuren, neem dan contact op met de "
           "leverancier.")


class PrintBatchError(Refusal):
    """The batch cannot be started or handed over now (a Dutch message)."""


def _waiting(municipality):
    """The letters of ``municipality`` waiting for a print batch, of cases still in their window whose plan did
    not stop (a stop withdraws its letters; this also holds when a stop and a batch cross)."""
    return (Letter.objects.filter(case__municipality=municipality, status=LetterStatus.TE_PRINTEN, batch__isnull=True,
                                  case__status__in=WINDOW_STATUSES)
            .exclude(run_step__run__stopped_at__isnull=False))


def letters_waiting(municipality) -> int:
    return _waiting(municipality).count()


def print_batch_start(*, municipality, by, now: dt.datetime, enqueue: bool = True) -> PrintBatch:
    """Claim every letter of ``municipality`` waiting to be printed into a new batch (sorted), and enqueue
    its rendering. ``PrintBatchError`` when there is none."""
    with transaction.atomic():
        waiting = (Letter.objects.select_for_update(skip_locked=True, of=("self",))
                   .filter(pk__in=_waiting(municipality).values("pk"))
                   .order_by("sort_key", "case_id", "pk").only("pk"))
        letters = list(waiting)
        if not letters:
            raise PrintBatchError("Er zijn geen brieven die wachten op een printbatch.")
        batch = PrintBatch.objects.create(municipality=municipality, letters_total=len(letters), progress_at=now,
                                          created_at=now, created_by=by)
        for position, letter in enumerate(letters):
            letter.batch, letter.batch_position, letter.status = batch, position, LetterStatus.IN_BATCH
        Letter.objects.bulk_update(letters, ["batch", "batch_position", "status"], batch_size=500)
        if enqueue:
            print_batch_process.delay_on_commit(batch.pk)
    return batch


def print_batch_run(batch_id: int, *, now=None, time_budget: float | None = None) -> bool:
    """Render (the rest of) a batch and merge it; True when nothing remains to do. Any error but a
    database's transient one fails the batch and gives its letters back (they wait for the next batch)."""
    clock = (lambda: now) if now is not None else timezone.now
    try:
        return _run(batch_id, clock, time_budget)
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:
        # The type and the stack, not the message: that may quote a letter's personal data.
        logger.error("Print batch %s failed with %s\n%s", batch_id, type(exc).__name__,
                     "".join(traceback.format_tb(exc.__traceback__)))
        print_batch_fail(batch_id, FAILURE, now=clock())
        return True


def _run(batch_id: int, clock, time_budget: float | None) -> bool:
    started = time.monotonic()
    frame = None
    while True:
        batch = PrintBatch.objects.defer("pdf").select_related("municipality").filter(pk=batch_id).first()
        if batch is None or batch.state in BATCH_DONE_STATES:
            return True
        if batch.letters_done >= batch.letters_total:
            _merge(batch_id, clock)
            return True
        frame = frame or Frame.of(batch.municipality)
        start = batch.letters_done
        letters = list(Letter.objects.filter(batch_id=batch_id, batch_position__gte=start,
                                             batch_position__lt=start + CHUNK).order_by("batch_position"))
        pdf = letters_pdf([LetterPage.of(letter) for letter in letters], frame, variant=None,
                          title=f"Printbatch {batch_id}")
        with transaction.atomic():
            current = PrintBatch.objects.select_for_update().only("state", "letters_done").get(pk=batch_id)
            if current.state in BATCH_DONE_STATES or current.letters_done != start:
                continue  # failed meanwhile, or another run stored this chunk: look again
            PrintBatchPart.objects.create(batch_id=batch_id, seq=start // CHUNK, letters=len(letters), pdf=pdf)
            PrintBatch.objects.filter(pk=batch_id).update(state=PrintBatchState.BEZIG, progress_at=clock(),
                                                          letters_done=start + len(letters))
        if time_budget is not None and time.monotonic() - started > time_budget:
            return False


def _merge(batch_id: int, clock) -> None:
    with transaction.atomic():
        updated = PrintBatch.objects.filter(pk=batch_id, state__in=OPEN_STATES).update(
            state=PrintBatchState.SAMENVOEGEN, progress_at=clock())
    if not updated:
        return
    writer = PdfWriter()
    parts = PrintBatchPart.objects.filter(batch_id=batch_id).order_by("seq").values_list("pdf", flat=True)
    for pdf in parts.iterator():
        writer.append(PdfReader(io.BytesIO(bytes(pdf))))
    writer.add_metadata({"/Title": f"Printbatch {batch_id}"})
    out = io.BytesIO()
    writer.write(out)
    merged = out.getvalue()
    with transaction.atomic():
        if PrintBatch.objects.filter(pk=batch_id, state=PrintBatchState.SAMENVOEGEN).update(
                state=PrintBatchState.KLAAR, pdf=merged, pdf_size=len(merged), progress_at=clock()):
            PrintBatchPart.objects.filter(batch_id=batch_id).delete()


def print_batch_fail(batch_id: int, error: str, *, now: dt.datetime) -> None:
    """Fail an unfinished batch: its letters wait for the next batch again, its parts are dropped."""
    with transaction.atomic():
        if not PrintBatch.objects.filter(pk=batch_id, state__in=OPEN_STATES).update(
                state=PrintBatchState.MISLUKT, error=error[:500], progress_at=now):
            return
        Letter.objects.filter(batch_id=batch_id, status=LetterStatus.IN_BATCH).update(
            batch=None, batch_position=None, status=LetterStatus.TE_PRINTEN)
        PrintBatchPart.objects.filter(batch_id=batch_id).delete()


def print_batches_give_up(*, now: dt.datetime, older_than: dt.timedelta = GIVE_UP_AFTER) -> list[int]:
    """Fail the batches without progress for ``older_than``; their ids."""
    stalled = list(PrintBatch.objects.filter(state__in=OPEN_STATES, progress_at__lt=now - older_than)
                   .values_list("pk", flat=True)[:100])
    for batch_id in stalled:
        print_batch_fail(batch_id, f"Het maken van de printbatch is blijven steken en na "
                         f"{older_than.total_seconds() / 3600:g} uur zonder voortgang afgebroken. De brieven "
                         "staan weer klaar voor een nieuwe printbatch.", now=now)
        logger.warning("Gave up on stalled print batch %s.", batch_id)
    return stalled


def print_batch_ids_stalled(*, now: dt.datetime, older_than: dt.timedelta = STALLED_AFTER) -> list[int]:
    """Open batches without progress for a while (a lost task): to enqueue again (runs continue where the
    work stands)."""
    return list(PrintBatch.objects.filter(state__in=OPEN_STATES, progress_at__lt=now - older_than)
                .values_list("pk", flat=True)[:100])


def print_batch_pdfs_delete(*, now: dt.datetime, keep: dt.timedelta = KEEP_PDF_FOR) -> int:
    """Delete the PDF of every batch handed over more than ``keep`` ago, and of a batch made (or failed) that
    long ago and never handed over (it holds names and addresses; the letters re-render from their frozen
    text)."""
    old = (Q(state=PrintBatchState.AFGEGEVEN, handed_over_at__lt=now - keep)
           | Q(state__in=[PrintBatchState.KLAAR, PrintBatchState.MISLUKT], created_at__lt=now - keep))
    return PrintBatch.objects.filter(old, pdf_deleted_at__isnull=True).update(pdf=b"", pdf_deleted_at=now)
