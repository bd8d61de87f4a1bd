"""The case side takes a signal whose checks are done (ADR 0008).

The checks' last step (``signals.checks.checks_finish``) calls the hook
``vroegsignalering.common.hooks.SIGNAL_CHECKED`` inside its transaction, on the locked signal still
``in_controle``; :func:`signal_take` is its handler (registered in ``CasesConfig.ready``). Here the
repeat rule decides (``matching.repeat_decision`` against ``selectors.prior_arrears``), then:

- an earlier signal of the same arrear is not decided yet → the signal waits for it;
- not higher than that arrear's latest signal → ends as "herhaalde melding";
- otherwise it passes the checks, and: higher than an arrear in an active case → updates that
  case; a crisis signal → opens its case at once (or joins the active one at the address);
  arrived after its period closed → joins the open case at the address, if there is one;
  else it waits for the period close.

All in the checks' transaction, so no period close can see a checked signal before its repeat
decision. The signal's own status changes are the signal machine's (``signals.transitions``).
"""
import contextlib
import contextvars
import hashlib
from collections.abc import Iterable

from django.db import connection
from django.db.models import Max

from signals import transitions
from signals.models import Signal, SignalStatus
from signals.transitions import Step
from vroegsignalering.common.vocab import Outcome

from . import matching, selectors, services
from .models import PeriodClose

# Inside signals_take_prepare(): the case policies read so far (municipality id → policy), read once per
# chunk; set means the chunk's arrear locks are held. And the last period closed per municipality.
_policies: contextvars.ContextVar[dict | None] = contextvars.ContextVar("take_policies", default=None)
_closed: contextvars.ContextVar[dict | None] = contextvars.ContextVar("take_closed", default=None)


def _period_closed(signal: Signal) -> bool | None:
    """Inside a chunk: whether a period close covered the signal's date (read once for the chunk; a close
    committing meanwhile is as if it came after: its next close takes the signal). Otherwise None: ask."""
    closed = _closed.get()
    if closed is None:
        return None
    last = closed.get(signal.municipality_id)
    return last is not None and last >= signal.signal_date


def _policy(municipality_id: int):
    known = _policies.get()
    if known is None:
        return selectors.policy_for(municipality_id)
    if municipality_id not in known:
        known[municipality_id] = selectors.policy_for(municipality_id)
    return known[municipality_id]


def repeat_decision_for(signal: Signal) -> matching.RepeatDecision | None:
    """The repeat rule for ``signal`` against the database: the municipality's repeat window and
    every earlier signal of the same arrear within it."""
    window_months = _policy(signal.municipality_id).repeat_window_months
    # In a chunk, a signal whose arrear no other signal shares has no earlier one (signals.transitions).
    priors = [] if transitions.arrear_alone(signal) else selectors.prior_arrears(signal, window_months=window_months)
    return matching.repeat_decision(signal, priors, window_months=window_months)


def signal_take(*, signal: Signal, now) -> Step:
    """Steps 4–5 of the checks: the repeat rule, then passed (a crisis signal opens its case at once).
    ``signal`` is locked by the caller and ``in_controle``."""
    _serialise_arrear(signal)
    repeat = repeat_decision_for(signal)
    if repeat is not None and repeat.wait:
        return transitions.signal_hold(signal, repeat.params, now)
    if repeat is not None and repeat.outcome == Outcome.HERHAALDE_MELDING:
        return transitions.signal_end(signal, Outcome.HERHAALDE_MELDING, now, params=repeat.params)
    transitions.signal_pass(signal, now)
    if repeat is not None and repeat.case is not None:
        if services.case_update_with_signal(case=repeat.case, signal=signal, now=now) is not None:
            return Step(SignalStatus.IN_MELDING, "bijgewerkt in open melding")
    if signal.is_crisis:
        services.case_open_for_crisis(signal=signal, now=now)
        return Step(SignalStatus.IN_MELDING, "crisismelding")
    # Arrived after its period closed: joins the open case at the address, if there is one.
    if services.case_join_late_signal(signal=signal, now=now, period_closed=_period_closed(signal)) is not None:
        return Step(SignalStatus.IN_MELDING, "toegevoegd aan open melding")
    return Step(signal.status, "wacht op periodeafsluiting")


def _advisory_key(*parts) -> int:
    digest = hashlib.blake2b(repr(("vroegsignalering.arrear", *parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _arrear_keys(signal: Signal) -> list[int]:
    keys = []
    if signal.bsn:
        keys.append(_advisory_key(signal.creditor_id, "bsn", signal.bsn))
    if signal.contract_number:
        keys.append(_advisory_key(signal.creditor_id, "contract", signal.contract_number))
    return keys


def _serialise_arrear(signal: Signal) -> None:
    """Inside the transaction: wait until no other worker is deciding about the same arrear, so that
    of two identical signals checked at once exactly one passes and the other is its repeat.

    PostgreSQL: transaction-level advisory locks on the creditor's customer (BSN) and on the
    creditor's contract number, always taken in ascending key order, as a chunk takes all of its
    keys (:func:`signals_take_prepare`), so no two transactions wait for each other; held until
    commit, so the next decision sees this one's result. SQLite runs every writing transaction one
    at a time (``transaction_mode`` IMMEDIATE), which serialises them already."""
    if connection.vendor != "postgresql" or _policies.get() is not None:  # in a chunk: held already
        return
    with connection.cursor() as cursor:
        for key in sorted(_arrear_keys(signal)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


@contextlib.contextmanager
def signals_take_prepare(*, signals: Iterable[Signal]):
    """The block the takes of a chunk run in (``hooks.SIGNALS_CHECKING``), inside its transaction.

    First the arrear locks of every signal (``bsn`` as it will be after the BRP's answer), in ascending
    order in one statement: two chunks then queue behind each other instead of each holding a lock the
    other waits for; the takes find their locks held already (advisory locks are re-entrant per
    session). Inside the block each municipality's case policy and last period close are read once."""
    signals = list(signals)
    keys = sorted({key for signal in signals for key in _arrear_keys(signal)})
    if keys and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT k FROM unnest(%s::bigint[]) AS k "
                           "ORDER BY k) AS ordered", [keys])
    closed = dict(PeriodClose.objects.filter(municipality_id__in={s.municipality_id for s in signals})
                  .values("municipality_id").annotate(last=Max("period_end")).values_list("municipality_id", "last"))
    tokens = _policies.set({}), _closed.set(closed)
    try:
        yield
    finally:
        _policies.reset(tokens[0])
        _closed.reset(tokens[1])
