"""Synthetic demo data: a seeded population and monthly signal deliveries calibrated to Divosa 2024.

Nothing here is real personal data. Persons combine common first names and surnames of the
Netherlands' communities at random (:data:`COMMUNITIES`); addresses are synthetic street names with
made-up postcodes; phone numbers are random mobile, fixed-line or foreign mobile numbers (the demo
never calls or texts them) and e-mail addresses use the reserved ``example.com/.net/.org`` domains
(RFC 2606), some with an internationalised subdomain and local part. Signals carry the notations
creditors really send (:func:`_klant`, :func:`_phone_notation`), and what is delivered on a day is
relative to that day (:func:`delivery_state`). Person keys are stable, so that a later fake BRP can
assign test BSNs to them; no BSNs are generated here.

Calibration, from the Divosa Monitor Vroegsignalering Schulden, Jaarrapportage 2024
(``shared/seeds/000_…txt``; section numbers of that report):

- volume: 4.8 signals per 1,000 inhabitants per month, eindeleveringssignalen included (§1.2;
  4.4 without them). Volume is proportional to inhabitants.
- creditor kinds: health insurers 41% of signals, the other three branches (rent, drinking water,
  energy) about one in five each (§1.1). Those shares are of *vroegsignalen*; we apply them to all
  signals, eindelevering included, as the issue asks.
- energy: 30% of energy signals are eindeleveringssignalen (§1.2); a few other crisis signals
  (water/energy afsluiting, rent ontruiming: "a small part of the late signals are from
  landlords", §4 footnote) are added.
- arrear amounts (§4, per melding followed up): < €100 11%, €250–500 34%, €500–1,000 23%. The
  report gives ≥ €1,000 only split: 13% of single and 41% of multiple meldingen, so
  0.915 × 13% + 0.085 × 41% ≈ 15%; €100–250 is the remainder, 17%. We use these shares per
  signal, with lower amounts for drinking water and higher ones for rent and eindelevering (as the
  report describes) mixed so that the total matches.
- contact data (§5): 77% phone and e-mail, 8% neither, the rest one of the two (per melding in
  the report; here per signal).
- matching (§3.2): 8.5% of addresses with two or more signals in the month; 46% of addresses had a
  signal in the previous six months (recidive). The national split (DOMAIN.md) makes multiple
  meldingen more often recidive: 6.4 / (6.4 + 2.4) = 73% against 43% for single ones.

Recidive is modelled with risk tiers (:data:`TIERS`): each household belongs, for a given seed and
volume, to one tier with a fixed monthly probability of being signalled; each month draws its
signalled households per tier independently. With the tier table below the expected share of a
month's addresses with a signal in the previous six months is
Σ share × (1 − (1 − p)⁶) = 0.25 × 0.984 + 0.69 × 0.310 + 0.06 × 0.030 ≈ 46%. At ``scale`` 1 about
a fifth of the households are in a tier; from a scale of about 4 on there are not enough
households, so fewer households are signalled more often and recidive rises above 46%.

Arrear due dates lie inside the convenant windows (``DEFAULT_ARREAR_AGE_WINDOWS``) except for 2%.
The population's ages are as of :data:`REFERENCE_DATE`; its households never move.

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
import unicodedata
from bisect import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any

import phonenumbers
from stdnum.nl import postcode as nl_postcode

from vroegsignalering.common.vocab import DEFAULT_ARREAR_AGE_WINDOWS, CreditorKind, SignalKind

from . import normalise

if TYPE_CHECKING:
    from accounts.models import Municipality

    from .models import Creditor


class _Rng(random.Random):
    """A seeded stream with cheap draws (``random.Random``'s own are exact but slower)."""

    def below(self, n: int) -> int:
        return int(self.random() * n)

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def pick(self, items):
        return items[int(self.random() * len(items))]

    def weighted(self, items, cumulative: tuple[float, ...]):
        return items[bisect(cumulative, self.random() * cumulative[-1])]


def _cumulative(weights) -> tuple[float, ...]:
    return tuple(accumulate(weights))


# --- calibration ------------------------------------------------------------------------------

SIGNALS_PER_1000_INHABITANTS_PER_MONTH = 4.8  # Divosa 2024 §1.2, eindelevering included

# Creditor branches ("groups"): one demo creditor each. Shares of all signals (§1.1).
ZORG, HUUR, WATER, ENERGIE = "zorgverzekering", "huur", "drinkwater", "energie"
GROUP_SHARES = {ZORG: 0.41, HUUR: 0.20, WATER: 0.19, ENERGIE: 0.20}
# Energy kinds within the energy branch (assumption: no national split is published).
ENERGY_KIND_SHARES = {CreditorKind.ELEKTRICITEIT.value: 0.55, CreditorKind.GAS.value: 0.40,
                      CreditorKind.WARMTE.value: 0.05}
EINDELEVERING_SHARE_OF_ENERGY = 0.30  # §1.2; only electricity and gas contracts are ended
_EINDELEVERING_SHARE_ELECTRICITY_GAS = EINDELEVERING_SHARE_OF_ENERGY / 0.95
# Other crisis signals (assumption, "a few"): share of that branch's signals.
AFSLUITING_SHARE = {WATER: 0.01, ENERGIE: 0.01}
ONTRUIMING_SHARE_OF_RENT = 0.03

# Amount classes in cents: < €100, €100–250, €250–500, €500–1,000, ≥ €1,000.
AMOUNT_CLASSES = ((500, 9_999), (10_000, 24_999), (25_000, 49_999), (50_000, 99_999), (100_000, None))
AMOUNT_CLASS_TARGET = (0.11, 0.17, 0.34, 0.23, 0.15)  # see the module docstring
# Per branch; the health-insurance row is the remainder that makes the mix match the target.
_AMOUNT_WEIGHTS = {
    ZORG: (0.076, 0.150, 0.425, 0.218, 0.131),
    HUUR: (0.02, 0.08, 0.30, 0.35, 0.25),
    WATER: (0.35, 0.35, 0.22, 0.07, 0.01),
    ENERGIE: (0.05, 0.15, 0.35, 0.28, 0.17),
    "crisis": (0.02, 0.08, 0.25, 0.30, 0.35),  # energy crisis signals: 35% ≥ €1,000 (§4)
}
_AMOUNT_CUMULATIVE = {key: _cumulative(weights) for key, weights in _AMOUNT_WEIGHTS.items()}

# Contact data per signal (§5): both, phone only, e-mail only, neither.
CONTACT_SHARES = {"both": 0.77, "phone": 0.09, "email": 0.06, "none": 0.08}

# Noise, each a share of signals (assumptions; the Signaalreis (004) and the Leidraad describe
# these kinds of fallout but give no rates).
NOT_IN_POPULATION_SHARE = 0.03  # customer is not a person of the population ("niet gevonden")
TRADE_NAME_SHARE = 0.02  # of rent, water and energy signals: contract in a trade name
OUTSIDE_WINDOW_SHARE = 0.02  # arrear age outside the convenant window
PLACEHOLDER_BIRTH_DATE = "2000-01-01"


@dataclass(frozen=True, slots=True)
class Tier:
    """A risk tier: its monthly probability of a signal, its share of a month's signalled
    addresses and the share of those with two or more signals in the month."""

    name: str
    monthly_probability: float
    address_share: float
    multiple_share: float


# Chronic late payers ("slepers") are signalled about every other month; vulnerable households a
# few times a year; the rest once in a long while. Multiple signals are more frequent among the
# chronic ones, so that 8.5% of addresses have 2+ signals, 73% of those recidive (see docstring).
TIERS = (
    Tier("chronisch", 0.50, 0.25, 0.215),
    Tier("kwetsbaar", 0.06, 0.69, 0.042),
    Tier("incidenteel", 0.005, 0.06, 0.042),
)
_THREE_SIGNALS_SHARE = 0.15  # of addresses with multiple signals, three instead of two
_MEAN_SIGNALS_PER_ADDRESS = 1 + sum(t.address_share * t.multiple_share for t in TIERS) * (1 + _THREE_SIGNALS_SHARE)

# --- population -------------------------------------------------------------------------------

REFERENCE_DATE = dt.date(2025, 1, 1)  # ages of the population are as of this date
# Household sizes (CBS, roughly): mean ≈ 2.11 persons.
_HOUSEHOLD_SIZES = (1, 2, 3, 4, 5, 6)
_HOUSEHOLD_SIZE_WEIGHTS = (0.39, 0.33, 0.12, 0.11, 0.04, 0.01)
MEAN_HOUSEHOLD_SIZE = sum(s * w for s, w in zip(_HOUSEHOLD_SIZES, _HOUSEHOLD_SIZE_WEIGHTS, strict=True))
_ADULT_AGE_BANDS = ((18, 25), (26, 45), (46, 66), (67, 92))
_ADULT_AGE_WEIGHTS = (0.10, 0.37, 0.33, 0.20)
_HOUSEHOLD_SIZE_CUMULATIVE = _cumulative(_HOUSEHOLD_SIZE_WEIGHTS)
_ADULT_AGE_CUMULATIVE = _cumulative(_ADULT_AGE_WEIGHTS)
_EMAIL_DOMAINS = ("example.com", "example.net", "example.org")  # reserved (RFC 2606)
# Age at REFERENCE_DATE → ordinal of 1 January of a birth year that gives that age.
_BIRTH_YEAR_START = tuple(dt.date(REFERENCE_DATE.year - age - 1, 1, 1).toordinal() for age in range(100))

_MALE_NAMES = (
    "Jan", "Pieter", "Kees", "Henk", "Gerrit", "Willem", "Johannes", "Cornelis", "Hendrik", "Jacobus",
    "Daan", "Sem", "Lucas", "Levi", "Finn", "Milan", "Bram", "Thijs", "Ruben", "Jesse", "Tim", "Lars",
    "Mohamed", "Ahmed", "Youssef", "Mehmet", "Mustafa", "Ali", "Omar", "Dawit", "Tesfay", "Kevin",
    "Dennis", "Mark", "Sander", "Erik", "Frank", "Rob", "Marco", "Stefan", "Noah", "Luuk", "Julian",
)
_FEMALE_NAMES = (
    "Maria", "Anna", "Johanna", "Cornelia", "Wilhelmina", "Elisabeth", "Catharina", "Geertruida",
    "Emma", "Julia", "Sophie", "Tess", "Lisa", "Sara", "Anouk", "Fleur", "Eva", "Lotte", "Noor",
    "Fatima", "Khadija", "Aisha", "Zeynep", "Elif", "Samira", "Meron", "Saba", "Linda", "Sandra",
    "Monique", "Esther", "Marieke", "Ingrid", "Petra", "Yvonne", "Chantal", "Zoë", "Anne", "Sanne",
)
# (voorvoegsel, geslachtsnaam) pairs of common surnames in the Netherlands.
_SURNAMES = tuple(
    tuple(name.rsplit(" ", 1)) if " " in name else ("", name)
    for name in (
        "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
        "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
        "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer",
        "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen",
        "van den Broek", "de Bruijn", "van der Heijden", "Schouten", "van Beek", "Willems", "van Vliet",
        "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "van der Wal", "Prins",
        "Blom", "Huisman", "Peeters", "de Jonge", "Kuipers", "van Veen", "Post", "Kuiper", "Veenstra",
        "Kramer", "van den Brink", "Scholten", "van Wijk", "Postma", "Martens", "Vink", "de Ruiter",
        "Timmermans", "Groen", "Gerritsen", "Jonker", "van Loon", "Boer", "van der Velde", "Willemsen",
        "Smeets", "de Lange", "de Vos", "Bosch", "van Dongen", "Schipper", "de Koning", "van der Laan",
        "Koning", "Driessen", "van Doorn", "Hermans", "Evers", "van den Bosch", "van der Meulen",
        "Hofman", "Bosman", "Wolters", "Sanders", "van der Horst", "Mol", "Kuijpers", "Molenaar",
        "van de Pol", "de Leeuw", "Verbeek", "Yilmaz", "Kaya", "Demir", "Öztürk", "Çelik",
        "Idrissi", "Bouzid", "Amrani", "Haddou", "Ahmadi", "Mohammadi", "Tesfay", "Abdi", "Nguyen",
        "Tran", "Pinas", "Sitaram", "Kowalski", "Nowak",
    )
)

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
_TRADES = ("Bakkerij", "Kapsalon", "Klusbedrijf", "Schildersbedrijf", "Installatiebedrijf", "Cafetaria",
           "Koeriersdienst", "Hoveniersbedrijf", "Schoonmaakbedrijf", "Taxibedrijf", "Fietsenmakerij")
_ENTITY_WORDS = ("Bouw", "Transport", "Beheer", "Holding", "Vastgoed", "Handelsonderneming", "Services")


@dataclass(frozen=True, slots=True)
class Person:
    """A synthetic resident. ``key`` is stable: ``<gemeentecode>-<household>-<number>``."""

    key: str
    voornamen: str
    voorvoegsel: str
    geslachtsnaam: str
    geslacht: str  # "M" or "V"
    geboortedatum: dt.date
    telefoonnummer: str  # "06…", empty for young children
    emailadres: str  # empty for children under 16

    @property
    def voorletters(self) -> str:
        return "".join([name[0] + "." for name in self.voornamen.split()])

    def age_on(self, day: dt.date) -> int:
        born = self.geboortedatum
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


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
    rng = _Rng(_stream_base(municipality_code, seed) << 64 | index)
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
        persons=_community(municipality_code, _persons(rng, f"{municipality_code}-{index:07d}")),
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
def _stream_base(municipality_code: str, seed: int) -> int:
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


def _persons(rng: _Rng, key: str) -> tuple[Person, ...]:
    size = rng.weighted(_HOUSEHOLD_SIZES, _HOUSEHOLD_SIZE_CUMULATIVE)
    head_age = _adult_age(rng)
    head = _person(rng, f"{key}-1", rng.pick("MV"), head_age, rng.pick(_SURNAMES))
    persons = [head]
    parents = [head]
    youngest_parent_age = head_age
    if size > 1 and rng.random() < 0.75:  # a couple, possibly with children
        sex = ("V" if head.geslacht == "M" else "M") if rng.random() < 0.9 else head.geslacht
        age = min(92, max(18, head_age + round(rng.gauss(0, 4))))
        partner = _person(rng, f"{key}-2", sex, age, rng.pick(_SURNAMES))
        persons.append(partner)
        parents.append(partner)
        youngest_parent_age = min(head_age, age)
    oldest_child = max(0, min(24, youngest_parent_age - 18))
    for number in range(len(persons) + 1, size + 1):
        parent = rng.pick(parents)
        age = rng.between(0, oldest_child)
        persons.append(_person(rng, f"{key}-{number}", rng.pick("MV"), age,
                               (parent.voorvoegsel, parent.geslachtsnaam)))
    return tuple(persons)


# --- communities ------------------------------------------------------------------------------
#
# Names as the Netherlands' communities carry them, with the spellings creditors meet: Dutch names
# with prefixes ("'t Hart", "van der Berg"), Moroccan ("El Idrissi", "Ben Ali": the particle is part
# of the geslachtsnaam in the BRP), Turkish (diacritics: "Öztürk", "Şahin"), Surinamese, Antillean and
# Polish. A household's community is a stable function of its key, drawn apart from the main stream
# (ages, sizes and addresses are the same as without communities). Shares are assumptions.
# (community, share, male names, female names, (voorvoegsel, geslachtsnaam) pairs, foreign country code)
COMMUNITIES = (
    ("nederlands", 0.76, (), (), (), ""),
    ("nederlands-voorvoegsel", 0.04, (), (),
     (("'t", "Hart"), ("van der", "Berg"), ("ten", "Brink"), ("d'", "Ancona"), ("van 't", "Hof"),
      ("in 't", "Veld"), ("van der", "Zee"), ("de la", "Rive")), ""),
    ("marokkaans", 0.05, ("Mohamed", "Youssef", "Hamza", "Bilal", "Soufiane", "Anouar", "Karim"),
     ("Fatima", "Khadija", "Nora", "Samira", "Imane", "Hafsa", "Naima"),
     (("", "El Idrissi"), ("", "El Amrani"), ("", "Ben Ali"), ("", "Bouzid"), ("", "El Khatib"),
      ("", "Ait Taleb"), ("", "Benali")), "212"),
    ("turks", 0.05, ("Mehmet", "Mustafa", "Emre", "Burak", "Hüseyin", "Şükrü", "Oğuz"),
     ("Ayşe", "Elif", "Zeynep", "Emine", "Gülsen", "Özlem", "Büşra"),
     (("", "Yılmaz"), ("", "Kaya"), ("", "Şahin"), ("", "Çelik"), ("", "Yıldız"), ("", "Öztürk"),
      ("", "Doğan"), ("", "Aydın")), "90"),
    ("surinaams", 0.05, ("Ravi", "Dewkoemar", "Glenn", "Sunil", "Rudie", "Anand"),
     ("Anjali", "Sunita", "Rowena", "Shanti", "Marisca", "Priya"),
     (("", "Ramdin"), ("", "Jaggan"), ("", "Kartodikromo"), ("", "Bhagwandin"), ("", "Ritfeld"),
      ("", "Lie A Fo"), ("", "Pinas")), "597"),
    ("antilliaans", 0.02, ("Shurandy", "Giovanni", "Jurgen", "Ruthsel", "Edsel"),
     ("Rosalie", "Shanaira", "Jeanette", "Ivonne", "Gisette"),
     (("", "Martina"), ("", "Isenia"), ("", "Maduro"), ("", "Rosaria"), ("", "Sillé"), ("de", "Windt")), "5999"),
    ("pools", 0.03, ("Piotr", "Krzysztof", "Tomasz", "Paweł", "Łukasz", "Michał"),
     ("Agnieszka", "Małgorzata", "Katarzyna", "Joanna", "Zofia", "Ewa"),
     (("", "Nowak"), ("", "Wójcik"), ("", "Kowalczyk"), ("", "Woźniak"), ("", "Mazur"), ("", "Krawczyk")), "48"),
)
_COMMUNITY_CUMULATIVE = _cumulative(share for _, share, *_ in COMMUNITIES)
# Fictitious numbers in each country's mobile ranges (possible and valid per phonenumbers' metadata).
_FOREIGN_MOBILE = {"212": ("61", 7), "90": ("53", 8), "597": ("8", 6), "5999": ("51", 5), "48": ("51", 7),
                   "32": ("47", 7), "49": ("151", 8)}
# Area codes of the demo municipalities (fixed lines); others get one of these.
_AREA_CODES = {"0518": "70", "0363": "20", "0216": "345", "0281": "344"}
_IDN_DOMAINS = ("örnek.example.com", "poczta.example.org", "müller.example.net", "bücher.example.com")
LANDLINE_SHARE = 0.10  # adults with a fixed line instead of a mobile number
FOREIGN_NUMBER_SHARE = 0.25  # adults of a migrant community with a number from the country of origin
NON_ASCII_EMAIL_SHARE = 0.5  # of e-mail addresses of names with letters outside ASCII


def _community(municipality_code: str, persons: tuple[Person, ...]) -> tuple[Person, ...]:
    """The household's names and contact data per its community (see :data:`COMMUNITIES`)."""
    key = persons[0].key.rsplit("-", 1)[0]
    rng = _Rng(int.from_bytes(hashlib.blake2b(f"demo-community:{key}".encode(), digest_size=8).digest(), "big"))
    name, _, males, females, surnames, country = rng.weighted(COMMUNITIES, _COMMUNITY_CUMULATIVE)
    renamed: dict[tuple[str, str], tuple[str, str]] = {}
    result = []
    for person in persons:
        voornamen, surname = person.voornamen, (person.voorvoegsel, person.geslachtsnaam)
        if surnames:
            surname = renamed.setdefault(surname, rng.pick(surnames))
        if males:
            names = males if person.geslacht == "M" else females
            given = [rng.pick(names) for _ in voornamen.split()]
            voornamen = " ".join(dict.fromkeys(given))
        phone = person.telefoonnummer
        if phone and person.key.endswith(("-1", "-2")):  # the adults of the household
            draw = rng.random()
            if country and draw < FOREIGN_NUMBER_SHARE:
                phone = _foreign_mobile(rng, country)
            elif draw > 1 - LANDLINE_SHARE:
                phone = f"0{_AREA_CODES.get(municipality_code, '20')}"
                phone += str(rng.between(2, 9)) + "".join(str(rng.below(10)) for _ in range(9 - len(phone)))
            elif name == "nederlands" and draw < 0.01:  # a Belgian or German contract
                phone = _foreign_mobile(rng, rng.pick(("32", "49")))
        email = person.emailadres
        if email:
            email = _email(rng, voornamen.split()[0], surname, email)
        result.append(Person(key=person.key, voornamen=voornamen, voorvoegsel=surname[0], geslachtsnaam=surname[1],
                             geslacht=person.geslacht, geboortedatum=person.geboortedatum, telefoonnummer=phone,
                             emailadres=email))
    return tuple(result)


def _foreign_mobile(rng: _Rng, country: str) -> str:
    start, digits = _FOREIGN_MOBILE[country]
    return f"+{country}{start}" + "".join(str(rng.below(10)) for _ in range(digits))


def _email(rng: _Rng, given: str, surname: tuple[str, str], email: str) -> str:
    """The person's address for these names: ASCII-folded as before, or (half of the names with
    letters outside ASCII) with those letters kept and an internationalised domain."""
    full = (surname[0] + surname[1]).replace(" ", "").replace("'", "")
    suffix = "".join(c for c in email.split("@")[0] if c.isdigit())
    if not (given + full).isascii() and rng.random() < NON_ASCII_EMAIL_SHARE:
        return f"{given.lower()}.{full.lower()}{suffix}@{rng.pick(_IDN_DOMAINS)}"
    return f"{_ascii(given)}.{_ascii(full)}{suffix}@{email.split('@')[1]}"


def _adult_age(rng: _Rng) -> int:
    low, high = rng.weighted(_ADULT_AGE_BANDS, _ADULT_AGE_CUMULATIVE)
    return rng.between(low, high)


def _person(rng: _Rng, key: str, sex: str, age: int, surname: tuple[str, str]) -> Person:
    names = _MALE_NAMES if sex == "M" else _FEMALE_NAMES
    draw = rng.random()
    given = [rng.pick(names)]
    for _ in range(0 if draw < 0.45 else 1 if draw < 0.85 else 2):  # 1, 2 or 3 given names
        name = rng.pick(names)
        if name not in given:
            given.append(name)
    born = dt.date.fromordinal(_BIRTH_YEAR_START[age] + rng.below(365))
    prefix, name = surname
    phone = f"06{10_000_000 + rng.below(50_000_000)}" if age >= 12 else ""
    email = ""
    if age >= 16:
        local = f"{_ascii(given[0])}.{_ascii(prefix + name)}"
        if rng.random() < 0.6:
            local += str(10 + rng.below(90))
        email = f"{local}@{rng.pick(_EMAIL_DOMAINS)}"
    return Person(key=key, voornamen=" ".join(given), voorvoegsel=prefix, geslachtsnaam=name, geslacht=sex,
                  geboortedatum=born, telefoonnummer=phone, emailadres=email)


@lru_cache(maxsize=4096)
def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum())


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
_GROUP_CUMULATIVE = _cumulative(_GROUP_WEIGHTS)
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
    addresses = expected_volume(inhabitants, scale) / _MEAN_SIGNALS_PER_ADDRESS
    a, b = _permutation(code, seed, households)
    rng = random.Random(f"demo-month:{seed}:{code}:{month}")
    chosen = []
    for tier, start, size, count in _tier_plan(households, addresses):
        for rank in rng.sample(range(size), count):
            chosen.append(((a * (start + rank) + b) % households, tier))
    rng.shuffle(chosen)
    return chosen


