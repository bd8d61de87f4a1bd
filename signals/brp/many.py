"""The BRP checks of many signals at once (a chunk): ``decide_many(checks) -> results``.

Each check is a :class:`PersonCheck` (``check_person``'s arguments without the client) or a
:class:`ChosenCheck` (``check_chosen_person``'s). The result at index *i* is the
:class:`~signals.brp.decision.BrpDecision` of check *i*, or the :class:`~signals.brp.errors.BrpError`
that kept it from being decided (``BrpUnavailable``: try again later; ``BrpAuthenticationError``;
``BrpRequestError``: the BRP refused the question). Decisions are the same as one ``check_person``
call per signal would give, ``bevragingen`` included.

How: one event loop per call (``asyncio.run`` in a thread of its own, so that :func:`decide_stream` can report
each decision while the rest are asked; no database work happens in it). Every check is a
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
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
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

__all__ = ["ChosenCheck", "PersonCheck", "decide_many", "decide_stream"]


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
    results: list[BrpDecision | BrpError | None] = [None] * len(checks)
    for index, result in decide_stream(checks, budget=budget):
        results[index] = result
    return results  # type: ignore[return-value] - every index is reported once


def decide_stream(checks: Sequence[PersonCheck | ChosenCheck], *,
                  budget: float | None = None) -> Iterator[tuple[int, BrpDecision | BrpError]]:
    """:func:`decide_many`, reported as each check is decided: ``(index, result)`` pairs, every index once,
    in the order decided. The event loop runs in a thread of its own, so the caller can write the decided
    signals to the database while the BRP answers the rest (the checks of a chunk)."""
    if not checks:
        return
    started = time.monotonic()
    session = session_from_settings()
    try:
        session.prepare()  # the OAuth token, before the loop (blocking)
    except BrpError as exc:
        session.close()
        yield from ((index, exc) for index in range(len(checks)))
        return
    remaining = None if budget is None else max(0.0, budget - (time.monotonic() - started))
    reported: queue.SimpleQueue = queue.SimpleQueue()

    def run() -> None:
        try:
            asyncio.run(_decide_all(session, list(checks), remaining, reported.put))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread below
            reported.put(exc)
        finally:
            session.close()
            reported.put(None)

    thread = threading.Thread(target=run, name="brp-checks", daemon=True)
    thread.start()
    seen = 0
    while (item := reported.get()) is not None:
        if isinstance(item, BaseException):
            raise item
        seen += 1
        yield item
    thread.join()
    if seen != len(checks):
        raise RuntimeError(f"BRP: {len(checks) - seen} checks were not reported.")


def session_from_settings() -> AsyncBrpSession:
    """An asynchronous session configured like the shared client (``BRP_*`` settings), sharing its
    OAuth token, with ``BRP_CONCURRENCY`` queries in flight at most."""
    values = settings_values()
    client = shared_client()
    return AsyncBrpSession(values["base_url"], api_key=values["api_key"], tokens=client.tokens,
                           token_http=client.http, timeout=values["timeout"], retries=values["retries"],
                           concurrency=int(getattr(settings, "BRP_CONCURRENCY", DEFAULT_CONCURRENCY)))


async def _decide_all(session: AsyncBrpSession, checks: list[PersonCheck | ChosenCheck], budget: float | None,
                      report: Callable[[tuple[int, BrpDecision | BrpError]], None]) -> None:
    async with session:
        answers = BrpAnswers(session)

        async def one(index: int, check: PersonCheck | ChosenCheck) -> None:
            report((index, await _decide(answers, check)))

        tasks = [asyncio.create_task(one(index, check)) for index, check in enumerate(checks)]
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
    for index, task in enumerate(tasks):
        if task in pending:
            report((index, out_of_time))


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
