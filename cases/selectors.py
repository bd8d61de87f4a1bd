"""Reads of cases. Tenant and role scoping happens here, so a view cannot forget it."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, ExpressionWrapper, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.tuple_lookups import TupleGreaterThan, TupleLessThan
from django.db.models.functions import Coalesce

from accounts.models import CASEWORK_ROLES
from signals.models import Signal, SignalStatus
from signals.selectors import signal_unusable_values
from vroegsignalering.common.dates import add_months
from vroegsignalering.common.vocab import CreditorKind

from . import deadlines
from .matching import PriorArrear, repeat_window
from .models import (
    ACTIVE_STATUSES,
    WINDOW_STATUSES,
    Case,
    CaseEvent,
    CasePolicy,
    CaseSignal,
    CaseStatus,
    FollowUp,
    Tray,
)

# Roles that work with case data (a functional administrator configures, an auditor reads the
# audit log, a creditor's staff sees only its own feedback: none of them sees cases).
CASE_ROLES = CASEWORK_ROLES


def policy_for(municipality_id: int) -> CasePolicy:
    """The municipality's case policy, or the defaults (unsaved) when none was set."""
    policy = CasePolicy.objects.filter(municipality_id=municipality_id).select_related("default_tray").first()
    return policy or CasePolicy(municipality_id=municipality_id)


# case_list_for_user's order: most urgent first (crisis, priority, first-action deadline, deadline, amount).
# The queue's order everywhere (screen, municipal API, selectors): most urgent, highest priority,
# nearest deadline first. ``queue_rank`` expresses the first two as one number for keyset paging.
QUEUE_ORDER = ("-urgency", "priority", "deadline_at", "pk")


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


# --- the worker's queue (werkvoorraad) and case page ---------------------------------------------

QUEUE_PAGE_SIZE = 50
QUEUE_COUNT_CAP = 500  # matching cases are counted up to this number ("meer dan 500"): a bounded cost
QUEUE_SIDE_LIST = 20  # follow-ups and overdue crisis cases shown above the queue
EARLIER_CASES_SHOWN = 20


def queue_rank():
    """The queue's first sort key as one ascending number: most urgent first (urgency 2 → 0), then
    priority (1 → 3). One number lets keyset paging compare ``(rank, deadline_at, id)`` as a row, which
    the partial index ``case_queue_order`` (same expression) serves on PostgreSQL."""
    return ExpressionWrapper(F("priority") - 10 * F("urgency"), output_field=IntegerField())


def works_cases(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role in CASE_ROLES)


def user_municipality_ids(user) -> list[int]:
    """The municipalities whose cases the user works on (none for roles that do not work cases)."""
    if not works_cases(user):
        return []
    return list(user.municipalities.order_by("pk").values_list("pk", flat=True))


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters (GET parameters of the werkvoorraad)."""

    tray_id: int | None = None
    match_type: str = ""
    recidive: bool | None = None
    creditor_kind: str = ""
    crisis: bool | None = None
    mine: bool = False
    within_days: int | None = None


def queue_cases(user, *, filters: QueueFilters, now: dt.datetime,
                municipality_ids: list[int] | None = None) -> QuerySet[Case]:
    """The active cases of the user's municipalities that match ``filters`` (unordered)."""
    ids = user_municipality_ids(user) if municipality_ids is None else municipality_ids
    if not ids or not works_cases(user):
        return Case.objects.none()
    qs = Case.objects.filter(municipality_id__in=ids, status__in=ACTIVE_STATUSES)
    if filters.tray_id is not None:
        qs = qs.filter(tray_id=filters.tray_id)
    if filters.match_type:
        qs = qs.filter(match_type=filters.match_type)
    if filters.recidive is not None:
        qs = qs.filter(recidive=filters.recidive)
    if filters.crisis is not None:
        qs = qs.filter(is_crisis=filters.crisis)
    if filters.mine:
        qs = qs.filter(assigned_to=user)
    if filters.creditor_kind:
        qs = qs.filter(Exists(CaseSignal.objects.filter(case=OuterRef("pk"),
                                                        signal__creditor_kind=filters.creditor_kind)))
    if filters.within_days is not None:
        # The last day of the window is the day before ``deadline_at``; a reopened case has no window.
        last_day = deadlines.local_date(now) + dt.timedelta(days=filters.within_days)
        qs = qs.filter(status__in=WINDOW_STATUSES,
                       deadline_at__lte=deadlines.start_of_day(last_day + dt.timedelta(days=1)))
    return qs


