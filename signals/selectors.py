"""Reads of the intake, always scoped to the creditor asking."""
from .models import Creditor, Delivery, Signal


def delivery_get_for_creditor(*, creditor: Creditor, delivery_id) -> Delivery | None:
    return Delivery.objects.filter(creditor=creditor, pk=delivery_id).first()


def signal_get_for_creditor(*, creditor: Creditor, signal_id: str) -> Signal | None:
    return (
        Signal.objects.select_related("municipality")
        .filter(creditor=creditor, signal_id=signal_id, forwarded_from__isnull=True)
        .first()
    )


def signal_public_status(signal: Signal) -> str:
    """What the creditor may see of a signal's progress: ``ontvangen`` until feedback exists."""
    return "ontvangen"
