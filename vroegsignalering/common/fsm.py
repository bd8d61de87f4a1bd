"""State machines in bulk: one UPDATE for many rows, still along the model's own transitions.

A single object changes state through its ``@transition`` method (django-fsm). When a service moves
thousands of rows at once (the period close links signals, the day-28 job closes cases), it uses
:func:`bulk_transition`: the edge is looked up in the model's transition graph (the metadata
django-fsm keeps on each ``@transition`` method), so a bulk UPDATE can never take a step the state
machine does not have.
"""
from __future__ import annotations

from collections.abc import Sequence

from django.db import models
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from .bulk import bulk_insert


def _meta(model: type[models.Model], transition: str):
    meta = getattr(getattr(model, transition, None), "_django_fsm", None)
    if meta is None:
        raise TransitionNotAllowed(f"{model.__name__}.{transition} is not a transition.")
    return meta


def fsm_target(model: type[models.Model], transition: str, source: str) -> str:
    """The state ``transition`` leads to from ``source`` in ``model``'s graph. Refuses
    (``TransitionNotAllowed``) a source the transition does not leave from, and an edge with
    conditions or a computed target (a bulk UPDATE cannot evaluate those per row)."""
    meta = _meta(model, transition)
    edge = meta.get_transition(source) if meta.has_transition(source) else None
    if edge is None:
        raise TransitionNotAllowed(f"{model.__name__}.{transition} does not leave state {source!r}.")
    if edge.conditions or not isinstance(edge.target, str):
        raise TransitionNotAllowed(f"{model.__name__}.{transition} from {source!r} cannot run in bulk.")
    return edge.target


def bulk_transition(queryset: models.QuerySet, transition: str, *, source: str, values: dict | None = None,
                    history: Sequence[models.Model] = ()) -> list[int]:
    """Move the rows of ``queryset`` that are in state ``source`` along the model's ``transition``
    (the name of its ``@transition`` method) in one UPDATE, setting ``values`` too; then insert the
    ``history`` rows in bulk. Returns the ids changed.

    Call inside a transaction with the rows locked: a row that changes state between the read and
    the UPDATE raises ``ConcurrentTransition`` (the caller's transaction then rolls back). A row not
    in ``source`` is left alone and not returned; the caller decides whether that is an error."""
    model = queryset.model
    meta = _meta(model, transition)
    field = meta.field if isinstance(meta.field, str) else meta.field.name
    target = fsm_target(model, transition, source)
    ids = list(queryset.filter(**{field: source}).order_by("pk").values_list("pk", flat=True))
    if ids:
        changed = model._base_manager.filter(pk__in=ids, **{field: source}).update(**{field: target},
                                                                                   **(values or {}))
        if changed != len(ids):
            raise ConcurrentTransition(f"{len(ids) - changed} {model._meta.verbose_name_plural} changed state "
                                       "concurrently.")
    if history:
        bulk_insert(type(history[0]), list(history))
    return ids
