"""The persons the fake BRP knows, in the v2 response format.

Two sources:

- **The official mock's test persons** (``shared/haal-centraal/personen-mock-test-data.json``,
  RvIG's fictitious GBA-V test set) in the mock's internal format (dates ``"yyyymmdd"`` with
  ``00`` for unknown parts, ``huisnummer`` as text, a flat ``verblijfplaats``). :func:`convert_mock_person`
  turns one into a v2 ``Persoon`` as BRP Personen Bevragen 2.x answers it. ``inOnderzoek``
  markers and ``gezag`` are left out; ``leeftijd`` and ``adressering`` are computed per request.
- **The demo population** (:mod:`signals.demo`): households are looked up lazily by address with
  ``household_at``. Demo persons get a **BSN that fails the elfproef** (:func:`demo_bsn`), so it can
  never be a real person's BSN; the store keeps a reverse index of the demo BSNs it has handed out,
  so RaadpleegMetBurgerservicenummer answers for every demo person an address search returned
  before (in the same process). Demo persons never move or die, and have no relations.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from signals import demo

from .records import without_diacritics

logger = logging.getLogger(__name__)

_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december")
_ELFPROEF_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
RNI_CODE = "1999"  # gemeenteVanInschrijving of the Registratie Niet-Ingezetenen


# --- values -----------------------------------------------------------------------------------


def v2_date(raw: str | None) -> dict[str, Any] | None:
    """'19561115' → {type: Datum, datum: '1956-11-15', langFormaat: '15 november 1956'}; partial and
    unknown dates become JaarMaandDatum, JaarDatum and DatumOnbekend."""
    if not raw or len(raw) != 8 or not raw.isdigit():
        return None
    year, month, day = int(raw[:4]), int(raw[4:6]), int(raw[6:])
    if year == 0:
        return {"type": "DatumOnbekend", "onbekend": True, "langFormaat": "onbekend"}
    if month == 0 or month > 12:
        return {"type": "JaarDatum", "jaar": year, "langFormaat": str(year)}
    if day == 0:
        return {"type": "JaarMaandDatum", "jaar": year, "maand": month, "langFormaat": f"{_MONTHS[month - 1]} {year}"}
    try:
        dt.date(year, month, day)
    except ValueError:
        return {"type": "JaarMaandDatum", "jaar": year, "maand": month, "langFormaat": f"{_MONTHS[month - 1]} {year}"}
    return {"type": "Datum", "datum": f"{year:04d}-{month:02d}-{day:02d}",
            "langFormaat": f"{day} {_MONTHS[month - 1]} {year}"}


def age(raw_birth: str | None, today: dt.date) -> int | None:
    """``leeftijd`` as the BRP computes it: from a full date, or from year and month when the
    birthday month is not the current one; otherwise not delivered."""
    if not raw_birth or len(raw_birth) != 8 or not raw_birth.isdigit():
        return None
    year, month, day = int(raw_birth[:4]), int(raw_birth[4:6]), int(raw_birth[6:])
    if year == 0 or month == 0 or (day == 0 and month == today.month):
        return None
    born_later_this_year = (today.month, today.day) < (month, day) if day else today.month < month
    return max(0, today.year - year - born_later_this_year)


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


def initials(first_names: str) -> str:
    return "".join(f"{name[0].upper()}." for name in first_names.split() if name[0].isalnum())


def _name(raw: Mapping[str, Any], *, persoon: bool) -> dict[str, Any]:
    """``naam`` of a person (``persoon``: with volledigeNaam and aanduidingNaamgebruik) or of a relative."""
    out: dict[str, Any] = {}
    first = " ".join(str(raw.get("voornamen", "")).split())
    title = raw.get("adellijkeTitelPredicaat")
    surname = raw.get("geslachtsnaam", "")
    surname = "" if surname == "." else surname  # '.' is the GBA's "unknown"
    if first:
        out["voornamen"] = first
    if title:
        out["adellijkeTitelPredicaat"] = dict(title)
    if raw.get("voorvoegsel"):
        out["voorvoegsel"] = raw["voorvoegsel"]
    if surname:
        out["geslachtsnaam"] = surname
    if first:
        out["voorletters"] = initials(first)
    if persoon:
        title_text = (title or {}).get("omschrijving", "")
        parts = [title_text if (title or {}).get("soort") == "predicaat" else "", first,
                 title_text if (title or {}).get("soort") == "titel" else "", raw.get("voorvoegsel", ""), surname]
        full = " ".join(part for part in parts if part)
        if full:
            out["volledigeNaam"] = full
        if raw.get("aanduidingNaamgebruik"):
            out["aanduidingNaamgebruik"] = dict(raw["aanduidingNaamgebruik"])
    return out


def _generic(value: Any, key: str = "") -> Any:
    """Dates ('datum…' keys) to v2 dates, ``inOnderzoek`` dropped, the rest as is."""
    if isinstance(value, dict):
        return {k: _generic(v, k) for k, v in value.items() if k != "inOnderzoek" and v not in ({}, [], None)}
    if isinstance(value, list):
        return [_generic(v, key) for v in value]
    if isinstance(value, str) and (key.startswith("datum") or key.startswith("einddatum")):
        return v2_date(value)
    return value


def _event(raw: Mapping[str, Any]) -> dict[str, Any]:
    """geboorte / overlijden / aangaan… / ontbinding…: datum, land, plaats."""
    out = {k: dict(v) for k, v in raw.items() if k in ("land", "plaats") and v}
    date = v2_date(raw.get("datum"))
    if date:
        out["datum"] = date
    return out


def _relative(raw: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "naam":
            out["naam"] = _name(value, persoon=False)
        elif key in ("geboorte", "aangaanHuwelijkPartnerschap", "ontbindingHuwelijkPartnerschap"):
            out[key] = _event(value)
        elif key != "inOnderzoek":
            out[key] = _generic(value, key)
    return out


def _verblijfplaats(raw: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if raw.get("datumIngangGeldigheid"):
        out["datumIngangGeldigheid"] = v2_date(raw["datumIngangGeldigheid"])
    if "land" in raw:  # abroad, or left for an unknown destination (land 0000)
        if raw["land"].get("code") == "0000":
            out["type"] = "VerblijfplaatsOnbekend"
        else:
            out["type"] = "VerblijfplaatsBuitenland"
            address = {k: raw[k] for k in ("regel1", "regel2", "regel3") if raw.get(k)}
            address["land"] = dict(raw["land"])
            out["verblijfadres"] = address
        if raw.get("datumAanvangAdresBuitenland"):
            out["datumVan"] = v2_date(raw["datumAanvangAdresBuitenland"])
        return {"type": out.pop("type"), **out}
    if raw.get("locatiebeschrijving"):
        out["type"] = "Locatie"
        out["verblijfadres"] = {"locatiebeschrijving": raw["locatiebeschrijving"]}
    else:
        out["type"] = "Adres"
        address: dict[str, Any] = {}
        street = raw.get("straat", "")
        if raw.get("naamOpenbareRuimte") or street:
            address["officieleStraatnaam"] = raw.get("naamOpenbareRuimte") or street
        if street:
            address["korteStraatnaam"] = street
        if str(raw.get("huisnummer", "")).isdigit() and int(raw["huisnummer"]) > 0:
            address["huisnummer"] = int(raw["huisnummer"])
        for key in ("huisletter", "huisnummertoevoeging", "postcode", "woonplaats"):
            if raw.get(key):
                address[key] = raw[key]
        if raw.get("aanduidingBijHuisnummer"):
            address["aanduidingBijHuisnummer"] = dict(raw["aanduidingBijHuisnummer"])
        out["verblijfadres"] = address
        for key in ("adresseerbaarObjectIdentificatie", "nummeraanduidingIdentificatie"):
            if raw.get(key):
                out[key] = raw[key]
    if raw.get("functieAdres"):
        out["functieAdres"] = dict(raw["functieAdres"])
    if raw.get("datumAanvangAdreshouding"):
        out["datumVan"] = v2_date(raw["datumAanvangAdreshouding"])
    return {"type": out.pop("type"), **out}


def _nationaliteit(raw: Mapping[str, Any]) -> dict[str, Any]:
    code = (raw.get("nationaliteit") or {}).get("code")
    kind = {"0000": "NationaliteitOnbekend", "0499": "Staatloos"}.get(code or "", "Nationaliteit")
    out: dict[str, Any] = {"type": kind}
    if kind == "Nationaliteit" and raw.get("nationaliteit"):
        out["nationaliteit"] = dict(raw["nationaliteit"])
    if raw.get("redenOpname"):
        out["redenOpname"] = dict(raw["redenOpname"])
    if raw.get("datumIngangGeldigheid"):
        out["datumIngangGeldigheid"] = v2_date(raw["datumIngangGeldigheid"])
    return out


def _partners(raw: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Current partners; when there is none, the most recently dissolved one (as the v2 API does)."""
    current = [p for p in raw if not p.get("ontbindingHuwelijkPartnerschap")]
    if current or not raw:
        return [_relative(p) for p in current]
    last = max(raw, key=lambda p: (p.get("ontbindingHuwelijkPartnerschap") or {}).get("datum", ""))
    return [_relative(last)]


