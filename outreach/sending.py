"""Sending one plan step's SMS or e-mail: ``message_send(step_id, now=)``, called by the engine's task.

Safe to call again for the same step at any time (the sweeper re-enqueues a step still BEZIG after its
10-minute lease); it never sends a message twice:

1. Under the case's lock: a final step is left alone; the stop rules and quiet hours are checked again;
   the recipient (a usable number or address) and the municipality's active text are chosen; then
   ``gateway_called_at`` is set and **committed before the call**.
2. The call, outside any transaction.
3. Under the lock again: the result. Taken → VERZONDEN and a contact attempt (kind SMS or Mail, reached
   unknown, by the system, with the step's reference). 429 or no connection → GEPLAND again a little
   later. Refused (400) → MISLUKT, and the number or address marked unusable when it was the reason.
   Uncertain (timeout, dropped connection, 5xx) → left BEZIG with ``gateway_called_at`` set.

A step with ``gateway_called_at`` set is a call that may have gone out. Once the lease has run out, the
Notify gateway is asked by our reference (the step's ``message_id``) before anything else: found → that
message is adopted; not found → it was never taken and is sent now. Over SMTP nothing can be asked, so
such a step becomes ONZEKER (for a person to check) and is never resent.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction

from cases.exceptions import CaseActionError
from cases.models import Case, CaseEvent, ContactField, UnusableContact
from cases.services import case_history_append, case_lock, contact_mark_unusable
from contacts.models import ContactKind, Delivery, Origin, Reached
from contacts.services import contact_attempt_register
from signals import normalise

from .gateway import (
    RATE_LIMITED,
    REFUSED,
    UNAVAILABLE,
    Gateway,
    GatewayError,
    OutgoingMessage,
    SendResult,
    gateway_for,
)
from .models import MESSAGE_KINDS, Channel, MessageTemplate, OutreachSettings, SkipReason, StepKind, StepStatus
from .models.runs import FINAL_STATUSES, CaseOutreachStep
from .quiet_hours import is_quiet, next_allowed, plan_window
from .stops import stop_reason
from .texts import age_of, case_signals, own_signals, render_text, target_group_for, text_values

LEASE = dt.timedelta(minutes=10)  # the engine's sweeper re-enqueues a step BEZIG for longer than this
RATE_LIMITED_DELAY = dt.timedelta(minutes=1)  # Notify's limit is per minute
UNAVAILABLE_DELAY = dt.timedelta(minutes=5)
GIVE_UP_LOOKUP = dt.timedelta(days=1)  # still not able to ask after this long: ONZEKER, for a person
KIND_OF = {StepKind.SMS: ContactKind.SMS, StepKind.EMAIL: ContactKind.MAIL}
CHANNEL_OF = {StepKind.SMS: Channel.SMS, StepKind.EMAIL: Channel.EMAIL}
FIELD_OF = {Channel.SMS: ContactField.TELEFOON, Channel.EMAIL: ContactField.EMAIL}
WORD_OF = {StepKind.SMS: "sms", StepKind.EMAIL: "e-mail"}


def _locked(step_id: int) -> CaseOutreachStep:
    """The step with its case locked (case first: the lock order of every case service), then the step."""
    case = case_lock(Case(pk=CaseOutreachStep.objects.values_list("case_id", flat=True).get(pk=step_id)))
    step = CaseOutreachStep.objects.select_for_update(of=("self",)).select_related("run", "run__plan").get(pk=step_id)
    step.case = case
    return step


def _outreach_history(step: CaseOutreachStep, now: dt.datetime, text: str) -> None:
    case = step.case
    case_history_append(case, at=now, by=None, event=CaseEvent.OUTREACH, to_status=case.status,
                        params={"kind": "outreach", "text": text})


def _skip(step: CaseOutreachStep, now: dt.datetime, reason: str, error: str = "") -> None:
    step.status, step.skip_reason, step.done_at, step.error = StepStatus.OVERGESLAGEN, reason, now, error[:300]
    step.save(update_fields=["status", "skip_reason", "done_at", "error"])
    if reason != SkipReason.GESTOPT:
        _outreach_history(step, now, f"De {WORD_OF[step.kind]} van stap {step.position} is niet verstuurd: "
                                     f"{SkipReason(reason).label.lower()}.")


def _later(step: CaseOutreachStep, due_at: dt.datetime, error: str = "") -> None:
    """Back to GEPLAND: the sweeper picks it up again at ``due_at``; nothing went out."""
    step.status, step.due_at, step.claimed_at, step.gateway_called_at = StepStatus.GEPLAND, due_at, None, None
    step.error = error[:300]
    step.save(update_fields=["status", "due_at", "claimed_at", "gateway_called_at", "error"])


def _final(step: CaseOutreachStep, status: str, now: dt.datetime, error: str) -> None:
    step.status, step.done_at, step.error = status, now, error[:300]
    step.save(update_fields=["status", "done_at", "error"])


def _normalised(value: str, channel: str) -> str | None:
    try:
        return normalise.phone_number(value) if channel == Channel.SMS else normalise.email(value)
    except ValueError:
        return None


def recipient_for(case, signals, channel: str) -> str | None:
    """The first usable value of the addressee's own signals (oldest first; a housemate's number is not the
    addressee's): a Dutch mobile number for an SMS, an e-mail address for an e-mail; never one marked unusable
    (``UnusableContact``)."""
    unusable = set(UnusableContact.objects.filter(case=case, field=FIELD_OF[channel]).values_list("value", flat=True))
    for signal in own_signals(signals):
        for raw in (signal.phone_numbers or []) if channel == Channel.SMS else [signal.email]:
            value = _normalised(str(raw or ""), channel)
            if not value or value in unusable or raw in unusable:
                continue
            if channel == Channel.SMS and not (value.startswith("+316") and len(value) == 12):
                continue  # a landline or a foreign number cannot take a text from NotifyNL
            return value
    return None


def compose(step: CaseOutreachStep, *, now: dt.datetime, signals, recipient: str) -> OutgoingMessage | None:
    """The message of this step: the municipality's active text for the case's target group, rendered with
    the case's values (which hold no creditor and no amount); None when there is no text."""
    case, channel = step.case, CHANNEL_OF[step.kind]
    settings = OutreachSettings.objects.filter(municipality_id=case.municipality_id).first()
    on = now.date()
    group = target_group_for(age_of(signals, on), youth_age_max=getattr(settings, "youth_age_max", 27),
                             aow_age=getattr(settings, "aow_age", 67))
    template = MessageTemplate.objects.filter(municipality_id=case.municipality_id, channel=channel,
                                              target_group=group, is_active=True).first()
    if template is None:
        return None
    handler = case.assigned_to.get_full_name() if case.assigned_to_id else ""
    values = text_values(case=case, signals=signals, settings=settings, municipality_name=case.municipality.name,
                         handler=handler, on=on, reference=step.contact_reference, channel=channel)
    try:
        body, subject = render_text(template.body, values), render_text(template.subject or "", values)
    except (KeyError, ValueError):
        return None
    return OutgoingMessage(channel=channel, recipient=recipient, body=body, subject=subject,
                           reference=str(step.message_id), contact_reference=step.contact_reference,
                           reply_to=getattr(settings, "team_email", "") or "")


