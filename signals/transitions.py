"""The one way to change a signal's status: the ``@transition``, the save and the history row.

The signal-machine services below are what the checks (``signals.checks``), the fallout review
(``signals.fallout``) and the case side taking a checked signal (``cases.taking``) do to a signal.
Each runs inside the caller's transaction on a signal the caller locked (:func:`signal_lock`).
"""
import contextlib
import contextvars
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q

from feedback.services import feedback_issue_for_signal
from vroegsignalering.common.bulk import deferred_inserts, insert_later
from vroegsignalering.common.fsm import bulk_transition
from vroegsignalering.common.vocab import Outcome

from .models import Signal, SignalEvent, SignalHistory, SignalStatus
from .tasks import check_chunk

SYSTEM = "controles"
# A signal held behind an earlier undecided signal of the same arrear is woken when that one ends;
# the sweeper looks again after this long in case the wake-up was lost.
HELD_RECHECK_AFTER = dt.timedelta(days=1)


@dataclass(frozen=True)
class Step:
    """What a step of the checks did, for the task and the tests."""

    status: str
    detail: str = ""


def signal_lock(signal_id: int) -> Signal:
    """The signal, locked for this transaction, with its municipality."""
    # Lock the signal only: FOR UPDATE would otherwise also lock the joined municipality row and
    # serialise every check of that municipality.
    return Signal.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=signal_id)


def history_batch():
    """Collect the history rows written inside this block (here and by the case side) and insert them
    in one bulk insert at its end, in the order written (the checks of a chunk): one write, and the
    statistics store records the signals once (``rows_inserted``) instead of once per row. Use inside
    the caller's transaction; when the block raises, nothing is inserted."""
    return deferred_inserts(SignalHistory)


def signal_history_append(signal: Signal, *, at, event: str, params: dict | None = None, actor: str = SYSTEM,
                          from_status: str | None = None) -> SignalHistory:
    """Append a row to the signal's history: ``event`` with its ``params`` (``signals.history`` words
    it). ``from_status`` defaults to where it stands. Inside :func:`history_batch` the row is stored
    when the batch ends."""
    row = SignalHistory(
        signal=signal, at=at, actor=actor, event=event, params=params or {},
        from_status=signal.status if from_status is None else from_status, to_status=signal.status,
    )
    if not insert_later(row):
        row.save(force_insert=True)
    return row


def signal_transition(signal: Signal, name: str, *args, at, event: str, params: dict | None = None,
                      actor: str = SYSTEM, fields: tuple[str, ...] = ()) -> SignalHistory:
    """The one way to change a signal's status: run the transition ``name`` (which checks the state
    graph), save the status and ``fields`` (optimistic: ``ConcurrentTransition`` when the status
    changed meanwhile) and append the history row."""
    before = signal.status
    getattr(signal, name)(*args)
    signal.save(update_fields=["status", *fields, *signal.__dict__.pop("_save_later", ())])
    return signal_history_append(signal, at=at, event=event, params=params, actor=actor, from_status=before)


def signal_save_later(signal: Signal, *fields: str) -> None:
    """Leave ``fields`` of ``signal`` (set, not saved) for its next save by :func:`signal_transition`: one
    UPDATE instead of two (the checks of a chunk store the evidence with the hand-over's state change).
    :func:`signal_save_pending` saves what no transition took."""
    signal.__dict__["_save_later"] = (*signal.__dict__.get("_save_later", ()), *fields)


def signal_save_pending(signal: Signal) -> None:
    """Save the fields :func:`signal_save_later` left that no transition saved."""
    if fields := signal.__dict__.pop("_save_later", ()):
        signal.save(update_fields=list(dict.fromkeys(fields)))


def signals_start_checks(signals: list[Signal], *, now, until) -> None:
    """The checks of these locked signals begin (``start_checks``, from ``ontvangen``) or begin again
    (from ``wacht_op_brp``), in one UPDATE per source state with their history rows in bulk; a signal
    already ``in_controle`` (stalled) is resumed without a new state. Each gets one more attempt and
    the lease ``until``; read the signals again to see them so."""
    by_source: dict[str, list[Signal]] = {}
    for signal in signals:
        by_source.setdefault(signal.status, []).append(signal)
    for source, group in by_source.items():
        ids = [signal.pk for signal in group]
        values = {"check_attempts": F("check_attempts") + 1, "next_check_at": until}
        if source == SignalStatus.IN_CONTROLE:
            Signal.objects.filter(pk__in=ids, status=source).update(**values)
        else:
            history = [SignalHistory(signal=signal, at=now, actor=SYSTEM, event=SignalEvent.CHECKS_STARTED,
                                     params={"again": source == SignalStatus.WACHT_OP_BRP}, from_status=source,
                                     to_status=SignalStatus.IN_CONTROLE) for signal in group]
            bulk_transition(Signal.objects.filter(pk__in=ids), "start_checks", source=source, values=values,
                            history=history)


def signals_enqueue_checks(signal_ids) -> None:
    """Check these signals once the current transaction commits: one task per chunk
    (``CHECKS_CHUNK_SIZE``) of them."""
    ids = list(signal_ids)
    size = max(1, settings.CHECKS_CHUNK_SIZE)
    for start in range(0, len(ids), size):
        chunk_ids = ids[start:start + size]
        check_chunk.delay_on_commit(chunk_ids)


# Inside arrears_alone(): the ids of the signals no other stored signal may share an arrear with.
_alone: contextvars.ContextVar[frozenset[int]] = contextvars.ContextVar("arrears_alone", default=frozenset())


