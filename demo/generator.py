"""The demo generator: a month of synthetic signals per municipality, as contract ``<Signaal>`` dicts.

Which households are signalled follows the calibration (:mod:`demo.calibration`, Divosa 2024); who the
customer is, what they owe and since when is drawn here; how the creditor writes it down is
:mod:`demo.notations`. What is delivered on a day is relative to that day (:func:`delivery_state`).

Every signal's content is a pure function of (seed, municipality, month, household, slot), so a
re-run, a run with another ``scale`` or ``limit``, or a run for only some creditor kinds yields the
same ``signaalId`` with the same content (``al_ontvangen``), never a conflict.
"""
from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from vroegsignalering.common.vocab import DEFAULT_ARREAR_AGE_WINDOWS, SignalKind

from .calibration import (
    AFSLUITING_SHARE,
    AMOUNT_CLASSES,
    AMOUNT_CUMULATIVE,
    EINDELEVERING_SHARE_ELECTRICITY_GAS,
    ENERGIE,
    ENERGY_KIND_SHARES,
    GROUP_SHARES,
    HUUR,
    MEAN_SIGNALS_PER_ADDRESS,
    NOT_IN_POPULATION_SHARE,
    ONTRUIMING_SHARE_OF_RENT,
    OUTSIDE_WINDOW_SHARE,
    SIGNALS_PER_1000_INHABITANTS_PER_MONTH,
    THREE_SIGNALS_SHARE,
    TIERS,
    TRADE_NAME_SHARE,
    WATER,
    ZORG,
    Tier,
)
from .notations import adres_as_sent, klant_as_sent, trade_klant_as_sent
from .people import SURNAMES, Person, adult_age, make_person
from .population import Household, household, household_count, stream_base
from .rng import Rng, cumulative, pick_by, unit

# --- months -----------------------------------------------------------------------------------


def parse_month(value: str) -> tuple[int, int]:
    """'2026-05' → (2026, 5); ValueError with a Dutch message otherwise."""
    try:
        year, month = (int(part) for part in value.split("-"))
        dt.date(year, month, 1)
    except (ValueError, TypeError):
        raise ValueError(f"Ongeldige maand {value!r}; gebruik JJJJ-MM, bv. 2026-05.") from None
    if len(value) != 7:
        raise ValueError(f"Ongeldige maand {value!r}; gebruik JJJJ-MM, bv. 2026-05.")
    return year, month


def previous_months(month: str, count: int) -> list[str]:
    """The ``count`` months before ``month``, oldest first: ('2026-02', 2) → ['2025-12', '2026-01']."""
    year, number = parse_month(month)
    serial = year * 12 + number - 1
    return [f"{s // 12:04d}-{s % 12 + 1:02d}" for s in range(serial - count, serial)]


def expected_volume(inhabitants: int, scale: float = 1.0) -> float:
    """Expected number of signals per month for a municipality (all creditor kinds)."""
    return inhabitants * SIGNALS_PER_1000_INHABITANTS_PER_MONTH / 1000 * scale


# --- signals ----------------------------------------------------------------------------------

_ID_PREFIX = {ZORG: "ZV", HUUR: "WC", WATER: "WB", ENERGIE: "EL"}
_GROUPS = tuple(GROUP_SHARES)
_GROUP_WEIGHTS = tuple(GROUP_SHARES.values())
_GROUP_CUMULATIVE = cumulative(_GROUP_WEIGHTS)
_ENERGY_KINDS = tuple(ENERGY_KIND_SHARES)
_ENERGY_WEIGHTS = tuple(ENERGY_KIND_SHARES.values())
_CONTRACT_PREFIX = {ZORG: "POL", HUUR: "HUUR", WATER: "KLANT", "elektriciteit": "EAN-E", "gas": "EAN-G",
                    "warmte": "WRM"}