def _record_sent(step: CaseOutreachStep, result: SendResult, now: dt.datetime) -> None:
    """The message was taken: VERZONDEN, and the contact attempt the system made (reached unknown)."""
    at = min(step.gateway_called_at or now, now)
    run = step.run
    error = ""
    try:
        attempt = contact_attempt_register(
            case=step.case, kind=KIND_OF[step.kind], at=at, by=None, reached=Reached.ONBEKEND, now=now,
            origin=Origin.SYSTEEM, reference=step.contact_reference,
            history={"plan": run.plan_name, "step": step.position}, delivery=Delivery.VERZONDEN)
    except CaseActionError as exc:  # taken by the gateway after the case closed (found again by reference)
        attempt, error = None, f"Verzonden, maar niet als contactpoging geregistreerd: {exc}"
    step.status, step.done_at, step.error, step.attempt = StepStatus.VERZONDEN, now, error[:300], attempt
    step.notification_id, step.gateway_status = result.notification_id[:64], result.status[:32]
    step.save(update_fields=["status", "done_at", "error", "attempt", "notification_id", "gateway_status"])


def _record_error(step: CaseOutreachStep, error: GatewayError, gateway: Gateway, now: dt.datetime) -> None:
    if error.kind == RATE_LIMITED:
        _later(step, now + RATE_LIMITED_DELAY, "Te veel berichten tegelijk bij de gateway; over een minuut opnieuw.")
    elif error.kind == UNAVAILABLE:
        _later(step, now + UNAVAILABLE_DELAY, f"Gateway niet bereikbaar: {error.message}")
    elif error.kind == REFUSED:
        _final(step, StepStatus.MISLUKT, now, f"Geweigerd door de gateway: {error.message}")
        field = FIELD_OF[CHANNEL_OF[step.kind]]
        if error.recipient and step.recipient:
            reason = f"geweigerd door de gateway bij de {WORD_OF[step.kind]} van stap {step.position}"
            contact_mark_unusable(case=step.case, field=field, value=step.recipient, at=now, reason=reason)
        _outreach_history(step, now, f"De {WORD_OF[step.kind]} van stap {step.position} is geweigerd door de "
                                     "gateway en niet verstuurd.")
    elif not gateway.can_lookup:  # SMTP: may have gone out, and there is nothing to ask
        _final(step, StepStatus.ONZEKER, now, f"Mogelijk verstuurd ({error.message}); niet opnieuw verstuurd.")
    else:  # UNCERTAIN over Notify: stays BEZIG; after the lease the gateway is asked by reference
        step.error = f"Onzeker of verstuurd ({error.message}); wordt nagevraagd."[:300]
        step.save(update_fields=["error"])


