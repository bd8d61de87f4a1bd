"""Reads of cases. Tenant and role scoping happens here, so a view cannot forget it."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from accounts.models import CASEWORK_ROLES

from . import deadlines
from .models import ACTIVE_STATUSES, Case, CasePolicy, CaseSignal, CaseStatus, Tray

# Roles that work with case data (a functional administrator configures, an auditor reads the
# audit log, a creditor's staff sees only its own feedback: none of them sees cases).
CASE_ROLES = CASEWORK_ROLES


def policy_for(municipality_id: int) -> CasePolicy:
    """The municipality's case policy, or the defaults (unsaved) when none was set."""
    policy = CasePolicy.objects.filter(municipality_id=municipality_id).select_related("default_tray").first()
    return policy or CasePolicy(municipality_id=municipality_id)


def case_list_for_user(user, *, status: Iterable[str] | None = None, tray: Tray | None = None) -> QuerySet[Case]:
    """The cases a user may see: of their municipalities, for case-working roles only; most urgent first."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.role not in CASE_ROLES:
        return Case.objects.none()
    qs = Case.objects.filter(municipality__in=user.municipalities.all())
    if status is not None:
        qs = qs.filter(status__in=list(status))
    if tray is not None:
        qs = qs.filter(tray=tray)
    return qs.select_related("tray", "assigned_to", "municipality").order_by(
        "-urgency", "priority", "crisis_due_at", "deadline_at", "-amount", "pk"
    )


def case_get_for_user(user, pk: int) -> Case | None:
    return case_list_for_user(user).filter(pk=pk).first()


def case_signals(case: Case) -> list:
    """The case's signals, oldest first."""
    from signals.models import Signal

    return list(Signal.objects.filter(case_link__case=case).order_by("signal_date", "received_at", "pk"))


def case_signals_by_case(case_ids) -> dict[int, list]:
    """The signals of several cases at once (one query), per case id, oldest first."""
    from signals.models import Signal

    grouped: dict[int, list] = {case_id: [] for case_id in case_ids}
    signals = (Signal.objects.filter(case_link__case_id__in=list(grouped))
               .annotate(linked_case=F("case_link__case_id"))
               .order_by("signal_date", "received_at", "pk"))
    for signal in signals:
        grouped[signal.linked_case].append(signal)
    return grouped


def active_case_at(municipality_id: int, address_key: str) -> Case | None:
    """The most recent active case at an address (open, in behandeling or heropend)."""
    return (Case.objects.filter(municipality_id=municipality_id, address_key=address_key,
                                status__in=ACTIVE_STATUSES)
            .order_by("-opened_at", "-pk").first())


def prior_arrears(signal, *, window_months: int):
    """Signals of the same creditor and contract number already picked up in a case of this
    municipality, joined on or after ``signal_date`` minus ``window_months`` (for ``repeat_decision``)."""
    from .matching import PriorArrear

    if not signal.contract_number:
        return []
    since = deadlines.start_of_day(deadlines.add_months(signal.signal_date, -window_months))
    links = (CaseSignal.objects
             .filter(case__municipality_id=signal.municipality_id, signal__creditor_id=signal.creditor_id,
                     signal__contract_number=signal.contract_number, joined_at__gte=since)
             .exclude(signal_id=signal.pk)
             .select_related("case", "signal"))
    return [
        PriorArrear(
            signal_id=link.signal_id, creditor_id=link.signal.creditor_id,
            contract_number=link.signal.contract_number, amount=link.signal.amount,
            picked_up_on=deadlines.local_date(link.joined_at), case_id=link.case_id,
            case_is_active=link.case.status in ACTIVE_STATUSES, case=link.case,
        )
        for link in links
    ]


def tray_usage(municipality_id: int, period_end: dt.date) -> dict[int, int]:
    """Cases per tray in a period (for capacity): tray id → count."""
    rows = (Case.objects.filter(municipality_id=municipality_id, period_end=period_end, tray__isnull=False)
            .values("tray").annotate(n=Count("pk")))
    return {row["tray"]: row["n"] for row in rows}


def cases_crisis_overdue(*, now: dt.datetime, municipality_id: int | None = None) -> QuerySet[Case]:
    """Active crisis cases past their first-action deadline without a contact attempt since the crisis."""
    from contacts.models import ContactAttempt

    attempts = ContactAttempt.objects.filter(case=OuterRef("pk"), at__gte=OuterRef("crisis_at"))
    qs = Case.objects.filter(is_crisis=True, status__in=ACTIVE_STATUSES, crisis_due_at__lte=now).filter(
        ~Exists(attempts))
    if municipality_id is not None:
        qs = qs.filter(municipality_id=municipality_id)
    return qs.order_by("crisis_due_at", "pk")


def cases_due_for_expiry(*, now: dt.datetime) -> QuerySet[Case]:
    return Case.objects.filter(status__in=[CaseStatus.OPEN, CaseStatus.IN_BEHANDELING], deadline_at__lte=now)


def case_was_reached(case: Case) -> bool:
    from contacts.models import Reached

    return case.contact_attempts.filter(Q(reached=Reached.JA)).exists()


# --- the team lead's screens -----------------------------------------------------------------------


def is_team_lead(user) -> bool:
    """An active, signed-in team lead (the only role that assigns, plans visits and sets capacity)."""
    from accounts.models import Role

    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.TEAMLEIDER)


def team_cases_for_user(user) -> QuerySet[Case]:
    """The cases a team lead plans: their municipalities' (none for anyone else)."""
    if not is_team_lead(user):
        return Case.objects.none()
    return case_list_for_user(user)


def team_case_get_for_user(user, pk: int) -> Case | None:
    return team_cases_for_user(user).filter(pk=pk).first()


def case_workers_for_user(user) -> QuerySet:
    """The people a team lead can assign cases and visits to: active users with a case-working role
    in one of the lead's municipalities (each may still be refused for a case of another one)."""
    from accounts.models import User

    if not is_team_lead(user):
        return User.objects.none()
    ids = user.municipalities.values("pk")
    return (User.objects.filter(is_active=True, role__in=list(CASE_ROLES), municipalities__in=ids)
            .distinct().order_by("first_name", "last_name", "username"))


def trays_for_user(user) -> QuerySet[Tray]:
    """The trays of a team lead's municipalities."""
    if not is_team_lead(user):
        return Tray.objects.none()
    return (Tray.objects.filter(municipality__in=user.municipalities.all()).select_related("municipality")
            .order_by("municipality__name", "name", "pk"))


def capacity_period_end(municipality, today: dt.date) -> dt.date:
    """The period whose usage the capacity screen shows: the last closed one (else the last ended)."""
    from .models import PeriodClose

    last = PeriodClose.objects.filter(municipality=municipality).order_by("-period_end").first()
    if last is not None:
        return last.period_end
    return deadlines.last_ended_period(today, municipality.period_closing_day).end