@dataclass
class QueuePage:
    cases: list[Case]
    next_after: int | None  # cursor for the next page (``na``)
    previous_before: int | None  # cursor for the previous page (``voor``)
    is_first: bool
    total: int  # matching cases, counted up to QUEUE_COUNT_CAP
    total_capped: bool
    creditor_kinds: dict[int, list[str]] = field(default_factory=dict)


def queue_page(user, *, filters: QueueFilters, now: dt.datetime, after: int | None = None,
               before: int | None = None, size: int = QUEUE_PAGE_SIZE,
               municipality_ids: list[int] | None = None) -> QueuePage:
    """One page of the queue, most urgent first, then the earliest deadline, with keyset paging: the
    cursor is the id of the last (``after``) or first (``before``) case of the adjacent page, so a deep
    page costs what the first costs. An unknown cursor (or one of another municipality) gives page 1.
    Runs a constant number of queries (cursor, page, bounded count, creditor kinds)."""
    ids = user_municipality_ids(user) if municipality_ids is None else municipality_ids
    qs = queue_cases(user, filters=filters, now=now, municipality_ids=ids).alias(rank=queue_rank())
    qs = qs.select_related("tray", "assigned_to", "municipality")
    order = ("rank", "deadline_at", "pk")
    key = (F("rank"), F("deadline_at"), F("pk"))
    cursor = None
    if (after or before) and ids:
        cursor = (Case.objects.filter(municipality_id__in=ids, pk=after or before).annotate(rank=queue_rank())
                  .values_list("rank", "deadline_at", "pk").first())
    if cursor is not None and after:
        rows = list(qs.filter(TupleGreaterThan(key, cursor)).order_by(*order)[:size + 1])
        more = len(rows) > size
        rows = rows[:size]
        page = QueuePage(cases=rows, next_after=rows[-1].pk if more else None,
                         previous_before=rows[0].pk if rows else after, is_first=False, total=0, total_capped=False)
    elif cursor is not None and before:
        rows = list(qs.filter(TupleLessThan(key, cursor)).order_by(*(f"-{name}" for name in order))[:size + 1])
        more = len(rows) > size
        rows = rows[:size][::-1]
        page = QueuePage(cases=rows, next_after=rows[-1].pk if rows else before,
                         previous_before=rows[0].pk if more else None, is_first=not more, total=0,
                         total_capped=False)
    else:
        rows = list(qs.order_by(*order)[:size + 1])
        more = len(rows) > size
        rows = rows[:size]
        page = QueuePage(cases=rows, next_after=rows[-1].pk if more else None, previous_before=None,
                         is_first=True, total=0, total_capped=False)
    counted = qs.order_by()[:QUEUE_COUNT_CAP + 1].count()
    page.total, page.total_capped = min(counted, QUEUE_COUNT_CAP), counted > QUEUE_COUNT_CAP
    kinds = case_creditor_kinds([case.pk for case in page.cases]) if page.cases else {}
    page.creditor_kinds = {pk: sorted(CreditorKind(k).label for k in values) for pk, values in kinds.items()}
    return page


@dataclass(frozen=True)
class TrayCount:
    tray: Tray | None  # None: active cases without a tray
    count: int


def queue_trays(user, *, municipality_ids: list[int] | None = None) -> list[TrayCount]:
    """The trays of the user's municipalities with their number of active cases (two queries)."""
    ids = user_municipality_ids(user) if municipality_ids is None else municipality_ids
    if not ids:
        return []
    counts = dict(Case.objects.filter(municipality_id__in=ids, status__in=ACTIVE_STATUSES).order_by()
                  .values_list("tray_id").annotate(n=Count("*")))  # COUNT(*): index-only scan (case_active_tray)
    trays = Tray.objects.filter(municipality_id__in=ids).select_related("municipality").order_by(
        "municipality__name", "name", "pk")
    rows = [TrayCount(tray, counts.get(tray.pk, 0)) for tray in trays
            if counts.get(tray.pk) or (tray.is_active and not tray.end_outcome)]
    if counts.get(None):
        rows.append(TrayCount(None, counts[None]))
    return rows


