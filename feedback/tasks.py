"""Feedback's background work (beat: ``feedback-sweep`` every minute). Thin: the services do the work.

The one Celery idiom: services import these tasks at module level and enqueue them with
``delay_on_commit``; a task imports the services inside its body (so services → tasks is one way)."""
import logging

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from . import selectors

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(DatabaseError,), retry_backoff=True,
             max_retries=5)
def feedback_sweep() -> dict:
    """Publish committed feedback (so webhooks go out within a minute even when nobody reads the
    feed), then start a delivery run for every endpoint whose retry is due. One task per endpoint,
    so a slow or failing receiver never holds up another creditor's."""
    from . import services

    # Endpoints due before this publish: the ones it gives new deliveries are enqueued on its commit.
    due = selectors.webhook_endpoints_due(now=timezone.now())
    published = services.feedback_publish()
    for endpoint_id in due:
        webhook_deliver.delay(endpoint_id)
    return {"published": published, "endpoints": len(due)}


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=(DatabaseError,), retry_backoff=True,
             max_retries=5)
def webhook_deliver(endpoint_id: int) -> dict:
    """One delivery run for one endpoint (idempotent: nothing to do, or another run busy → returns)."""
    from . import services

    run = services.webhook_endpoint_deliver(endpoint_id=endpoint_id)
    if run.failed_attempts:
        logger.info("Webhook %s: delivery failed; retrying later.", endpoint_id)
    return {"claimed": run.claimed, "delivered": run.delivered, "failed": run.failed_attempts,
            "given_up": run.given_up}
