"""The checks of a chunk of signals (one ``check_chunk`` task, ``CHECKS_CHUNK_SIZE`` signals): the same
steps and the same results as :func:`signals.checks.run_checks` for each signal, with the registers
asked for the whole chunk at once and the database written in a few transactions (ADR 0012).

1. **Begin** (one transaction): lock the chunk's signals that are due (``SKIP LOCKED``: a signal in
   another worker's hands is left to it), start or resume their checks in bulk (one more attempt, the
   lease ``CHECKS_LEASE_SECONDS``: the attempt count is this chunk's token) and apply the rules that
   need nothing outside (``rules.not_picked_up``).
2. **BRP** (no transaction): every remaining signal's question at once, concurrently, in a thread
   (:func:`signals.brp.many.decide_stream`, bounded by ``BRP_CONCURRENCY`` and ``CHECKS_CHUNK_BUDGET``);
   meanwhile phases 3 and 4 run here for the signals decided so far, in id order, ``APPLY_BATCH`` at a
   time, so the BRP is kept busy while the database is written.
3. **SHV** (no transaction): one read of each municipality's register for the sub-batch's found residents.
4. **Apply** (one transaction per sub-batch): lock the signals again; a signal no longer ``in_controle`` or with
   another attempt count (the lease ran out and another worker took it) is left alone; the others get
   their BRP and SHV answers and are handed to the case side (``SIGNAL_CHECKED``), after the case
   side took every lock it will need in one order (``SIGNALS_CHECKING``). The history rows go in one
   bulk insert. Should that transaction fail (a deadlock, a bug on one signal), it rolls back whole
   and each signal is applied in its own transaction; a signal that fails alone stays ``in_controle``
   until its lease runs out and the sweeper gives it to another worker (after ``MAX_STALLED_ATTEMPTS``
   a person looks).

A worker that dies between the phases leaves its signals ``in_controle`` with a lease: nothing
of phases 2–4 was written, and the sweeper resumes them (begin again, same rules).
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shv.adapters import ShvUnavailable
from shv.services import shv_check_many
from vroegsignalering.common import hooks

from .brp.client import BrpAuthenticationError, BrpRequestError, BrpUnavailable
from .brp.decide import BrpOutcome
from .brp.decision import BrpDecision
from .brp.many import ChosenCheck, PersonCheck, decide_stream
from .checks import (
    BRP_FIELDS,
    MAX_STALLED_ATTEMPTS,
    apply_brp,
    apply_rules,
    finish,
    lease,
    refuse,
    wait_for_register,
)
from .models import Signal, SignalStatus
from .transitions import (
    Step,
    arrears_alone,
    history_batch,
    signal_save_later,
    signal_save_pending,
    signal_to_fallout,
    signals_start_checks,
)

logger = logging.getLogger(__name__)

__all__ = ["run_checks_chunk"]

_DUE_STATES = (SignalStatus.ONTVANGEN, SignalStatus.WACHT_OP_BRP, SignalStatus.IN_CONTROLE)
# Decided signals are applied in sub-batches of this many, or of what is ready after this many seconds.
APPLY_BATCH = 50
APPLY_AFTER = 0.5


@dataclass
class _Work:
    """One signal of the chunk between the phases."""

    signal: Signal
    token: int  # check_attempts as this chunk set it
    brp: BrpDecision | Exception | None = None  # None: checked by the BRP before (a resumed check)
    shv: object = None  # ShvResult, ShvUnavailable, or None (not asked)

    @property
    def bsn(self) -> str:
        if isinstance(self.brp, BrpDecision) and self.brp.outcome in (BrpOutcome.FOUND, BrpOutcome.MINOR):
            return self.brp.bsn or self.signal.bsn
        return self.signal.bsn if self.brp is None else ""


def run_checks_chunk(signal_ids, *, now=None) -> dict[str, int]:
    """All checks for these signals, from wherever each stands. Safe to call twice, and at the same
    time in two workers (each signal is checked by one). Returns the number of signals per status
    reached (and ``overgeslagen``: not due, or in another worker's hands)."""
    now = now or timezone.now()
    started = time.monotonic()
    ids = sorted(set(signal_ids))
    work, counts = _begin(ids, now)
    begun = time.monotonic()
    if work:
        counts.update(_check_and_apply(work, now))
    counts["overgeslagen"] = len(ids) - sum(counts.values())
    logger.debug("Checks of a chunk of %d signals: begin %.2f s, BRP, SHV and apply %.2f s; %s", len(ids),
                 begun - started, time.monotonic() - begun, dict(counts))
    return dict(counts)


# --- 1. begin --------------------------------------------------------------------------------


def _begin(ids: list[int], now) -> tuple[list[_Work], Counter]:
    counts: Counter = Counter()
    with transaction.atomic(), history_batch():
        locked = list(Signal.objects.select_for_update(of=("self",), skip_locked=True)
                      .filter(pk__in=ids, status__in=_DUE_STATES).order_by("pk"))
        due = []
        for signal in locked:
            if signal.status != SignalStatus.ONTVANGEN and signal.next_check_at and signal.next_check_at > now:
                continue  # waiting for its retry, or another worker's lease
            if signal.status == SignalStatus.IN_CONTROLE and signal.check_attempts >= MAX_STALLED_ATTEMPTS:
                signal_to_fallout(signal, now, cause="vastgelopen", attempts=signal.check_attempts)
                counts[SignalStatus.UITVAL] += 1
                continue
            due.append(signal)
        if not due:
            return [], counts
        signals_start_checks(due, now=now, until=now + lease())
        work = []
        for signal in Signal.objects.select_related("municipality").filter(pk__in=[s.pk for s in due]).order_by("pk"):
            ended = apply_rules(signal, now=now)
            if ended is not None:
                counts[ended.status] += 1
            else:
                work.append(_Work(signal, token=signal.check_attempts))
    return work, counts


# --- 2. and 3. the registers, outside any transaction -----------------------------------------


def _question(signal: Signal, today: dt.date) -> PersonCheck | ChosenCheck | None:
    """What to ask the BRP about ``signal`` (as ``run_checks`` does), or None: asked before."""
    code = signal.municipality.cbs_code
    review = signal.brp_evidence.get("beoordeling") or {}
    if review and not review.get("verwerkt"):
        # A reviewer (or the forwarding) chose the person: that person's record and household.
        return ChosenCheck(bsn=signal.bsn, municipality_code=code, today=today)
    if signal.bsn:
        return None  # checked by the BRP before (a resumed check)
    return PersonCheck(
        municipality_code=code, postcode=signal.postcode, house_number=signal.house_number,
        house_letter=signal.house_letter, addition=signal.house_number_addition, surname=signal.surname,
        prefix=signal.surname_prefix, first_names=signal.first_names, initials=signal.initials,
        birth_date=signal.birth_date, today=today,
    )


def _check_and_apply(work: list[_Work], now) -> Counter:
    """Phases 2–4, overlapping: the BRP answers the chunk's questions in a thread of its own while the
    decided signals are applied here, in id order (the order ``run_checks`` one by one would take: a
    signal waits until every signal before it is decided), a sub-batch at a time, so the BRP is kept busy
    while the database is written."""
    today = timezone.localdate(now)
    asked = [(item, question) for item in work if (question := _question(item.signal, today)) is not None]
    decided = {item.signal.pk for item in work} - {item.signal.pk for item, _ in asked}
    counts: Counter = Counter()
    position, ready, last = 0, [], time.monotonic()
    results = decide_stream([question for _, question in asked], budget=settings.CHECKS_CHUNK_BUDGET)
    for index, result in results:
        asked[index][0].brp = result
        decided.add(asked[index][0].signal.pk)
        while position < len(work) and work[position].signal.pk in decided:
            ready.append(work[position])
            position += 1
        if len(ready) >= APPLY_BATCH or (ready and time.monotonic() - last > APPLY_AFTER):
            counts.update(_apply(_ask_shv(ready, today=today), now))
            ready, last = [], time.monotonic()
    ready += work[position:]  # every one decided now
    if ready:
        counts.update(_apply(_ask_shv(ready, today=today), now))
    return counts


def _ask_shv(work: list[_Work], *, today: dt.date) -> list[_Work]:
    by_municipality: dict[int, list[_Work]] = {}
    for item in work:
        if item.bsn:
            by_municipality.setdefault(item.signal.municipality_id, []).append(item)
    for group in by_municipality.values():
        answers = shv_check_many(municipality=group[0].signal.municipality, bsns=[item.bsn for item in group],
                                 today=today)
        for item in group:
            item.shv = answers.get(item.bsn)
    return work


# --- 4. apply --------------------------------------------------------------------------------


def _apply_one(signal: Signal, item: _Work, now) -> Step:
    """``run_checks`` from the BRP's answer on, on the locked signal (the same steps, in the same order)."""
    result = item.brp
    if isinstance(result, BrpUnavailable | BrpAuthenticationError):  # down, or our credentials: later
        return wait_for_register(signal, register="BRP", error=str(result), now=now)
    if isinstance(result, BrpRequestError):  # the BRP refused this question: a person looks
        return refuse(signal, cause="brp_geweigerd", error=str(result), now=now)
    unsaved: tuple[str, ...] = ()
    if result is not None:
        step = apply_brp(signal, decision=result, now=now, save_found=False)  # saved with the hand-over
        if step.detail != "gevonden":
            return step
        unsaved = BRP_FIELDS
    if not signal.bsn or item.shv is None or isinstance(item.shv, ShvUnavailable):
        if unsaved:
            signal.save(update_fields=unsaved)
        if not signal.bsn:
            return refuse(signal, cause="geen_bsn", now=now)
        return wait_for_register(signal, register="SHV-register", error=str(item.shv or "geen antwoord"), now=now)
    # The evidence is saved with the hand-over's state change: one UPDATE (signals.transitions).
    signal.shv_evidence = item.shv.as_evidence()
    signal_save_later(signal, "shv_evidence", *unsaved)
    step = finish(signal, now=now)
    signal_save_pending(signal)
    return step


def _locked(items: list[_Work]) -> list[tuple[Signal, _Work]]:
    """The signals of ``items`` locked again, those still this chunk's (status and token)."""
    by_id = {item.signal.pk: item for item in items}
    signals = (Signal.objects.select_for_update(of=("self",)).select_related("municipality")
               .filter(pk__in=list(by_id)).order_by("pk"))
    return [(signal, by_id[signal.pk]) for signal in signals
            if signal.status == SignalStatus.IN_CONTROLE and signal.check_attempts == by_id[signal.pk].token]


def _take_view(signal: Signal, item: _Work) -> Signal:
    """The signal as the case side will take it: with the BSN the BRP found (for its locks)."""
    if item.bsn and item.bsn != signal.bsn:
        return Signal(pk=signal.pk, municipality_id=signal.municipality_id, creditor_id=signal.creditor_id,
                      bsn=item.bsn, contract_number=signal.contract_number)
    return signal


def _apply(work: list[_Work], now) -> Counter:
    counts: Counter = Counter()
    try:
        with transaction.atomic(), history_batch():
            locked = _locked(work)
            views = [_take_view(signal, item) for signal, item in locked]
            with hooks.hook_call(hooks.SIGNALS_CHECKING, signals=views), arrears_alone(views):
                steps = [_apply_one(signal, item, now) for signal, item in locked]
        counts.update(step.status for step in steps)
        return counts
    except Exception:  # one transaction for all failed: each in its own, so one signal cannot hold up the rest
        logger.warning("Applying the checks of %d signals together failed; applying them one by one.",
                       len(work), exc_info=True)
    for item in work:
        try:
            with transaction.atomic():
                for signal, mine in _locked([item]):
                    counts[_apply_one(signal, mine, now).status] += 1
        except Exception:
            logger.exception("Applying the checks of signal %s failed; the sweeper tries again.", item.signal.pk)
    return counts
