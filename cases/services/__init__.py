"""Writes of cases: period close (matching + routing), crisis cases, late and updated signals,
closing, reopening, the day-28 closure, and the team lead's assignments and capacity.

Each service runs in one transaction, locks what it changes (``select_for_update``) and appends
history. Creating cases is serialised per municipality by locking the municipality row, so a
period close and a crisis signal never open two cases at one address at once. Lock order:
municipality → signal → case. (The checks call in with their own signal already locked; that
signal is not yet committed as GECONTROLEERD, so a concurrent period close does not wait for it.)

Layout, by concern: ``period_close``; ``joining`` (crisis, updated and late signals, the sweeper);
``closing`` (ensure open for work, close, reopen, start work, the day-28 closure); ``rectification`` (a
worker corrects the contact data, AVG art. 16); ``team``
(assigning, tray capacity, the case policy). Shared internals: ``_writes`` (history rows, bulk
writes, locks, feedback), ``_routing`` (routing setup and applying a decision), ``_attach``
(building cases from signals). The public names are re-exported here: ``from cases import
services`` and ``services.case_close(...)`` work as before.
"""
from ._routing import FALLBACK_TRAY, SHV_TRAY
from ._writes import SYSTEM, case_history_append, case_history_write, case_lock
from .closing import (
    REACHED_CATEGORIES,
    case_close,
    case_reopen,
    case_start_work,
    cases_close_expired,
    ensure_open_for_work,
)
from .joining import case_join_late_signal, case_open_for_crisis, case_update_with_signal, signals_attach_late
from .period_close import PeriodCloseResult, period_close
from .rectification import CONTACT_FIELDS, case_contact_correct, contact_mark_unusable, contact_value_normalise
from .team import (
    MAX_TRAY_CAPACITY,
    BulkAssignResult,
    case_assign,
    case_policy_update,
    cases_assign_bulk,
    tray_capacity_update,
)

__all__ = [
    "CONTACT_FIELDS", "case_contact_correct", "contact_mark_unusable", "contact_value_normalise",
    "FALLBACK_TRAY", "MAX_TRAY_CAPACITY", "REACHED_CATEGORIES", "SHV_TRAY", "SYSTEM", "BulkAssignResult",
    "PeriodCloseResult", "case_assign", "case_close", "case_history_append",
    "case_history_write", "case_join_late_signal", "case_lock",
    "case_open_for_crisis", "case_policy_update", "case_reopen", "case_start_work", "case_update_with_signal",
    "cases_assign_bulk", "cases_close_expired", "ensure_open_for_work", "period_close", "signals_attach_late",
    "tray_capacity_update",
]
