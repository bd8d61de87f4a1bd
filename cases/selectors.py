"""Reads of cases. Tenant and role scoping happens here, so a view cannot forget it."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

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


# The queue's order: most urgent first (crisis, priority, first-action deadline, 28-day deadline, amount).
QUEUE_ORDER = ("-urgency", "priority", "crisis_due_at", "deadline_at", "-amount", "pk")


def case_list_for_user(user, *, status: Iterable[str] | None = None, tray: Tray | None = None) -> QuerySet[Case]:
    """The cases a user may see: of their municipalities, for case-working roles only; most urgent first."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.role not in CASE_ROLES:
        return Case.objects.none()
    qs = Case.objects.filter(municipality__in=user.municipalities.all())
    if status is not None:
        qs = qs.filter(status__in=list(status))
    if tray is not None:
        qs = qs.filter(tray=tray)
    return qs.select_related("tray", "assigned_to", "municipality").order_by(*QUEUE_ORDER)


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

# --- the municipal API (/api/v1/gemeente/…) ------------------------------------------------------------


def _api_scope(user) -> QuerySet[Case]:
    """The cases an API client may see: its municipalities', for the case-working roles and for a service
    account (an integration that works on its municipalities' cases like a worker); none for anyone else."""
    from accounts.models import API_ROLES

    if not getattr(user, "is_authenticated", False) or not user.is_active or user.role not in API_ROLES:
        return Case.objects.none()
    return Case.objects.filter(municipality__in=user.municipalities.all())


def case_list_for_api(user, *, status: Iterable[str] | None = None, tray_code: str | None = None,
                      municipality_code: str | None = None, assigned: str | None = None,
                      crisis: bool | None = None, deadline_before: dt.datetime | None = None) -> QuerySet[Case]:
    """The API's list of cases, most urgent first (the queue's order), with the counts a list shows.

    ``assigned``: "me" (assigned to ``user``) or "nobody"; ``deadline_before``: the case closes automatically,
    or its crisis first action is due, at or before this moment (so its last day lies before it)."""
    from contacts.models import ContactAttempt

    qs = _api_scope(user)
    if status is not None:
        qs = qs.filter(status__in=list(status))
    if tray_code is not None:
        qs = qs.filter(tray__code=tray_code)
    if municipality_code is not None:
        qs = qs.filter(municipality__cbs_code=municipality_code)
    if assigned == "me":
        qs = qs.filter(assigned_to=user)
    elif assigned == "nobody":
        qs = qs.filter(assigned_to__isnull=True)
    if crisis is not None:
        qs = qs.filter(is_crisis=crisis)
    if deadline_before is not None:
        qs = qs.filter(Q(deadline_at__lte=deadline_before) | Q(crisis_due_at__lte=deadline_before))
    signals = CaseSignal.objects.filter(case=OuterRef("pk")).values("case").annotate(n=Count("pk")).values("n")
    attempts = (ContactAttempt.objects.filter(case=OuterRef("pk")).values("case").annotate(n=Count("pk"))
                .values("n"))
    return (qs.select_related("tray", "assigned_to", "municipality")
            .annotate(signal_count=Coalesce(Subquery(signals), 0), attempt_count=Coalesce(Subquery(attempts), 0))
            .order_by(*QUEUE_ORDER))


def case_get_for_api(user, pk: int) -> Case | None:
    """One case for the API (None when it is not the caller's to see: other municipality, other role)."""
    return _api_scope(user).select_related("tray", "assigned_to", "municipality", "routing_rule").filter(pk=pk).first()


def case_signals_for_api(case: Case) -> list:
    """The case's signals with their creditors, oldest first."""
    from signals.models import Signal

    return list(Signal.objects.filter(case_link__case=case).select_related("creditor")
                .order_by("signal_date", "received_at", "pk"))


def case_creditor_kinds(case_ids) -> dict[int, set[str]]:
    """The creditor kinds of several cases' signals at once (one query)."""
    kinds: dict[int, set[str]] = {case_id: set() for case_id in case_ids}
    rows = CaseSignal.objects.filter(case_id__in=list(kinds)).values_list("case_id", "signal__creditor_kind")
    for case_id, kind in rows.distinct():
        kinds[case_id].add(kind)
    return kinds


def case_attempts(case: Case) -> list:
    """The case's contact attempts, oldest first, with who registered them."""
    return list(case.contact_attempts.select_related("by", "reply_registered_by").order_by("at", "pk"))


def case_attempt_get(case: Case, pk: int):
    """A contact attempt of this case (None when it belongs to another case)."""
    return case.contact_attempts.filter(pk=pk).first()


def trays_for_api(user) -> QuerySet[Tray]:
    """The trays of the caller's municipalities with their counts of active cases (all, crisis,
    unassigned, assigned to the caller); none for a role that does not see cases."""
    from accounts.models import API_ROLES

    if not getattr(user, "is_authenticated", False) or not user.is_active or user.role not in API_ROLES:
        return Tray.objects.none()
    active = Q(cases__status__in=list(ACTIVE_STATUSES))
    return (Tray.objects.filter(municipality__in=user.municipalities.all()).select_related("municipality")
            .annotate(active_count=Count("cases", filter=active),
                      crisis_count=Count("cases", filter=active & Q(cases__is_crisis=True)),
                      unassigned_count=Count("cases", filter=active & Q(cases__assigned_to__isnull=True)),
                      mine_count=Count("cases", filter=active & Q(cases__assigned_to=user)))
            .order_by("municipality__name", "name", "pk"))


def assignable_worker(case: Case, username: str):
    """The active worker or team lead of the case's municipality with this user name, else None (also for
    people of other municipalities, so the answer does not tell who exists elsewhere)."""
    from accounts.models import User

    return User.objects.filter(username=username, is_active=True, role__in=list(CASE_ROLES),
                               municipalities=case.municipality_id).first()