def _unit(text: str) -> float:
    """A stable uniform number in [0, 1) for a text."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big") / 2**64


def _pick(u: float, choices: tuple, weights: tuple):
    for choice, weight in zip(choices, weights, strict=True):
        if u < weight:
            return choice
        u -= weight
    return choices[-1]


def _household_signals(code: str, seed: int, month: _Month, index: int, tier: Tier, place: str) -> list[dict]:
    rng = _Rng(_stream_base(code, seed) << 64 | int(month.compact) << 32 | index)
    multiple, three = rng.random() < tier.multiple_share, rng.random() < _THREE_SIGNALS_SHARE
    count = (3 if three else 2) if multiple else 1
    home = household(code, index, seed)
    adults = [p for p in home.persons if p.age_on(month.first) >= 18] or [home.persons[0]]
    preferred = _pick(_unit(f"demo-preference:{seed}:{code}:{index}"), _GROUPS, _GROUP_WEIGHTS)

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


def _signal(rng: _Rng, code: str, seed: int, month: _Month, home: Household, adults: list[Person],
            group: str, slot: int, insured: Person | None, place: str) -> dict[str, Any]:
    kind = _pick(rng.random(), _ENERGY_KINDS, _ENERGY_WEIGHTS) if group == ENERGIE else group
    signal_kind = _signal_kind(rng, group, kind)
    signal_date = month.first + dt.timedelta(days=rng.below(month.days))

    # The customer: normally a resident; sometimes a trade name or someone not in the population.
    customer = insured or (adults[1] if len(adults) > 1 and rng.random() < 0.25 else adults[0])
    if group == ENERGIE and rng.random() < 0.005:  # a contract in the name of a teenager
        customer = next((p for p in home.persons if 14 <= p.age_on(month.first) < 18), customer)
    draw = rng.random()
    if draw < NOT_IN_POPULATION_SHARE:
        age = _adult_age(rng)
        customer = _person(rng, "", rng.pick("MV"), age, rng.pick(_SURNAMES))
        klant = _klant(rng, customer)
    elif group != ZORG and draw < NOT_IN_POPULATION_SHARE + TRADE_NAME_SHARE:
        klant = _trade_klant(rng, customer)
    else:
        klant = _klant(rng, customer)

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
        "adres": _adres(rng, home, place),
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


def _signal_kind(rng: _Rng, group: str, kind: str) -> str:
    draw = rng.random()
    if group == ENERGIE and kind != "warmte":
        if draw < _EINDELEVERING_SHARE_ELECTRICITY_GAS:
            return _EINDE
        draw -= _EINDELEVERING_SHARE_ELECTRICITY_GAS
    if draw < AFSLUITING_SHARE.get(group, 0.0):
        return _AFSLUITING
    if group == HUUR and draw < ONTRUIMING_SHARE_OF_RENT:
        return _ONTRUIMING
    return _VROEG


def _amount_cents(rng: _Rng, key: str) -> int:
    low, high = rng.weighted(AMOUNT_CLASSES, _AMOUNT_CUMULATIVE[key])
    if high is None:
        return low + min(900_000, int(rng.expovariate(1 / 80_000)))
    return rng.between(low, high)


def _arrear_age(rng: _Rng, kind: str, signal_kind: str) -> int:
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


def _klant(rng: _Rng, person: Person) -> dict[str, Any]:
    """A person as a creditor knows them, with the notation noise creditors send: the prefix inside
    the surname ("van der Berg"), after it ("Berg, van der"), capitalised ("Van Der Berg"), a particle
    split off that the BRP keeps in the surname ("El" + "Idrissi"), diacritics dropped ("Ozturk"),
    capitals, or name parts reversed."""
    klant: dict[str, Any] = {}
    draw = rng.random()
    if draw < 0.01:  # name parts reversed
        klant["geslachtsnaam"] = person.voornamen.split()[0]
        klant["voornamen"] = person.geslachtsnaam
    else:
        surname, voornamen, prefix = person.geslachtsnaam, person.voornamen, person.voorvoegsel
        if 0.90 <= draw < 0.97:  # diacritics dropped by the creditor's system
            surname, voornamen, prefix = _fold(surname), _fold(voornamen), _fold(prefix)
        surname = surname.upper() if draw > 0.98 else surname
        first, _, rest = surname.partition(" ")
        if prefix and draw < 0.10:  # prefix inside the surname: "van der Berg"
            klant["geslachtsnaam"] = f"{prefix} {surname}" if not prefix.endswith("'") else f"{prefix}{surname}"
        elif prefix and draw < 0.14:  # "Berg, van der"
            klant["geslachtsnaam"] = f"{surname}, {prefix}"
        elif prefix and draw < 0.18:  # "Van Der Berg"
            klant["geslachtsnaam"] = f"{_title(prefix)} {surname}"
        elif not prefix and rest and first in _PARTICLES and draw < 0.15:  # "El" split off "El Idrissi"
            klant["geslachtsnaam"] = rest
            klant["voorvoegsel"] = first if draw < 0.08 else first.lower()
        else:
            klant["geslachtsnaam"] = surname
            if prefix:
                klant["voorvoegsel"] = prefix.capitalize() if 0.18 <= draw < 0.22 else prefix
        names = rng.random()
        if names < 0.9:
            klant["voornamen"] = voornamen
        if names >= 0.7:
            klant["voorletters"] = person.voorletters if rng.random() < 0.5 else person.voorletters.lower()
    birth = rng.random()
    if birth < 0.01:
        klant["geboortedatum"] = PLACEHOLDER_BIRTH_DATE
    elif birth >= 0.05:
        klant["geboortedatum"] = person.geboortedatum.isoformat()
    _contact(rng, klant, person)
    return klant


_PARTICLES = frozenset({"El", "Ben", "Ait", "Lie"})
_NOT_DECOMPOSED = str.maketrans({"ı": "i", "İ": "I", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss"})


def _fold(text: str) -> str:
    """Diacritics dropped as older systems do: 'Öztürk' → 'Ozturk', 'Yılmaz' → 'Yilmaz'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_NOT_DECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _title(prefix: str) -> str:
    """'van der' → 'Van Der', "'t" → "'T"."""
    return " ".join(word[:1].upper() + word[1:] if word[0].isalpha() else word[:2].upper() + word[2:]
                    for word in prefix.split())


