"""Outreach's background work. Thin: the services do the work (beat: ``outreach-sweep`` every 5 minutes,
``print-batches-sweep`` every 15).

The project's Celery idiom: services import these tasks at module level and enqueue them with
``delay_on_commit``; a task imports the services inside its body (so services → tasks is one way).
``now`` (ISO 8601 with offset) runs a task as of another moment: for catching up, and for time travel in tests."""
import datetime as dt
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils import timezone

logger = logging.getLogger(__name__)

RETRYING = {"acks_late": True, "reject_on_worker_lost": True, "autoretry_for": (DatabaseError,),
            "retry_backoff": True, "max_retries": 5}


def _moment(now: str | None) -> dt.datetime:
    if not now:
        return timezone.now()
    moment = dt.datetime.fromisoformat(now)
    if moment.tzinfo is None:
        raise ValueError("now needs a UTC offset")
    return moment


@shared_task(**RETRYING)
def outreach_sweep(now_iso: str | None = None) -> dict:
    """Start runs, claim the due steps (one ``outreach_step_run`` each), re-enqueue lost ones, item 5."""
    from . import services

    return services.sweep(_moment(now_iso))


@shared_task(**RETRYING)
def outreach_step_run(step_id: int, now_iso: str, enqueued_iso: str | None = None) -> str:
    """Run one claimed step as of ``now_iso`` (the sweeper's moment) plus the time it waited in the queue
    since ``enqueued_iso`` (real time): a step that waited past 20:00 is not sent at night, and a late task
    does not take a call another worker has in flight for a lost one (the lease is judged on this clock).
    Safe to run again: the sweeper re-enqueues a step whose lease ran out."""
    from . import services

    now = _moment(now_iso)
    if enqueued_iso:
        now += max(timezone.now() - _moment(enqueued_iso), dt.timedelta(0))
    return services.step_run(step_id, now=now)


# --- letters ---
# Print batches: render chunk by chunk with a time budget (a chunk of 100 letters takes about 2.5 s), then
# enqueue the rest; the handover registers the letters as attempts; the sweeper picks up what stalled.
PRINT_BATCH_TIME_BUDGET = 240  # seconds per run, well inside CELERY_TASK_SOFT_TIME_LIMIT (600 s)
PRINT_RETRY_ERRORS = (OperationalError, InterfaceError, SoftTimeLimitExceeded)


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=PRINT_RETRY_ERRORS, retry_backoff=True,
             retry_backoff_max=300, max_retries=5)
def print_batch_process(batch_id: int) -> None:
    """Render (the rest of) a print batch and merge it. Idempotent: a finished batch is left alone."""
    from . import print_batches

    eager = print_batch_process.request.is_eager
    if not print_batches.print_batch_run(batch_id, time_budget=None if eager else PRINT_BATCH_TIME_BUDGET):
        print_batch_process.delay(batch_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(OperationalError, InterfaceError),
             retry_backoff=True, max_retries=5)
def print_batch_register(batch_id: int) -> int:
    """Register the letters of a batch handed to the mail room as contact attempts (each once)."""
    from django.utils import timezone

    from . import print_handover

    return print_handover.print_batch_register_letters(batch_id, now=timezone.now())


@shared_task(acks_late=True)
def print_batches_sweep() -> None:
    """Every batch ends and every handed-over letter is registered: fail batches without progress for long,
    re-enqueue stalled ones and unfinished registrations, delete PDFs kept past their term. For the beat
    schedule, every 15 minutes."""
    from django.utils import timezone

    from . import print_batches
    from .models import LetterStatus, PrintBatch, PrintBatchState

    now = timezone.now()
    print_batches.print_batches_give_up(now=now)
    for batch_id in print_batches.print_batch_ids_stalled(now=now):
        logger.warning("Re-enqueueing stalled print batch %s", batch_id)
        print_batch_process.delay(batch_id)
    unregistered = (PrintBatch.objects.filter(state=PrintBatchState.AFGEGEVEN, letters__status=LetterStatus.IN_BATCH)
                    .values_list("pk", flat=True).distinct()[:100])
    for batch_id in unregistered:
        print_batch_register.delay(batch_id)
    print_batches.print_batch_pdfs_delete(now=now)
