"""Outreach's background work (beat: ``outreach-sweep`` every 5 minutes). Thin: the services do the work.

The project's Celery idiom: services import these tasks at module level and enqueue them with
``delay_on_commit``; a task imports the services inside its body (so services → tasks is one way).
``now`` (ISO 8601 with offset) runs a task as of another moment: for catching up, and for time travel in tests."""
import datetime as dt

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

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
def outreach_step_run(step_id: int, now_iso: str) -> str:
    """Run one claimed step as of ``now_iso`` (the sweeper's moment); safe to run again: the sweeper
    re-enqueues a step whose lease ran out."""
    from . import services

    return services.step_run(step_id, now=_moment(now_iso))
