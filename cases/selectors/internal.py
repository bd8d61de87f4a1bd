"""Unscoped reads of cases for the services, tasks and other selectors (never for a view directly: a
view reads through the scoped selectors, which go through ``.visible_to``)."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from signals.models import Signal, SignalStatus
from vroegsignalering.common.vocab import Reached

from ..matching import PriorArrear, repeat_window
from ..models import ACTIVE_STATUSES, Case, CasePolicy, CaseSignal, CaseStatus


def contact_attempt_model():
    """The contact attempt model, reached through the case's reverse relation (cases does not import
    contacts, the layer above it)."""
    return Case.contact_attempts.field.model


def policy_for(municipality_id: int) -> CasePolicy:
    """The municipality's case policy, or the defaults (unsaved) when none was set."""
    policy = CasePolicy.objects.filter(municipality_id=municipality_id).select_related("default_tray").first()
    return policy or CasePolicy(municipality_id=municipality_id)


def case_signals(case: Case) -> list:
    """The case's signals with their creditors, oldest first."""

    return list(Signal.objects.filter(case_link__case=case).select_related("creditor")
                .order_by("signal_date", "received_at", "pk"))


def case_signals_by_case(case_ids) -> dict[int, list]:
    """The signals of several cases at once (one query), per case id, oldest first."""

    grouped: dict[int, list] = {case_id: [] for case_id in case_ids}
    signals = (Signal.objects.filter(case_link__case_id__in=list(grouped))
               .annotate(linked_case=F("case_link__case_id"))
               .order_by("signal_date", "received_at", "pk"))
    for signal in signals:
        grouped[signal.linked_case].append(signal)
    return grouped


def case_creditor_kinds(case_ids) -> dict[int, set[str]]:
    """The creditor kinds of several cases' signals at once (one query)."""
    kinds: dict[int, set[str]] = {case_id: set() for case_id in case_ids}
    rows = (CaseSignal.objects.filter(case_id__in=list(kinds)).order_by()
            .values_list("case_id", "signal__creditor_kind").distinct())
    for case_id, kind in rows:
        kinds[case_id].add(kind)
    return kinds


def active_case_at(municipality_id: int, address_key: str) -> Case | None:
    """The most recent active case at an address (open, in behandeling or heropend)."""
    return (Case.objects.filter(municipality_id=municipality_id, address_key=address_key,
                                status__in=ACTIVE_STATUSES)
            .order_by("-opened_at", "-pk").first())


# A signal that passed the checks / one whose checks have not ended yet (it may still pass or not).
PASSED_STATUSES = (SignalStatus.GECONTROLEERD, SignalStatus.IN_MELDING)
UNDECIDED_STATUSES = (SignalStatus.ONTVANGEN, SignalStatus.IN_CONTROLE, SignalStatus.WACHT_OP_BRP,
                      SignalStatus.UITVAL)


def prior_arrears(signal, *, window_months: int) -> list[PriorArrear]:
    """The creditor's other signals in this municipality that may report the same arrear as
    ``signal`` (the same contract number, or the same customer, kind and due date), dated within
    ``window_months`` of it: those that passed the checks (waiting for the period close, or in a
    case) and those not decided yet (``decided`` False: received, in their checks, waiting for a
    register, or in fallout). Signals that ended without being picked up do not count. For
    ``repeat_decision``, which applies the exact rule."""
    since, until = repeat_window(signal.signal_date, window_months)
    same = Q()
    if signal.contract_number:
        same |= Q(contract_number=signal.contract_number)
    if signal.bsn and signal.oldest_due_date:
        same |= Q(bsn=signal.bsn, creditor_kind=signal.creditor_kind, oldest_due_date=signal.oldest_due_date)
    if not same:
        return []
    rows = (Signal.objects
            .filter(same, municipality_id=signal.municipality_id, creditor_id=signal.creditor_id,
                    status__in=[*PASSED_STATUSES, *UNDECIDED_STATUSES],
                    signal_date__gte=since, signal_date__lte=until)
            .exclude(pk=signal.pk)
            .select_related("case_link__case"))
    priors = []
    for row in rows:
        link = getattr(row, "case_link", None)
        case = link.case if link is not None else None
        priors.append(PriorArrear(
            signal_id=row.pk, creditor_id=row.creditor_id, contract_number=row.contract_number, amount=row.amount,
            signalled_on=row.signal_date, case_id=case.pk if case else None,
            case_is_active=bool(case and case.status in ACTIVE_STATUSES), case=case,
            creditor_kind=row.creditor_kind, oldest_due_date=row.oldest_due_date, customer=row.bsn,
            decided=row.status in PASSED_STATUSES, received_at=row.received_at,
        ))
    return priors


def tray_usage(municipality_id: int, period_end: dt.date) -> dict[int, int]:
    """Cases per tray in a period (for capacity): tray id → count."""
    rows = (Case.objects.filter(municipality_id=municipality_id, period_end=period_end, tray__isnull=False)
            .values("tray").annotate(n=Count("pk")))
    return {row["tray"]: row["n"] for row in rows}


def cases_crisis_overdue(*, now: dt.datetime, municipality_id: int | None = None) -> QuerySet[Case]:
    """Active crisis cases past their first-action deadline without a contact attempt since the crisis."""
    attempts = contact_attempt_model().objects.filter(case=OuterRef("pk"), at__gte=OuterRef("crisis_at"))
    qs = Case.objects.filter(is_crisis=True, status__in=ACTIVE_STATUSES, crisis_due_at__lte=now).filter(
        ~Exists(attempts))
    if municipality_id is not None:
        qs = qs.filter(municipality_id=municipality_id)
    return qs.order_by("crisis_due_at", "pk")


def cases_due_for_expiry(*, now: dt.datetime) -> QuerySet[Case]:
    return Case.objects.filter(status__in=[CaseStatus.OPEN, CaseStatus.IN_BEHANDELING], deadline_at__lte=now)


def case_was_reached(case: Case) -> bool:
    return case.contact_attempts.filter(Q(reached=Reached.JA)).exists()


def case_attempts(case: Case) -> list:
    """The case's contact attempts, oldest first, with who registered them."""
    return list(case.contact_attempts.select_related("by", "reply_registered_by").order_by("at", "pk"))


def case_attempt_get(case: Case, pk: int):
    """A contact attempt of this case (None when it belongs to another case)."""
    return case.contact_attempts.filter(pk=pk).first()