def _trade_klant(rng: _Rng, person: Person) -> dict[str, Any]:
    """A contract in a trade name: an eenmanszaak (a natural person) or a legal entity."""
    family = f"{person.voorvoegsel.capitalize()} {person.geslachtsnaam}".strip()
    draw = rng.random()
    if draw < 0.25:  # legal entity: not to be followed up
        klant = {"bedrijfsnaam": f"{family} {rng.pick(_ENTITY_WORDS)} {rng.pick(('B.V.', 'B.V.', 'N.V.'))}"}
    elif draw < 0.5:  # eenmanszaak, trade name only
        klant = {"bedrijfsnaam": f"{rng.pick(_TRADES)} {family}"}
    else:  # eenmanszaak with the owner's name
        klant = _klant(rng, person)
        klant["bedrijfsnaam"] = f"{rng.pick(_TRADES)} {family}"
        return klant
    _contact(rng, klant, person)
    return klant


def _contact(rng: _Rng, klant: dict[str, Any], person: Person) -> None:
    draw = rng.random()
    phone = bool(person.telefoonnummer) and draw < CONTACT_SHARES["both"] + CONTACT_SHARES["phone"]
    email = bool(person.emailadres) and (
        draw < CONTACT_SHARES["both"]
        or CONTACT_SHARES["both"] + CONTACT_SHARES["phone"] <= draw < 1 - CONTACT_SHARES["none"]
    )
    if phone:
        klant["telefoonnummers"] = [_phone_notation(rng, person.telefoonnummer)]
    if email:
        klant["emailadres"] = person.emailadres if rng.random() < 0.97 else person.emailadres.capitalize()
    _unusable_contact(klant, person)