_INSTALMENT_CENTS = {ZORG: (13_500, 16_500), HUUR: (45_000, 110_000), ENERGIE: (6_000, 25_000)}  # assumption
_VROEG, _EINDE = SignalKind.VROEGSIGNAAL.value, SignalKind.EINDELEVERING.value
_AFSLUITING, _ONTRUIMING = SignalKind.AFSLUITING.value, SignalKind.ONTRUIMING.value
_PREFERRED_GROUP_SHARE = 0.6  # a household's signals tend to come from the same branch


@dataclass(frozen=True, slots=True)
class _Month:
    label: str  # "2026-05"
    compact: str  # "202605"
    first: dt.date
    days: int


def generate_month(
    municipality_code: str,
    inhabitants: int,
    month: str,
    *,
    seed: int = 0,
    scale: float = 1.0,
    kinds: Iterable[str] | None = None,
    place: str = "",
    today: dt.date | None = None,
) -> list[dict[str, Any]]:
    """The month's signals for one municipality as contract ``<Signaal>`` dicts.

    Deterministic for (code, inhabitants, month, seed, scale); ``kinds`` keeps only signals of
    those creditor kinds (without changing them); ``place`` is sent as ``adres.woonplaats``.
    ``signaaldatum`` lies inside the month; ``signaalId`` is unique per creditor and stable.
    With ``today``, only what creditors have sent by that day (see :func:`delivery_state`).
    """
    year, number = parse_month(month)
    context = _Month(month, f"{year:04d}{number:02d}", dt.date(year, number, 1), calendar.monthrange(year, number)[1])
    wanted = set(kinds) if kinds is not None else None
    payloads: list[dict[str, Any]] = []
    for index, tier in _signalled_households(municipality_code, seed, inhabitants, scale, month):
        for payload in _household_signals(municipality_code, seed, context, index, tier, place):
            if wanted is None or payload["soortVasteLast"] in wanted:
                payloads.append(payload)
    if today is not None:
        payloads = [p for p in payloads if delivery_state(p, today) == DUE]
    return payloads


# What a creditor has sent by a given day. A crisis signal (eindelevering, afsluiting, ontruiming) is
# sent at most CRISIS_FRESH_DAYS before "today" and its crisis date is today or later: older ones were
# dealt with when they arrived (in a system that ran then), and replaying them today would show
# cases as urgent whose supply ended or whose eviction took place months ago.
DUE, LATER, CRISIS_OVER = "due", "later", "crisis_over"
CRISIS_FRESH_DAYS = 7
_CRISIS_DATE_FIELDS = ("datumEindeLevering", "datumAfsluiting", "datumOntruiming")


def crisis_date(payload: dict[str, Any]) -> dt.date | None:
    """The date of the crisis (end of supply, disconnection, eviction), or None for a vroegsignaal."""
    for name in _CRISIS_DATE_FIELDS:
        if payload.get(name):
            return dt.date.fromisoformat(payload[name])
    return None


def delivery_state(payload: dict[str, Any], today: dt.date) -> str:
    """DUE (sent by ``today``), LATER (signaaldatum after today) or CRISIS_OVER (a crisis signal that
    is not fresh on ``today``: sent more than CRISIS_FRESH_DAYS before, or its crisis date passed)."""
    signal_date = dt.date.fromisoformat(payload["signaaldatum"])
    if signal_date > today:
        return LATER
    crisis = crisis_date(payload)
    if crisis is not None and (crisis < today or signal_date < today - dt.timedelta(days=CRISIS_FRESH_DAYS)):
        return CRISIS_OVER
    return DUE


@lru_cache(maxsize=256)
def _tier_plan(households: int, addresses_per_month: float) -> tuple[tuple[Tier, int, int, int], ...]:
    """Per tier: (tier, first rank, number of households, number signalled per month)."""
    counts = [addresses_per_month * t.address_share for t in TIERS]
    sizes = [count / t.monthly_probability for count, t in zip(counts, TIERS, strict=True)]
    if sum(sizes) > households:  # a very large scale: fewer households, signalled more often
        factor = households / sum(sizes)
        sizes = [max(count, size * factor) for count, size in zip(counts, sizes, strict=True)]
    plan, start = [], 0
    for tier, count, size in zip(TIERS, counts, sizes, strict=True):
        size = min(round(size), households - start)
        plan.append((tier, start, size, min(size, round(count))))
        start += size
    return tuple(plan)


