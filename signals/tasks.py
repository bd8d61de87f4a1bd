"""Background work of the intake. Tasks are thin: they take ids and call the services.

The one Celery idiom: services import this module at module level and enqueue with
``task.delay_on_commit(…)``; a task imports its service inside its body (so no import circle).
"""
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError, InterfaceError, OperationalError

logger = logging.getLogger(__name__)

# The errors a CSV import run lets through to be retried: ``csv_services.TRANSIENT_ERRORS`` (a test
# keeps the two the same; the decorator cannot import the service).
CSV_IMPORT_RETRY_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, SoftTimeLimitExceeded)

# A worker run stops after the chunk that passes this many seconds and enqueues the rest, well
# inside CELERY_TASK_SOFT_TIME_LIMIT (600 s); a chunk of 1,000 rows takes about a second.
CSV_IMPORT_TIME_BUDGET = 240


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=CSV_IMPORT_RETRY_ERRORS,
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def csv_import_process(import_id: str) -> None:
    """Process a CSV import (or the rest of it). Idempotent: a finished import is left alone.

    Ends the import (``klaar`` or ``mislukt``) unless the database is unreachable or the worker's
    soft time limit strikes: then it retries, and after that the sweeper takes over.
    """
    from . import csv_services

    eager = csv_import_process.request.is_eager
    finished = csv_services.csv_import_run(
        import_id=import_id,
        time_budget=None if eager else CSV_IMPORT_TIME_BUDGET,
        reraise=(SoftTimeLimitExceeded,),
    )
    if not finished:
        csv_import_process.delay(import_id)


@shared_task(acks_late=True)
def csv_import_sweep() -> None:
    """Every import ends: fail those without progress for long, re-enqueue those that stalled.

    Re-enqueueing is safe even when the import is in fact still running: runs continue where the
    work stands. An import that makes no progress for ``GIVE_UP_AFTER`` (a message lost again and
    again, an import that kills its worker) ends ``mislukt`` with the rows done and not done.
    Meant for the beat schedule, every 15 minutes.
    """
    from . import csv_selectors, csv_services

    for import_id in csv_services.csv_imports_give_up():
        logger.warning("Stalled CSV import %s failed.", import_id)
    for import_id in csv_selectors.csv_import_ids_stalled():
        logger.warning("Re-enqueueing stalled CSV import %s", import_id)
        csv_import_process.delay(str(import_id))


# --- The checks ------------------------------------------------------------------------------

def _chunks(ids: list[int]) -> list[list[int]]:
    from django.conf import settings

    size = max(1, settings.CHECKS_CHUNK_SIZE)
    return [ids[start:start + size] for start in range(0, len(ids), size)]


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(DatabaseError,), retry_backoff=True,
             max_retries=5)
def check_delivery(delivery_id: str) -> int:
    """Split a delivery's received signals into chunks, one check task each (enqueued by the intake)."""
    from .selectors import signals_received_in_delivery

    ids = signals_received_in_delivery(delivery_id)
    for chunk_ids in _chunks(ids):
        check_chunk.delay(chunk_ids)
    return len(ids)


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(DatabaseError,), retry_backoff=True,
             max_retries=5)
def check_chunk(signal_ids: list[int]) -> dict[str, int]:
    """Run (or resume) the checks of a chunk of signals, their BRP questions concurrently
    (``signals.checks_chunk``). Idempotent: signals checked or in another worker's hands are left alone."""
    from .checks_chunk import run_checks_chunk

    return run_checks_chunk(signal_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(DatabaseError,), retry_backoff=True,
             max_retries=5)
def check_signal(signal_id: int) -> str:
    """Run (or resume) the checks of one signal. Idempotent: a checked signal is left alone."""
    from .checks import run_checks

    return run_checks(signal_id=signal_id).status


@shared_task(acks_late=True)
def checks_sweep() -> int:
    """Re-enqueue signals whose check is due (never enqueued, waiting for a register, or stalled), in chunks."""
    from .selectors import signals_due_for_checks

    ids = signals_due_for_checks()
    for chunk_ids in _chunks(ids):
        check_chunk.delay(chunk_ids)
    if ids:
        logger.info("Checks sweep enqueued %d signal(s).", len(ids))
    return len(ids)