# What creditors' files also hold: a few values nobody can use (kept apart from the random draws, so the
# rest of a generated month does not change). The intake stores them as delivered, with a warning.
_UNUSABLE_PHONES = ("onbekend", "06-1234", "tel. via dochter", "0000000000", "n.v.t.")
_UNUSABLE_EMAILS = ("geen", "jansen@", "info@@example.com", "n.v.t.")


def _unusable_contact(klant: dict[str, Any], person: Person) -> None:
    draw = int.from_bytes(hashlib.sha256(f"contact|{person.key}".encode()).digest()[:4], "big") % 1000
    if draw < 20:  # 2%: an extra phone entry that is no number
        klant["telefoonnummers"] = [*klant.get("telefoonnummers", []), _UNUSABLE_PHONES[draw % 5]]
    elif draw < 30 and "emailadres" not in klant:  # 1%: something in the e-mail field
        klant["emailadres"] = _UNUSABLE_EMAILS[draw % 4]


def _phone_notation(rng: _Rng, number: str) -> str:
    """A number ('0612345678', '0701234567' or '+212612345678') in one of the notations creditors use:
    '06-12345678', '06 12 34 56 78', '+31 (0)6 1234 5678', '0031612345678', '(070) 123 4567',
    '+212 612-345678', '00212612345678', …"""
    draw = rng.random()
    if number.startswith("06"):
        sub = number[2:]
        notations = (number, f"06-{sub}", f"06 {sub}", f"+31 6 {sub[:4]} {sub[4:]}", f"+316{sub}",
                     "06 " + " ".join(sub[i:i + 2] for i in range(0, 8, 2)), f"+31 (0)6 {sub[:4]} {sub[4:]}",
                     f"00316{sub}")
        return _pick(draw, notations, (0.33, 0.15, 0.12, 0.1, 0.08, 0.09, 0.07, 0.06))
    parsed = phonenumbers.parse(number, "NL")
    international = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if number.startswith("0"):  # a Dutch fixed line
        national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
        area, _, local = national.partition(" ")
        notations = (national, f"({area}) {local}", number, f"{area}-{local.replace(' ', '')}", international)
        return _pick(draw, notations, (0.3, 0.25, 0.2, 0.15, 0.1))
    return _pick(draw, (international, number, "00" + number[1:]), (0.5, 0.3, 0.2))


