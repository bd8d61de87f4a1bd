"""Delivery status from the gateway (Notify's callbacks) applied to the step's contact attempt and the case.

The status only goes forward: a repeat, or a late ``sending`` after ``delivered``, changes nothing.

- ``delivered`` / ``sent``: the attempt is *afgeleverd*; it stays ``reached=onbekend`` (DDAS: reached means
  the resident responded, not that a phone received a text).
- ``permanent-failure``: *mislukt*, ``reached=nee``, a ``delivery_failed`` history row, and the number or
  address marked unusable on the case (``cases.services.contact_mark_unusable``): the plan skips it from then on.
- ``temporary-failure``: *tijdelijk mislukt*, ``reached=nee``; the value becomes unusable only when an earlier
  message of the case to the same value failed temporarily too.
- ``technical-failure`` (Notify's own fault), ``created``/``sending``/``pending``: the attempt is unchanged.
"""
from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction

from cases.models import Case, CaseEvent, ContactField
from cases.services import case_history_append, case_lock, contact_mark_unusable
from contacts.models import ContactAttempt, Delivery, Reached

from .models import StepKind
from .models.runs import CaseOutreachStep

APPLIED, UNCHANGED, UNKNOWN, PENDING = "applied", "unchanged", "unknown", "pending"
STATUSES = ("created", "sending", "pending", "sent", "delivered", "permanent-failure", "temporary-failure",
            "technical-failure")
_DELIVERY = {"delivered": Delivery.AFGELEVERD, "sent": Delivery.AFGELEVERD,
             "permanent-failure": Delivery.MISLUKT, "temporary-failure": Delivery.TIJDELIJK_MISLUKT}
_FINAL = {Delivery.AFGELEVERD, Delivery.MISLUKT}
_REASONS = {Delivery.MISLUKT: "het nummer of adres bestaat niet of neemt niets aan",
            Delivery.TIJDELIJK_MISLUKT: "tijdelijk niet afleverbaar, bijvoorbeeld een volle inbox of een uitgezette "
                                        "telefoon"}


def _step_for(notification_id: str, reference: str | None) -> CaseOutreachStep | None:
    """The step of a callback: by our reference (the step's message id), and the gateway's id must match
    once we know it; else by the gateway's id alone."""
    step = None
    if reference:
        try:
            step = CaseOutreachStep.objects.filter(message_id=uuid.UUID(reference)).first()
        except ValueError:
            step = None
    if step is None:
        return CaseOutreachStep.objects.filter(notification_id=notification_id).first() if notification_id else None
    if step.notification_id and step.notification_id != notification_id:
        return None
    return step


def delivery_status_apply(*, notification_id: str, reference: str | None, status: str, now: dt.datetime) -> str:
    """Apply one delivery status; returns ``applied``, ``unchanged``, ``unknown`` (no such message) or
    ``pending`` (the message is known but its attempt is not registered yet: ask again later)."""
    found = _step_for(notification_id, reference)
    if found is None:
        return UNKNOWN
    with transaction.atomic():
        case = case_lock(Case(pk=found.case_id))
        step = CaseOutreachStep.objects.select_for_update().get(pk=found.pk)
        if step.attempt_id is None:
            if step.notification_id:  # sent, but no attempt (the case had closed): keep the status only
                step.gateway_status = status
                step.save(update_fields=["gateway_status"])
                return APPLIED
            return PENDING
        attempt = ContactAttempt.objects.select_for_update().get(pk=step.attempt_id)
        delivery = _DELIVERY.get(status)
        if delivery is None or attempt.delivery in _FINAL or attempt.delivery == delivery:
            return UNCHANGED
        step.gateway_status = status
        step.save(update_fields=["gateway_status"])
        before = attempt.delivery
        attempt.delivery, attempt.delivery_at = delivery, now
        fields = ["delivery", "delivery_at"]
        if delivery in (Delivery.MISLUKT, Delivery.TIJDELIJK_MISLUKT) and attempt.reached == Reached.ONBEKEND:
            attempt.reached = Reached.NEE
            fields.append("reached")
        elif (delivery == Delivery.AFGELEVERD and attempt.reached == Reached.NEE
              and attempt.reply_received_at is None and before == Delivery.TIJDELIJK_MISLUKT):
            attempt.reached = Reached.ONBEKEND  # delivered after all: not reached was only the failure's
            fields.append("reached")
        attempt.save(update_fields=fields)
        if delivery == Delivery.AFGELEVERD:
            return APPLIED
        field = ContactField.TELEFOON if step.kind == StepKind.SMS else ContactField.EMAIL
        unusable = delivery == Delivery.MISLUKT or _failed_before(step, field)
        case_history_append(case, at=now, by=None, event=CaseEvent.OUTREACH, to_status=case.status, params={
            "kind": "delivery_failed", "contact_kind": attempt.kind, "attempt_at": attempt.at.isoformat(),
            "reason": _REASONS[delivery], "unusable": str(field) if unusable and step.recipient else ""})
        if unusable and step.recipient:
            contact_mark_unusable(case=case, field=field, value=step.recipient, at=now,
                                  reason="bericht niet afgeleverd" if delivery == Delivery.MISLUKT
                                  else "bericht twee keer tijdelijk niet afgeleverd")
    return APPLIED


def _failed_before(step: CaseOutreachStep, field: str) -> bool:
    """Whether another message of the case to the same value failed temporarily."""
    kind = StepKind.SMS if field == ContactField.TELEFOON else StepKind.EMAIL
    return (CaseOutreachStep.objects.filter(case_id=step.case_id, kind=kind, recipient=step.recipient,
                                            attempt__delivery=Delivery.TIJDELIJK_MISLUKT)
            .exclude(pk=step.pk).exists())
