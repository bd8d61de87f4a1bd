"""The BRP checks of many signals at once (a chunk): ``decide_many(checks) -> results``.

Each check is a :class:`PersonCheck` (``check_person``'s arguments without the client) or a
:class:`ChosenCheck` (``check_chosen_person``'s). The result at index *i* is the
:class:`~signals.brp.decision.BrpDecision` of check *i*, or the :class:`~signals.brp.errors.BrpError`
that kept it from being decided (``BrpUnavailable``: try again later; ``BrpAuthenticationError``;
``BrpRequestError``: the BRP refused the question). Decisions are the same as one ``check_person``
call per signal would give.

STAND-IN: this version asks one check after another through the shared synchronous client. The
concurrent version (bounded by ``BRP_CONCURRENCY``, answers shared within the chunk) replaces the
body of ``decide_many`` with the same signature.
"""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from .client import shared_client
from .decide import check_chosen_person, check_person
from .decision import BrpDecision
from .errors import BrpError, BrpUnavailable

__all__ = ["ChosenCheck", "PersonCheck", "decide_many"]


@dataclass(frozen=True)
class PersonCheck:
    """A signal's customer to find: ``check_person``'s keyword arguments, without the client."""

    municipality_code: str
    postcode: str
    house_number: int
    today: dt.date
    house_letter: str = ""
    addition: str = ""
    surname: str = ""
    prefix: str = ""
    first_names: str = ""
    initials: str = ""
    birth_date: dt.date | None = None


@dataclass(frozen=True)
class ChosenCheck:
    """A person chosen by BSN (a reviewer, or forwarding): ``check_chosen_person``'s arguments."""

    bsn: str
    municipality_code: str
    today: dt.date


def decide_many(checks: Sequence[PersonCheck | ChosenCheck], *,
                budget: float | None = None) -> list[BrpDecision | BrpError]:
    """Decide every check; ``budget`` (seconds) bounds the whole call: checks not decided by then
    get ``BrpUnavailable`` (they are tried again later)."""
    client = shared_client()
    deadline = None if budget is None else time.monotonic() + budget
    results: list[BrpDecision | BrpError] = []
    for check in checks:
        if deadline is not None and time.monotonic() > deadline:
            results.append(BrpUnavailable("De tijd voor deze reeks controles is op."))
            continue
        try:
            if isinstance(check, ChosenCheck):
                results.append(check_chosen_person(client, **asdict(check)))
            else:
                results.append(check_person(client, **asdict(check)))
        except BrpError as exc:
            results.append(exc)
    return results
