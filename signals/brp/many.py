"""The BRP checks of many signals at once (a chunk): ``decide_many(checks) -> results``.

Each check is a :class:`PersonCheck` (``check_person``'s arguments without the client) or a
:class:`ChosenCheck` (``check_chosen_person``'s). The result at index *i* is the
:class:`~signals.brp.decision.BrpDecision` of check *i*, or the :class:`~signals.brp.errors.BrpError`
that kept it from being decided (``BrpUnavailable``: try again later; ``BrpAuthenticationError``;
``BrpRequestError``: the BRP refused the question). Decisions are the same as one ``check_person``
call per signal would give, ``bevragingen`` included.

How: one event loop per call (``asyncio.run``; no database work happens in it). Every check is a
coroutine that runs the unchanged decision code on a :class:`~signals.brp.answers.BrpAnswers` of the
chunk; when an answer is missing it awaits it and decides again from the start. The answers are
shared in the chunk (one residents search per address, full records 20 BSNs per question) and asked
through an :class:`~signals.brp.transport.AsyncBrpSession`: at most ``BRP_CONCURRENCY`` queries in
flight, slowing down on 429, retrying like the synchronous client, and a circuit breaker.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from django.conf import settings

from .answers import BrpAnswers, Missing
from .client import settings_values, shared_client
from .decide import check_chosen_person, check_person
from .decision import BrpDecision
from .errors import BrpError, BrpUnavailable
from .transport import DEFAULT_CONCURRENCY, AsyncBrpSession

logger = logging.getLogger(__name__)

MAX_ROUNDS = 50  # decisions of one check; each round needs new answers, so a few are the rule

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
    if not checks:
        return []
    started = time.monotonic()
    session = session_from_settings()
    try:
        try:
            session.prepare()  # the OAuth token, before the loop (blocking)
        except BrpError as exc:
            return [exc] * len(checks)
        remaining = None if budget is None else max(0.0, budget - (time.monotonic() - started))
        return asyncio.run(_decide_all(session, list(checks), remaining))
    finally:
        session.close()


def session_from_settings() -> AsyncBrpSession:
    """An asynchronous session configured like the shared client (``BRP_*`` settings), sharing its
    OAuth token, with ``BRP_CONCURRENCY`` queries in flight at most."""
    values = settings_values()
    client = shared_client()
    return AsyncBrpSession(values["base_url"], api_key=values["api_key"], tokens=client.tokens,
                           token_http=client.http, timeout=values["timeout"], retries=values["retries"],
                           concurrency=int(getattr(settings, "BRP_CONCURRENCY", DEFAULT_CONCURRENCY)))


async def _decide_all(session: AsyncBrpSession, checks: list[PersonCheck | ChosenCheck],
                      budget: float | None) -> list[BrpDecision | BrpError]:
    async with session:
        answers = BrpAnswers(session)
        tasks = [asyncio.create_task(_decide(answers, check)) for check in checks]
        try:
            _, pending = await asyncio.wait(tasks, timeout=budget)
        finally:
            answers.close()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        if pending:
            logger.warning("BRP: %d van %d controles niet beslist binnen %.0f s.", len(pending), len(tasks), budget)
    out_of_time = BrpUnavailable("De tijd voor deze reeks controles is op.")
    return [out_of_time if task in pending else task.result() for task in tasks]


async def _decide(answers: BrpAnswers, check: PersonCheck | ChosenCheck) -> BrpDecision | BrpError:
    """One check: decide on what is known, await what is missing, decide again."""
    arguments = asdict(check)
    for _ in range(MAX_ROUNDS):
        try:
            if isinstance(check, ChosenCheck):
                return check_chosen_person(answers, **arguments)  # type: ignore[arg-type]
            return check_person(answers, **arguments)  # type: ignore[arg-type]
        except Missing as missing:
            await answers.fetch(missing.keys)
        except BrpError as exc:
            return exc
    return BrpUnavailable("De BRP-controle kwam niet tot een besluit.")