def crisis_overdue_for_user(user, *, now: dt.datetime, municipality_ids: list[int] | None = None) -> list[Case]:
    """Active crisis cases of the user's municipalities whose first action is overdue (most overdue first)."""
    ids = user_municipality_ids(user) if municipality_ids is None else municipality_ids
    if not ids:
        return []
    return list(cases_crisis_overdue(now=now).filter(municipality_id__in=ids)
                .select_related("tray", "assigned_to")[:QUEUE_SIDE_LIST])


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    kind: str  # "poging" (ContactAttempt), "gebeurtenis" (CaseHistory), "vervolg" (FollowUp done)
    item: object


@dataclass
class CasePageData:
    case: Case
    signals: list
    attempts: list
    history: list
    follow_ups: list
    earlier_cases: list
    earlier_since: dt.date
    persons: list[dict]
    household: list[dict]
    contact_details: list[dict]
    workers: list = field(default_factory=list)  # for a team lead's assign form

    @property
    def timeline(self) -> list[TimelineEntry]:
        """Contact attempts, status changes and other events and recorded follow-ups, oldest first.
        (An attempt's own history line is not repeated: the attempt shows its details and reply.)"""
        entries = [TimelineEntry(a.at, "poging", a) for a in self.attempts]
        entries += [TimelineEntry(h.at, "gebeurtenis", h) for h in self.history]
        entries += [TimelineEntry(f.at or f.done_at, "vervolg", f) for f in self.follow_ups if f.done_at]
        order = {"gebeurtenis": 0, "poging": 1, "vervolg": 2}
        return sorted(entries, key=lambda e: (e.at, order[e.kind], e.item.pk))

    @property
    def open_follow_ups(self) -> list:
        return [f for f in self.follow_ups if f.done_at is None]


def _persons_and_household(signals) -> tuple[list[dict], list[dict]]:
    """The signals' residents as the BRP check found them, and the household members, deduplicated."""
    persons: dict[str, dict] = {}
    household: dict[str, dict] = {}
    for signal in signals:
        evidence = signal.brp_evidence or {}
        signal_name = " ".join(p for p in (signal.first_names or signal.initials, signal.surname_prefix,
                                           signal.surname) if p) or signal.trade_name
        key = evidence.get("bsn") or evidence.get("naam") or signal_name
        person = persons.setdefault(key, {
            "naam": evidence.get("naam") or signal_name, "naam_in_signaal": signal_name,
            "geboortedatum": evidence.get("geboortedatum", ""), "leeftijd": evidence.get("leeftijd"),
            "brp": evidence.get("uitkomst_omschrijving", ""), "overlijdensdatum": evidence.get("overlijdensdatum", ""),
            "partijen": [],
        })
        if signal.creditor.name not in person["partijen"]:
            person["partijen"].append(signal.creditor.name)
        for member in evidence.get("huishouden") or []:
            member_key = member.get("bsn") or f"{member.get('naam')}|{member.get('geboortedatum')}"
            household.setdefault(member_key, member)
    return list(persons.values()), list(household.values())


def _contact_details(signals) -> list[dict]:
    """Phone numbers, e-mail addresses and birth dates the creditors sent, each with who sent it.
    Values that could not be used come as delivered with a ``notitie`` ("niet bruikbaar: …"):
    a worker may still recognise a number written oddly."""
    found: dict[tuple[str, str], dict] = {}
    for signal in signals:
        values = [("Telefoon", str(number), "") for number in signal.phone_numbers or [] if number]
        if signal.email:
            values.append(("E-mail", signal.email, ""))
        values += [(row["veld"], row["waarde"], row["notitie"]) for row in signal_unusable_values(signal, fields=(
            "klant.telefoonnummers", "klant.emailadres", "klant.geboortedatum"))]
        for kind, value, note in values:
            row = found.setdefault((kind, value), {"soort": kind, "waarde": value, "notitie": note, "bronnen": []})
            if signal.creditor.name not in row["bronnen"]:
                row["bronnen"].append(signal.creditor.name)
    return list(found.values())


