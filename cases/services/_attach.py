"""Building cases from signals: a new case's fields, crisis urgency, type and amount after signals
join, and which signals join an active case (by arrear or by address)."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from accounts.models import Municipality
from signals.models import Signal
from signals.selectors import recurrence_history
from vroegsignalering.common.vocab import SignalKind

from .. import deadlines, matching, routing, selectors
from ..models import ACTIVE_STATUSES, Case, CaseEvent, CaseSignal, CaseStatus, SignalRole, Urgency
from ._routing import _apply_routing, _facts, _RoutingSetup
from ._writes import _chunks, _history, _known_to_shv, _signal_order, _Writes

_URGENCY = {SignalKind.EINDELEVERING: Urgency.HOOG, SignalKind.AFSLUITING: Urgency.ACUUT,
            SignalKind.ONTRUIMING: Urgency.ACUUT}


def _format_address(signal: Signal) -> str:
    number = f"{signal.house_number}{signal.house_letter}"
    if signal.house_number_addition:
        number += f"-{signal.house_number_addition}"
    street = f"{signal.street} {number}".strip()
    postcode = f"{signal.postcode[:4]} {signal.postcode[4:]}" if len(signal.postcode) == 6 else signal.postcode
    place = f"{postcode} {signal.city}".strip()
    return f"{street}, {place}"


def _crisis_fields(case: Case, crisis_signals: Sequence[Signal]) -> None:
    """Raise the case's urgency and set the crisis deadline from the earliest crisis signal."""
    if not crisis_signals:
        return
    case.is_crisis = True
    case.urgency = max([case.urgency, *(_URGENCY.get(s.signal_kind, Urgency.HOOG) for s in crisis_signals)])
    first = min(crisis_signals, key=lambda s: s.received_at)
    if case.crisis_at is None or first.received_at < case.crisis_at:
        deadline = deadlines.crisis_deadline(first.received_at)
        case.crisis_at = first.received_at
        case.crisis_due_at = deadline.at
        case.crisis_due_basis = deadline.basis[:300]


def _new_case(municipality: Municipality, signals: Sequence[Signal], period: deadlines.Period, *,
              recidive: bool, now: dt.datetime) -> Case:
    facts = [matching.SignalFacts.of(s) for s in signals]
    window = deadlines.window_deadline(now)
    case = Case(
        municipality=municipality, address_key=signals[0].address_key, address=_format_address(signals[0])[:300],
        period_start=period.start, period_end=period.end, match_type=matching.match_type_for(facts),
        recidive=recidive, amount=matching.summed_amount(facts), opened_at=now, deadline_at=window.at,
        deadline_basis=window.basis[:300],
    )
    _crisis_fields(case, [s for s in signals if s.is_crisis])
    return case


def _refresh(case: Case, signals: Sequence[Signal]) -> None:
    """Recompute type and amount from all of the case's signals."""
    facts = [matching.SignalFacts.of(s) for s in signals]
    case.match_type = matching.match_type_for(facts)
    case.amount = matching.summed_amount(facts)
    _crisis_fields(case, [s for s in signals if s.is_crisis])


def _history_index(municipality: Municipality, address_keys: Iterable[str], period: deadlines.Period) -> dict:
    """Address key → [(signal id, signal date)] of signals in the recidive window (any status, also
    signals the purge already destroyed: read from their recurrence facts, ADR 0011)."""
    first, last = deadlines.recidive_window(period)
    return recurrence_history(municipality.pk, address_keys, first, last)


def _joins_into_active_cases(municipality: Municipality, signals: Sequence[Signal]) -> dict[int, list]:
    """Case id → [(signal, role)] for signals that belong to an already active case (never a signal
    of a resident known to debt assistance)."""
    if not signals:
        return {}
    active_by_address: dict[str, int] = {}
    for keys in _chunks({s.address_key for s in signals}):
        rows = (Case.objects.filter(municipality=municipality, status__in=ACTIVE_STATUSES, address_key__in=keys)
                .order_by("opened_at", "pk").values_list("pk", "address_key"))
        for pk, key in rows:
            active_by_address[key] = pk  # the most recent active case at the address
    arrear_case: dict[tuple, int] = {}
    for contracts in _chunks({s.contract_number for s in signals if s.contract_number}):
        rows = (CaseSignal.objects
                .filter(case__municipality=municipality, case__status__in=ACTIVE_STATUSES,
                        signal__contract_number__in=contracts)
                .order_by("joined_at", "pk").values_list("case_id", "signal__creditor_id", "signal__contract_number"))
        for case_id, creditor_id, contract in rows:
            arrear_case[(creditor_id, contract)] = case_id
    joins: dict[int, list] = defaultdict(list)
    for s in signals:
        if _known_to_shv(s):
            continue  # gets a case of its own, closed at once as known to debt assistance
        arrear = (s.creditor_id, s.contract_number)
        if s.contract_number and arrear in arrear_case:
            joins[arrear_case[arrear]].append((s, SignalRole.UPDATE))
        elif s.address_key in active_by_address:
            role = SignalRole.CRISIS if s.is_crisis else SignalRole.LATE
            joins[active_by_address[s.address_key]].append((s, role))
    return dict(joins)


def _add_signals(case: Case, pairs: Sequence[tuple[Signal, str]], writes: _Writes, ledger: routing.CapacityLedger,
                 setup: _RoutingSetup | None, *, by=None, existing: Sequence[Signal] | None = None) -> None:
    """Attach signals to an existing (locked) case, refresh its type, amount and urgency; a crisis
    signal in a case nobody has contacted yet routes the case again. ``existing``: the case's
    signals when the caller already read them (the period close reads all joined cases at once)."""
    if existing is None:
        existing = selectors.case_signals(case)
    urgency_before, amount_before = case.urgency, case.amount
    for signal, role in pairs:
        writes.attach(signal, case, role)
    members = sorted([*existing, *(s for s, _ in pairs)], key=_signal_order)
    _refresh(case, members)
    added = [{"role": str(role), "creditor_kind": signal.creditor_kind, "amount": str(signal.amount),
              "contract": signal.contract_number, "crisis_kind": signal.signal_kind if signal.is_crisis else ""}
             for signal, role in pairs]
    raised = case.urgency != urgency_before
    writes.history.append(_history(case, at=writes.now, by=by, event=CaseEvent.SIGNAL, to_status=case.status,
                                   params={"kind": "signals_added", "signals": added,
                                           "match_type": str(case.match_type),
                                           "amount": str(case.amount), "amount_before": str(amount_before),
                                           "urgency": int(case.urgency) if raised else None,
                                           "due_basis": case.crisis_due_basis if raised else ""}))
    fields = ["match_type", "amount", "is_crisis", "urgency", "crisis_at", "crisis_due_at", "crisis_due_basis"]
    crisis_joined = any(s.is_crisis for s, _ in pairs)
    if crisis_joined and case.status == CaseStatus.OPEN and setup is not None:
        if case.tray is not None:
            ledger.release(case.tray)
        facts = _facts(case, members)
        decision = routing.route_one(facts, setup.rules, setup.default_tray, ledger, setup.shv_tray_for([facts]))
        changed = (case.tray_id, case.priority, case.routing_rule_id) != (
            decision.tray.pk, decision.priority, decision.rule.pk if decision.rule else None)
        if changed:  # another tray, or the same tray with another priority or rule (crisis first)
            _apply_routing(case, decision, writes, by=by)
            fields += ["tray", "priority", "routing_rule", "routing_explanation", "routed_at", "status", "outcome",
                       "closed_at", "first_closed_at"]
    case.save(update_fields=fields)
