"""Single signals after the checks: a crisis signal opens (or joins) a case at once, an updated
arrear updates its case, a late signal joins the active case at its address; and the sweeper that
attaches late signals."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from signals.models import Signal, SignalStatus
from vroegsignalering.common.vocab import CRISIS_SIGNAL_KINDS

from .. import deadlines, matching, routing, selectors
from ..exceptions import CaseActionError
from ..models import ACTIVE_STATUSES, Case, CaseEvent, CaseSignal, PeriodClose, SignalRole
from ._attach import _add_signals, _history_index, _joins_into_active_cases, _new_case
from ._routing import _apply_routing, _facts, _routing_setup
from ._writes import _case_of, _history, _known_to_shv, _lock, _Writes


def case_open_for_crisis(*, signal: Signal, now: dt.datetime | None = None) -> Case:
    """A crisis signal that passed the checks: join the active case at the address (raising its
    urgency) or open a case at once, routed now. Idempotent for a signal already in a case."""
    now = now or timezone.now()
    with transaction.atomic():
        municipality, signal = _lock(signal)
        if signal.status == SignalStatus.IN_MELDING:
            return _case_of(signal)
        if not signal.is_crisis:
            raise CaseActionError("Dit is geen crisissignaal; het wacht op de periodeafsluiting.")
        writes = _Writes(now)
        setup = _routing_setup(municipality)
        active = None if _known_to_shv(signal) else selectors.active_case_at(municipality.pk, signal.address_key)
        if active is not None:
            case = Case.objects.select_for_update(of=("self",)).select_related("tray").get(pk=active.pk)
            ledger = routing.CapacityLedger(selectors.tray_usage(municipality.pk, case.period_end))
            _add_signals(case, [(signal, SignalRole.CRISIS)], writes, ledger, setup)
            writes.flush()
            return case
        period = deadlines.period_for(deadlines.local_date(now), municipality.period_closing_day)
        history = _history_index(municipality, [signal.address_key], period)
        dates = [day for pk, day in history.get(signal.address_key, []) if pk != signal.pk]
        case = _new_case(municipality, [signal], period, recidive=matching.is_recidive(dates, period), now=now)
        writes.new_cases.append(case)
        writes.attach(signal, case, SignalRole.INITIAL)
        writes.history.append(_history(
            case, at=now, event=CaseEvent.OPENED, to_status=case.status,
            params={"kind": "opened_crisis", "signal_kind": signal.signal_kind,
                    "creditor_kind": signal.creditor_kind, "due_basis": case.crisis_due_basis},
        ))
        ledger = routing.CapacityLedger(selectors.tray_usage(municipality.pk, period.end))
        facts = _facts(case, [signal])
        decision = routing.route_one(facts, setup.rules, setup.default_tray, ledger, setup.shv_tray_for([facts]))
        _apply_routing(case, decision, writes)
        writes.flush()
        return case


def case_update_with_signal(*, case: Case, signal: Signal, now: dt.datetime | None = None) -> Case | None:
    """A signal for an arrear already in an active case (same creditor and contract number, higher
    amount) updates that case. When the case is no longer active the signal is matched as usual
    (a crisis signal opens its case; another waits for the period close) and None is returned."""
    now = now or timezone.now()
    with transaction.atomic():
        municipality, signal = _lock(signal)
        if signal.status == SignalStatus.IN_MELDING:
            return _case_of(signal)
        case = Case.objects.select_for_update(of=("self",)).select_related("tray").get(pk=case.pk)
        if (case.status not in ACTIVE_STATUSES or case.municipality_id != signal.municipality_id
                or _known_to_shv(signal)):
            if signal.is_crisis:
                return case_open_for_crisis(signal=signal, now=now)
            return None
        writes = _Writes(now)
        setup = _routing_setup(municipality) if signal.is_crisis else None
        ledger = routing.CapacityLedger(selectors.tray_usage(municipality.pk, case.period_end))
        _add_signals(case, [(signal, SignalRole.UPDATE)], writes, ledger, setup)
        writes.flush()
        return case


def case_join_late_signal(*, signal: Signal, now: dt.datetime | None = None,
                          period_closed: bool | None = None) -> Case | None:
    """A checked signal that arrives after its period was closed joins the active case at its
    address (or the active case holding the same arrear). Without one it waits for the next period
    close and None is returned. Crisis signals go to :func:`case_open_for_crisis`. ``period_closed``:
    whether a close covered the signal's date, when the caller knows (a chunk reads it once)."""
    now = now or timezone.now()
    if signal.is_crisis:
        return case_open_for_crisis(signal=signal, now=now)
    # Cheap questions first, without locks: most checked signals wait for their period close,
    # and a period close holds the municipality's lock for its whole run.
    if period_closed is None:
        period_closed = PeriodClose.objects.filter(municipality_id=signal.municipality_id,
                                                   period_end__gte=signal.signal_date).exists()
    if not period_closed:
        return None
    with transaction.atomic():
        municipality, signal = _lock(signal)
        if signal.status == SignalStatus.IN_MELDING:
            return _case_of(signal)
        if signal.status != SignalStatus.GECONTROLEERD:
            return None
        closed = PeriodClose.objects.filter(municipality=municipality, period_end__gte=signal.signal_date).exists()
        if not closed:
            return None
        joins = _joins_into_active_cases(municipality, [signal])
        if not joins:
            return None
        (case_id, pairs), = joins.items()
        case = Case.objects.select_for_update(of=("self",)).select_related("tray").get(pk=case_id)
        if case.status not in ACTIVE_STATUSES:
            return None
        writes = _Writes(now)
        ledger = routing.CapacityLedger(selectors.tray_usage(municipality.pk, case.period_end))
        _add_signals(case, pairs, writes, ledger, None)
        writes.flush()
        return case


