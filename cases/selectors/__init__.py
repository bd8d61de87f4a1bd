"""Reads of cases, by concern. Tenant and role scoping happens here, through ``.visible_to``
(``vroegsignalering.common.tenancy``, ADR 0009), so a view cannot forget it.

- ``queue``: the worker's queue and the cases a user may see;
- ``case_page``: everything the case page shows;
- ``team``: the team lead's screens;
- ``api``: the municipal API;
- ``internal``: unscoped reads the services and tasks use.

``from cases import selectors; selectors.x(...)`` keeps working for every public name.
"""
from .api import _api_scope, assignable_worker, case_get_for_api, case_list_for_api, trays_for_api
from .case_page import EARLIER_CASES_SHOWN, CasePageData, TimelineEntry, case_page_data
from .internal import (
    PASSED_STATUSES,
    UNDECIDED_STATUSES,
    active_case_at,
    case_attempt_get,
    case_attempts,
    case_creditor_kinds,
    case_signals,
    case_signals_by_case,
    case_was_reached,
    cases_crisis_overdue,
    cases_due_for_expiry,
    contact_attempt_model,
    policy_for,
    prior_arrears,
    tray_usage,
)
from .queue import (
    CASE_ROLES,
    QUEUE_COUNT_CAP,
    QUEUE_ORDER,
    QUEUE_PAGE_SIZE,
    QUEUE_SIDE_LIST,
    QueueFilters,
    QueuePage,
    TrayCount,
    case_by_reference,
    case_get_for_user,
    case_list_for_user,
    crisis_overdue_for_user,
    queue_cases,
    queue_page,
    queue_rank,
    queue_trays,
    user_municipality_ids,
)
from .team import (
    capacity_period_end,
    case_workers_for_user,
    team_case_get_for_user,
    team_cases_for_user,
    trays_for_user,
)

__all__ = [
    "CASE_ROLES", "EARLIER_CASES_SHOWN", "PASSED_STATUSES", "QUEUE_COUNT_CAP", "QUEUE_ORDER", "QUEUE_PAGE_SIZE",
    "QUEUE_SIDE_LIST", "UNDECIDED_STATUSES", "CasePageData", "QueueFilters", "QueuePage", "TimelineEntry",
    "TrayCount", "_api_scope", "active_case_at", "assignable_worker", "capacity_period_end", "case_attempt_get",
    "case_by_reference",
    "case_attempts", "case_creditor_kinds", "case_get_for_api", "case_get_for_user", "case_list_for_api",
    "case_list_for_user", "case_page_data", "case_signals", "case_signals_by_case", "case_was_reached",
    "case_workers_for_user", "cases_crisis_overdue", "cases_due_for_expiry", "contact_attempt_model",
    "crisis_overdue_for_user", "policy_for", "prior_arrears", "queue_cases", "queue_page", "queue_rank",
    "queue_trays", "team_case_get_for_user", "team_cases_for_user", "tray_usage", "trays_for_api",
    "trays_for_user", "user_municipality_ids",
]
