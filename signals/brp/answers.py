"""The BRP's answers within one chunk of checks, shared by its signals: :class:`BrpAnswers`.

``BrpAnswers`` has the query methods of :class:`~signals.brp.client.BrpClient` that the decision
code calls (``search_by_address``, ``get_by_bsn``, ``search_by_name_and_birth_date``,
``search_by_name_in_municipality``), so ``check_person(answers, …)`` runs unchanged. They answer from
what the chunk already knows, or raise :class:`Missing` with the questions to ask; the signal's
coroutine awaits :meth:`BrpAnswers.fetch` and decides again from the start (the decision is
deterministic in its answers and costs only CPU). Nothing is asked twice: one future per question.

- **Address searches**: one search per address as asked (postcode and huisnummer, and the
  huisletter/huisnummertoevoeging when given), not narrowed by name or birth date and with deceased
  persons: the residents of the house number, or of one dwelling. A search narrowed by geslachtsnaam
  and geboortedatum, or without deceased persons, is derived from it as the BRP answers it: text
  compared case-insensitively, a value without diacritics also finding names with them (RvIG's rule,
  as ``demo/brp_fake/queries.py`` implements it), the birth date as a full date. Letter and addition
  are never derived: a search answer (``PersoonBeperkt``) does not hold them, and ``adresregel1``
  ('14 H') cannot tell a letter from an addition. A value the derivation cannot be sure of (a
  wildcard, a value the BRP would refuse) is asked as is.
- **Full records** (``RaadpleegMetBurgerservicenummer``): the BSNs of all signals, per ``fields``
  list (a record's fields and the name-use fields stay separate questions: data minimisation), 20
  per question, sent at 20, when nothing else is being asked (no answer can bring more BSNs), or
  after ``batch_wait`` seconds. A BSN missing from
  the answer is not in the BRP. When a question for several BSNs is refused (4xx), each is asked alone.
- **Name searches**: asked as they are, once per question.

A question that fails makes only the checks that need it fail, with its error.
"""
from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from .client import MAX_BSNS_PER_QUERY, RAADPLEEG_BSN, ZOEK_POSTCODE_HUISNUMMER, BrpClient
from .errors import BrpAuthenticationError, BrpError, BrpRequestError
from .records import without_diacritics
from .transport import AsyncBrpSession

__all__ = ["BrpAnswers", "Missing"]

_DERIVABLE = {"type", "postcode", "huisnummer", "huisletter", "huisnummertoevoeging", "geslachtsnaam",
              "geboortedatum", "inclusiefOverledenPersonen", "fields"}
# The spec's patterns: a value outside them is asked as is (the BRP's 400 is the answer).
_GESLACHTSNAAM = re.compile(r"^[a-zA-Z0-9À-ž \.\-']{1,200}$")
_HUISLETTER = re.compile(r"^[a-zA-Z]$")
_TOEVOEGING = re.compile(r"^[a-zA-Z0-9 \-]{1,4}$")

Key = tuple  # ("q", canonical JSON of a query) or ("bsn", fields, gemeenteVanInschrijving, bsn)


class Missing(Exception):  # noqa: N818 (a signal, not an error)
    """The answers to ``keys`` are not known yet: await :meth:`BrpAnswers.fetch` and decide again."""

    def __init__(self, keys: Sequence[Key]):
        super().__init__(f"{len(keys)} vraag/vragen nog niet beantwoord")
        self.keys = list(keys)