def case_page_data(user, pk: int, *, now: dt.datetime) -> CasePageData | None:
    """Everything the case page shows, in a constant number of queries; None when the user may not see
    the case (another municipality's, or a role that does not work cases)."""
    from accounts.models import Role, User
    from contacts.models import ContactAttempt

    case = (case_list_for_user(user).select_related("routing_rule", "feedback_consent_by", "municipality")
            .filter(pk=pk).first())
    if case is None:
        return None
    signals = list(Signal.objects.filter(case_link__case=case).select_related("creditor", "case_link")
                   .order_by("signal_date", "received_at", "pk"))
    attempts = list(ContactAttempt.objects.filter(case=case).select_related("by", "reply_registered_by")
                    .order_by("at", "pk"))
    history = list(case.history.exclude(event=CaseEvent.CONTACT).order_by("at", "pk"))
    follow_ups = list(FollowUp.objects.filter(case=case).select_related("done_by", "assigned_to")
                      .order_by("due_on", "pk"))
    since = add_months(deadlines.local_date(now), -case.municipality.retention_months)
    earlier = list(Case.objects.filter(municipality_id=case.municipality_id, address_key=case.address_key,
                                       opened_at__lt=case.opened_at, opened_at__gte=deadlines.start_of_day(since))
                   .exclude(pk=case.pk).order_by("-opened_at", "-pk")[:EARLIER_CASES_SHOWN])
    persons, household = _persons_and_household(signals)
    data = CasePageData(case=case, signals=signals, attempts=attempts, history=history, follow_ups=follow_ups,
                        earlier_cases=earlier, earlier_since=since, persons=persons, household=household,
                        contact_details=_contact_details(signals))
    if user.role == Role.TEAMLEIDER:
        data.workers = list(User.objects.filter(is_active=True, role__in=list(CASE_ROLES),
                                                municipalities=case.municipality_id)
                            .order_by("first_name", "last_name", "username").distinct())
    return data


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


def active_case_at(municipality_id: int, address_key: str) -> Case | None:
    """The most recent active case at an address (open, in behandeling or heropend)."""
    return (Case.objects.filter(municipality_id=municipality_id, address_key=address_key,
                                status__in=ACTIVE_STATUSES)
            .order_by("-opened_at", "-pk").first())


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


# A signal that passed the checks / one whose checks have not ended yet (it may still pass or not).
PASSED_STATUSES = (SignalStatus.GECONTROLEERD, SignalStatus.IN_MELDING)
UNDECIDED_STATUSES = (SignalStatus.ONTVANGEN, SignalStatus.IN_CONTROLE, SignalStatus.WACHT_OP_BRP,
                      SignalStatus.UITVAL)


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
    """The API's list of cases in the worker's queue order (most urgent first, then the earliest deadline), with
    the counts a list shows.

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
    signals = (CaseSignal.objects.filter(case=OuterRef("pk")).order_by().values("case").annotate(n=Count("pk"))
               .values("n"))
    attempts = (ContactAttempt.objects.filter(case=OuterRef("pk")).order_by().values("case")
                .annotate(n=Count("pk")).values("n"))
    # The worker's queue order (``queue_page``): most urgent first, then the earliest deadline.
    return (qs.select_related("tray", "assigned_to", "municipality").alias(rank=queue_rank())
            .annotate(signal_count=Coalesce(Subquery(signals), 0), attempt_count=Coalesce(Subquery(attempts), 0))
            .order_by("rank", "deadline_at", "pk"))


def case_get_for_api(user, pk: int) -> Case | None:
    """One case for the API (None when it is not the caller's to see: other municipality, other role)."""
    return _api_scope(user).select_related("tray", "assigned_to", "municipality", "routing_rule").filter(pk=pk).first()


def case_creditor_kinds(case_ids) -> dict[int, set[str]]:
    """The creditor kinds of several cases' signals at once (one query)."""
    kinds: dict[int, set[str]] = {case_id: set() for case_id in case_ids}
    rows = (CaseSignal.objects.filter(case_id__in=list(kinds)).order_by()
            .values_list("case_id", "signal__creditor_kind").distinct())
    for case_id, kind in rows:
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
