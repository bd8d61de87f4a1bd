"""The demo population: synthetic households at synthetic addresses, per municipality.

Addresses are synthetic street names with made-up postcodes; a municipality's households are a
deterministic function of (CBS code, seed), and household ``i`` is the same whatever the number of
inhabitants. Households never move. The fake BRP finds them by address (:func:`household_at`)
without building the whole population.
"""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from functools import lru_cache

from stdnum.nl import postcode as nl_postcode

from signals import normalise

from .communities import with_community
from .people import MEAN_HOUSEHOLD_SIZE, Person, household_members
from .rng import Rng

_STREET_STEMS = (
    "Berken", "Eiken", "Linden", "Wilgen", "Esdoorn", "Kastanje", "Populieren", "Beuken", "Elzen",
    "Tulpen", "Rozen", "Lelie", "Narcissen", "Krokus", "Hyacinten", "Seringen", "Jasmijn", "Vlier",
    "Merel", "Lijster", "Zwaluw", "Spreeuw", "Kievit", "Reiger", "Meeuwen", "Zwanen", "Valken",
    "Molen", "Kerk", "Dorps", "Stations", "School", "Haven", "Dijk", "Polder", "Beek", "Veld",
    "Heide", "Duin", "Zonne", "Sterren", "Regenboog", "Koren", "Tarwe", "Rogge", "Vlas", "Hop",
    "Bloemen", "Vijver", "Brug", "Sluis", "Weide", "Akker", "Boomgaard", "Hoeve", "Schuur", "Smids",
)
_STREET_SUFFIXES = ("straat", "laan", "weg", "plein", "hof", "singel", "kade", "pad", "dreef", "erf")
_ADDRESSES_PER_POSTCODE = 18
_POSTCODES_PER_STREET = 4
# Postcode letter pairs, validated with stdnum (excludes SA, SD and SS).
_LETTER_PAIRS = tuple(
    a + b
    for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    if nl_postcode.is_valid(f"1000{a}{b}")
)


@dataclass(frozen=True, slots=True)
class Household:
    """A synthetic household at one address; ``persons[0]`` is the main occupant."""

    municipality_code: str
    index: int
    postcode: str  # normalised, e.g. "1234AB"
    huisnummer: int
    huisletter: str
    huisnummertoevoeging: str
    straatnaam: str
    persons: tuple[Person, ...]

    @property
    def address_key(self) -> str:
        return normalise.address_key(self.postcode, self.huisnummer, self.huisletter, self.huisnummertoevoeging)


def household_count(inhabitants: int) -> int:
    """Number of households of a municipality with this many inhabitants."""
    return max(1, round(inhabitants / MEAN_HOUSEHOLD_SIZE))


def population(municipality_code: str, inhabitants: int, seed: int = 0) -> list[Household]:
    """The whole synthetic population of a municipality, deterministic for (code, seed).

    Household ``i`` is the same whatever the number of inhabitants; addresses are unique within a
    municipality (postcode ranges of large municipalities may overlap with other municipalities).
    """
    return [household(municipality_code, index, seed) for index in range(household_count(inhabitants))]


@lru_cache(maxsize=32_768)
def household(municipality_code: str, index: int, seed: int = 0) -> Household:
    """Household number ``index`` of a municipality's population (see :func:`population`)."""
    pc4_start, letter_pairs, streets = _layout(municipality_code, seed)
    pc6, slot = divmod(index, _ADDRESSES_PER_POSTCODE)
    street, part = divmod(pc6, _POSTCODES_PER_STREET)
    pc4 = 1000 + (pc4_start + pc6 // len(letter_pairs)) % 9000
    rng = Rng(stream_base(municipality_code, seed) << 64 | index)
    draw = rng.random()
    letter = rng.pick("AAAB") if draw < 0.05 else ""
    addition = rng.pick(("1", "2", "3", "H", "BIS")) if 0.05 <= draw < 0.09 else ""
    return Household(
        municipality_code=municipality_code,
        index=index,
        postcode=f"{pc4}{letter_pairs[pc6 % len(letter_pairs)]}",
        huisnummer=1 + part * 2 * _ADDRESSES_PER_POSTCODE + 2 * slot,
        huisletter=letter,
        huisnummertoevoeging=addition,
        straatnaam=streets[street % len(streets)],
        persons=with_community(municipality_code, household_members(rng, f"{municipality_code}-{index:07d}")),
    )


def household_at(municipality_code: str, inhabitants: int, postcode: str, huisnummer: int,
                 seed: int = 0) -> Household | None:
    """The household living at this postcode and house number, or None: an address lookup
    without building the whole population (e.g. for a fake BRP). Letter and addition are the
    caller's to compare."""
    pc4_start, letter_pairs, _ = _layout(municipality_code, seed)
    compact = postcode.replace(" ", "").upper()
    position = _letter_pair_positions(municipality_code, seed).get(compact[4:])
    if len(compact) != 6 or not compact[:4].isdigit() or position is None or huisnummer < 1 or huisnummer % 2 == 0:
        return None
    pc6 = ((int(compact[:4]) - 1000 - pc4_start) % 9000) * len(letter_pairs) + position
    part, rest = divmod(huisnummer - 1, 2 * _ADDRESSES_PER_POSTCODE)
    index = pc6 * _ADDRESSES_PER_POSTCODE + rest // 2
    if part != pc6 % _POSTCODES_PER_STREET or index >= household_count(inhabitants):
        return None
    return household(municipality_code, index, seed)


@lru_cache(maxsize=512)
def _letter_pair_positions(municipality_code: str, seed: int) -> dict[str, int]:
    return {pair: position for position, pair in enumerate(_layout(municipality_code, seed)[1])}


@lru_cache(maxsize=512)
def stream_base(municipality_code: str, seed: int) -> int:
    """A 128-bit number per (municipality, seed): the high part of every household's and signal's
    random seed (integer seeds are cheaper than text seeds, and these are stable across runs)."""
    return int.from_bytes(hashlib.sha256(f"demo:{seed}:{municipality_code}".encode()).digest()[:16], "big")


@lru_cache(maxsize=512)
def _layout(municipality_code: str, seed: int) -> tuple[int, tuple[str, ...], tuple[str, ...]]:
    """Per municipality: first postcode number, order of letter pairs, order of street names."""
    rng = random.Random(f"demo-layout:{seed}:{municipality_code}")
    letter_pairs = list(_LETTER_PAIRS)
    rng.shuffle(letter_pairs)
    streets = [stem + suffix for stem in _STREET_STEMS for suffix in _STREET_SUFFIXES]
    rng.shuffle(streets)
    return rng.randrange(9000), tuple(letter_pairs), tuple(streets)
