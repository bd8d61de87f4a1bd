"""One tenancy rule: who sees which rows (open-zaak's pattern, see ADR 0009).

A municipality's data (cases, trays, signals, contact attempts, follow-ups, visits, feedback …) is
visible only to users of that municipality, and only in the roles a screen or API names; a
creditor's data (CSV imports) only to that creditor's staff. Each scoped model names the path from
its rows to their municipality (``municipality_lookup``) and, where it has one, to their creditor
(``creditor_lookup``); ``.visible_to(user, roles=…)`` applies the rule. The same function scopes the
admin (``accounts.admin_mixins.MunicipalityScopedAdminMixin``), so the product and ``/beheer/`` share it.

This module knows no role names (``common`` sits below ``accounts``): the named role predicates are in
``accounts.permissions``; ``roles`` is either such a predicate or a collection of role values.
"""
from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from django.db import models

Roles = Callable[[Any], bool] | Collection[str]


def is_signed_in(user) -> bool:
    """A signed-in, active user (an anonymous visitor or a deactivated account is not)."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def has_role(user, roles: Roles) -> bool:
    """``roles`` allows this signed-in, active user: a predicate that says so, or the user's role is in
    the collection."""
    if callable(roles):
        return bool(roles(user))
    return is_signed_in(user) and getattr(user, "role", None) in roles


def scope(queryset: models.QuerySet, user, *, roles: Roles, municipality_lookup: str | None = "municipality",
          creditor_lookup: str | None = None, unscoped: Callable[[Any], bool] | None = None) -> models.QuerySet:
    """The rows of ``queryset`` that ``user`` may see.

    - Nothing unless ``roles`` allows the user.
    - Everything for a user ``unscoped`` names (e.g. superusers in the admin).
    - A creditor's staff member (a user with a creditor) sees the rows of that creditor, through
      ``creditor_lookup``; nothing when the model has no creditor.
    - Everyone else sees the rows of their own municipalities, through ``municipality_lookup``
      (``"pk"`` for the municipalities themselves); nothing when the model has no municipality.
    """
    if not has_role(user, roles):
        return queryset.none()
    if unscoped is not None and unscoped(user):
        return queryset
    if getattr(user, "creditor_id", None) is not None:
        if creditor_lookup is None:
            return queryset.none()
        return queryset.filter(**{creditor_lookup: user.creditor_id})
    if municipality_lookup is None:
        return queryset.none()
    return queryset.filter(**{f"{municipality_lookup}__in": user.municipalities.all()})


class MunicipalityScopedQuerySet(models.QuerySet):
    """A queryset whose rows belong to a municipality (and maybe a creditor). Subclasses (or the model)
    set ``municipality_lookup`` and ``creditor_lookup``; attach with ``objects = X.as_manager()``."""

    municipality_lookup: str | None = "municipality"
    creditor_lookup: str | None = None

    def _lookup(self, name: str) -> str | None:
        return getattr(self.model, name, getattr(self, name))

    def visible_to(self, user, *, roles: Roles, unscoped: Callable[[Any], bool] | None = None):
        """The rows ``user`` may see in a screen or API open to ``roles`` (see ``scope``)."""
        return scope(self, user, roles=roles, municipality_lookup=self._lookup("municipality_lookup"),
                     creditor_lookup=self._lookup("creditor_lookup"), unscoped=unscoped)

    def of_municipalities(self, municipalities):
        """The rows of these municipalities (ids, a queryset or model instances): for reads that are not
        tied to a user (services, tasks) or that were already scoped to a user's municipalities."""
        return self.filter(**{f"{self._lookup('municipality_lookup')}__in": municipalities})


class CaseScopedQuerySet(MunicipalityScopedQuerySet):
    """Rows that hang off a case (contact attempts, follow-ups, visits, the case's signals)."""

    municipality_lookup = "case__municipality"


class CreditorScopedQuerySet(MunicipalityScopedQuerySet):
    """Rows of one creditor with no municipality of their own (CSV imports, deliveries): its staff see
    their creditor's; municipal staff see none, unless ``unscoped`` says so."""

    municipality_lookup = None
    creditor_lookup = "creditor_id"
