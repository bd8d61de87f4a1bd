"""What every case service shares: the history row, the bulk writes of a service (``_Writes``), the
locks (lock order: municipality → signal → case), and feedback for closed cases."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django_fsm import ConcurrentTransition

from accounts.models import Municipality
from feedback.services import ClosedSignal, feedback_issue_for_cases
from signals.models import Signal, SignalEvent, SignalHistory, SignalStatus
from vroegsignalering.common.bulk import bulk_insert
from vroegsignalering.common.fsm import bulk_transition
from vroegsignalering.common.vocab import ShvStatus

from ..exceptions import CaseActionError
from ..models import Case, CaseEvent, CaseHistory, CaseSignal, SignalRole, new_contact_reference
from ..transitions import SYSTEM, actor_name, history_row

# The history row and who wrote it: one definition, in cases.transitions.
_actor_name = actor_name
_history = history_row


def _signal_order(s: Signal) -> tuple:
    return (s.signal_date, s.received_at, s.pk)


def _chunks(values, size: int = 2000):
    values = sorted(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _known_to_shv(signal: Signal) -> bool:
    """The signal's resident is known to debt assistance: it never joins a case being worked, but
    gets its own case, routed to the SHV tray and closed at once (feedback 'bekend bij
    schuldhulpverlening'), whatever the routing (docs/adr/0007-no-configuration-loses-a-signal.md)."""
    return (signal.shv_evidence or {}).get("status") == ShvStatus.BEKEND


def _feedback_issue(cases: Iterable[Case], *, now: dt.datetime) -> None:
    """Feedback for closed cases: one row per signal of each case, handed to the feedback app (call
    inside the closing transaction, after the case's signals are linked)."""
    closed = {case.pk: case for case in cases if case.outcome}
    if not closed:
        return
    links = (CaseSignal.objects.filter(case_id__in=list(closed)).order_by("case_id", "signal_id")
             .values_list("case_id", "signal_id", "signal__creditor_id", "signal__municipality_id",
                          "signal__forwarded_copy", "signal__forwarded_from_id", "signal__signal_id"))
    feedback_issue_for_cases(rows=[
        ClosedSignal(signal_id=signal_id, creditor_id=creditor_id, municipality_id=municipality_id,
                     outcome=closed[case_id].outcome, closed_at=closed[case_id].closed_at,
                     consent=closed[case_id].feedback_consent_at is not None, forwarded=copy or copied_from is not None,
                     signal_ref=signal_ref)
        for case_id, signal_id, creditor_id, municipality_id, copy, copied_from, signal_ref in links
    ], now=now)


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
        _contact_references_unique(self.new_cases)
        bulk_insert(Case, self.new_cases)
        for link in self.links:
            link.case_id = link.case.pk
        for row in self.history:
            row.case_id = row.case.pk
        rows = [SignalHistory(signal_id=s.pk, at=self.now, actor=SYSTEM, from_status=SignalStatus.GECONTROLEERD,
                              to_status=SignalStatus.IN_MELDING, event=SignalEvent.ATTACHED,
                              params={"case": case.pk, "role_label": SignalRole(role).label.lower()})
                for s, case, role in self.attached]
        for start in range(0, len(rows), 2000):
            chunk = [row.signal_id for row in rows[start:start + 2000]]
            try:
                moved = bulk_transition(Signal.objects.filter(pk__in=chunk), "attach_to_case",
                                        source=SignalStatus.GECONTROLEERD, history=rows[start:start + 2000])
            except ConcurrentTransition:
                moved = []
            if len(moved) != len(chunk):  # another worker moved one of them: start again
                raise CaseActionError("Een signaal is intussen door een ander proces gewijzigd; probeer opnieuw.")
        bulk_insert(CaseSignal, self.links)
        bulk_insert(CaseHistory, self.history)
        _feedback_issue(self.closed, now=self.now)


def case_lock(case: Case) -> Case:
    """The case, re-read and locked for the rest of the transaction (also for other apps' services)."""
    return Case.objects.select_for_update().get(pk=case.pk)


def case_history_append(case: Case, *, at: dt.datetime, by=None, event: str = CaseEvent.STATUS,
                        from_status: str = "", to_status: str = "", reason: str = "",
                        params: dict | None = None) -> CaseHistory:
    """Append one history row to a case (for other apps' services, e.g. contact attempts): ``params``
    say what happened (``cases.history`` words it)."""
    row = _history(case, at=at, by=by, event=event, from_status=from_status, to_status=to_status, reason=reason,
                   params=params)
    row.save()
    return row


def case_history_write(rows: list[CaseHistory]) -> None:
    """Write the history rows one change made (e.g. 'work started' and the attempt that started it) in one
    insert: the receivers of history (the statistics store, outreach) then see the change once."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_history_write needs the caller's transaction with the case locked (case_lock).")
    bulk_insert(CaseHistory, rows)


def _lock(signal: Signal) -> tuple[Municipality, Signal]:
    """Lock the municipality, then the signal (see the lock order above)."""
    municipality_id = signal.municipality_id or Signal.objects.values_list("municipality_id", flat=True).get(
        pk=signal.pk)
    municipality = Municipality.objects.select_for_update().get(pk=municipality_id)
    return municipality, Signal.objects.select_for_update().get(pk=signal.pk)


def _case_of(signal: Signal) -> Case | None:
    link = CaseSignal.objects.filter(signal_id=signal.pk).select_related("case").first()
    return link.case if link else None


def _contact_references_unique(cases: list[Case]) -> None:
    """Before a bulk insert of new ``cases``: draw again every reference another of them or a stored case
    already has. Six random characters give about 10⁹ references: at half a million stored cases one new
    case in 2,000 would otherwise meet a taken one and fail the whole insert (a period close)."""
    unsure = list(cases)
    batch: set[str] = set()
    for case in cases:
        while case.contact_reference in batch:
            case.contact_reference = new_contact_reference()  # checked against the stored ones below
        batch.add(case.contact_reference)
    while unsure:
        taken = set(Case.objects.filter(contact_reference__in=[c.contact_reference for c in unsure])
                    .values_list("contact_reference", flat=True))
        unsure = [case for case in unsure if case.contact_reference in taken]
        for case in unsure:
            while case.contact_reference in batch:
                case.contact_reference = new_contact_reference()
            batch.add(case.contact_reference)
