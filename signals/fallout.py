"""The fallout review (uitval): a person decides about a signal the checks could not decide."""
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from vroegsignalering.common.errors import Refusal
from vroegsignalering.common.vocab import Outcome

from .models import FalloutDecision, Signal, SignalEvent, SignalStatus
from .transitions import signal_end, signal_lock, signal_transition, signals_enqueue_checks


class ReviewError(Refusal):
    """A fallout decision that cannot be taken (Dutch message for the reviewer)."""

    def __str__(self) -> str:
        return self.message  # the reviewer reads the message itself, not a list of messages


def fallout_decide(*, signal_id: int, decided_by, decision: str, bsn: str = "", reason: str = "",
                   now=None) -> FalloutDecision:
    """Record a person's decision on a fallout signal and carry it out."""
    now = now or timezone.now()
    choice = FalloutDecision.Choice
    with transaction.atomic():
        signal = signal_lock(signal_id)
        if signal.status != SignalStatus.UITVAL:
            raise ReviewError("Over dit signaal is al besloten.")
        if not Signal.objects.visible_to(decided_by, roles=permissions.reviews_fallout).filter(pk=signal.pk).exists():
            raise ReviewError("U werkt niet voor de gemeente van dit signaal.")
        candidates = {c.get("bsn"): c for c in signal.brp_evidence.get("kandidaten", [])}
        if decision == choice.PERSON and bsn not in candidates:
            raise ReviewError("Kies een persoon uit de kandidaten op dit adres.")
        if decision == choice.NOT_PICKED_UP and not reason.strip():
            raise ReviewError("Geef een reden waarom het signaal niet wordt opgepakt.")
        if len(reason.strip()) > 500:
            raise ReviewError("De reden is te lang: gebruik hoogstens 500 tekens.")
        if decision not in choice.values:
            raise ReviewError("Onbekend besluit.")
        record = FalloutDecision.objects.create(signal=signal, decision=decision, bsn=bsn if decision == choice.PERSON
                                                else "", reason=reason.strip(), decided_by=decided_by,
                                                decided_at=now)
        actor = decided_by.get_full_name() or decided_by.get_username()
        if decision == choice.PERSON:
            signal.bsn = bsn
            signal.brp_evidence = {**signal.brp_evidence, "beoordeling": {
                "bsn": bsn, "door": actor, "op": now.isoformat(), "persoon": candidates[bsn]}}
            signal.next_check_at = None
            signal_transition(signal, "resume_after_review", at=now, actor=actor,
                              fields=("bsn", "brp_evidence", "next_check_at"), event=SignalEvent.REVIEWED,
                              params={"decision": decision, "name": candidates[bsn].get("naam", bsn)})
            signals_enqueue_checks([signal.pk])
        else:
            outcome = Outcome.GEEN_INWONER if decision == choice.NOT_RESIDENT else Outcome.ANDERE_REDEN
            signal_end(signal, outcome, now, actor=actor, event=SignalEvent.REVIEWED,
                       params={"decision": decision, "reason": reason.strip()})
    return record
