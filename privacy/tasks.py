"""The daily purge as a Celery beat job (settings.CELERY_BEAT_SCHEDULE). Thin: the work is in ``privacy.purge``."""
from celery import shared_task
from django.db import DatabaseError


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(DatabaseError,), retry_backoff=True,
             max_retries=5)
def personal_data_purge() -> dict:
    """Destroy the personal data past its term (idempotent: a second run the same day finds nothing).
    Returns the counts per municipality and table (no ids); the report is the run's PurgeRun."""
    from .purge import personal_data_purge as purge

    return purge().as_json()
