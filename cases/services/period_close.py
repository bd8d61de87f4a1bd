"""The period close: match a period's checked signals into cases and route the new cases."""
from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Municipality
from signals.models import Signal, SignalStatus

from .. import deadlines, matching, routing, selectors
from ..exceptions import CaseActionError
from ..models import Case, CaseEvent, CaseStatus, PeriodClose, SignalRole
from ._attach import _add_signals, _history_index, _joins_into_active_cases, _new_case
from ._routing import _apply_routing, _facts, _routing_setup, _RoutingSetup
from ._writes import _history, _Writes

logger = logging.getLogger("cases.services")

@dataclass(frozen=True)
class PeriodCloseResult:
    record: PeriodClose
    created: bool

    @property
    def counts(self) -> dict:
        return self.record.counts


def period_close(*, municipality: Municipality, today: dt.date | None = None, now: dt.datetime | None = None,
                 period: deadlines.Period | None = None) -> PeriodCloseResult:
    """Close a period: match its checked signals into cases and route the new cases.

    ``period`` defaults to the most recent period that ended before ``today``. Idempotent: a period
    closed before returns its record (``created`` False). Takes every signal of the municipality in
    status GECONTROLEERD dated up to the period's end (so signals left over from earlier periods
    join too):

    1. a signal of the same creditor and contract number as a signal in an active case updates that
       case (role ``update``);
    2. a signal at an address with an active case joins it (``late``; ``crisis`` for a crisis signal);
    3. the rest is grouped per address into new cases (``cases.matching.group_signals``), which are
       routed together (capacity: earlier rules first, then higher amounts; then the allocations).
    """
    now = now or timezone.now()
    today = today or deadlines.local_date(now)
    closing_day = municipality.period_closing_day
    period = period or deadlines.last_ended_period(today, closing_day)
    if period.end >= today:
        raise CaseActionError(f"De periode {period.describe()} is nog niet voorbij; afsluiten kan vanaf "
                              f"{deadlines.format_short(period.end + dt.timedelta(days=1))}.")
    with transaction.atomic():
        municipality = Municipality.objects.select_for_update().get(pk=municipality.pk)
        done = PeriodClose.objects.filter(municipality=municipality, period_end=period.end).first()
        if done is not None:
            return PeriodCloseResult(done, created=False)
        signals = list(Signal.objects.select_for_update()
                       .filter(municipality=municipality, status=SignalStatus.GECONTROLEERD,
                               signal_date__lte=period.end)
                       .order_by("signal_date", "received_at", "pk"))
        writes = _Writes(now)
        counts: Counter = Counter(signals=len(signals))

        joins = _joins_into_active_cases(municipality, signals)
        joined_ids = {s.pk for signals_ in joins.values() for s, _ in signals_}
        rest = [s for s in signals if s.pk not in joined_ids]
        setup = _routing_setup(municipality)
        ledger = routing.CapacityLedger(selectors.tray_usage(municipality.pk, period.end))

        counts["cases_joined"] = _join_cases(joins, writes, ledger, setup)
        for pairs in joins.values():
            for _, role in pairs:
                counts[f"signals_{role}"] += 1

        history = _history_index(municipality, {s.address_key for s in rest}, period)
        by_id = {s.pk: s for s in rest}
        groups = matching.group_signals([matching.SignalFacts.of(s) for s in rest], history, period)
        items = []
        for group in groups:
            members = [by_id[f.id] for f in group.signals]
            case = _new_case(municipality, members, period, recidive=group.recidive, now=now)
            writes.new_cases.append(case)
            for s in members:
                writes.attach(s, case, SignalRole.INITIAL)
            writes.history.append(_history(
                case, at=now, event=CaseEvent.OPENED, to_status=case.status,
                params={"kind": "opened_at_close", "period_start": period.start.isoformat(),
                        "period_end": period.end.isoformat(), "signals": len(members),
                        "match_type": str(group.match_type), "recidive": bool(group.recidive)},
            ))
            items.append((len(items), _facts(case, members)))
            counts[f"{group.match_type}_{'opeenvolgend' if group.recidive else 'niet_opeenvolgend'}"] += 1
        decisions = routing.route_period(items, setup.rules, setup.default_tray, ledger, setup.allocations,
                                         setup.shv_tray_for(f for _, f in items))
        trays: Counter = Counter()
        for index, case in enumerate(writes.new_cases):
            _apply_routing(case, decisions[index], writes)
            trays[case.tray.code] += 1
        writes.flush()
        counts["cases_opened"] = len(writes.new_cases)
        counts["cases_closed_at_routing"] = sum(1 for c in writes.new_cases if c.status == CaseStatus.GESLOTEN)
        record = PeriodClose.objects.create(
            municipality=municipality, period_start=period.start, period_end=period.end, closed_at=now,
            counts={**{k: v for k, v in counts.items() if v}, "trays": dict(sorted(trays.items()))},
        )
    logger.info("Period %s closed for %s: %s", period.label, municipality.cbs_code, record.counts)
    return PeriodCloseResult(record, created=True)


def _join_cases(joins: dict[int, list], writes: _Writes, ledger: routing.CapacityLedger,
                setup: _RoutingSetup) -> int:
    """Add signals to active cases (locked); returns the number of cases joined."""
    cases = list(Case.objects.select_for_update(of=("self",)).filter(pk__in=list(joins))
                 .select_related("tray").order_by("pk"))
    existing = selectors.case_signals_by_case([case.pk for case in cases])
    for case in cases:
        _add_signals(case, joins[case.pk], writes, ledger, setup, existing=existing[case.pk])
    return len(cases)