def _adres(rng: _Rng, home: Household, place: str) -> dict[str, Any]:
    pc = home.postcode
    draw = rng.random()
    if draw < 0.70:
        postcode = f"{pc[:4]} {pc[4:]}"
    elif draw < 0.85:
        postcode = pc
    elif draw < 0.93:
        postcode = f"{pc[:4]} {pc[4:].lower()}"
    elif draw < 0.97:
        postcode = pc.lower()
    else:
        postcode = f"{pc} "
    adres: dict[str, Any] = {"postcode": postcode, "huisnummer": home.huisnummer}
    if home.huisletter:
        adres["huisletter"] = home.huisletter
    if home.huisnummertoevoeging:
        addition = home.huisnummertoevoeging
        adres["huisnummertoevoeging"] = f"-{addition}" if rng.random() < 0.1 else addition
    if rng.random() < 0.95:
        adres["straatnaam"] = home.straatnaam
    if place:
        adres["woonplaats"] = place.upper() if rng.random() < 0.1 else place
    return adres


# --- delivery through the intake ----------------------------------------------------------------

# (branch, creditor name, kinds it delivers)
DEMO_CREDITORS = (
    (ZORG, "Zorgverzekeraar Demo", (CreditorKind.ZORGVERZEKERING.value,)),
    (HUUR, "Woningcorporatie Demo", (CreditorKind.HUUR.value,)),
    (WATER, "Waterbedrijf Demo", (CreditorKind.DRINKWATER.value,)),
    (ENERGIE, "Energieleverancier Demo", _ENERGY_KINDS),
)
BATCH_SIZE = 1000