def signals_attach_late(*, now: dt.datetime | None = None, limit: int = 5000) -> Counter:
    """Sweeper: checked signals whose period is already closed join the active case at their
    address (or holding their arrear); crisis signals without a case get one. Signals with no
    active case to join are only counted (``waiting``): the next period close takes them. Safe to
    run any time (idempotent)."""
    now = now or timezone.now()
    counts: Counter = Counter()
    crisis_kinds = list(CRISIS_SIGNAL_KINDS)
    ids = list(Signal.objects.filter(status=SignalStatus.GECONTROLEERD, signal_kind__in=crisis_kinds)
               .order_by("pk").values_list("pk", flat=True)[:limit])
    for pk in ids:
        case_open_for_crisis(signal=Signal(pk=pk), now=now)
        counts["crisis"] += 1
    latest = dict(PeriodClose.objects.values("municipality").annotate(end=Max("period_end"))
                  .values_list("municipality", "end"))
    for municipality_id, period_end in latest.items():
        late = (Signal.objects.filter(municipality_id=municipality_id, status=SignalStatus.GECONTROLEERD,
                                      signal_date__lte=period_end)
                .exclude(signal_kind__in=crisis_kinds))
        at_address = Case.objects.filter(municipality_id=municipality_id, status__in=ACTIVE_STATUSES,
                                         address_key=OuterRef("address_key"))
        same_arrear = CaseSignal.objects.filter(
            case__municipality_id=municipality_id, case__status__in=ACTIVE_STATUSES,
            signal__creditor_id=OuterRef("creditor_id"), signal__contract_number=OuterRef("contract_number"),
        ).exclude(signal__contract_number="")
        joinable = late.filter(Exists(at_address) | Exists(same_arrear)).order_by("pk")[:limit]
        for signal in joinable:
            counts["joined" if case_join_late_signal(signal=signal, now=now) else "waiting"] += 1
        counts["waiting"] += late.exclude(Exists(at_address) | Exists(same_arrear)).count()
    return counts