def _decide(step_id: int, now: dt.datetime) -> tuple[str, CaseOutreachStep, Gateway | None, OutgoingMessage | None]:
    """Phase 1, under the lock: ("done", step) or ("lookup"|"send", step, gateway, message)."""
    with transaction.atomic():
        step = _locked(step_id)
        if step.status in FINAL_STATUSES or step.status not in (StepStatus.GEPLAND, StepStatus.BEZIG) \
                or step.kind not in MESSAGE_KINDS:
            return "done", step, None, None
        channel = CHANNEL_OF[step.kind]
        if step.gateway_called_at is not None:  # a call that may have gone out
            if now - step.gateway_called_at < LEASE:
                return "done", step, None, None  # another worker may still be waiting for its answer
            try:
                gateway = gateway_for(channel)
            except GatewayError:
                return "done", step, None, None
            if not gateway.can_lookup:
                _final(step, StepStatus.ONZEKER, now, "Mogelijk verstuurd (via SMTP niet na te vragen); "
                                                      "niet opnieuw verstuurd.")
                return "done", step, None, None
            return "lookup", step, gateway, None
        reason = stop_reason(step.case, now=now, run=step.run)
        if reason is not None:
            _skip(step, now, SkipReason.GESTOPT)
            return "done", step, None, None
        window = plan_window(step.run.plan)
        if is_quiet(now, **window):
            _later(step, next_allowed(now, **window))
            return "done", step, None, None
        signals = case_signals(step.case)
        recipient = recipient_for(step.case, signals, channel)
        if recipient is None:
            _skip(step, now, SkipReason.GEEN_CONTACTGEGEVENS)
            return "done", step, None, None
        message = compose(step, now=now, signals=signals, recipient=recipient)
        if message is None:
            _skip(step, now, SkipReason.GEEN_SJABLOON)
            return "done", step, None, None
        try:
            gateway = gateway_for(channel)
        except GatewayError as exc:
            _final(step, StepStatus.MISLUKT, now, f"Niet verstuurd: {exc.message}")
            return "done", step, None, None
        step.status, step.claimed_at = StepStatus.BEZIG, step.claimed_at or now
        step.gateway_called_at, step.recipient, step.error = now, recipient, ""
        step.save(update_fields=["status", "claimed_at", "gateway_called_at", "recipient", "error"])
    return "send", step, gateway, message  # committed: gateway_called_at is set before the call


def message_send(step_id: int, *, now: dt.datetime) -> CaseOutreachStep:
    """Send (or reconcile) one SMS or e-mail step; returns the step as it is now. See the module."""
    action, step, gateway, message = _decide(step_id, now)
    if action == "done":
        return step
    if action == "lookup":
        try:
            found = gateway.lookup(str(step.message_id))
        except GatewayError as exc:
            with transaction.atomic():
                step = _locked(step_id)
                if step.status not in FINAL_STATUSES and now - step.gateway_called_at > GIVE_UP_LOOKUP:
                    _final(step, StepStatus.ONZEKER, now, f"Niet na te vragen of verstuurd: {exc.message}")
            return step
        with transaction.atomic():
            step = _locked(step_id)
            if step.status in FINAL_STATUSES:
                return step
            if found is not None:
                _record_sent(step, found, now)
                return step
            step.gateway_called_at = None  # never taken: it may be sent (after the checks of phase 1)
            step.save(update_fields=["gateway_called_at"])
        return message_send(step_id, now=now)
    try:
        result, error = gateway.send(message), None
    except GatewayError as exc:
        result, error = None, exc
    with transaction.atomic():
        step = _locked(step_id)
        if step.status in FINAL_STATUSES:
            return step
        if result is not None:
            _record_sent(step, result, now)
        else:
            _record_error(step, error, gateway, now)
    return step


__all__ = ["LEASE", "case_signals", "compose", "message_send", "recipient_for"]
