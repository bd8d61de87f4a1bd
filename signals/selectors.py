"""Reads of the intake: for creditors scoped to their own signals, for staff to their municipalities."""
from .models import Creditor, Delivery, Signal, SignalStatus


def delivery_get_for_creditor(*, creditor: Creditor, delivery_id) -> Delivery | None:
    return Delivery.objects.filter(creditor=creditor, pk=delivery_id).first()


def signal_get_for_creditor(*, creditor: Creditor, signal_id: str) -> Signal | None:
    return (
        Signal.objects.select_related("municipality")
        .filter(creditor=creditor, signal_id=signal_id, forwarded_from__isnull=True)
        .first()
    )


def signal_public_status(signal: Signal) -> str:
    """What the creditor may see of a signal's progress: ``ontvangen`` until feedback exists, then the
    latest feedback code."""
    from feedback.selectors import signal_latest_code

    return signal_latest_code(signal) or "ontvangen"


# --- Municipal staff: scoped to the municipalities the user works for -------------------------

def _municipal_scope(user):
    """The municipalities whose signals this user may see (none for creditor staff or auditors)."""
    from accounts.models import CASEWORK_ROLES, Municipality

    if not getattr(user, "is_authenticated", False):
        return Municipality.objects.none()
    if user.is_superuser:
        return Municipality.objects.all()
    if user.role not in CASEWORK_ROLES:
        return Municipality.objects.none()
    return user.municipalities.all()


def user_reviews_fallout(user) -> bool:
    return _municipal_scope(user).exists()


def fallout_list_for_user(*, user):
    """Signals waiting for a person's decision (uitval), oldest first."""
    return (
        Signal.objects.filter(status=SignalStatus.UITVAL, municipality__in=_municipal_scope(user))
        .select_related("municipality", "creditor")
        .order_by("received_at", "pk")
    )


def fallout_counts_for_user(*, user) -> list[dict]:
    """Per BRP finding (not found, several candidates, …) how many signals wait, most first.
    Signals without a finding (stalled checks) are only in the unfiltered list."""
    from django.db.models import Count

    from .brp.decide import BrpOutcome

    rows = (Signal.objects.filter(status=SignalStatus.UITVAL, municipality__in=_municipal_scope(user),
                                  brp_evidence__uitkomst__isnull=False)
            .values("brp_evidence__uitkomst").annotate(n=Count("pk")).order_by("-n"))
    labels = dict(BrpOutcome.choices)
    return [{"code": r["brp_evidence__uitkomst"], "label": labels.get(r["brp_evidence__uitkomst"],
                                                                          r["brp_evidence__uitkomst"]), "n": r["n"]}
            for r in rows if r["brp_evidence__uitkomst"]]


def fallout_get_for_user(*, user, signal_pk: int) -> Signal | None:
    return fallout_list_for_user(user=user).filter(pk=signal_pk).first()


def manual_forwarding_list_for_user(*, user):
    """Signals about persons living in a municipality this installation does not serve."""
    return (
        Signal.objects.filter(status=SignalStatus.DOORGESTUURD, forwarded_to__isnull=True,
                              municipality__in=_municipal_scope(user))
        .select_related("municipality", "creditor")
        .order_by("-outcome_at")
    )
