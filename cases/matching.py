"""Matching signals into cases (Divosa definitions, DOMAIN.md "Matching into a melding").

The core is pure: :func:`group_signals` takes plain :class:`SignalFacts` and the address history,
and returns one :class:`Group` per address with its type. ``cases.services.period_close`` feeds
it from the database and stores the result.

Readings:

- **Arrear**: one creditor's claim under one contract number. Two signals of the same creditor
  with the same (non-empty) contract number are one arrear: the later one *updates* it. Without a
  contract number, two signals of the same creditor about the same customer (BSN found by the
  checks), the same kind of fixed cost and the same due date of the oldest unpaid invoice are one
  arrear; a signal without contract number and without a known customer is its own arrear.
- **enkelvoudig / meervoudig**: one arrear at the address in the period / two or more (different
  creditors, or the same creditor under two contract numbers, e.g. two insured adults).
- **opeenvolgend (recidive)**: the address had at least one signal, of any status (picked up or
  not), dated in the six calendar months before the period's first day (``deadlines.recidive_window``).
  The case's own signals never count. (Divosa's report phrases it as "a melding at the address";
  we follow DOMAIN.md and the issue: any signal.)
- **Amount**: the sum over the case's arrears of each arrear's most recent amount.
- **Herhaalde melding** (:func:`repeat_decision`): see there.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from signals.history import repeat_text
from vroegsignalering.common.vocab import CRISIS_SIGNAL_KINDS, Outcome

from . import deadlines
from .deadlines import Period

if TYPE_CHECKING:
    from signals.models import Signal

    from .models import Case

ENKELVOUDIG, MEERVOUDIG = "enkelvoudig", "meervoudig"  # = models.MatchType values


@dataclass(frozen=True, slots=True)
class ArrearIdentity:
    """What says which arrear a signal reports. The ONE definition of "the same arrear", used by the
    repeat rule (:func:`same_arrear`) and by the grouping at the period close (:func:`arrears`)."""

    creditor_id: int
    contract_number: str = ""
    customer: str = ""  # the BSN the checks found; "" while unknown (e.g. in fallout before the BRP)
    creditor_kind: str = ""
    oldest_due_date: dt.date | None = None

    @classmethod
    def of_signal(cls, signal: Any) -> ArrearIdentity:
        return cls(creditor_id=signal.creditor_id, contract_number=signal.contract_number or "",
                   customer=getattr(signal, "bsn", "") or "", creditor_kind=getattr(signal, "creditor_kind", "") or "",
                   oldest_due_date=getattr(signal, "oldest_due_date", None))

    def same(self, other: ArrearIdentity) -> bool:
        """The same creditor and, when both carry a contract number, the same contract number;
        otherwise (one or neither carries one) the same customer (BSN, known to both), the same
        kind of fixed cost and the same due date of the oldest unpaid invoice. Without a BSN the
        contract number is the only way to know: no guessing by address or name."""
        if self.creditor_id != other.creditor_id:
            return False
        if self.contract_number and other.contract_number:
            return self.contract_number == other.contract_number
        return bool(self.customer) and self.customer == other.customer \
            and self.oldest_due_date is not None and self.oldest_due_date == other.oldest_due_date \
            and self.creditor_kind == other.creditor_kind


@dataclass(frozen=True, slots=True)
class SignalFacts:
    """What matching needs of a signal (no database)."""

    id: int
    address_key: str
    creditor_id: int
    contract_number: str
    signal_date: dt.date
    amount: Decimal
    creditor_kind: str = ""
    signal_kind: str = "vroegsignaal"
    received_at: dt.datetime | None = None
    oldest_due_date: dt.date | None = None
    customer: str = ""  # BSN, when the checks found the person

    @classmethod
    def of(cls, signal: Signal) -> SignalFacts:
        return cls(id=signal.pk, address_key=signal.address_key, creditor_id=signal.creditor_id,
                   contract_number=signal.contract_number, signal_date=signal.signal_date, amount=signal.amount,
                   creditor_kind=signal.creditor_kind, signal_kind=signal.signal_kind,
                   received_at=signal.received_at, oldest_due_date=signal.oldest_due_date,
                   customer=signal.bsn or "")

    @property
    def identity(self) -> ArrearIdentity:
        return ArrearIdentity(creditor_id=self.creditor_id, contract_number=self.contract_number,
                              customer=self.customer, creditor_kind=self.creditor_kind,
                              oldest_due_date=self.oldest_due_date)

    @property
    def is_crisis(self) -> bool:
        return self.signal_kind in CRISIS_SIGNAL_KINDS


def _order(s: SignalFacts) -> tuple:
    return (s.signal_date, s.received_at or dt.datetime.min.replace(tzinfo=dt.UTC), s.id)


def arrear_groups(signals: Iterable[SignalFacts]) -> list[list[SignalFacts]]:
    """The signals per arrear, each in signal order. Signals are one arrear when
    :meth:`ArrearIdentity.same` links them (directly or through others), except that an arrear never
    holds two different contract numbers: a signal without one that fits two contracts' arrears joins
    the first of them only."""
    groups: list[list[SignalFacts]] = []
    for s in sorted(signals, key=_order):
        merged: list[SignalFacts] | None = None
        contracts = {s.contract_number} - {""}
        for group in [g for g in groups if any(s.identity.same(o.identity) for o in g)]:
            theirs = {o.contract_number for o in group} - {""}
            if contracts and theirs and contracts != theirs:
                continue  # would put two contract numbers in one arrear
            contracts |= theirs
            if merged is None:
                merged = group
            else:
                merged.extend(group)
                groups.remove(group)
        if merged is None:
            groups.append([s])
        else:
            merged.append(s)
    return groups


def arrears(signals: Iterable[SignalFacts]) -> dict[tuple, SignalFacts]:
    """Arrear → its most recent signal (:func:`arrear_groups`); the key is the arrear's first signal's id."""
    return {("arrear", g[0].id): max(g, key=_order) for g in arrear_groups(signals)}


def match_type_for(signals: Iterable[SignalFacts]) -> str:
    return MEERVOUDIG if len(arrears(signals)) >= 2 else ENKELVOUDIG


def summed_amount(signals: Iterable[SignalFacts]) -> Decimal:
    return sum((s.amount for s in arrears(signals).values()), Decimal("0.00"))


def is_recidive(history_dates: Iterable[dt.date], period: Period) -> bool:
    first, last = deadlines.recidive_window(period)
    return any(first <= day <= last for day in history_dates)


@dataclass
class Group:
    """The signals at one address in one period: one case."""

    address_key: str
    signals: list[SignalFacts] = field(default_factory=list)
    recidive: bool = False

    @property
    def match_type(self) -> str:
        return match_type_for(self.signals)

    @property
    def amount(self) -> Decimal:
        return summed_amount(self.signals)

    @property
    def is_crisis(self) -> bool:
        return any(s.is_crisis for s in self.signals)

    @property
    def kind(self) -> tuple[str, bool]:
        """(match type, recidive): one of the four Divosa types."""
        return (self.match_type, self.recidive)


def group_signals(
    signals: Iterable[SignalFacts],
    history: Mapping[str, Iterable[tuple[int, dt.date]]],
    period: Period,
) -> list[Group]:
    """Group a period's signals per address and type each group.

    ``history`` maps an address key to (signal id, signal date) of *other* signals known at that
    address (any status); the group's own signals are ignored there. Groups come out ordered by
    address key; every input signal is in exactly one group.
    """
    by_address: dict[str, list[SignalFacts]] = defaultdict(list)
    for s in signals:
        by_address[s.address_key].append(s)
    groups = []
    for key in sorted(by_address):
        members = sorted(by_address[key], key=_order)
        own = {s.id for s in members}
        dates = [day for signal_id, day in history.get(key, ()) if signal_id not in own]
        groups.append(Group(key, members, is_recidive(dates, period)))
    return groups


def split(groups: Iterable[Group]) -> dict[tuple[str, bool], int]:
    """Count of groups per Divosa type (match type, recidive)."""
    counts = {(m, r): 0 for m in (ENKELVOUDIG, MEERVOUDIG) for r in (True, False)}
    for g in groups:
        counts[g.kind] += 1
    return counts


# --- herhaalde melding ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PriorArrear:
    """An earlier signal of a creditor that passed the checks: waiting for the period close
    (``case_id`` None) or in a case. The arrear, its amount, when it was signalled, and the case."""

    signal_id: int
    creditor_id: int
    contract_number: str
    amount: Decimal
    signalled_on: dt.date
    case_id: int | None = None
    case_is_active: bool = False
    case: Case | None = None
    creditor_kind: str = ""
    oldest_due_date: dt.date | None = None
    customer: str = ""  # the person's BSN (the BRP found it in the checks); "" when unknown
    decided: bool = True  # False: the earlier signal is still in its checks or in fallout
    received_at: dt.datetime | None = None

    @property
    def identity(self) -> ArrearIdentity:
        return ArrearIdentity(creditor_id=self.creditor_id, contract_number=self.contract_number,
                              customer=self.customer, creditor_kind=self.creditor_kind,
                              oldest_due_date=self.oldest_due_date)


@dataclass(frozen=True)
class RepeatDecision:
    """``outcome`` HERHAALDE_MELDING: not picked up. ``outcome`` None with ``case``: the signal
    updates that active case (``cases.services.case_update_with_signal``).

    ``kind`` names the decision (``wacht``: wait for the earlier signal ``prior``; ``herhaald``: a
    repeat of ``prior``; ``hoger``: a higher ``amount`` that updates ``prior``'s open case);
    ``latest`` is the most recent earlier signal of the arrear, whose amount this one's is compared
    with (``prior`` itself for a repeat); ``contract`` is the contract number both signals carry (""
    when one has none). The Dutch reason
    is worded from these by ``signals.history.repeat_text``."""

    outcome: Outcome | None
    kind: str
    amount: Decimal | None = None  # this signal's amount
    contract: str = ""
    case: Case | None = None
    case_id: int | None = None
    prior: PriorArrear | None = None
    wait: bool = False  # True: an earlier signal of the same arrear is not decided yet; decide later
    latest: PriorArrear | None = None

    @property
    def params(self) -> dict:
        """The decision as JSON (the signal's history row's params)."""
        prior = self.prior
        if self.kind == "wacht":
            return {"repeat": "wacht", "signal": prior.signal_id, "signalled_on": prior.signalled_on.isoformat()}
        latest = self.latest or prior
        due = latest.oldest_due_date.isoformat() if latest.oldest_due_date and not self.contract else ""
        return {"repeat": self.kind, "contract": self.contract, "oldest_due_date": due,
                "signalled_on": latest.signalled_on.isoformat(), "case": self.case_id,
                "amount": str(self.amount), "earlier_amount": str(latest.amount)}

    @property
    def reason(self) -> str:
        """Why, in Dutch (for the worker)."""
        return repeat_text(self.params)


def same_arrear(signal: Any, prior: PriorArrear) -> bool:
    """Whether ``prior`` reports the same arrear as ``signal`` (:meth:`ArrearIdentity.same`)."""
    return prior.signal_id != signal.pk and ArrearIdentity.of_signal(signal).same(prior.identity)


def repeat_window(signal_date: dt.date, window_months: int) -> tuple[dt.date, dt.date]:
    """The signal dates an earlier signal of the same arrear counts in: ``window_months`` either side."""
    return deadlines.add_months(signal_date, -window_months), deadlines.add_months(signal_date, window_months)


def _sequence(day: dt.date, received_at: dt.datetime | None, pk: int | None) -> tuple:
    """Which of two signals came first: signal date, then receipt, then id (a total order, so two
    undecided signals never wait for each other)."""
    return (day, received_at or dt.datetime.min.replace(tzinfo=dt.UTC), pk or 0)


def repeat_decision(
    signal: Any,
    priors: Iterable[PriorArrear],
    *,
    window_months: int,
) -> RepeatDecision | None:
    """The repeat rule (contract: "same arrear already signalled recently by this creditor and not
    higher") for a signal that passed the other checks.

    Counts every earlier signal of the same arrear (:func:`same_arrear`) that passed the checks:
    waiting for the period close or in a case (open or closed), with a signal date within
    ``window_months`` of this one (the municipality's ``CasePolicy``, 3 months by default):

    - amount not higher than the most recent such signal's amount → ``HERHAALDE_MELDING``;
    - higher, and an active case holds that arrear → update that case (``outcome`` None, ``case``);
    - higher otherwise → None: a new signal, matched as usual (a waiting one and this one become
      one arrear of one case at the period close).

    An earlier signal of the same arrear whose checks have not ended (in its checks, waiting for a
    register, or in fallout waiting for a person) decides whether this one is a repeat, and it may
    still end without being picked up (e.g. fallout decided "geen inwoner"): then ``wait`` — this
    signal waits (``cases.taking.signal_take``) and is decided again once that one is. "Earlier":
    signal date, then receipt, then id, so the first of two undecided signals never waits.

    None as well when there is no such signal, and always for a crisis signal. Pure: the caller
    reads ``priors`` and ``window_months`` (``cases.taking.repeat_decision_for``) and serialises
    decisions about one arrear (``cases.taking.signal_take``), so of two identical signals exactly
    one passes.
    """
    if getattr(signal, "signal_kind", "") in CRISIS_SIGNAL_KINDS:
        # A crisis signal (eviction, disconnection, end of supply) escalates the arrear: it is never
        # a repeat and never waits; it opens a case at once or joins the active one at the address.
        return None
    since, until = repeat_window(signal.signal_date, window_months)
    same = [p for p in priors if same_arrear(signal, p) and since <= p.signalled_on <= until]
    mine = _sequence(signal.signal_date, getattr(signal, "received_at", None), signal.pk)
    pending = [p for p in same if not p.decided and _sequence(p.signalled_on, p.received_at, p.signal_id) < mine]
    if pending:
        first = min(pending, key=lambda p: _sequence(p.signalled_on, p.received_at, p.signal_id))
        return RepeatDecision(outcome=None, kind="wacht", wait=True, prior=first)
    same = [p for p in same if p.decided]
    if not same:
        return None
    latest = max(same, key=lambda p: (p.signalled_on, p.signal_id))
    contract = signal.contract_number if signal.contract_number and latest.contract_number else ""
    if signal.amount <= latest.amount:
        return RepeatDecision(outcome=Outcome.HERHAALDE_MELDING, kind="herhaald", amount=signal.amount,
                              contract=contract, case_id=latest.case_id, prior=latest)
    active = [p for p in same if p.case_id is not None and p.case_is_active]
    if active:
        target = max(active, key=lambda p: (p.signalled_on, p.signal_id))
        return RepeatDecision(outcome=None, kind="hoger", amount=signal.amount, contract=contract,
                              case=target.case, case_id=target.case_id, prior=target, latest=latest)
    return None
