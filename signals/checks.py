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

Every step is idempotent: it locks the signal, checks its state and does nothing when another
worker already did the work. External registers are asked *outside* a database transaction; the
answer is applied in a new one, only if the signal is still where it was. A signal whose check
stalled (worker lost) has a due ``next_check_at`` and is picked up again by the sweeper.
"""
import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Municipality
from cases import services as case_services
from cases.matching import repeat_decision
from feedback.services import feedback_issue_for_signal
from shv.adapters import ShvUnavailable
from shv.services import shv_check
from vroegsignalering.common.vocab import Outcome

from . import normalise, rules
from .brp.client import BrpAuthenticationError, BrpRequestError, BrpUnavailable, shared_client
from .brp.decide import BrpOutcome, check_chosen_person, check_person
from .models import FalloutDecision, Signal, SignalHistory, SignalStatus

logger = logging.getLogger(__name__)

SYSTEM = "controles"
# A check that started but did not finish within this time is considered stalled.
STALE_AFTER = dt.timedelta(minutes=10)
# A check that stalled this often (a crash each time) is handed to a person instead.
MAX_STALLED_ATTEMPTS = 5
# A signal held behind an earlier undecided signal of the same arrear is woken when that one ends;
# the sweeper looks again after this long in case the wake-up was lost.
HELD_RECHECK_AFTER = dt.timedelta(days=1)


def _retry_delay(attempts: int) -> dt.timedelta:
    """Back off while a register is down: 1, 2, 4, … minutes, at most an hour."""
    return dt.timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def _record(signal: Signal, from_status: str, reason: str, actor: str = SYSTEM, now=None) -> None:
    SignalHistory.objects.create(signal=signal, at=now or timezone.now(), actor=actor,
                                 from_status=from_status, to_status=signal.status, reason=reason[:500])


def _locked(signal_id: int) -> Signal:
    # Lock the signal only: FOR UPDATE would otherwise also lock the joined municipality row and
    # serialise every check of that municipality.
    return Signal.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=signal_id)


@dataclass(frozen=True)
class Step:
    """What a step did, for the task and the tests."""

    status: str
    detail: str = ""


def checks_begin(*, signal_id: int, now=None) -> bool:
    """Move a received (or waiting, or stalled) signal into the checks; False when not due."""
    now = now or timezone.now()
    with transaction.atomic():
        signal = _locked(signal_id)
        before = signal.status
        if before == SignalStatus.IN_CONTROLE:
            if signal.next_check_at and signal.next_check_at > now:
                return False  # another worker is on it
            if signal.check_attempts >= MAX_STALLED_ATTEMPTS:
                _to_fallout(signal, f"De controle liep {signal.check_attempts} keer vast; een medewerker "
                                    "beoordeelt het signaal.", now)
                return False
            reason = "Controle hervat (vorige poging niet afgerond)."
        elif before == SignalStatus.WACHT_OP_BRP:
            if signal.next_check_at and signal.next_check_at > now:
                return False
            signal.start_checks()
            reason = "Controle opnieuw gestart."
        elif before == SignalStatus.ONTVANGEN:
            signal.start_checks()
            reason = "Controle gestart."
        else:
            return False
        signal.check_attempts += 1
        signal.next_check_at = now + STALE_AFTER
        signal.save(update_fields=["status", "check_attempts", "next_check_at"])
        if before != signal.status:
            _record(signal, before, reason, now=now)
    return True


def _wake_later_of_arrear(signal: Signal, now) -> None:
    """This signal's checks ended: later signals that may be of the same arrear and wait for it
    (``repeat_decision`` ``wait``) are due again and checked once this transaction commits (the
    sweeper would otherwise pick them up)."""
    same = Q()
    if signal.contract_number:
        same |= Q(contract_number=signal.contract_number)
    if signal.bsn:
        same |= Q(bsn=signal.bsn)
    if not same:
        return
    waiting = (Signal.objects.filter(same, municipality_id=signal.municipality_id, creditor_id=signal.creditor_id,
                                     status=SignalStatus.WACHT_OP_BRP, next_check_at__gt=now)
               .exclude(pk=signal.pk))
    # A row another worker holds is in its checks already and decides for itself: skipped, never
    # waited for (it may wait for this arrear's lock, which this transaction holds).
    ids = list(waiting.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True))
    if ids:
        Signal.objects.filter(pk__in=ids, status=SignalStatus.WACHT_OP_BRP).update(next_check_at=now)
        transaction.on_commit(lambda: enqueue_checks(ids))


def _end(signal: Signal, outcome: Outcome, reason: str, now) -> Step:
    before = signal.status
    _wake_later_of_arrear(signal, now)
    signal.end(outcome)
    signal.outcome_at = now
    signal.next_check_at = None
    signal.save(update_fields=["status", "outcome", "outcome_at", "next_check_at"])
    _record(signal, before, f"{outcome.label}: {reason}", now=now)
    feedback_issue_for_signal(signal=signal, outcome=outcome, now=now)
    return Step(signal.status, outcome)


def checks_apply_rules(*, signal_id: int, now=None) -> Step | None:
    """Step 1: legal entity, threshold, arrear age. Returns the end when a rule fired."""
    now = now or timezone.now()
    with transaction.atomic():
        signal = _locked(signal_id)
        if signal.status != SignalStatus.IN_CONTROLE:
            return Step(signal.status, "niet meer in controle")
        decision = rules.not_picked_up(signal, signal.municipality)
        if decision is None:
            return None
        return _end(signal, decision.outcome, f"{decision.reason} (regel: {decision.rule})", now)


def checks_wait(*, signal_id: int, register: str, error: str, now=None) -> Step:
    """A register could not be asked: wait and try again later (the sweeper re-enqueues)."""
    now = now or timezone.now()
    with transaction.atomic():
        signal = _locked(signal_id)
        if signal.status != SignalStatus.IN_CONTROLE:
            return Step(signal.status, "niet meer in controle")
        signal.wait_for_brp()
        signal.next_check_at = now + _retry_delay(signal.check_attempts)
        signal.save(update_fields=["status", "next_check_at"])
        _record(signal, SignalStatus.IN_CONTROLE,
                f"{register} niet bereikbaar ({error[:200]}); nieuwe poging na "
                f"{timezone.localtime(signal.next_check_at):%d-%m-%Y %H:%M}.", now=now)
        return Step(signal.status, register)


def checks_apply_brp(*, signal_id: int, decision, now=None) -> Step:
    """Step 2: apply the BRP's answer (signals.brp.decide.BrpDecision)."""
    now = now or timezone.now()
    with transaction.atomic():
        signal = _locked(signal_id)
        if signal.status != SignalStatus.IN_CONTROLE:
            return Step(signal.status, "niet meer in controle")
        review = signal.brp_evidence.get("beoordeling")
        previous_candidates = signal.brp_evidence.get("kandidaten", [])
        signal.brp_evidence = decision.as_evidence() | ({"beoordeling": {**review, "verwerkt": True}} if review else {})
        signal.bsn = decision.bsn or signal.bsn
        signal.save(update_fields=["brp_evidence", "bsn"])
        outcome = decision.outcome
        if outcome in (BrpOutcome.FOUND, BrpOutcome.MINOR):
            label = "gevonden" if outcome == BrpOutcome.FOUND else "minderjarig (contact via ouder)"
            _record(signal, signal.status, f"BRP: persoon {label}.", now=now)
            return Step(signal.status, "gevonden")
        if outcome == BrpOutcome.DECEASED:
            return _end(signal, Outcome.OVERLEDEN, "BRP: persoon is overleden.", now)
        if outcome == BrpOutcome.EMIGRATED:
            return _end(signal, Outcome.GEEN_INWONER, "BRP: persoon is geëmigreerd.", now)
        if outcome == BrpOutcome.MOVED:
            other = Municipality.objects.filter(cbs_code=decision.municipality_code).first()
            return _forward(signal, other, decision, now)
        if review and decision.outcome not in (BrpOutcome.FOUND, BrpOutcome.MINOR):
            # Keep the candidates the reviewer chose from, so another can be chosen.
            signal.brp_evidence["kandidaten"] = signal.brp_evidence.get("kandidaten") or previous_candidates
            signal.save(update_fields=["brp_evidence"])
        _to_fallout(signal, f"BRP: {decision.outcome.label}; een medewerker beoordeelt het signaal.", now)
        return Step(signal.status, "uitval")


