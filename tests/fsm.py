"""One harness for the state-machine tests: every transition tried from every state.

A table maps a transition's name to (its arguments, the states it is allowed from, its target).
``transition_walk`` parametrizes a test over every (transition, state) pair; ``assert_transition``
builds an instance in that state and checks that the transition lands on its target where allowed,
and is refused (``TransitionNotAllowed``, the state unchanged) everywhere else."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pytest
from django_fsm import TransitionNotAllowed

Table = Mapping[str, tuple[tuple, set, Any]]


def in_state(model: type, status: str, field: str = "status"):
    """An unsaved ``model`` in ``status``: the field is protected, so set the state as a load would."""
    instance = model()
    instance.__dict__[field] = status
    return instance


def transition_walk(table: Table, states: Iterable[str]):
    """``pytest.mark.parametrize`` over every (transition name, source state) pair of ``table``."""
    pairs = [(name, source) for name in table for source in states]
    return pytest.mark.parametrize(("name", "source"), pairs, ids=[f"{n}-from-{s}" for n, s in pairs])


def assert_transition(table: Table, build: Callable[[str], Any], name: str, source: str, field: str = "status"):
    """Transition ``name`` on ``build(source)``: to its target where allowed, refused and unchanged otherwise."""
    args, allowed, target = table[name]
    instance = build(source)
    if source in allowed:
        getattr(instance, name)(*args)
        assert getattr(instance, field) == target
    else:
        with pytest.raises(TransitionNotAllowed):
            getattr(instance, name)(*args)
        assert getattr(instance, field) == source