_SKIPPED = frozenset({"gezag", "gezagInOnderzoek", "persoonInOnderzoek", "inOnderzoek"})


def convert_mock_person(raw: Mapping[str, Any]) -> dict[str, Any]:
    """One person of the mock's test data → a v2 ``Persoon`` (without leeftijd and adressering)."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _SKIPPED or value in ({}, [], None, ""):
            continue
        if key == "naam":
            out["naam"] = _name(value, persoon=True)
        elif key in ("geboorte", "overlijden"):
            out[key] = _event(value)
        elif key == "verblijfplaats":
            out[key] = _verblijfplaats(value)
        elif key == "nationaliteiten":
            out[key] = [_nationaliteit(n) for n in value]
        elif key in ("kinderen", "ouders"):
            out[key] = [_relative(r) for r in value]
        elif key == "partners":
            out[key] = _partners(value)
        elif key == "geheimhoudingPersoonsgegevens":
            out[key] = str(value) not in ("0", "false", "False")
        else:
            out[key] = _generic(value, key)
    return out


def adressering(person: Mapping[str, Any]) -> dict[str, Any]:
    """``adressering`` address lines: 'Binckhorstlaan 32 A' / '2516 BD  'S-GRAVENHAGE', or the lines abroad."""
    place = person.get("verblijfplaats") or {}
    address = place.get("verblijfadres") or {}
    if place.get("type") == "Adres":
        number = " ".join(str(p) for p in (address.get("huisnummer", ""), address.get("huisletter", ""),
                                           address.get("huisnummertoevoeging", "")) if p)
        line1 = " ".join(p for p in (address.get("korteStraatnaam", ""), number) if p)
        postcode = address.get("postcode", "")
        town = address.get("woonplaats", "").upper()
        line2 = "  ".join(p for p in (f"{postcode[:4]} {postcode[4:]}" if postcode else "", town) if p)
        return {k: v for k, v in (("adresregel1", line1), ("adresregel2", line2)) if v}
    if place.get("type") == "VerblijfplaatsBuitenland":
        out = {f"adresregel{i}": address[f"regel{i}"] for i in (1, 2, 3) if address.get(f"regel{i}")}
        if address.get("land"):
            out["land"] = dict(address["land"])
        return out
    if place.get("type") == "Locatie":
        return {"adresregel1": address.get("locatiebeschrijving", "")}
    return {}


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
    surname_key: str = ""  # geslachtsnaam in lower case (diacritics kept: see fake._text_matches)
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
            household = demo.household_at(code, inhabitants, postcode, house_number, seed=self.seed)
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
        return self._demo_household(demo.household(code, index, self.seed))[position]

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

    def bsn_for(self, person: demo.Person) -> str:
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

    def _demo_household(self, household: demo.Household) -> list[StoredPerson]:
        return [self._demo_person(household, person) for person in household.persons]

    def _demo_person(self, household: demo.Household, person: demo.Person) -> StoredPerson:
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
            "naam": _name({k: v for k, v in name.items() if v}, persoon=True),
            "geboorte": {"datum": v2_date(raw_birth)},
            "verblijfplaats": {"type": "Adres", "verblijfadres": {k: v for k, v in address.items() if v},
                               "functieAdres": {"code": "W", "omschrijving": "woonadres"}},
            "gemeenteVanInschrijving": {"code": code, "omschrijving": place},
        }
        return _stored(data, raw_birth)