def _to_fallout(signal: Signal, reason: str, now) -> None:
    before = signal.status
    signal.to_fallout()
    signal.next_check_at = None
    signal.save(update_fields=["status", "next_check_at"])
    _record(signal, before, reason, now=now)


def checks_refuse(*, signal_id: int, reason: str, now=None) -> Step:
    """A register refused the question itself (not a passing outage): a person looks."""
    now = now or timezone.now()
    with transaction.atomic():
        signal = _locked(signal_id)
        if signal.status != SignalStatus.IN_CONTROLE:
            return Step(signal.status, "niet meer in controle")
        _to_fallout(signal, reason, now)
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


def _forward(signal: Signal, other, decision, now) -> Step:
    """Awb 2:3: the person lives in another municipality. Served here → a new signal there, at
    the person's address there, for the person the BRP found (the creditor never sees the copy)."""
    code = decision.municipality_code
    address = _address_fields(decision.new_address or {})
    if other is not None and address is None:
        other = None  # no usable address there: forward by hand
    before = signal.status
    _wake_later_of_arrear(signal, now)
    signal.forward(other)
    signal.outcome_at = now
    signal.next_check_at = None
    signal.save(update_fields=["status", "outcome", "outcome_at", "forwarded_to", "next_check_at"])
    feedback_issue_for_signal(signal=signal, outcome=Outcome.GEEN_INWONER, now=now)
    if other is None:
        _record(signal, before, f"Woont in gemeente {code}: handmatig doorsturen.", now=now)
        return Step(signal.status, "handmatig doorsturen")
    copy = Signal.objects.get(pk=signal.pk)
    copy.pk = None
    copy._state.adding = True
    fields = {
        "municipality": other, "forwarded_from": signal, "shv_evidence": {}, **address,
        "check_attempts": 0, "next_check_at": None, "outcome": "", "outcome_at": None, "forwarded_to": None,
        # The person is known: the copy's check fetches that record there (as after a review).
        "bsn": decision.bsn,
        "brp_evidence": {"beoordeling": {"bsn": decision.bsn, "door": f"doorgestuurd vanuit {signal.municipality.name}",
                                         "op": now.isoformat()}},
    }
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save()
    Signal.objects.filter(pk=copy.pk).update(status=SignalStatus.ONTVANGEN)  # a new signal there
    SignalHistory.objects.create(signal=copy, at=now, actor=SYSTEM, from_status="",
                                 to_status=SignalStatus.ONTVANGEN,
                                 reason=f"Doorgestuurd vanuit gemeente {signal.municipality.name} (Awb 2:3).")
    _record(signal, before, f"Woont in gemeente {other.name}: doorgestuurd (Awb 2:3).", now=now)
    transaction.on_commit(lambda: enqueue_checks([copy.pk]))
    return Step(signal.status, "doorgestuurd")