class _Recorder:
    """Stands in for a session: :class:`BrpClient`'s query methods build their query body on it."""

    def __init__(self):
        self.queries: list[dict[str, Any]] = []

    def personen(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        self.queries.append(query)
        return []


def _query(method, **arguments: Any) -> dict[str, Any]:
    """The body ``BrpClient.<method>`` would send (the very same code builds it)."""
    recorder = _Recorder()
    method(recorder, **arguments)
    return recorder.queries[0]


def _key(query: dict[str, Any]) -> Key:
    return ("q", json.dumps(query, sort_keys=True, ensure_ascii=False))


class BrpAnswers:
    """The answers of one chunk (inside its event loop), and the source the decisions read."""

    def __init__(self, session: AsyncBrpSession, *, batch_idle: float = 0.003, batch_wait: float = 0.2):
        self.session = session
        self.batch_idle = batch_idle
        self.batch_wait = batch_wait
        self._done: dict[Key, Any] = {}  # key → answer, or the BrpError asking it gave
        self._futures: dict[Key, asyncio.Future] = {}
        self._queries: dict[Key, dict[str, Any]] = {}
        self._pending: dict[tuple[tuple[str, ...], str], list[str]] = {}
        self._since: dict[tuple[tuple[str, ...], str], float] = {}  # loop time of a batch's first BSN
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task] = set()
        self._asking = 0  # questions (searches and batches) being asked

    # -- the source (synchronous: the decision code calls these)
    def search_by_address(self, **arguments: Any) -> list[dict[str, Any]]:
        query = _query(BrpClient.search_by_address, **arguments)
        base = self._base_query(query)
        if base is None:
            return self._answer(self._ask(query))
        return [person for person in self._answer(self._ask(base)) if _fits(person, query)]

    def search_by_name_and_birth_date(self, **arguments: Any) -> list[dict[str, Any]]:
        return self._answer(self._ask(_query(BrpClient.search_by_name_and_birth_date, **arguments)))

    def search_by_name_in_municipality(self, **arguments: Any) -> list[dict[str, Any]]:
        return self._answer(self._ask(_query(BrpClient.search_by_name_in_municipality, **arguments)))

    def get_by_bsn(self, bsns: Iterable[str], *, fields: Sequence[str],
                   municipality_code: str = "") -> list[dict[str, Any]]:
        wanted = list(dict.fromkeys(bsns))
        if "burgerservicenummer" not in fields:  # answers cannot be told apart: ask as the client does
            persons: list[dict[str, Any]] = []
            for start in range(0, len(wanted), MAX_BSNS_PER_QUERY):
                query = {"type": RAADPLEEG_BSN, "burgerservicenummer": wanted[start:start + MAX_BSNS_PER_QUERY]}
                if municipality_code:
                    query["gemeenteVanInschrijving"] = municipality_code
                query["fields"] = list(fields)
                persons += self._answer(self._ask(query))
            return persons
        keys = [("bsn", tuple(fields), municipality_code, bsn) for bsn in wanted]
        missing = [key for key in keys if key not in self._done]
        if missing:
            raise Missing(missing)
        records = [self._answer(key) for key in keys]
        return [record for record in records if record is not None]

    # -- asking (inside the loop)
    async def fetch(self, keys: Iterable[Key]) -> None:
        """Ask what is not asked yet and wait until every key is answered (or failed)."""
        futures = [self._future(key) for key in keys]
        await asyncio.gather(*futures)

    def close(self) -> None:
        """Stop asking (the chunk's time is up)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._pending.clear()
        for task in self._tasks:
            task.cancel()

    # -- helpers
    def _ask(self, query: dict[str, Any]) -> Key:
        key = _key(query)
        self._queries.setdefault(key, query)
        return key

    def _answer(self, key: Key) -> Any:
        if key not in self._done:
            raise Missing([key])
        answer = self._done[key]
        if isinstance(answer, BrpError):
            raise answer
        return answer

    def _base_query(self, query: dict[str, Any]) -> dict[str, Any] | None:
        """The search of the whole dwelling (or house number) a ``ZoekMetPostcodeEnHuisnummer`` can
        be derived from: the same address, letter and addition, deceased persons too, not narrowed by
        name or birth date. None when it cannot be derived with certainty."""
        if query.get("type") != ZOEK_POSTCODE_HUISNUMMER or not set(query) <= _DERIVABLE:
            return None
        fields = query["fields"]
        if ("geslachtsnaam" in query and "naam.geslachtsnaam" not in fields
                or "geboortedatum" in query and "geboorte.datum" not in fields):
            return None  # the filter needs the value in the answer
        for name, pattern in (("geslachtsnaam", _GESLACHTSNAAM), ("huisletter", _HUISLETTER),
                              ("huisnummertoevoeging", _TOEVOEGING)):
            if name in query and not (isinstance(query[name], str) and pattern.match(query[name])):
                return None
        base = {key: value for key, value in query.items()
                if key not in ("geslachtsnaam", "geboortedatum", "inclusiefOverledenPersonen", "fields")}
        return {**base, "inclusiefOverledenPersonen": True, "fields": list(fields)}

    def _future(self, key: Key) -> asyncio.Future:
        future = self._futures.get(key)
        if future is not None:
            return future
        future = self._futures[key] = asyncio.get_running_loop().create_future()
        if key in self._done:
            future.set_result(None)
        elif key[0] == "bsn":
            self._enqueue(key)
        else:
            self._spawn(self._search(key))
        return future

    def _spawn(self, coroutine) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        self._asking += 1
        task.add_done_callback(self._asked)

    def _asked(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        self._asking -= 1
        self._arm()

    def _settle(self, key: Key, answer: Any) -> None:
        self._done[key] = answer
        future = self._futures.get(key)
        if future is not None and not future.done():
            future.set_result(None)

    async def _search(self, key: Key) -> None:
        try:
            answer: Any = await self.session.personen(self._queries[key])
        except BrpError as exc:
            answer = exc
        self._settle(key, answer)

    # -- Raadpleeg in batches
    def _enqueue(self, key: Key) -> None:
        _, fields, municipality, bsn = key
        group = (fields, municipality)
        pending = self._pending.setdefault(group, [])
        if not pending:
            self._since[group] = asyncio.get_running_loop().time()
        pending.append(bsn)
        if len(pending) >= MAX_BSNS_PER_QUERY:
            self._flush(group)
        else:
            self._arm()

    def _arm(self) -> None:
        if self._timer is None and self._pending:
            self._timer = asyncio.get_running_loop().call_later(self.batch_idle, self._tick)

    def _tick(self) -> None:
        """Send the batches that cannot grow any more: nothing else is being asked (no answer can
        bring new BSNs), or their first BSN waited ``batch_wait`` seconds."""
        self._timer = None
        now = asyncio.get_running_loop().time()
        for group in list(self._pending):
            if not self._asking or now - self._since[group] >= self.batch_wait:
                self._flush(group)
        self._arm()

    def _flush(self, group: tuple[tuple[str, ...], str]) -> None:
        bsns = self._pending.pop(group, [])
        if bsns:
            self._spawn(self._raadpleeg(group, bsns))

    async def _raadpleeg(self, group: tuple[tuple[str, ...], str], bsns: list[str]) -> None:
        fields, municipality = group
        query: dict[str, Any] = {"type": RAADPLEEG_BSN, "burgerservicenummer": bsns}
        if municipality:
            query["gemeenteVanInschrijving"] = municipality
        query["fields"] = list(fields)
        try:
            records = await self.session.personen(query)
        except BrpRequestError as exc:
            if len(bsns) > 1 and not isinstance(exc, BrpAuthenticationError):
                # one bad BSN must not fail the others: each alone
                await asyncio.gather(*(self._raadpleeg(group, [bsn]) for bsn in bsns))
                return
            answers: dict[str, Any] = dict.fromkeys(bsns, exc)
        except BrpError as exc:
            answers = dict.fromkeys(bsns, exc)
        else:
            if len(bsns) == 1:  # as the client: the first record is the answer
                answers = {bsns[0]: records[0] if records else None}
            else:
                found = {r.get("burgerservicenummer"): r for r in records}
                answers = {bsn: found.get(bsn) for bsn in bsns}
        for bsn, answer in answers.items():
            self._settle(("bsn", fields, municipality, bsn), answer)


# --- narrowing a residents search as the BRP would ----------------------------------------------


def _fits(person: dict[str, Any], query: dict[str, Any]) -> bool:
    """Would the BRP's answer to ``query`` hold this resident (of the unnarrowed search)?"""
    if not query.get("inclusiefOverledenPersonen") and _deceased(person):
        return False
    if "geslachtsnaam" in query and not _text_matches((person.get("naam") or {}).get("geslachtsnaam", ""),
                                                      query["geslachtsnaam"]):
        return False
    if "geboortedatum" in query:
        born = (person.get("geboorte") or {}).get("datum") or {}
        if born.get("type") != "Datum" or born.get("datum") != query["geboortedatum"]:
            return False
    return True


def _deceased(person: dict[str, Any]) -> bool:
    reason = ((person.get("opschortingBijhouding") or {}).get("reden") or {}).get("code", "")
    return reason == "O" or "overlijden" in person


def _text_matches(stored: str, wanted: str) -> bool:
    """The BRP's comparison of a text parameter without wildcard: case-insensitive; a value without
    diacritics also finds the name with them, a value with a diacritic only that diacritic."""
    value, stored = wanted.casefold(), stored.casefold()
    if value == without_diacritics(value):
        stored = without_diacritics(stored)
    return stored.casefold() == value
