"""The named role predicates: who may use which screen, API and admin page (ADR 0009).

Every view, API, export, admin class and autocomplete asks one of these; the rows a user then sees
come from ``.visible_to(user, roles=…)`` (``vroegsignalering.common.tenancy``) with the same
predicate or role set. A predicate is False for an anonymous visitor and for a deactivated account.
Superusers have no case-work role by being superusers: they administer ``/beheer/``.
"""
from __future__ import annotations

from vroegsignalering.common.tenancy import has_role, is_signed_in

from .models import API_ROLES, CASEWORK_ROLES, Role

__all__ = [
    "API_ROLES", "CASEWORK_ROLES", "TEAM_LEAD_ROLES", "can_import_signals", "has_role", "is_creditor_staff",
    "is_functional_admin", "is_installation_admin", "is_signed_in", "is_superuser", "is_team_lead",
    "reviews_fallout", "uses_admin", "uses_municipal_api", "works_cases",
]

TEAM_LEAD_ROLES = frozenset({Role.TEAMLEIDER})


def works_cases(user) -> bool:
    """A worker or team lead: the queue, the case page, fallout review (their municipalities' only)."""
    return has_role(user, CASEWORK_ROLES)


def is_team_lead(user) -> bool:
    """A team lead: the only role that assigns, plans visits and sets capacity."""
    return has_role(user, TEAM_LEAD_ROLES)


def uses_municipal_api(user) -> bool:
    """A worker, team lead or service account (an integration that works cases like a worker)."""
    return has_role(user, API_ROLES)


def reviews_fallout(user) -> bool:
    """A worker or team lead of at least one municipality (the fallout screens)."""
    return works_cases(user) and user.municipalities.exists()


def is_superuser(user) -> bool:
    return is_signed_in(user) and user.is_superuser


def is_functional_admin(user) -> bool:
    """A functional administrator or a superuser: ``/beheer/`` (each admin class scopes its rows)."""
    return is_signed_in(user) and (user.is_superuser or user.role == Role.FUNCTIONEEL_BEHEERDER)


def is_installation_admin(user) -> bool:
    """The installation's administrator (or a superuser): installation-wide objects in ``/beheer/``
    (municipalities, creditors, their keys and webhooks) and the municipalities' functional administrators."""
    return is_signed_in(user) and (user.is_superuser or user.role == Role.INSTALLATIEBEHEERDER)


def uses_admin(user) -> bool:
    """Who may enter ``/beheer/`` at all; each admin class then decides what this user sees there."""
    return is_functional_admin(user) or is_installation_admin(user)


def is_creditor_staff(user) -> bool:
    """A creditor's staff member with an active creditor."""
    return (has_role(user, {Role.VASTELASTENPARTNER}) and user.creditor_id is not None
            and user.creditor.is_active)


def can_import_signals(user) -> bool:
    """Creditor staff (for their own, active creditor) and functional administrators: the CSV import."""
    return is_functional_admin(user) or is_creditor_staff(user)


def reads_audit_trail(user) -> bool:
    """An auditor: the audit trail (``/audit``) of their municipalities, and no case data (issue 11)."""
    return has_role(user, {Role.AUDITOR})


__all__ += ["reads_audit_trail"]


# The monitor (/monitor/, issue 12): anonymised figures of one's own municipalities.
MONITOR_ROLES = frozenset({Role.TEAMLEIDER, Role.FUNCTIONEEL_BEHEERDER, Role.BELEIDSMEDEWERKER})


def reads_monitor(user) -> bool:
    """A team lead, functional administrator or policy officer: the monitor's figures of their municipalities
    (never a resident's data: the statistics store holds none)."""
    return has_role(user, MONITOR_ROLES)


__all__ += ["MONITOR_ROLES", "reads_monitor"]


# The call centre (klantcontactcentrum, issue 13): the KCC search and "inwoner belde" of their municipalities;
# never a case screen or the case API (``Role.KCC`` is in neither CASEWORK_ROLES nor API_ROLES).
KCC_ROLES = frozenset({Role.KCC})


def works_kcc(user) -> bool:
    """A call-centre employee: whether a household of their municipalities has an active case, who handles it
    and how to reach them; registers an inbound call as a task for the worker."""
    return has_role(user, KCC_ROLES)


__all__ += ["KCC_ROLES", "works_kcc"]