def checks_apply_shv(*, signal_id: int, result, now=None) -> Step:
    """Step 3: store the SHV register's answer (the evidence routing uses)."""
    now = now or timezone.now()
    with transaction.atomic():
        signal = _locked(signal_id)
        if signal.status != SignalStatus.IN_CONTROLE:
            return Step(signal.status, "niet meer in controle")
        signal.shv_evidence = result.as_evidence()
        signal.save(update_fields=["shv_evidence"])
        return Step(signal.status, result.status)


def _advisory_key(*parts) -> int:
    digest = hashlib.blake2b(repr(("vroegsignalering.arrear", *parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _serialise_arrear(signal: Signal) -> None:
    """Inside the transaction: wait until no other worker is deciding about the same arrear, so that
    of two identical signals checked at once exactly one passes and the other is its repeat.

    PostgreSQL: transaction-level advisory locks on the creditor's customer (BSN) and on the
    creditor's contract number, always taken in that order (no deadlock between them); held until
    commit, so the next decision sees this one's result. SQLite runs every writing transaction one
    at a time (``transaction_mode`` IMMEDIATE), which serialises them already."""
    if connection.vendor != "postgresql":
        return
    keys = []
    if signal.bsn:
        keys.append(_advisory_key(signal.creditor_id, "bsn", signal.bsn))
    if signal.contract_number:
        keys.append(_advisory_key(signal.creditor_id, "contract", signal.contract_number))
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def checks_finish(*, signal_id: int, now=None) -> Step:
    """Steps 4–5: the repeat rule, then passed (a crisis signal opens its case at once)."""
    now = now or timezone.now()
    with transaction.atomic():
        signal = _locked(signal_id)
        if signal.status != SignalStatus.IN_CONTROLE:
            return Step(signal.status, "niet meer in controle")
        _serialise_arrear(signal)
        repeat = repeat_decision(signal)
        if repeat is not None and repeat.wait:
            # An earlier signal of the same arrear is not decided yet: decide again after it is
            # (``_wake_later_of_arrear`` checks it again then; the sweeper once a day as a safety net,
            # not every hour: each round would ask the SHV register again).
            before = signal.status
            signal.wait_for_brp()
            signal.next_check_at = now + HELD_RECHECK_AFTER
            signal.save(update_fields=["status", "next_check_at"])
            _record(signal, before, repeat.reason, now=now)
            return Step(signal.status, "wacht op eerder signaal")
        if repeat is not None and repeat.outcome == Outcome.HERHAALDE_MELDING:
            return _end(signal, Outcome.HERHAALDE_MELDING, repeat.reason, now)
        before = signal.status
        _wake_later_of_arrear(signal, now)
        signal.pass_checks()
        signal.next_check_at = None
        signal.save(update_fields=["status", "next_check_at"])
        _record(signal, before, "Alle controles doorlopen.", now=now)
        if repeat is not None and repeat.case is not None:
            if case_services.case_update_with_signal(case=repeat.case, signal=signal, now=now) is not None:
                return Step(SignalStatus.IN_MELDING, "bijgewerkt in open melding")
        if signal.is_crisis:
            case_services.case_open_for_crisis(signal=signal, now=now)
            return Step(SignalStatus.IN_MELDING, "crisismelding")
        # Arrived after its period closed: joins the open case at the address, if there is one.
        if case_services.case_join_late_signal(signal=signal, now=now) is not None:
            return Step(SignalStatus.IN_MELDING, "toegevoegd aan open melding")
        return Step(signal.status, "wacht op periodeafsluiting")


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
        return checks_refuse(signal_id=signal_id, reason=f"De BRP weigerde de bevraging: {exc}", now=now)
    if decision is not None:
        step = checks_apply_brp(signal_id=signal_id, decision=decision, now=now)
        if step.detail != "gevonden":
            return step
        signal.refresh_from_db(fields=["bsn"])
    if not signal.bsn:
        return checks_refuse(signal_id=signal_id, reason="Geen BSN gevonden; een medewerker beoordeelt het signaal.",
                             now=now)
    try:
        result = shv_check(municipality=signal.municipality, bsn=signal.bsn, today=today)
    except ShvUnavailable as exc:
        return checks_wait(signal_id=signal_id, register="SHV-register", error=str(exc), now=now)
    checks_apply_shv(signal_id=signal_id, result=result, now=now)
    return checks_finish(signal_id=signal_id, now=now)


def enqueue_checks(signal_ids) -> None:
    from .tasks import check_signal

    for signal_id in signal_ids:
        check_signal.delay(signal_id)


def signals_due_for_checks(now=None, limit: int = 5000) -> list[int]:
    """Received signals never enqueued, waiting ones whose retry is due, stalled ones."""
    now = now or timezone.now()
    return list(
        Signal.objects.filter(
            # the intake enqueued these itself; only those it did not reach by now
            Q(status=SignalStatus.ONTVANGEN, received_at__lte=now - dt.timedelta(minutes=5))
            | Q(status__in=[SignalStatus.WACHT_OP_BRP, SignalStatus.IN_CONTROLE])
            & (Q(next_check_at__lte=now) | Q(next_check_at__isnull=True))
        ).order_by("pk").values_list("pk", flat=True)[:limit]
    )


# --- Fallout review (uitval) -----------------------------------------------------------------

class ReviewError(Exception):
    """A fallout decision that cannot be taken (Dutch message for the reviewer)."""


def fallout_decide(*, signal_id: int, decided_by, decision: str, bsn: str = "", reason: str = "",
                   now=None) -> FalloutDecision:
    """Record a person's decision on a fallout signal and carry it out."""
    now = now or timezone.now()
    choice = FalloutDecision.Choice
    with transaction.atomic():
        signal = _locked(signal_id)
        if signal.status != SignalStatus.UITVAL:
            raise ReviewError("Over dit signaal is al besloten.")
        if not decided_by.municipalities.filter(pk=signal.municipality_id).exists() and not decided_by.is_superuser:
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
        before = signal.status
        if decision == choice.PERSON:
            signal.bsn = bsn
            signal.brp_evidence = {**signal.brp_evidence, "beoordeling": {
                "bsn": bsn, "door": actor, "op": now.isoformat(), "persoon": candidates[bsn]}}
            signal.resume_after_review()
            signal.next_check_at = None
            signal.save(update_fields=["status", "bsn", "brp_evidence", "next_check_at"])
            _record(signal, before, f"Uitval beoordeeld: persoon gekozen ({candidates[bsn].get('naam', bsn)}).",
                    actor=actor, now=now)
            transaction.on_commit(lambda: enqueue_checks([signal.pk]))
        elif decision == choice.NOT_RESIDENT:
            _end_by_person(signal, Outcome.GEEN_INWONER, "Uitval beoordeeld: geen inwoner.", actor, now)
        else:
            _end_by_person(signal, Outcome.ANDERE_REDEN, f"Uitval beoordeeld: niet oppakken ({reason.strip()}).",
                           actor, now)
    return record


def _end_by_person(signal, outcome, reason, actor, now):
    before = signal.status
    _wake_later_of_arrear(signal, now)
    signal.end(outcome)
    signal.outcome_at = now
    signal.save(update_fields=["status", "outcome", "outcome_at"])
    _record(signal, before, reason, actor=actor, now=now)
    feedback_issue_for_signal(signal=signal, outcome=outcome, now=now)
