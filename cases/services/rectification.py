"""Rectification (AVG art. 16) of the contact data a worker sees on the case page: a phone number or e-mail
address the creditors sent, corrected or removed on every signal of the case that holds it, and recorded
in the case's history as data (``CaseEvent.CONTACT_DATA``).

The history row says which field changed, how (corrected or removed), on which signals and from which
creditors; it holds neither the old nor the new value. The old value is the inaccurate data the resident
asked to be rid of, and a history row cannot be corrected (append-only): keeping it there would keep the
wrong number for the case's whole life. The new value is where it belongs, on the signals, shown on the
case page and in the inzage report. Who corrected what, when, is in the history and the audit trail.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from signals import normalise
from signals.models import Signal

from ..exceptions import CaseActionError
from ..models import Case, CaseEvent, UnusableContact
from ..refusals import CaseRefusal
from ._writes import case_history_append, case_lock

PHONE, EMAIL = "telefoonnummer", "e-mailadres"
CONTACT_FIELDS = (PHONE, EMAIL)
CORRECTED, REMOVED = "gecorrigeerd", "verwijderd"


def contact_value_normalise(field: str, value: str) -> str:
    """A new phone number (E.164, with phonenumbers) or e-mail address (email-validator), normalised as
    the intake stores them; ``ValueError`` with a Dutch message when it is not one."""
    if field == PHONE:
        return normalise.phone_number(value)
    if field == EMAIL:
        return normalise.email(value)
    raise ValueError("Kies een telefoonnummer of e-mailadres.")


def _holds(signal: Signal, field: str, value: str) -> bool:
    return value in (signal.phone_numbers or []) if field == PHONE else signal.email == value


def case_contact_correct(*, case: Case, field: str, old: str, new: str = "", by,
                         now: dt.datetime | None = None) -> list[Signal]:
    """Replace ``old`` by ``new`` (removed when ``new`` is empty) in the case's signals that hold it. Allowed
    in every status: the right to rectification lasts as long as the data. Returns the signals changed."""
    now = now or timezone.now()
    if field not in CONTACT_FIELDS:
        raise CaseActionError("Kies een telefoonnummer of e-mailadres.", code=CaseRefusal.CONTACTGEGEVEN,
                              fields={"gegeven": "Kies een telefoonnummer of e-mailadres uit de lijst."})
    if new:
        try:
            new = contact_value_normalise(field, new)
        except ValueError as exc:
            raise CaseActionError(str(exc), code=CaseRefusal.VELDEN, fields={"nieuwe_waarde": str(exc)}) from None
    if new == old:
        raise CaseActionError("Het nieuwe gegeven is gelijk aan het oude.", code=CaseRefusal.VELDEN,
                              fields={"nieuwe_waarde": "Het nieuwe gegeven is gelijk aan het oude."})
    with transaction.atomic():
        # Lock order: signal → case (cases.services).
        signals = [s for s in Signal.objects.select_for_update().filter(case_link__case=case)
                   .select_related("creditor").order_by("pk") if _holds(s, field, old)]
        case = case_lock(case)
        if not signals:
            raise CaseActionError("Dit gegeven staat niet (meer) bij deze melding. Laad de pagina opnieuw.",
                                  code=CaseRefusal.CONTACTGEGEVEN,
                                  fields={"gegeven": "Dit gegeven staat niet (meer) bij deze melding."})
        for signal in signals:
            if field == PHONE:
                numbers = [new if number == old else number for number in signal.phone_numbers]
                numbers = list(dict.fromkeys(number for number in numbers if number))
                Signal.objects.filter(pk=signal.pk).update(phone_numbers=numbers)
                signal.phone_numbers = numbers
            else:
                Signal.objects.filter(pk=signal.pk).update(email=new)
                signal.email = new
        case_history_append(case, at=now, by=by, event=CaseEvent.CONTACT_DATA, params={
            "kind": "contact_corrected", "field": field, "change": CORRECTED if new else REMOVED,
            "signals": [s.signal_id for s in signals],
            "creditors": sorted({s.creditor.name for s in signals}),
        })
    return signals


def contact_mark_unusable(*, case: Case, field: str, value: str, reason: str, at: dt.datetime,
                          by=None) -> bool:
    """Record that ``value`` (a phone number or e-mail address of ``field``, ``ContactField``) does not reach
    the resident: an outreach message failed for good, or a worker found it wrong. Outreach skips it from
    then on. Idempotent per value; returns whether it was new. The history names the field and the
    reason, not the value (as for a correction)."""
    with transaction.atomic():
        case = case_lock(case)
        _, created = UnusableContact.objects.get_or_create(
            case=case, field=field, value=value, defaults={"reason": reason[:300], "at": at})
        if created:
            case_history_append(case, at=at, by=by, event=CaseEvent.CONTACT_DATA, to_status=case.status,
                                params={"kind": "contact_unusable", "field": field, "reason": reason[:300]})
    return created
