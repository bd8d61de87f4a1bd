"""Cases (meldingen), their signals and history; trays (bakjes) and the routing rules (afwegingskader).

A case groups the signals at one household's address (see ``cases.matching``). Its ``status`` is a
protected state field; only the transitions on :class:`Case` change it, always through
``cases.services``, which lock the row, append a :class:`CaseHistory` row and store the deadlines
with their basis.

Layout: ``config`` (a municipality's policy, trays, routing rules, allocations, period closes),
``case`` (the case, its signals and history), ``follow_up`` (the follow-up after accepted help).
Every model is re-exported here, so ``from cases.models import X`` works for all of them.
"""
from .case import (
    ACTIVE_STATUSES,
    WINDOW_STATUSES,
    C,
    Case,
    CaseEvent,
    CaseHistory,
    CaseSignal,
    CaseStatus,
    FirstReaction,
    SignalRole,
)
from .config import (
    CasePolicy,
    ContactRequirement,
    MatchType,
    PeriodClose,
    Priority,
    RoutingRule,
    Tray,
    TrayAllocation,
    Urgency,
)
from .contact_data import ContactField, UnusableContact, contact_reference_valid, new_contact_reference
from .follow_up import FOLLOW_UP_EARLY, FollowUp

__all__ = [
    "ACTIVE_STATUSES", "FOLLOW_UP_EARLY", "WINDOW_STATUSES", "C", "Case", "CaseEvent", "CaseHistory", "CasePolicy",
    "CaseSignal", "CaseStatus", "ContactField", "ContactRequirement", "FirstReaction", "FollowUp", "MatchType",
    "PeriodClose",
    "Priority", "RoutingRule", "SignalRole", "Tray", "TrayAllocation", "UnusableContact", "Urgency",
    "contact_reference_valid", "new_contact_reference",
]
