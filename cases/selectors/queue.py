"""The worker's queue (werkvoorraad): the cases a user may see, filtered and paged, with the trays and
overdue crisis cases shown beside it. Scoped through ``Case.objects.visible_to`` (ADR 0009)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Exists, ExpressionWrapper, F, IntegerField, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.fields.tuple_lookups import TupleGreaterThan, TupleLessThan

from accounts.permissions import CASEWORK_ROLES, works_cases
from vroegsignalering.common.vocab import CreditorKind

from .. import deadlines
from ..models import ACTIVE_STATUSES, WINDOW_STATUSES, Case, CaseSignal, Tray
from .internal import case_creditor_kinds, cases_crisis_overdue

# Roles that work with case data (a functional administrator configures, an auditor reads the
# audit log, a creditor's staff sees only its own feedback: none of them sees cases).
CASE_ROLES = CASEWORK_ROLES

# case_list_for_user's order: most urgent first (crisis, priority, first-action deadline, deadline, amount).
# The queue's order everywhere (screen, municipal API, selectors): most urgent, highest priority,
# nearest deadline first. ``queue_rank`` expresses the first two as one number for keyset paging.
QUEUE_ORDER = ("-urgency", "priority", "deadline_at", "pk")


def case_by_reference(user, reference: str) -> tuple[Case | None, int | None]:
    """The case a resident's reference names ('VS-7K3M2QX' or 'VS-7K3M2QX-2'), if the user may see it, and
    the attempt that carried exactly this reference (a message of the outreach plan), if any."""
    case = Case.objects.visible_to(user, roles=CASE_ROLES).filter(contact_reference=reference[:10]).first()
    if case is None:
        return None, None
    attempt = (case.contact_attempts.filter(reference=reference).order_by("-at").values_list("pk", flat=True).first()
               if len(reference) > 10 else None)
    return case, attempt


def case_list_for_user(user, *, status: Iterable[str] | None = None, tray: Tray | None = None) -> QuerySet[Case]:
    """The cases a user may see: of their municipalities, for case-working roles only; most urgent first."""
    qs = Case.objects.visible_to(user, roles=CASE_ROLES)
    if status is not None:
        qs = qs.filter(status__in=list(status))
    if tray is not None:
        qs = qs.filter(tray=tray)
    return qs.select_related("tray", "assigned_to", "municipality").order_by(*QUEUE_ORDER)


def case_get_for_user(user, pk: int) -> Case | None:
    return case_list_for_user(user).filter(pk=pk).first()


QUEUE_PAGE_SIZE = 50
QUEUE_COUNT_CAP = 500  # matching cases are counted up to this number ("meer dan 500"): a bounded cost
QUEUE_SIDE_LIST = 20  # follow-ups and overdue crisis cases shown above the queue


def queue_rank():
    """The queue's first sort key as one ascending number: most urgent first (urgency 2 → 0), then
    priority (1 → 3). One number lets keyset paging compare ``(rank, deadline_at, id)`` as a row, which
    the partial index ``case_queue_order`` (same expression) serves on PostgreSQL."""
    return ExpressionWrapper(F("priority") - 10 * F("urgency"), output_field=IntegerField())


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
    Runs a constant number of queries (cursor, page, bounded count, creditor kinds), whatever the number
    of municipalities (``_page_rows``)."""
    ids = user_municipality_ids(user) if municipality_ids is None else municipality_ids
    order = ("rank", "deadline_at", "pk")
    key = (F("rank"), F("deadline_at"), F("pk"))
    cursor = None
    if (after or before) and ids:
        cursor = (Case.objects.filter(municipality_id__in=ids, pk=after or before).annotate(rank=queue_rank())
                  .values_list("rank", "deadline_at", "pk").first())

    def matching(among: list[int]) -> QuerySet[Case]:
        return queue_cases(user, filters=filters, now=now, municipality_ids=among).alias(rank=queue_rank())

    if cursor is not None and after:
        rows = _page_rows(lambda among: matching(among).filter(TupleGreaterThan(key, cursor)), ids, order, size + 1)
        more = len(rows) > size
        rows = rows[:size]
        page = QueuePage(cases=rows, next_after=rows[-1].pk if more else None,
                         previous_before=rows[0].pk if rows else after, is_first=False, total=0, total_capped=False)
    elif cursor is not None and before:
        rows = _page_rows(lambda among: matching(among).filter(TupleLessThan(key, cursor)), ids,
                          tuple(f"-{name}" for name in order), size + 1)
        more = len(rows) > size
        rows = rows[:size][::-1]
        page = QueuePage(cases=rows, next_after=rows[-1].pk if rows else before,
                         previous_before=rows[0].pk if more else None, is_first=not more, total=0,
                         total_capped=False)
    else:
        rows = _page_rows(matching, ids, order, size + 1)
        more = len(rows) > size
        rows = rows[:size]
        page = QueuePage(cases=rows, next_after=rows[-1].pk if more else None, previous_before=None,
                         is_first=True, total=0, total_capped=False)
    counted = matching(ids).order_by()[:QUEUE_COUNT_CAP + 1].count()
    page.total, page.total_capped = min(counted, QUEUE_COUNT_CAP), counted > QUEUE_COUNT_CAP
    kinds = case_creditor_kinds([case.pk for case in page.cases]) if page.cases else {}
    page.creditor_kinds = {pk: sorted(CreditorKind(k).label for k in values) for pk, values in kinds.items()}
    return page


def _page_rows(matching: Callable[[list[int]], QuerySet[Case]], ids: list[int], order: tuple[str, ...],
               limit: int) -> list[Case]:
    """The first ``limit`` cases of ``matching(ids)`` in ``order``, in one query. For one municipality the
    index ``case_queue_order`` (municipality, rank, deadline, id) returns them in order. For several, one
    ordered range per municipality does not give one order, and PostgreSQL would sort every matching case
    (50,000 for a worker of 10 municipalities of 5,000 open cases): instead each municipality's first
    ``limit`` are taken (an index range each, a LATERAL join over the municipalities: one subquery,
    compiled once whatever their number) and only those are sorted. The global first ``limit`` are among
    them, as each one is among the first ``limit`` of its own municipality. (SQLite, the development
    default, has no LATERAL: there the one sorted query stays.)"""
    related = ("tray", "assigned_to", "municipality")
    if len(ids) <= 1 or connection.vendor != "postgresql":
        return list(matching(ids).select_related(*related).order_by(*order)[:limit])
    each = (matching(ids).filter(municipality_id=RawSQL("queue_municipality.id", ())).order_by(*order)
            .values("pk")[:limit])
    sql, params = each.query.sql_with_params()
    firsts = RawSQL(f"SELECT firsts.* FROM unnest(%s::bigint[]) AS queue_municipality(id) "
                    f"CROSS JOIN LATERAL ({sql}) AS firsts", (list(ids), *params))
    return list(Case.objects.filter(pk__in=firsts).alias(rank=queue_rank()).select_related(*related)
                .order_by(*order)[:limit])


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
