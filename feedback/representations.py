"""The one representation of a feed item (a `Terugkoppeling`), shared by the feed and the webhooks."""
from .models import FeedbackCode


def feed_item(event) -> dict:
    """A published event as the contract's `Terugkoppeling` (needs ``signal`` and ``municipality``)."""
    return {
        "id": str(event.public_id),
        "signaalId": event.signal.signal_id,
        "gemeentecode": event.municipality.cbs_code,
        "code": event.code,
        "omschrijving": FeedbackCode(event.code).label,
        "datum": event.date.isoformat(),
        "incassorustTot": event.collection_pause_until.isoformat() if event.collection_pause_until else None,
    }
