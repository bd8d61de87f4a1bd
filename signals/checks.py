"""The checks on arrival (DOMAIN.md "Checks on arrival"), as services the Celery tasks call.

One signal at a time, in this order:

1. the rules that need nothing outside (legal entity, threshold, arrear age): not picked up;
2. the BRP (population register): found, deceased, moved (forwarded), emigrated, minor, or not
   decidable → fallout (uitval) for a person to decide;
3. the SHV (debt-assistance) register: known, aftercare or unknown (evidence for routing);
4. the repeat rule against every earlier signal of the same arrear that passed the checks (waiting
   for the period close or in a case, within the municipality's repeat window): not higher → not
   picked up ("herhaalde melding"), higher → updates the open case;
5. passed: the signal waits for the period close (matching); a crisis signal opens its case now.

Steps 4 and 5 are the case side's (``cases.taking.signal_take``): the last step hands the signal
over through the hook ``SIGNAL_CHECKED`` (``vroegsignalering.common.hooks``), inside its own
transaction, so no period close sees a checked signal before its repeat decision (ADR 0008).

Every step is idempotent: it locks the signal, checks its state and does nothing when another
worker already did the work. External registers are asked *outside* a database transaction; the
answer is applied in a new one, only if the signal is still where it was. A signal whose check
stalled (worker lost) has a due ``next_check_at`` and is picked up again by the sweeper.
"""
import datetime as dt
import functools
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Municipality
from shv.adapters import ShvUnavailable
from shv.services import shv_check
from vroegsignalering.common import hooks
from vroegsignalering.common.vocab import Outcome

from . import normalise, rules
from .brp.client import BrpAuthenticationError, BrpRequestError, BrpUnavailable, shared_client
from .brp.decide import BrpOutcome, check_chosen_person, check_person
from .models import Signal, SignalEvent, SignalStatus
from .services import recurrence_facts_record
from .transitions import (
    Step,
    signal_end,
    signal_forward,
    signal_history_append,
    signal_lock,
    signal_to_fallout,
    signal_transition,
    signals_enqueue_checks,
)

logger = logging.getLogger(__name__)



def lease() -> dt.timedelta:
    """A check that started but did not finish within this time is stalled (``CHECKS_LEASE_SECONDS``):
    the sweeper gives it to another worker."""
    return dt.timedelta(seconds=settings.CHECKS_LEASE_SECONDS)

# A check that stalled this often (a crash each time) is handed to a person instead.
MAX_STALLED_ATTEMPTS = 5

__all__ = ["Step", "checks_begin", "checks_apply_rules", "checks_wait", "checks_apply_brp", "checks_refuse",
           "checks_apply_shv", "checks_finish", "run_checks"]


def _retry_delay(attempts: int) -> dt.timedelta:
    """Back off while a register is down: 1, 2, 4, … minutes, at most an hour."""
    return dt.timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def _step(func):
    """A step on a signal in its checks: in one transaction, lock the signal and, when it is still
    ``in_controle``, call ``func(signal, now=…, **kwargs)``; otherwise another worker did the work
    and the step does nothing. The step is called as ``func(*, signal_id, now=None, **kwargs)``."""
    @functools.wraps(func)
    def step(*, signal_id: int, now=None, **kwargs):
        now = now or timezone.now()
        with transaction.atomic():
            signal = signal_lock(signal_id)
            if signal.status != SignalStatus.IN_CONTROLE:
                return Step(signal.status, "niet meer in controle")
            return func(signal, now=now, **kwargs)
    return step


def checks_begin(*, signal_id: int, now=None) -> bool:
    """Move a received (or waiting, or stalled) signal into the checks; False when not due."""
    now = now or timezone.now()
    with transaction.atomic():
        signal = signal_lock(signal_id)
        before = signal.status
        if before == SignalStatus.IN_CONTROLE:
            if signal.next_check_at and signal.next_check_at > now:
                return False  # another worker is on it
            if signal.check_attempts >= MAX_STALLED_ATTEMPTS:
                signal_to_fallout(signal, now, cause="vastgelopen", attempts=signal.check_attempts)
                return False
        elif before == SignalStatus.WACHT_OP_BRP:
            if signal.next_check_at and signal.next_check_at > now:
                return False
        elif before != SignalStatus.ONTVANGEN:
            return False
        signal.check_attempts += 1
        signal.next_check_at = now + lease()
        if before == SignalStatus.IN_CONTROLE:  # resumed (the last attempt did not finish): no new state
            signal.save(update_fields=["check_attempts", "next_check_at"])
        else:
            signal_transition(signal, "start_checks", at=now, fields=("check_attempts", "next_check_at"),
                              event=SignalEvent.CHECKS_STARTED, params={"again": before == SignalStatus.WACHT_OP_BRP})
    return True


