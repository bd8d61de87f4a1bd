"""The demo population's residents: synthetic persons with common names of the Netherlands.

Nothing here is real personal data. Persons combine common first names and surnames at random (the
communities' names are laid over them in :mod:`demo.communities`); phone numbers are random mobile
numbers (the demo never calls or texts them) and e-mail addresses use the reserved
``example.com/.net/.org`` domains (RFC 2606). Ages are as of :data:`REFERENCE_DATE`. Person keys are
stable (``<gemeentecode>-<household>-<number>``), so that the fake BRP can assign test BSNs to them;
no BSNs are generated here.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .rng import Rng, cumulative

REFERENCE_DATE = dt.date(2025, 1, 1)  # ages of the population are as of this date
# Household sizes (CBS, roughly): mean ≈ 2.11 persons.
_HOUSEHOLD_SIZES = (1, 2, 3, 4, 5, 6)
_HOUSEHOLD_SIZE_WEIGHTS = (0.39, 0.33, 0.12, 0.11, 0.04, 0.01)
MEAN_HOUSEHOLD_SIZE = sum(s * w for s, w in zip(_HOUSEHOLD_SIZES, _HOUSEHOLD_SIZE_WEIGHTS, strict=True))
_ADULT_AGE_BANDS = ((18, 25), (26, 45), (46, 66), (67, 92))
_ADULT_AGE_WEIGHTS = (0.10, 0.37, 0.33, 0.20)
_HOUSEHOLD_SIZE_CUMULATIVE = cumulative(_HOUSEHOLD_SIZE_WEIGHTS)
_ADULT_AGE_CUMULATIVE = cumulative(_ADULT_AGE_WEIGHTS)
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
SURNAMES = tuple(
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


def household_members(rng: Rng, key: str) -> tuple[Person, ...]:
    """The persons of household ``key``: a head, often a partner, and children with a parent's surname."""
    size = rng.weighted(_HOUSEHOLD_SIZES, _HOUSEHOLD_SIZE_CUMULATIVE)
    head_age = adult_age(rng)
    head = make_person(rng, f"{key}-1", rng.pick("MV"), head_age, rng.pick(SURNAMES))
    persons = [head]
    parents = [head]
    youngest_parent_age = head_age
    if size > 1 and rng.random() < 0.75:  # a couple, possibly with children
        sex = ("V" if head.geslacht == "M" else "M") if rng.random() < 0.9 else head.geslacht
        age = min(92, max(18, head_age + round(rng.gauss(0, 4))))
        partner = make_person(rng, f"{key}-2", sex, age, rng.pick(SURNAMES))
        persons.append(partner)
        parents.append(partner)
        youngest_parent_age = min(head_age, age)
    oldest_child = max(0, min(24, youngest_parent_age - 18))
    for number in range(len(persons) + 1, size + 1):
        parent = rng.pick(parents)
        age = rng.between(0, oldest_child)
        persons.append(make_person(rng, f"{key}-{number}", rng.pick("MV"), age,
                                   (parent.voorvoegsel, parent.geslachtsnaam)))
    return tuple(persons)


def adult_age(rng: Rng) -> int:
    low, high = rng.weighted(_ADULT_AGE_BANDS, _ADULT_AGE_CUMULATIVE)
    return rng.between(low, high)


def make_person(rng: Rng, key: str, sex: str, age: int, surname: tuple[str, str]) -> Person:
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
        local = f"{ascii_letters(given[0])}.{ascii_letters(prefix + name)}"
        if rng.random() < 0.6:
            local += str(10 + rng.below(90))
        email = f"{local}@{rng.pick(_EMAIL_DOMAINS)}"
    return Person(key=key, voornamen=" ".join(given), voorvoegsel=prefix, geslachtsnaam=name, geslacht=sex,
                  geboortedatum=born, telefoonnummer=phone, emailadres=email)


@lru_cache(maxsize=4096)
def ascii_letters(text: str) -> str:
    """Lower-case ASCII letters and digits of a name, for e-mail addresses: 'Öztürk' → 'ozturk'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum())