@contextlib.contextmanager
def arrears_alone(signals: list[Signal]):
    """The block a chunk's signals are handed over in, after their arrears' locks were taken: one read finds
    which of them share no creditor's contract number or customer (BSN, as the BRP found it) with any other
    signal of their municipality, stored or in this chunk. For those, inside the block, nothing can be an
    earlier signal of the same arrear (:func:`arrear_alone`): the repeat rule and :func:`wake_later_of_arrear`
    need not look (most signals of a month-end burst)."""
    token = _alone.set(frozenset(_alone_ids(signals)))
    try:
        yield
    finally:
        _alone.reset(token)


def arrear_alone(signal: Signal) -> bool:
    """Whether, inside :func:`arrears_alone`, no other signal may share ``signal``'s arrear."""
    return signal.pk in _alone.get()


def _arrear_keys(signal: Signal) -> list[tuple]:
    keys = []
    if signal.contract_number:
        keys.append((signal.municipality_id, signal.creditor_id, "contract", signal.contract_number))
    if signal.bsn:
        keys.append((signal.municipality_id, signal.creditor_id, "bsn", signal.bsn))
    return keys


def _alone_ids(signals: list[Signal]) -> set[int]:
    if not signals:
        return set()
    seen: dict[tuple, int] = {}
    for signal in signals:
        for key in _arrear_keys(signal):
            seen[key] = seen.get(key, 0) + 1
    contracts = {key[3] for key in seen if key[2] == "contract"}
    bsns = {key[3] for key in seen if key[2] == "bsn"}
    rows = (Signal.objects.filter(municipality_id__in={s.municipality_id for s in signals},
                                  creditor_id__in={s.creditor_id for s in signals})
            .filter(Q(contract_number__in=contracts) | Q(bsn__in=bsns))
            .exclude(pk__in=[s.pk for s in signals])
            .values_list("municipality_id", "creditor_id", "contract_number", "bsn"))
    shared = set()
    for municipality_id, creditor_id, contract, bsn in rows:
        shared.add((municipality_id, creditor_id, "contract", contract))
        shared.add((municipality_id, creditor_id, "bsn", bsn))
    return {signal.pk for signal in signals
            if all(seen[key] == 1 and key not in shared for key in _arrear_keys(signal))}


def wake_later_of_arrear(signal: Signal, now) -> None:
    """This signal's checks ended: later signals that may be of the same arrear and wait for it
    (``repeat_decision`` ``wait``) are due again and checked once this transaction commits (the
    sweeper would otherwise pick them up)."""
    if arrear_alone(signal):
        return
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
        signals_enqueue_checks(ids)


def signal_end(signal: Signal, outcome: Outcome, now, *, params: dict, actor: str = SYSTEM,
               event: str = SignalEvent.ENDED) -> Step:
    """Not picked up (or not a resident): the signal ends with ``outcome`` and the creditor hears.
    The history row: ``event`` with ``params`` (for ``ENDED``: why, as data, ``signals.history``
    words it; the outcome is added)."""
    wake_later_of_arrear(signal, now)
    signal.outcome_at = now
    signal.next_check_at = None
    signal_transition(signal, "end", outcome, at=now, actor=actor, event=event,
                      params=params if event != SignalEvent.ENDED else {"outcome": outcome, **params},
                      fields=("outcome", "outcome_at", "next_check_at"))
    feedback_issue_for_signal(signal=signal, outcome=outcome, now=now)
    return Step(signal.status, outcome)


def signal_forward(signal: Signal, municipality, *, code: str, now) -> None:
    """Awb 2:3: the person lives elsewhere (``municipality``, or None: forwarded by hand to the
    municipality ``code``); the signal ends here as not a resident and the creditor hears."""
    wake_later_of_arrear(signal, now)
    signal.outcome_at = now
    signal.next_check_at = None
    params = {"code": code, "manual": True} if municipality is None else {"code": code,
                                                                          "municipality": municipality.name}
    signal_transition(signal, "forward", municipality, at=now, event=SignalEvent.FORWARDED, params=params,
                      fields=("outcome", "outcome_at", "forwarded_to", "next_check_at"))
    feedback_issue_for_signal(signal=signal, outcome=Outcome.GEEN_INWONER, now=now)


def signal_to_fallout(signal: Signal, now, **params) -> None:
    """The checks cannot decide: a person looks (uitval). ``params``: the ``cause`` and its details
    (``signals.history``)."""
    signal.next_check_at = None
    signal_transition(signal, "to_fallout", at=now, event=SignalEvent.FALLOUT, params=params,
                      fields=("next_check_at",))


def signal_hold(signal: Signal, params: dict, now) -> Step:
    """An earlier signal of the same arrear is not decided yet: wait, and decide again after it is
    (:func:`wake_later_of_arrear` checks it again then; the sweeper once a day as a safety net, not
    every hour: each round would ask the SHV register again). ``params``: which earlier signal
    (``cases.matching.RepeatDecision.params``)."""
    signal.next_check_at = now + HELD_RECHECK_AFTER
    signal_transition(signal, "wait_for_brp", at=now, event=SignalEvent.HELD, params=params,
                      fields=("next_check_at",))
    return Step(signal.status, "wacht op eerder signaal")


def signal_pass(signal: Signal, now) -> None:
    """All checks passed: the signal waits for the period close (or the case side takes it now)."""
    wake_later_of_arrear(signal, now)
    signal.next_check_at = None
    signal_transition(signal, "pass_checks", at=now, event=SignalEvent.PASSED, fields=("next_check_at",))
