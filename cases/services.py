"""Writes of cases: period close (matching + routing), crisis cases, late and updated signals,
closing, reopening and the day-28 closure.

Each service runs in one transaction, locks what it changes (``select_for_update``) and appends
history. Creating cases is serialised per municipality by locking the municipality row, so a
period close and a crisis signal never open two cases at one address at once. Lock order:
municipality → signal → case. (The checks call in with their own signal already locked; that
signal is not yet committed as GECONTROLEERD, so a concurrent period close does not wait for it.)
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Municipality
from feedback.services import COLLECTION_PAUSE, ClosedSignal, feedback_issue_for_cases
from signals.models import Signal, SignalHistory, SignalStatus
from vroegsignalering.common.bulk import bulk_insert
from vroegsignalering.common.formats import euro
from vroegsignalering.common.vocab import (
    CRISIS_SIGNAL_KINDS,
    HELP_ACCEPTED,
    OUTCOMES,
    MonitorCategory,
    Outcome,
    Reached,
    ShvStatus,
    SignalKind,
)

from . import deadlines, matching, routing, selectors
from .exceptions import CaseActionError, CaseWindowClosedError
from .models import (
    ACTIVE_STATUSES,
    WINDOW_STATUSES,
    Case,
    CaseEvent,
    CaseHistory,
    CasePolicy,
    CaseSignal,
    CaseStatus,
    FirstReaction,
    FollowUp,
    PeriodClose,
    RoutingRule,
    SignalRole,
    Tray,
    TrayAllocation,
    Urgency,
)

logger = logging.getLogger(__name__)

SYSTEM = "systeem"
_URGENCY = {SignalKind.EINDELEVERING: Urgency.HOOG, SignalKind.AFSLUITING: Urgency.ACUUT,
            SignalKind.ONTRUIMING: Urgency.ACUUT}
# End results a person can only register after the resident was reached (DESIGN.md's monitor
# categories "help accepted" and "reached, declined").
REACHED_CATEGORIES = frozenset({
    MonitorCategory.HULP_QUICK_FIX, MonitorCategory.HULP_FINANCIEEL, MonitorCategory.HULP_NIET_FINANCIEEL,
    MonitorCategory.BEREIKT_GEEN_HULP,
})


def _actor_name(by) -> str:
    if by is None:
        return SYSTEM
    return by.get_full_name() or by.get_username()


def _history(case: Case, *, at, by=None, event=CaseEvent.STATUS, from_status="", to_status="",
             reason="") -> CaseHistory:
    return CaseHistory(case=case, at=at, event=event, actor=by, actor_name=_actor_name(by),
                       from_status=from_status, to_status=to_status, reason=reason)


def _format_address(signal: Signal) -> str:
    number = f"{signal.house_number}{signal.house_letter}"
    if signal.house_number_addition:
        number += f"-{signal.house_number_addition}"
    street = f"{signal.street} {number}".strip()
    postcode = f"{signal.postcode[:4]} {signal.postcode[4:]}" if len(signal.postcode) == 6 else signal.postcode
    place = f"{postcode} {signal.city}".strip()
    return f"{street}, {place}"


def _signal_order(s: Signal) -> tuple:
    return (s.signal_date, s.received_at, s.pk)


def _feedback_issue(cases: Iterable[Case], *, now: dt.datetime) -> None:
    """Feedback for closed cases: one row per signal of each case, handed to the feedback app (call
    inside the closing transaction, after the case's signals are linked)."""
    closed = {case.pk: case for case in cases if case.outcome}
    if not closed:
        return
    links = (CaseSignal.objects.filter(case_id__in=list(closed)).order_by("case_id", "signal_id")
             .values_list("case_id", "signal_id", "signal__creditor_id", "signal__municipality_id",
                          "signal__forwarded_from_id"))
    feedback_issue_for_cases(rows=[
        ClosedSignal(signal_id=signal_id, creditor_id=creditor_id, municipality_id=municipality_id,
                     outcome=closed[case_id].outcome, closed_at=closed[case_id].closed_at,
                     consent=closed[case_id].feedback_consent_at is not None, forwarded=forwarded_from is not None)
        for case_id, signal_id, creditor_id, municipality_id, forwarded_from in links
    ], now=now)


# --- attaching signals ---------------------------------------------------------------------------


@dataclass
class _Writes:
    """Rows collected during a service, written in bulk at the end (in dependency order)."""

    now: dt.datetime
    new_cases: list[Case] = field(default_factory=list)
    links: list[CaseSignal] = field(default_factory=list)
    history: list[CaseHistory] = field(default_factory=list)
    attached: list[tuple[Signal, Case, str]] = field(default_factory=list)
    closed: list[Case] = field(default_factory=list)  # closed at routing: feedback after linking

    def attach(self, signal: Signal, case: Case, role: str) -> None:
        signal.attach_to_case()  # validates the signal's state (GECONTROLEERD → IN_MELDING)
        self.links.append(CaseSignal(case=case, signal=signal, role=role, joined_at=self.now))
        self.attached.append((signal, case, role))

    def flush(self) -> None:
        bulk_insert(Case, self.new_cases)
        for link in self.links:
            link.case_id = link.case.pk
        for row in self.history:
            row.case_id = row.case.pk
        ids = [s.pk for s, _, _ in self.attached]
        for start in range(0, len(ids), 2000):
            chunk = ids[start:start + 2000]
            moved = Signal.objects.filter(pk__in=chunk, status=SignalStatus.GECONTROLEERD).update(
                status=SignalStatus.IN_MELDING)
            if moved != len(chunk):  # another worker moved one of them: start again
                raise CaseActionError("Een signaal is intussen door een ander proces gewijzigd; probeer opnieuw.")
        bulk_insert(CaseSignal, self.links)
        bulk_insert(CaseHistory, self.history)
        bulk_insert(SignalHistory, [
            SignalHistory(signal_id=s.pk, at=self.now, actor=SYSTEM, from_status=SignalStatus.GECONTROLEERD,
                          to_status=SignalStatus.IN_MELDING,
                          reason=f"Gekoppeld aan melding {case.pk} ({SignalRole(role).label.lower()}).")
            for s, case, role in self.attached
        ])
        _feedback_issue(self.closed, now=self.now)


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
    """Address key → [(signal id, signal date)] of signals in the recidive window (any status)."""
    first, last = deadlines.recidive_window(period)
    index: dict[str, list] = defaultdict(list)
    for keys in _chunks(set(address_keys)):
        rows = Signal.objects.filter(
            municipality=municipality, address_key__in=keys, signal_date__gte=first, signal_date__lte=last,
        ).values_list("address_key", "pk", "signal_date")
        for key, pk, day in rows:
            index[key].append((pk, day))
    return index


# --- routing -------------------------------------------------------------------------------------


@dataclass
class _RoutingSetup:
    rules: list[RoutingRule]
    default_tray: Tray
    allocations: list[TrayAllocation]
    municipality: Municipality
    trays: dict[int, Tray]
    shv_tray: Tray | None = None

    def shv_tray_for(self, facts: Iterable[routing.CaseFacts]) -> Tray | None:
        """The SHV tray, created (or set up) only when one of these cases needs it."""
        if self.shv_tray is None and any(routing.known_to_shv(f) for f in facts):
            self.shv_tray = _tray_on_demand(self.municipality, self.trays, SHV_TRAY, fits=routing.is_shv_tray,
                                            end_outcome=Outcome.BEKEND_BIJ_SHV)
        return self.shv_tray


# Trays the routing creates (or reactivates) on demand, so that no configuration leaves a case without
# a tray (docs/adr/0007-no-configuration-loses-a-signal.md).
FALLBACK_TRAY = {"code": "algemeen", "name": "Algemeen",
                 "description": "Voor meldingen zonder (actief) standaardbakje; beoordelen per melding."}
SHV_TRAY = {"code": "schuldhulpverlening", "name": "Bekend bij schuldhulpverlening",
            "description": "De betrokken schuldhulpverlener pakt het op; niet via vroegsignalering."}


def _tray_on_demand(municipality: Municipality, trays: dict[int, Tray], spec: dict, *, fits: Callable[[Tray], bool],
                    **fields) -> Tray:
    """The tray ``spec`` describes, created or reactivated. Only a tray that already is such a tray
    (``fits``) is ever changed: when an operator gave the code to another tray (e.g. one that closes
    with another end result), that tray is left alone and a new one gets the next free code
    (``schuldhulpverlening-2``, …); reusing it could tell creditors something untrue."""
    taken = {t.code: t for t in Tray.objects.filter(municipality=municipality, code__startswith=spec["code"])}
    code, number = spec["code"], 1
    while code in taken and not fits(taken[code]):
        number += 1
        code = f"{spec['code']}-{number}"
    if code != spec["code"]:
        logger.warning("Tray code %s of %s is used by another kind of tray: routing uses %s", spec["code"],
                       municipality.cbs_code, code)
    tray, created = Tray.objects.get_or_create(municipality=municipality, code=code,
                                               defaults={"name": spec["name"], "description": spec["description"],
                                                         **fields})
    changed = {name: value for name, value in {"is_active": True, **fields}.items() if getattr(tray, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(tray, name, value)
        tray.save(update_fields=list(changed))
        logger.warning("Tray %s of %s changed for routing (%s): no usable tray otherwise", tray.code,
                       municipality.cbs_code, ", ".join(changed))
    elif created:
        logger.info("Tray %s created for %s: no usable tray otherwise", tray.code, municipality.cbs_code)
    trays[tray.pk] = tray
    return tray


def _is_plain_tray(tray: Tray) -> bool:
    """A tray where cases are worked (no end result that closes them at once)."""
    return not tray.end_outcome


def _routing_setup(municipality: Municipality) -> _RoutingSetup:
    """The municipality's rules with their trays and fallback chains loaded (no queries while routing).

    Whatever the configuration, routing has somewhere to go: without an active default tray the tray
    ``algemeen`` (created or reactivated), and for households known to debt assistance the active
    tray with end result "bekend bij schuldhulpverlening" (else ``schuldhulpverlening``, created or
    set up so). Rules and allocations pointing at another municipality's tray are left out."""
    trays = {t.pk: t for t in Tray.objects.filter(municipality=municipality)}
    policy = selectors.policy_for(municipality.pk)
    default = trays.get(policy.default_tray_id) if policy.default_tray_id else None
    if default is None or not default.is_active:
        default = _tray_on_demand(municipality, trays, FALLBACK_TRAY, fits=_is_plain_tray)
    shv = min((t for t in trays.values() if t.is_active and routing.is_shv_tray(t)),
              key=lambda t: (t.code != SHV_TRAY["code"], t.pk), default=None)
    for tray in trays.values():
        tray.capacity_fallback = trays.get(tray.capacity_fallback_id)
        tray.missing_contact_fallback = trays.get(tray.missing_contact_fallback_id)
    rules = []
    for rule in RoutingRule.objects.filter(municipality=municipality, is_active=True).order_by("position"):
        if rule.tray_id not in trays:
            logger.warning("Routing rule %s of %s points at another municipality's tray: left out", rule.pk,
                           municipality.cbs_code)
            continue
        rule.tray = trays[rule.tray_id]
        rules.append(rule)
    allocations = []
    for allocation in TrayAllocation.objects.filter(municipality=municipality, is_active=True).order_by("position"):
        if allocation.target_id not in trays or allocation.source_id not in trays:
            logger.warning("Allocation %s of %s points at another municipality's tray: left out", allocation.pk,
                           municipality.cbs_code)
            continue
        allocation.target = trays[allocation.target_id]
        allocation.source = trays[allocation.source_id]
        allocations.append(allocation)
    return _RoutingSetup(rules, default, allocations, municipality, trays, shv)


def _facts(case: Case, signals: Sequence[Signal]) -> routing.CaseFacts:
    return routing.CaseFacts.of(match_type=case.match_type, recidive=case.recidive, amount=case.amount,
                                signals=signals)


def _apply_routing(case: Case, decision: routing.Decision, writes: _Writes, *, by=None) -> None:
    """Store a routing decision on the case (in memory) and its history; a tray with an end result
    closes the case at once (e.g. known to debt assistance: the professional involved takes it)."""
    old = case.tray
    case.tray = decision.tray
    case.priority = decision.priority
    case.routing_rule = decision.rule
    case.routing_explanation = decision.explanation
    case.routed_at = writes.now
    reason = decision.explanation if old is None else f"Van bakje {old.name} naar {decision.tray.name}.\n" + \
        decision.explanation
    writes.history.append(_history(case, at=writes.now, by=by, event=CaseEvent.ROUTED, to_status=case.status,
                                   reason=reason))
    outcome = decision.tray.end_outcome
    if outcome and case.status in ACTIVE_STATUSES:
        before = case.status
        case.close(outcome, writes.now)
        case.first_closed_at = case.first_closed_at or writes.now
        writes.closed.append(case)
        writes.history.append(_history(
            case, at=writes.now, by=by, from_status=before, to_status=case.status,
            reason=f"Bakje {decision.tray.name}: direct gesloten met eindresultaat '{Outcome(outcome).label}'.",
        ))


# --- period close --------------------------------------------------------------------------------


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
            recidive = "opeenvolgend" if group.recidive else "niet opeenvolgend"
            writes.history.append(_history(
                case, at=now, event=CaseEvent.OPENED, to_status=case.status,
                reason=(f"Geopend bij afsluiting van de periode {period.describe()}: {len(members)} signaal/signalen "
                        f"op dit adres, {group.match_type}, {recidive}."),
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


def _chunks(values, size: int = 2000):
    values = sorted(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _known_to_shv(signal: Signal) -> bool:
    """The signal's resident is known to debt assistance: it never joins a case being worked, but
    gets its own case, routed to the SHV tray and closed at once (feedback 'bekend bij
    schuldhulpverlening'), whatever the routing (docs/adr/0007-no-configuration-loses-a-signal.md)."""
    return (signal.shv_evidence or {}).get("status") == ShvStatus.BEKEND


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


def _join_cases(joins: dict[int, list], writes: _Writes, ledger: routing.CapacityLedger,
                setup: _RoutingSetup) -> int:
    """Add signals to active cases (locked); returns the number of cases joined."""
    cases = list(Case.objects.select_for_update(of=("self",)).filter(pk__in=list(joins))
                 .select_related("tray").order_by("pk"))
    existing = selectors.case_signals_by_case([case.pk for case in cases])
    for case in cases:
        _add_signals(case, joins[case.pk], writes, ledger, setup, existing=existing[case.pk])
    return len(cases)


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
    lines = []
    for signal, role in pairs:
        lines.append(f"{SignalRole(role).label}: {signal.get_creditor_kind_display().lower()}, "
                     f"{euro(signal.amount)}"
                     + (f", contract {signal.contract_number}" if signal.contract_number else "")
                     + (f" ({signal.get_signal_kind_display().lower()})" if signal.is_crisis else "") + ".")
    lines.append(f"Melding nu {case.match_type}, totaal {euro(case.amount)}"
                 f" (was {euro(amount_before)}).")
    if case.urgency != urgency_before:
        lines.append(f"Urgentie verhoogd naar '{Urgency(case.urgency).label}'; eerste actie: {case.crisis_due_basis}")
    writes.history.append(_history(case, at=writes.now, by=by, event=CaseEvent.SIGNAL, to_status=case.status,
                                   reason="\n".join(lines)))
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


# --- single signals: crisis, update, late --------------------------------------------------------


def _lock(signal: Signal) -> tuple[Municipality, Signal]:
    """Lock the municipality, then the signal (see the lock order above)."""
    municipality_id = signal.municipality_id or Signal.objects.values_list("municipality_id", flat=True).get(
        pk=signal.pk)
    municipality = Municipality.objects.select_for_update().get(pk=municipality_id)
    return municipality, Signal.objects.select_for_update().get(pk=signal.pk)


def _case_of(signal: Signal) -> Case | None:
    link = CaseSignal.objects.filter(signal_id=signal.pk).select_related("case").first()
    return link.case if link else None


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
            reason=(f"Direct geopend voor een {signal.get_signal_kind_display().lower()} "
                    f"({signal.get_creditor_kind_display().lower()}). Eerste actie: {case.crisis_due_basis}"),
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


def case_join_late_signal(*, signal: Signal, now: dt.datetime | None = None) -> Case | None:
    """A checked signal that arrives after its period was closed joins the active case at its
    address (or the active case holding the same arrear). Without one it waits for the next period
    close and None is returned. Crisis signals go to :func:`case_open_for_crisis`."""
    now = now or timezone.now()
    if signal.is_crisis:
        return case_open_for_crisis(signal=signal, now=now)
    # Cheap questions first, without locks: most checked signals wait for their period close,
    # and a period close holds the municipality's lock for its whole run.
    if not PeriodClose.objects.filter(municipality_id=signal.municipality_id,
                                      period_end__gte=signal.signal_date).exists():
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


# --- closing, reopening, expiry ------------------------------------------------------------------


def case_lock(case: Case) -> Case:
    """The case, re-read and locked for the rest of the transaction (also for other apps' services)."""
    return Case.objects.select_for_update().get(pk=case.pk)


def case_history_append(case: Case, *, at: dt.datetime, by=None, event: str = CaseEvent.STATUS,
                        from_status: str = "", to_status: str = "", reason: str = "") -> CaseHistory:
    """Append one history row to a case (for other apps' services, e.g. contact attempts)."""
    row = _history(case, at=at, by=by, event=event, from_status=from_status, to_status=to_status, reason=reason)
    row.save()
    return row


def ensure_open_for_work(case: Case, *, now: dt.datetime, action: str) -> None:
    """Refuse (Dutch message) when nothing may be registered on the case now: it is closed, or its
    28-day window has passed. A reopened case accepts work until it is closed again."""
    if case.status == CaseStatus.GESLOTEN:
        closed = deadlines.format_short(deadlines.local_date(case.closed_at)) if case.closed_at else "eerder"
        raise CaseWindowClosedError(
            f"Deze melding is gesloten op {closed}; u kunt geen {action}. Heeft de inwoner later alsnog hulp "
            "aanvaard? Heropen de melding dan eerst (late hulpacceptatie).",
            code="gesloten",
        )
    if case.status in WINDOW_STATUSES and not deadlines.window_is_open(case.deadline_at, now):
        last = deadlines.last_day(case.deadline_at)
        raise CaseWindowClosedError(
            f"De termijn van {deadlines.WINDOW_DAYS} dagen voor deze melding is verstreken (de laatste dag was "
            f"{deadlines.format_date(last)}); u kunt geen {action}. De melding wordt automatisch gesloten. "
            "Heeft de inwoner later alsnog hulp aanvaard? Heropen de melding dan na sluiting.",
            code="termijn_verstreken",
        )


def _closing_details(outcome: Outcome, *, first_reaction: str, help_description: str, decline_reason: str,
                     consent: bool) -> dict:
    """Validate what a worker records with an end result; all errors at once, per field, in Dutch."""
    errors = {}
    category = OUTCOMES[outcome][0]
    if first_reaction and first_reaction not in FirstReaction.values:
        errors["eersteReactie"] = "Kies positief, neutraal of negatief."
    if help_description and outcome not in HELP_ACCEPTED:
        errors["welkeHulp"] = "Vul 'welke hulp' alleen in bij een eindresultaat met aanvaarde hulp."
    if decline_reason and category != MonitorCategory.BEREIKT_GEEN_HULP:
        errors["redenGeenHulp"] = "Vul een reden alleen in als de inwoner geen hulp wil."
    if consent and outcome != Outcome.GEEN_HULP_GEWENST:
        errors["toestemming"] = ("Toestemming om 'geen hulp gewenst' te melden hoort alleen bij het eindresultaat "
                                 f"'{Outcome.GEEN_HULP_GEWENST.label}'.")
    if errors:
        raise CaseActionError(" ".join(errors.values()), code="velden", fields=errors)
    return {"first_reaction": first_reaction, "help_description": help_description[:300],
            "decline_reason": decline_reason[:500]}


def case_close(*, case: Case, outcome: str, by, reason: str = "", first_reaction: str = "",
               help_description: str = "", decline_reason: str = "", consent: bool = False,
               now: dt.datetime | None = None) -> Case:
    """Close a case with a DDAS end result (within the window, or a reopened case).

    With it a worker may record the first reaction, what help was agreed (accepted help), why the
    resident declined, and the resident's consent to tell the creditor 'geen hulp gewenst' (stored
    with date and by whom; without it the creditor gets 'afgesloten'). Accepted help schedules a
    follow-up item for the day the creditor's 30-day collection pause ends."""
    now = now or timezone.now()
    if outcome not in Outcome.values:
        raise CaseActionError(f"Onbekend eindresultaat: {outcome!r}.", code="eindresultaat",
                              fields={"eindresultaat": "Kies een eindresultaat uit de lijst."})
    outcome = Outcome(outcome)
    details = _closing_details(outcome, first_reaction=(first_reaction or "").strip(),
                               help_description=(help_description or "").strip(),
                               decline_reason=(decline_reason or "").strip(), consent=bool(consent))
    with transaction.atomic():
        case = case_lock(case)
        ensure_open_for_work(case, now=now, action="eindresultaat registreren")
        if OUTCOMES[outcome][0] in REACHED_CATEGORIES and not selectors.case_was_reached(case):
            raise CaseActionError(
                f"Het eindresultaat '{outcome.label}' vraagt dat de inwoner is bereikt. Registreer eerst de "
                "contactpoging waarbij de inwoner is bereikt.",
                code="niet_bereikt",
            )
        before = case.status
        case.close(outcome, now)
        case.first_closed_at = case.first_closed_at or now
        for name, value in details.items():
            setattr(case, name, value)
        case.feedback_consent_at = now if consent else None
        case.feedback_consent_by = by if consent else None
        case.save(update_fields=["status", "outcome", "closed_at", "first_closed_at", *details,
                                 "feedback_consent_at", "feedback_consent_by"])
        text = f"Gesloten met eindresultaat '{outcome.label}'."
        if consent:
            text += " De inwoner gaf toestemming om de vastelastenpartner 'geen hulp gewenst' te melden."
        _history(case, at=now, by=by, from_status=before, to_status=case.status,
                 reason=f"{text} {reason}".strip()).save()
        _feedback_issue([case], now=now)
        if outcome in HELP_ACCEPTED:
            due_on = deadlines.local_date(now) + COLLECTION_PAUSE
            FollowUp.objects.get_or_create(
                case=case, due_on=due_on,
                defaults={"assigned_to": case.assigned_to or (by if getattr(by, "pk", None) else None),
                          "created_at": now},
            )
    return case


def case_reopen(*, case: Case, reason: str, by, now: dt.datetime | None = None) -> Case:
    """Late help acceptance: reopen a closed case within the municipality's term (default 3 months
    after it was first closed)."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise CaseActionError("Geef een reden om de melding te heropenen.", code="reden")
    with transaction.atomic():
        case = case_lock(case)
        if case.status != CaseStatus.GESLOTEN:
            raise CaseActionError("Alleen een gesloten melding kan worden heropend.", code="niet_gesloten")
        months = selectors.policy_for(case.municipality_id).reopen_term_months
        term = deadlines.reopen_deadline(case.first_closed_at or case.closed_at, months)
        if now > term.at:
            raise CaseActionError(
                f"De termijn om deze melding te heropenen is verstreken ({term.basis}).", code="termijn_verstreken"
            )
        before = case.status
        case.reopen(reason[:500], now)
        case.save(update_fields=["status", "reopen_reason", "reopened_at"])
        _history(case, at=now, by=by, from_status=before, to_status=case.status,
                 reason=f"Heropend (late hulpacceptatie): {reason}").save()
    return case


def case_assign(*, case: Case, worker, by, now: dt.datetime | None = None) -> Case:
    """Assign (or, with ``worker`` None, unassign) one case: :func:`cases_assign_bulk` for a single case,
    with its checks (an active worker or team lead of the case's municipality, a case that is not
    closed). Returns the case as it is now."""
    result = cases_assign_bulk(cases=[case], worker=worker, by=by, now=now)
    return (result.changed or result.unchanged)[0]


def case_start_work(case: Case, *, now: dt.datetime, by, reason: str) -> None:
    """open → in_behandeling on a locked case (the first contact attempt); no-op otherwise."""
    if case.status != CaseStatus.OPEN:
        return
    case.start_work()
    _history(case, at=now, by=by, from_status=CaseStatus.OPEN, to_status=case.status, reason=reason).save()


def cases_close_expired(*, now: dt.datetime | None = None, batch_size: int = 1000) -> dict[str, int]:
    """The day-28 job: close every open or in-progress case whose window has passed, with the
    derived end result (ever reached → 'Geen reactie na eerder contact', else 'Definitief geen
    contact kunnen krijgen'), as of the window's end. Idempotent; rows are locked and re-checked,
    each batch in its own transaction. Returns counts."""
    now = now or timezone.now()
    ids = list(selectors.cases_due_for_expiry(now=now).order_by("deadline_at", "pk").values_list("pk", flat=True))
    counts = {"closed": 0, Outcome.GEEN_CONTACT.name: 0, Outcome.GEEN_REACTIE_NA_CONTACT.name: 0}
    reached = Case.objects.filter(pk=OuterRef("pk"), contact_attempts__reached=Reached.JA)
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            cases = list(Case.objects.select_for_update()
                         .filter(pk__in=ids[start:start + batch_size], status__in=WINDOW_STATUSES,
                                 deadline_at__lte=now)
                         .annotate(was_reached=Exists(reached)).order_by("pk"))
            rows = []
            by_outcome: dict[tuple, list[int]] = defaultdict(list)
            for case in cases:
                outcome = Outcome.GEEN_REACTIE_NA_CONTACT if case.was_reached else Outcome.GEEN_CONTACT
                before = case.status
                case.expire(outcome, case.deadline_at)  # validates the transition
                by_outcome[(before, outcome)].append(case.pk)
                last = deadlines.last_day(case.deadline_at)
                rows.append(_history(
                    case, at=now, from_status=before, to_status=case.status,
                    reason=(f"Automatisch gesloten: de termijn van {deadlines.WINDOW_DAYS} dagen eindigde op "
                            f"{deadlines.format_date(last)}. Eindresultaat '{outcome.label}' "
                            f"({'inwoner eerder bereikt' if case.was_reached else 'inwoner nooit bereikt'})."),
                ))
                counts["closed"] += 1
                counts[outcome.name] += 1
            for (before, outcome), pks in by_outcome.items():
                # One UPDATE per (state, end result); the rows are locked, the state is checked again.
                changed = Case.objects.filter(pk__in=pks, status=before).update(
                    status=CaseStatus.GESLOTEN, outcome=outcome, closed_at=F("deadline_at"),
                    first_closed_at=Coalesce(F("first_closed_at"), F("deadline_at")),
                )
                if changed != len(pks):
                    raise CaseActionError("Een melding is intussen door een ander proces gewijzigd; probeer opnieuw.")
            bulk_insert(CaseHistory, rows)
            _feedback_issue(cases, now=now)
    return counts


# --- team lead: assigning in bulk, capacity -------------------------------------------------------


@dataclass(frozen=True)
class BulkAssignResult:
    """What a bulk assignment changed: ``changed`` cases got the worker; ``unchanged`` already had it."""

    worker: object
    changed: list[Case]
    unchanged: list[Case]

    @property
    def count(self) -> int:
        return len(self.changed) + len(self.unchanged)


def _case_numbers(cases: Sequence[Case]) -> str:
    numbers = [str(case.pk) for case in cases]
    shown = ", ".join(numbers[:10])
    return shown + (f" en {len(numbers) - 10} meer" if len(numbers) > 10 else "")


def cases_assign_bulk(*, cases: Iterable[Case], worker, by, now: dt.datetime | None = None) -> BulkAssignResult:
    """Assign several cases to one worker (or, with ``worker`` None, unassign them), all or nothing.

    All or nothing, because the team lead picks a batch for one person: applying part of it would
    leave them to work out which cases did move. When any case cannot take the worker (closed, or of
    a municipality the worker does not work for) nothing changes and the ``CaseActionError`` names
    those cases; the lead deselects them and tries again. The worker must be active and have a
    case-working role. Cases that already have this worker are left alone (no history row)."""
    from accounts.models import CASEWORK_ROLES

    now = now or timezone.now()
    ids = sorted({case.pk for case in cases})
    if not ids:
        raise CaseActionError("Kies minstens één melding.", code="geen_melding",
                              fields={"melding": "Kies minstens één melding."})
    if worker is not None and (not worker.is_active or worker.role not in CASEWORK_ROLES):
        text = f"{_actor_name(worker)} behandelt geen meldingen; kies een vroegsignaleerder of teamleider."
        raise CaseActionError(text, code="rol", fields={"medewerker": text})
    with transaction.atomic():
        locked = list(Case.objects.select_for_update(of=("self",)).select_related("municipality")
                      .filter(pk__in=ids).order_by("pk"))
        missing = sorted(set(ids) - {case.pk for case in locked})
        if missing:
            raise CaseActionError(f"Melding {', '.join(map(str, missing))} bestaat niet.", code="onbekend",
                                  fields={"melding": "Een gekozen melding bestaat niet (meer)."})
        closed = [case for case in locked if case.status not in ACTIVE_STATUSES]
        foreign = []
        if worker is not None:
            allowed = set(worker.municipalities.values_list("pk", flat=True))
            foreign = [case for case in locked if case.municipality_id not in allowed]
        problems, fields = [], {}
        if closed:
            problems.append(f"melding {_case_numbers(closed)} is gesloten")
            fields["melding"] = "Alleen lopende meldingen kunnen worden toegewezen."
        if foreign:
            places = sorted({case.municipality.name for case in foreign})
            problems.append(f"{_actor_name(worker)} werkt niet voor de gemeente {' en '.join(places)} "
                            f"(melding {_case_numbers(foreign)})")
            fields["medewerker"] = f"{_actor_name(worker)} werkt niet voor de gemeente {' en '.join(places)}."
        if problems:
            raise CaseActionError(f"Niets toegewezen: {'; '.join(problems)}. Er is niets gewijzigd.",
                                  code="toewijzen", fields=fields)
        worker_id = worker.pk if worker is not None else None
        changed = [case for case in locked if case.assigned_to_id != worker_id]
        unchanged = [case for case in locked if case.assigned_to_id == worker_id]
        if changed:
            Case.objects.filter(pk__in=[case.pk for case in changed]).update(assigned_to=worker)
            text = f"Toegewezen aan {_actor_name(worker)}." if worker is not None else "Toewijzing opgeheven."
            bulk_insert(CaseHistory, [_history(case, at=now, by=by, event=CaseEvent.ASSIGNED, to_status=case.status,
                                               reason=text) for case in changed])
            for case in changed:
                case.assigned_to = worker
    return BulkAssignResult(worker=worker, changed=changed, unchanged=unchanged)


MAX_TRAY_CAPACITY = 100_000


def tray_capacity_update(*, capacities: dict[Tray, int | None], by, now: dt.datetime | None = None) -> list[Tray]:
    """Set the monthly capacity of one or more trays (None = unlimited), all or nothing.

    Every value is checked first; any bad value raises a ``CaseActionError`` whose ``fields`` name the
    tray's input (``capaciteit-<tray id>``), and nothing changes. Returns the trays that changed. The
    new capacity counts from the next period close (cases already routed stay where they are)."""
    now = now or timezone.now()
    errors = {}
    for tray, value in capacities.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            errors[f"capaciteit-{tray.pk}"] = f"Geef voor {tray.name} een heel getal, of laat het veld leeg."
        elif value < 0:
            errors[f"capaciteit-{tray.pk}"] = f"De capaciteit van {tray.name} kan niet negatief zijn."
        elif value > MAX_TRAY_CAPACITY:
            errors[f"capaciteit-{tray.pk}"] = (f"De capaciteit van {tray.name} is te groot "
                                              f"(hoogstens {MAX_TRAY_CAPACITY:,}).".replace(",", "."))
    if errors:
        raise CaseActionError(" ".join(errors.values()), code="velden", fields=errors)
    wanted = {tray.pk: value for tray, value in capacities.items()}
    changed = []
    with transaction.atomic():
        for tray in Tray.objects.select_for_update().filter(pk__in=list(wanted)).order_by("pk"):
            if tray.monthly_capacity == wanted[tray.pk]:
                continue
            before, tray.monthly_capacity = tray.monthly_capacity, wanted[tray.pk]
            tray.save(update_fields=["monthly_capacity"])
            changed.append(tray)
            logger.info("Capacity of tray %s (%s) changed from %s to %s by %s at %s", tray.pk, tray.code, before,
                        tray.monthly_capacity, _actor_name(by), now.isoformat())
    return changed


# --- the operator's settings per municipality ------------------------------------------------------


def case_policy_update(*, municipality: Municipality, by=None, **changes) -> list[str]:
    """Change a municipality's case policy (``repeat_window_months``, ``reopen_term_months``,
    ``default_tray``), creating it when absent; validated first, all or nothing (``ValidationError``
    with Dutch messages per field). Returns the names of the fields that changed."""
    allowed = {"repeat_window_months", "reopen_term_months", "default_tray"}
    if set(changes) - allowed:
        raise ValueError(f"Unknown case policy settings: {', '.join(sorted(set(changes) - allowed))}")
    with transaction.atomic():
        policy, _ = CasePolicy.objects.select_for_update().get_or_create(municipality=municipality)
        changed = [name for name, value in changes.items() if getattr(policy, name) != value]
        for name in changed:
            setattr(policy, name, changes[name])
        if changed:
            policy.full_clean()  # raises ValidationError: the transaction rolls back
            policy.save(update_fields=changed)
            logger.info("Case policy of %s changed by %s: %s", municipality.cbs_code, _actor_name(by),
                        ", ".join(changed))
    return changed
