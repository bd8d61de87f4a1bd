"""The cases' scheduled jobs (beat, see settings.CELERY_BEAT_SCHEDULE). Thin: they call services."""
import datetime as dt
import logging

from celery import shared_task
from django.db import DatabaseError

from . import services

logger = logging.getLogger(__name__)

RETRYING = {"acks_late": True, "reject_on_worker_lost": True, "autoretry_for": (DatabaseError,),
            "retry_backoff": True, "max_retries": 5}


@shared_task(**RETRYING)
def periods_close() -> dict:
    """Close each municipality's most recent ended period that is not closed yet (idempotent)."""
    from accounts.models import Municipality

    opened, failed = {}, []
    for municipality in Municipality.objects.order_by("cbs_code"):
        try:
            result = services.period_close(municipality=municipality)
        except Exception:  # one municipality's trouble must not stop the others; retried tomorrow
            logger.exception("Period close failed for municipality %s", municipality.cbs_code)
            failed.append(municipality.cbs_code)
            continue
        if result.created:
            opened[municipality.cbs_code] = result.counts.get("cases_opened", 0)
    if failed:
        opened["mislukt"] = failed
    return opened


@shared_task(**RETRYING)
def cases_close_expired(now: str | None = None) -> dict:
    """Day 28: close every case whose window has passed, with the derived end result. ``now`` (ISO
    8601 with offset) runs the job as of another moment: for catching up, and for time travel in tests."""
    moment = dt.datetime.fromisoformat(now) if now else None
    if moment is not None and moment.tzinfo is None:
        raise ValueError("now needs a UTC offset")
    return services.cases_close_expired(now=moment)


@shared_task(**RETRYING)
def signals_attach_late() -> dict:
    """Checked signals that arrived after their period closed join the open case at their address."""
    return dict(services.signals_attach_late())
