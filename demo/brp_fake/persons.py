"""The persons the fake BRP knows, in the v2 response format (:mod:`.v2`), and the indexes it searches.

Two sources:

- **The official mock's test persons** (``shared/haal-centraal/personen-mock-test-data.json``,
  RvIG's fictitious GBA-V test set), converted once per process by :func:`load_mock_persons`
  (:func:`.v2.convert_mock_person`).
- **The demo population** (:mod:`demo.population`): households are looked up lazily by address with
  ``household_at``. Demo persons get a **BSN that fails the elfproef** (:func:`demo_bsn`), so it can
  never be a real person's BSN; the store keeps a reverse index of the demo BSNs it has handed out,
  so RaadpleegMetBurgerservicenummer answers for every demo person an address search returned
  before (in the same process). Demo persons never move or die, and have no relations.
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from demo import population
from demo.people import Person
from signals.brp.records import without_diacritics

from .v2 import convert_mock_person, v2_date, v2_name

_ELFPROEF_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
RNI_CODE = "1999"  # gemeenteVanInschrijving of the Registratie Niet-Ingezetenen


def is_elfproef_valid(bsn: str) -> bool:
    """The BSN 11-check: Σ digit·weight (9…2, −1) is a multiple of 11."""
    if len(bsn) != 9 or not bsn.isdigit():
        return False
    return sum(int(d) * w for d, w in zip(bsn, _ELFPROEF_WEIGHTS, strict=True)) % 11 == 0


def demo_bsn(key: str, attempt: int = 0) -> str:
    """A deterministic 9-digit number for a demo person that FAILS the elfproef.

    Nine digits from a hash of ``Person.key``; when they happen to pass the 11-check the last digit
    is raised by one, which changes the check sum by −1 (or +9 from 9 to 0): never a multiple of 11
    again. ``attempt`` > 0 gives another number for the rare collision.
    """
    digest = hashlib.sha256(f"demo-bsn:{key}:{attempt}".encode()).digest()
    number = f"{int.from_bytes(digest[:8], 'big') % 1_000_000_000:09d}"
    if is_elfproef_valid(number):
        number = number[:8] + str((int(number[8]) + 1) % 10)
    return number


def plain_key(text: str) -> str:
    """Lower case without diacritics: the key the name index is built on."""
    return without_diacritics(text).casefold()


# --- the store --------------------------------------------------------------------------------


@dataclass(slots=True)
class StoredPerson:
    """A v2 ``Persoon`` plus what the fake searches on."""

    data: dict[str, Any]
    raw_birth: str = ""  # 'yyyymmdd' for leeftijd
    deceased: bool = False
    postcode: str = ""
    house_number: int = 0
    house_letter: str = ""
    addition: str = ""
    municipality_code: str = ""
    surname_key: str = ""  # geslachtsnaam in lower case (diacritics kept: see queries._text_matches)
    first_names_key: str = ""
    prefix_key: str = ""
    sex: str = ""
    birth_iso: str = ""  # full birth date or ''
    extra: dict[str, Any] = field(default_factory=dict)


def _stored(data: dict[str, Any], raw_birth: str) -> StoredPerson:
    name = data.get("naam", {})
    address = (data.get("verblijfplaats") or {}).get("verblijfadres") or {}
    is_adres = (data.get("verblijfplaats") or {}).get("type") == "Adres"
    birth = (data.get("geboorte") or {}).get("datum") or {}
    reason = ((data.get("opschortingBijhouding") or {}).get("reden") or {}).get("code")
    return StoredPerson(
        data=data,
        raw_birth=raw_birth,
        deceased=reason == "O" or "overlijden" in data,
        postcode=str(address.get("postcode", "")).replace(" ", "").upper() if is_adres else "",
        house_number=int(address.get("huisnummer", 0) or 0) if is_adres else 0,
        house_letter=str(address.get("huisletter", "")).upper(),
        addition=str(address.get("huisnummertoevoeging", "")).upper(),
        municipality_code=(data.get("gemeenteVanInschrijving") or {}).get("code", ""),
        surname_key=name.get("geslachtsnaam", "").casefold(),
        first_names_key=" ".join(name.get("voornamen", "").split()).casefold(),
        prefix_key=name.get("voorvoegsel", "").casefold(),
        sex=(data.get("geslacht") or {}).get("code", "").upper(),
        birth_iso=birth.get("datum", "") if birth.get("type") == "Datum" else "",
    )


@lru_cache(maxsize=4)
def _load_mock(path: str, mtime_ns: int) -> tuple[StoredPerson, ...]:
    with open(path, encoding="utf-8") as handle:
        raw_persons = json.load(handle)
    return tuple(_stored(convert_mock_person(raw), (raw.get("geboorte") or {}).get("datum", ""))
                 for raw in raw_persons)


def load_mock_persons(path: str | Path) -> tuple[StoredPerson, ...]:
    """The mock's test persons, converted once per process (and again when the file changes)."""
    path = Path(path)
    return _load_mock(str(path), path.stat().st_mtime_ns)


def municipality_names(persons: tuple[StoredPerson, ...]) -> dict[str, str]:
    """CBS code → name, as far as the mock data names municipalities."""
    names: dict[str, str] = {}
    for person in persons:
        for group in (person.data.get("gemeenteVanInschrijving"), (person.data.get("geboorte") or {}).get("plaats")):
            if group and group.get("code") and group.get("omschrijving") and len(group["code"]) == 4:
                names.setdefault(group["code"], group["omschrijving"])
    return names