# What the BRP step writes on the signal.
BRP_FIELDS = ("brp_evidence", "bsn")


def apply_rules(signal: Signal, *, now) -> Step | None:
    """Step 1: legal entity, threshold, arrear age. Returns the end when a rule fired."""
    decision = rules.not_picked_up(signal, signal.municipality)
    if decision is None:
        return None
    return signal_end(signal, decision.outcome, now, params={"rule": decision.rule, **decision.params})


def wait_for_register(signal: Signal, *, register: str, error: str, now) -> Step:
    """A register could not be asked: wait and try again later (the sweeper re-enqueues)."""
    signal.next_check_at = now + _retry_delay(signal.check_attempts)
    signal_transition(signal, "wait_for_brp", at=now, fields=("next_check_at",), event=SignalEvent.REGISTER_DOWN,
                      params={"register": register, "error": error[:200],
                              "retry_at": signal.next_check_at.isoformat()})
    return Step(signal.status, register)


def apply_brp(signal: Signal, *, decision, now, save_found: bool = True) -> Step:
    """Step 2: apply the BRP's answer (signals.brp.decide.BrpDecision). ``save_found=False``: a found
    person's evidence and BSN are left for the caller's next save (``BRP_FIELDS``)."""
    review = signal.brp_evidence.get("beoordeling")
    previous_candidates = signal.brp_evidence.get("kandidaten", [])
    signal.brp_evidence = decision.as_evidence() | ({"beoordeling": {**review, "verwerkt": True}} if review else {})
    signal.bsn = decision.bsn or signal.bsn
    outcome = decision.outcome
    if save_found or outcome not in (BrpOutcome.FOUND, BrpOutcome.MINOR):
        signal.save(update_fields=BRP_FIELDS)
    if outcome in (BrpOutcome.FOUND, BrpOutcome.MINOR):
        signal_history_append(signal, at=now, event=SignalEvent.BRP_FOUND,
                              params={"minor": outcome == BrpOutcome.MINOR})
        return Step(signal.status, "gevonden")
    if outcome == BrpOutcome.DECEASED:
        return signal_end(signal, Outcome.OVERLEDEN, now, params={"cause": "overleden"})
    if outcome == BrpOutcome.EMIGRATED:
        return signal_end(signal, Outcome.GEEN_INWONER, now, params={"cause": "geemigreerd"})
    if outcome == BrpOutcome.MOVED:
        other = Municipality.objects.filter(cbs_code=decision.municipality_code).first()
        return _forward(signal, other, decision, now)
    if review and decision.outcome not in (BrpOutcome.FOUND, BrpOutcome.MINOR):
        # Keep the candidates the reviewer chose from, so another can be chosen.
        signal.brp_evidence["kandidaten"] = signal.brp_evidence.get("kandidaten") or previous_candidates
        signal.save(update_fields=["brp_evidence"])
    signal_to_fallout(signal, now, cause="brp", brp_outcome=decision.outcome)
    return Step(signal.status, "uitval")


def refuse(signal: Signal, *, now, **cause) -> Step:
    """A register refused the question (or left no BSN), not a passing outage: a person looks.
    ``cause``: ``cause`` and its details for the history (``signals.history``)."""
    signal_to_fallout(signal, now, **cause)
    return Step(signal.status, "uitval")


def _address_fields(address: dict) -> dict | None:
    """The BRP's verblijfadres as the signal's normalised address fields (None when unusable)."""
    try:
        postcode = normalise.postcode(address.get("postcode", ""))
        number = int(address.get("huisnummer"))
        letter = normalise.house_letter(address["huisletter"]) if address.get("huisletter") else ""
        addition = (normalise.house_number_addition(address["huisnummertoevoeging"])
                    if address.get("huisnummertoevoeging") else "")
    except (ValueError, TypeError, KeyError):
        return None
    return {"postcode": postcode, "house_number": number, "house_letter": letter, "house_number_addition": addition,
            "street": address.get("officieleStraatnaam") or address.get("korteStraatnaam") or "",
            "city": address.get("woonplaats", ""),
            "address_key": normalise.address_key(postcode, number, letter, addition)}


# Not copied to a forwarded signal: its own id, and its status (the copy is a new signal, ``ontvangen``).
_NOT_FORWARDED = {"id", "status"}