@dataclass
class DeliveryCounts:
    """Outcome of delivering a month: per status of the contract, plus signals dated after today."""

    received: int = 0  # ontvangen
    already_received: int = 0  # al_ontvangen
    refused: int = 0  # geweigerd
    not_yet_sent: int = 0  # signaaldatum after today: the creditor has not sent these yet
    crisis_over: int = 0  # crisis signals no longer fresh today: not replayed (see delivery_state)

    def __iadd__(self, other: DeliveryCounts) -> DeliveryCounts:
        self.received += other.received
        self.already_received += other.already_received
        self.refused += other.refused
        self.not_yet_sent += other.not_yet_sent
        self.crisis_over += other.crisis_over
        return self


def demo_creditors() -> dict[str, Creditor]:
    """Get or create the demo creditors; returns creditor kind → Creditor."""
    from .models import Creditor
    from .services import creditor_create

    by_kind = {}
    for _, name, kinds in DEMO_CREDITORS:
        creditor = Creditor.objects.filter(name=name).first() or creditor_create(
            name=name, kinds=list(kinds), contact_name="Demo", contact_email="demo@example.com"
        )
        by_kind.update(dict.fromkeys(kinds, creditor))
    return by_kind


def deliver_month(
    *,
    municipality: Municipality,
    month: str,
    seed: int = 0,
    scale: float = 1.0,
    limit: int | None = None,
    today: dt.date | None = None,
    creditors: dict[str, Creditor] | None = None,
) -> DeliveryCounts:
    """Generate a month for ``municipality`` (accounts.Municipality) and deliver it through
    ``delivery_create``, in batches of 1,000 per creditor. Signals dated after ``today`` are not
    sent yet (re-run later in the month to send them), nor crisis signals that are over by ``today``
    (:func:`delivery_state`); ``limit`` caps the month's signals."""
    from django.utils import timezone

    from .models import Source
    from .services import AL_ONTVANGEN, GEWEIGERD, ONTVANGEN, delivery_create

    today = today or timezone.localdate()
    payloads = generate_month(municipality.cbs_code, municipality.inhabitants, month, seed=seed, scale=scale,
                              place=municipality.name)
    if limit is not None:
        payloads = payloads[:limit]
    states = [delivery_state(p, today) for p in payloads]
    due = [p for p, state in zip(payloads, states, strict=True) if state == DUE]
    counts = DeliveryCounts(not_yet_sent=states.count(LATER), crisis_over=states.count(CRISIS_OVER))
    creditors = creditors or demo_creditors()
    per_creditor: dict[int, tuple[Creditor, list[dict]]] = {}
    for payload in due:
        creditor = creditors[payload["soortVasteLast"]]
        per_creditor.setdefault(creditor.pk, (creditor, []))[1].append(payload)
    for creditor, items in per_creditor.values():
        for start in range(0, len(items), BATCH_SIZE):
            _, results = delivery_create(creditor=creditor, items=items[start:start + BATCH_SIZE],
                                         source=Source.API, actor="demo")
            for result in results:
                if result.status == ONTVANGEN:
                    counts.received += 1
                elif result.status == AL_ONTVANGEN:
                    counts.already_received += 1
                elif result.status == GEWEIGERD:
                    counts.refused += 1
    return counts