class PersonStore:
    """Indexes over the mock persons and lazy access to the demo population."""

    def __init__(self, mock_persons: tuple[StoredPerson, ...] = (), *, inhabitants: Mapping[str, int] | None = None,
                 names: Mapping[str, str] | None = None, seed: int = 0):
        self.inhabitants = dict(inhabitants or {})
        self.names = {**municipality_names(mock_persons), **(names or {})}
        self.seed = seed
        self._by_bsn: dict[str, StoredPerson] = {}
        self._by_address: dict[tuple[str, int], list[StoredPerson]] = defaultdict(list)
        self._by_name_birth: dict[tuple[str, str], list[StoredPerson]] = defaultdict(list)
        self._by_name: dict[str, list[StoredPerson]] = defaultdict(list)
        for person in mock_persons:
            self._by_bsn[person.data["burgerservicenummer"]] = person
            if person.postcode and person.house_number:
                self._by_address[(person.postcode, person.house_number)].append(person)
            if person.surname_key and person.birth_iso:
                self._by_name_birth[(plain_key(person.surname_key), person.birth_iso)].append(person)
            if person.surname_key:
                self._by_name[plain_key(person.surname_key)].append(person)
        self._mock_bsns = frozenset(self._by_bsn)
        self._demo_by_bsn: dict[str, tuple[str, int, int]] = {}  # bsn → (municipality, household, position)
        self._demo_bsn_of: dict[str, str] = {}  # Person.key → bsn
        self._lock = threading.Lock()

    @property
    def mock_count(self) -> int:
        return len(self._mock_bsns)

    def at_address(self, postcode: str, house_number: int) -> list[StoredPerson]:
        """Everybody registered at the postcode and house number (all letters and additions)."""
        found = list(self._by_address.get((postcode, house_number), ()))
        for code, inhabitants in self.inhabitants.items():
            household = population.household_at(code, inhabitants, postcode, house_number, seed=self.seed)
            if household is not None:
                found += self._demo_household(household)
        return found

    def by_bsn(self, bsn: str) -> StoredPerson | None:
        person = self._by_bsn.get(bsn)
        if person is not None:
            return person
        with self._lock:
            where = self._demo_by_bsn.get(bsn)
        if where is None:
            return None
        code, index, position = where
        return self._demo_household(population.household(code, index, self.seed))[position]

    def by_name_and_birth_date(self, surname_key: str, birth_iso: str) -> list[StoredPerson]:
        """Persons whose geslachtsnaam without diacritics (:func:`plain_key`) is ``surname_key`` and
        with this full birth date (the mock persons only: demo persons never move, so the address
        search always finds them). The caller applies the BRP's diacritics rule."""
        return list(self._by_name_birth.get((surname_key, birth_iso), ()))

    def by_name_prefix_and_birth_date(self, stem: str, birth_iso: str) -> list[StoredPerson]:
        return [p for (surname, born), persons in self._by_name_birth.items()
                if born == birth_iso and surname.startswith(stem) for p in persons]

    def by_name(self, surname_key: str, *, stem: bool = False) -> list[StoredPerson]:
        """Persons whose geslachtsnaam without diacritics is (or, with ``stem``, starts with)
        ``surname_key``; the mock persons only, like :meth:`by_name_and_birth_date`."""
        if not stem:
            return list(self._by_name.get(surname_key, ()))
        return [p for surname, persons in self._by_name.items() if surname.startswith(surname_key) for p in persons]

    def bsn_for(self, person: Person) -> str:
        """The demo BSN of a demo person (registered in the reverse index)."""
        with self._lock:
            known = self._demo_bsn_of.get(person.key)
            if known:
                return known
            attempt = 0
            bsn = demo_bsn(person.key)
            while bsn in self._mock_bsns or bsn in self._demo_by_bsn:  # rare: take the next number
                attempt += 1
                bsn = demo_bsn(person.key, attempt)
            code, household, number = person.key.split("-")
            self._demo_by_bsn[bsn] = (code, int(household), int(number) - 1)
            self._demo_bsn_of[person.key] = bsn
            return bsn

    def _demo_household(self, household: population.Household) -> list[StoredPerson]:
        return [self._demo_person(household, person) for person in household.persons]

    def _demo_person(self, household: population.Household, person: Person) -> StoredPerson:
        code = household.municipality_code
        place = self.names.get(code, f"Gemeente {code}")
        name = {"voornamen": person.voornamen, "voorvoegsel": person.voorvoegsel,
                "geslachtsnaam": person.geslachtsnaam,
                "aanduidingNaamgebruik": {"code": "E", "omschrijving": "eigen geslachtsnaam"}}
        address = {"officieleStraatnaam": household.straatnaam, "korteStraatnaam": household.straatnaam,
                   "huisnummer": household.huisnummer, "huisletter": household.huisletter,
                   "huisnummertoevoeging": household.huisnummertoevoeging, "postcode": household.postcode,
                   "woonplaats": place}
        raw_birth = person.geboortedatum.strftime("%Y%m%d")
        data = {
            "burgerservicenummer": self.bsn_for(person),
            "geslacht": {"code": person.geslacht, "omschrijving": "man" if person.geslacht == "M" else "vrouw"},
            "naam": v2_name({k: v for k, v in name.items() if v}, persoon=True),
            "geboorte": {"datum": v2_date(raw_birth)},
            "verblijfplaats": {"type": "Adres", "verblijfadres": {k: v for k, v in address.items() if v},
                               "functieAdres": {"code": "W", "omschrijving": "woonadres"}},
            "gemeenteVanInschrijving": {"code": code, "omschrijving": place},
        }
        return _stored(data, raw_birth)