def _forward(signal: Signal, other, decision, now) -> Step:
    """Awb 2:3: the person lives in another municipality. Served here → a new signal there, at
    the person's address there, for the person the BRP found (the creditor never sees the copy)."""
    code = decision.municipality_code
    address = _address_fields(decision.new_address or {})
    if other is not None and address is None:
        other = None  # no usable address there: forward by hand
    signal_forward(signal, other, code=code, now=now)
    if other is None:
        return Step(signal.status, "handmatig doorsturen")
    # A new signal there: every field as stored, but a new id and the initial status.
    stored = Signal.objects.get(pk=signal.pk)
    copy = Signal(**{field.attname: getattr(stored, field.attname) for field in Signal._meta.concrete_fields
                     if field.attname not in _NOT_FORWARDED})
    fields = {
        "municipality_id": other.pk, "forwarded_from_id": signal.pk, "forwarded_copy": True, "shv_evidence": {},
        **address,
        "check_attempts": 0, "next_check_at": None, "outcome": "", "outcome_at": None, "forwarded_to_id": None,
        # The person is known: the copy's check fetches that record there (as after a review).
        "bsn": decision.bsn,
        "brp_evidence": {"beoordeling": {"bsn": decision.bsn, "door": f"doorgestuurd vanuit {signal.municipality.name}",
                                         "op": now.isoformat()}},
    }
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save()
    recurrence_facts_record([copy])
    signal_history_append(copy, at=now, from_status="", event=SignalEvent.FORWARDED_HERE,
                          params={"municipality": signal.municipality.name})
    signals_enqueue_checks([copy.pk])
    return Step(signal.status, "doorgestuurd")


def apply_shv(signal: Signal, *, result, now) -> Step:
    """Step 3: store the SHV register's answer (the evidence routing uses)."""
    signal.shv_evidence = result.as_evidence()
    signal.save(update_fields=["shv_evidence"])
    return Step(signal.status, result.status)


def finish(signal: Signal, *, now) -> Step:
    """Steps 4–5: the checks hand the signal to the case side (``cases.taking.signal_take``: the
    repeat rule, then passed; a crisis signal opens its case at once), in this transaction."""
    return hooks.hook_call(hooks.SIGNAL_CHECKED, signal=signal, now=now)


# The steps on a locked signal (above) are shared with the chunked checks (signals.checks_chunk); as
# their own transactions, by signal id:
checks_apply_rules = _step(apply_rules)
checks_wait = _step(wait_for_register)
checks_apply_brp = _step(apply_brp)
checks_refuse = _step(refuse)
checks_apply_shv = _step(apply_shv)
checks_finish = _step(finish)


def run_checks(*, signal_id: int, now=None, brp_client=None) -> Step:
    """All checks for one signal, from wherever it stands. Safe to call twice."""
    now = now or timezone.now()
    if not checks_begin(signal_id=signal_id, now=now):
        return Step(Signal.objects.values_list("status", flat=True).get(pk=signal_id), "niet aan de beurt")
    ended = checks_apply_rules(signal_id=signal_id, now=now)
    if ended is not None:
        return ended
    signal = Signal.objects.select_related("municipality").get(pk=signal_id)
    client = brp_client or shared_client()
    today = timezone.localdate(now)
    review = signal.brp_evidence.get("beoordeling") or {}
    try:
        if review and not review.get("verwerkt"):
            # A reviewer (or the forwarding) chose the person: that person's record and household.
            decision = check_chosen_person(client, bsn=signal.bsn, municipality_code=signal.municipality.cbs_code,
                                           today=today)
        elif not signal.bsn:
            decision = check_person(
                client, municipality_code=signal.municipality.cbs_code, postcode=signal.postcode,
                house_number=signal.house_number, house_letter=signal.house_letter,
                addition=signal.house_number_addition, surname=signal.surname, prefix=signal.surname_prefix,
                first_names=signal.first_names, initials=signal.initials, birth_date=signal.birth_date, today=today,
            )
        else:
            decision = None  # checked by the BRP before (a resumed check)
    except (BrpUnavailable, BrpAuthenticationError) as exc:  # down, or our credentials: try again later
        return checks_wait(signal_id=signal_id, register="BRP", error=str(exc), now=now)
    except BrpRequestError as exc:  # the BRP refused this question: a person looks
        return checks_refuse(signal_id=signal_id, cause="brp_geweigerd", error=str(exc), now=now)
    if decision is not None:
        step = checks_apply_brp(signal_id=signal_id, decision=decision, now=now)
        if step.detail != "gevonden":
            return step
        signal.refresh_from_db(fields=["bsn"])
    if not signal.bsn:
        return checks_refuse(signal_id=signal_id, cause="geen_bsn", now=now)
    try:
        result = shv_check(municipality=signal.municipality, bsn=signal.bsn, today=today)
    except ShvUnavailable as exc:
        return checks_wait(signal_id=signal_id, register="SHV-register", error=str(exc), now=now)
    checks_apply_shv(signal_id=signal_id, result=result, now=now)
    return checks_finish(signal_id=signal_id, now=now)