@lru_cache(maxsize=256)
def _permutation(municipality_code: str, seed: int, households: int) -> tuple[int, int]:
    """An affine bijection rank → household index, (a·rank + b) mod households."""
    digest = hashlib.sha256(f"demo-permutation:{seed}:{municipality_code}:{households}".encode()).digest()
    a = int.from_bytes(digest[:8], "big") % households
    while math.gcd(a, households) != 1:
        a = (a + 1) % households
    return a, int.from_bytes(digest[8:16], "big") % households


def _signalled_households(code: str, seed: int, inhabitants: int, scale: float, month: str) -> list[tuple[int, Tier]]:
    households = household_count(inhabitants)
    addresses = expected_volume(inhabitants, scale) / MEAN_SIGNALS_PER_ADDRESS
    a, b = _permutation(code, seed, households)
    rng = random.Random(f"demo-month:{seed}:{code}:{month}")
    chosen = []
    for tier, start, size, count in _tier_plan(households, addresses):
        for rank in rng.sample(range(size), count):
            chosen.append(((a * (start + rank) + b) % households, tier))
    rng.shuffle(chosen)
    return chosen


def _household_signals(code: str, seed: int, month: _Month, index: int, tier: Tier, place: str) -> list[dict]:
    rng = Rng(stream_base(code, seed) << 64 | int(month.compact) << 32 | index)
    multiple, three = rng.random() < tier.multiple_share, rng.random() < THREE_SIGNALS_SHARE
    count = (3 if three else 2) if multiple else 1
    home = household(code, index, seed)
    adults = [p for p in home.persons if p.age_on(month.first) >= 18] or [home.persons[0]]
    preferred = pick_by(unit(f"demo-preference:{seed}:{code}:{index}"), _GROUPS, _GROUP_WEIGHTS)

    groups: list[str] = []
    insured: list[Person] = []
    payloads = []
    # Each slot's content is drawn right after its branch, so slot 0 does not depend on the count.
    for slot in range(count):
        if slot == 0 and rng.random() < _PREFERRED_GROUP_SHARE:
            group = preferred
        else:
            group = rng.weighted(_GROUPS, _GROUP_CUMULATIVE)
        for _ in range(4):  # the same branch twice only for another insured adult
            if group not in groups or (group == ZORG and len(adults) > len(insured)):
                break
            group = rng.weighted(_GROUPS, _GROUP_CUMULATIVE)
        groups.append(group)
        person = None
        if group == ZORG:
            person = rng.pick([p for p in adults if p not in insured] or adults)
            insured.append(person)
        payloads.append(_signal(rng, code, seed, month, home, adults, group, slot, person, place))
    return payloads


