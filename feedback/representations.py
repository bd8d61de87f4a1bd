"""The one representation of a feed item (a `Terugkoppeling`), shared by the feed and the webhooks."""
from .models import FeedbackCode


def feed_item(event) -> dict:
    """A published event as the contract's `Terugkoppeling` (needs ``municipality``). The signaalId is the
    event's own copy: the feed stays the same after the purge destroyed the signal."""
    return {
        "id": str(event.public_id),
        "signaalId": event.creditor_signal_id,
        "gemeentecode": event.municipality.cbs_code,
        "code": event.code,
        "omschrijving": FeedbackCode(event.code).label,
        "datum": event.date.isoformat(),
        "incassorustTot": event.collection_pause_until.isoformat() if event.collection_pause_until else None,
    }