def _signal(rng: Rng, code: str, seed: int, month: _Month, home: Household, adults: list[Person],
            group: str, slot: int, insured: Person | None, place: str) -> dict[str, Any]:
    kind = pick_by(rng.random(), _ENERGY_KINDS, _ENERGY_WEIGHTS) if group == ENERGIE else group
    signal_kind = _signal_kind(rng, group, kind)
    signal_date = month.first + dt.timedelta(days=rng.below(month.days))

    # The customer: normally a resident; sometimes a trade name or someone not in the population.
    customer = insured or (adults[1] if len(adults) > 1 and rng.random() < 0.25 else adults[0])
    if group == ENERGIE and rng.random() < 0.005:  # a contract in the name of a teenager
        customer = next((p for p in home.persons if 14 <= p.age_on(month.first) < 18), customer)
    draw = rng.random()
    if draw < NOT_IN_POPULATION_SHARE:
        age = adult_age(rng)
        customer = make_person(rng, "", rng.pick("MV"), age, rng.pick(SURNAMES))
        klant = klant_as_sent(rng, customer)
    elif group != ZORG and draw < NOT_IN_POPULATION_SHARE + TRADE_NAME_SHARE:
        klant = trade_klant_as_sent(rng, customer)
    else:
        klant = klant_as_sent(rng, customer)

    cents = _amount_cents(rng, "crisis" if group == ENERGIE and signal_kind != _VROEG else group)
    achterstand: dict[str, Any] = {
        "bedrag": f"{cents // 100}.{cents % 100:02d}",
        "vervaldatumOudsteFactuur": (signal_date - dt.timedelta(days=_arrear_age(rng, kind, signal_kind))).isoformat(),
    }
    instalment = _INSTALMENT_CENTS.get(group)
    if instalment:
        term = rng.between(*instalment)
        achterstand["aantalTermijnen"] = max(2 if group == ENERGIE else 1, round(cents / term))
        achterstand["termijnbedrag"] = f"{term // 100}.{term % 100:02d}"

    # Contract numbers are stable per household (and insured person): slepers recur on one contract.
    contract = f"{_CONTRACT_PREFIX[kind]}-{code}-{home.index:07d}"
    if group == ZORG:
        contract += "-" + (customer.key.rsplit("-", 1)[-1] if customer.key else "X")
    payload: dict[str, Any] = {
        "signaalId": f"{_ID_PREFIX[group]}-{seed}-{code}-{month.compact}-{home.index:07d}-{slot}",
        "gemeentecode": code,
        "soortVasteLast": kind,
        "soortSignaal": signal_kind,
        "klant": klant,
        "adres": adres_as_sent(rng, home, place),
        "achterstand": achterstand,
        "contractnummer": contract,
        "signaaldatum": signal_date.isoformat(),
    }
    if signal_kind == _EINDE:
        payload["datumEindeLevering"] = (signal_date + dt.timedelta(days=28)).isoformat()  # ≈ 20 working days
    elif signal_kind == _AFSLUITING:
        payload["datumAfsluiting"] = (signal_date + dt.timedelta(days=rng.between(10, 21))).isoformat()
    elif signal_kind == _ONTRUIMING:
        payload["datumOntruiming"] = (signal_date + dt.timedelta(days=rng.between(14, 42))).isoformat()
    if group in (HUUR, ENERGIE) and rng.random() < 0.02:
        payload["warmeOverdracht"] = True
    return payload


def _signal_kind(rng: Rng, group: str, kind: str) -> str:
    draw = rng.random()
    if group == ENERGIE and kind != "warmte":
        if draw < EINDELEVERING_SHARE_ELECTRICITY_GAS:
            return _EINDE
        draw -= EINDELEVERING_SHARE_ELECTRICITY_GAS
    if draw < AFSLUITING_SHARE.get(group, 0.0):
        return _AFSLUITING
    if group == HUUR and draw < ONTRUIMING_SHARE_OF_RENT:
        return _ONTRUIMING
    return _VROEG


def _amount_cents(rng: Rng, key: str) -> int:
    low, high = rng.weighted(AMOUNT_CLASSES, AMOUNT_CUMULATIVE[key])
    if high is None:
        return low + min(900_000, int(rng.expovariate(1 / 80_000)))
    return rng.between(low, high)


def _arrear_age(rng: Rng, kind: str, signal_kind: str) -> int:
    """Days between the oldest unpaid invoice's due date and the signal: mostly inside the
    convenant window (DEFAULT_ARREAR_AGE_WINDOWS), a few outside."""
    low, high = DEFAULT_ARREAR_AGE_WINDOWS[kind]
    if rng.random() < OUTSIDE_WINDOW_SHARE:
        if high is not None and rng.random() < 0.5:
            return high + rng.between(1, 40)
        return max(1, low - rng.between(1, 20))
    if high is not None:
        return rng.between(low, high)
    extra = 30 if signal_kind == _EINDE else 0
    return low + extra + min(300, int(rng.expovariate(1 / 40)))

