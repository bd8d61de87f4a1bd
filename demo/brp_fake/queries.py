"""The fake BRP's query answering: validation, search and the answer, per the spec in ``shared/haal-centraal/``.

``ZoekMetPostcodeEnHuisnummer``, ``ZoekMetGeslachtsnaamEnGeboortedatum``,
``ZoekMetNaamEnGemeenteVanInschrijving`` and ``RaadpleegMetBurgerservicenummer``: text parameters are
compared as the BRP does (case-insensitive; without diacritics they also find names with them, with a
diacritic only that diacritic; a trailing ``*``), the ``fields`` parameter is checked against the spec's
field paths and applied, unknown parameters and invalid values are a 400 problem+json, deceased persons
only appear in searches with ``inclusiefOverledenPersonen``.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from signals.brp.records import without_diacritics

from .fieldpaths import AUTOMATIC_FIELDS, PERSOON_BEPERKT_PATHS, PERSOON_PATHS, select_fields
from .persons import PersonStore, StoredPerson, plain_key
from .v2 import adressering, age

_PROBLEM_TYPE_400 = "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.1"

_POSTCODE = re.compile(r"^[1-9][0-9]{3} ?[A-Za-z]{2}$")
_HUISLETTER = re.compile(r"^[a-zA-Z]$")
_TOEVOEGING = re.compile(r"^[a-zA-Z0-9 \-]{1,4}$")
_GESLACHTSNAAM = re.compile(r"^[a-zA-Z0-9À-ž \.\-']{1,200}$|^[a-zA-Z0-9À-ž \.\-']{3,199}\*$")
_VOORNAMEN = re.compile(r"^[a-zA-Z0-9À-ž \.\-']{1,199}\*?$")
_VOORNAMEN_VERPLICHT = re.compile(r"^[a-zA-Z0-9À-ž \.\-']{1,200}$|^[a-zA-Z0-9À-ž \.\-']{3,199}\*$")
_VOORVOEGSEL = re.compile(r"^[a-zA-Z ']{1,10}$")
_GESLACHT = re.compile(r"^[MmVvOo]$")
_BSN = re.compile(r"^[0-9]{9}$")
_GEMEENTE = re.compile(r"^[0-9]{4}$")
_FIELD = re.compile(r"^[a-zA-Z0-9._]{1,200}$")

_COMMON = {"type", "fields", "gemeenteVanInschrijving"}
_PARAMETERS = {
    "ZoekMetPostcodeEnHuisnummer": _COMMON | {"postcode", "huisnummer", "huisletter", "huisnummertoevoeging",
                                              "geslachtsnaam", "geboortedatum", "inclusiefOverledenPersonen"},
    "ZoekMetGeslachtsnaamEnGeboortedatum": _COMMON | {"geslachtsnaam", "geboortedatum", "voornamen", "voorvoegsel",
                                                      "geslacht", "inclusiefOverledenPersonen"},
    "ZoekMetNaamEnGemeenteVanInschrijving": _COMMON | {"geslachtsnaam", "voornamen", "voorvoegsel", "geslacht",
                                                       "inclusiefOverledenPersonen"},
    "RaadpleegMetBurgerservicenummer": _COMMON | {"burgerservicenummer"},
}
_REQUIRED = {
    "ZoekMetPostcodeEnHuisnummer": ("postcode", "huisnummer"),
    "ZoekMetGeslachtsnaamEnGeboortedatum": ("geslachtsnaam", "geboortedatum"),
    "ZoekMetNaamEnGemeenteVanInschrijving": ("geslachtsnaam", "gemeenteVanInschrijving", "voornamen"),
    "RaadpleegMetBurgerservicenummer": ("burgerservicenummer",),
}


class ProblemError(Exception):
    """An error answer (problem+json)."""

    def __init__(self, status: int, title: str, detail: str = "", code: str = "",
                 invalid_params: list[dict[str, str]] | None = None, headers: dict[str, str] | None = None):
        super().__init__(title)
        self.status, self.title, self.detail, self.code = status, title, detail, code
        self.invalid_params = invalid_params or []
        self.headers = headers or {}

    def body(self, instance: str) -> dict[str, Any]:
        body: dict[str, Any] = {"type": _PROBLEM_TYPE_400 if self.status == 400 else
                                f"https://datatracker.ietf.org/doc/html/rfc7231#section-{self.status}",
                                "title": self.title, "status": self.status}
        if self.detail:
            body["detail"] = self.detail
        body["instance"] = instance
        if self.code:
            body["code"] = self.code
        if self.invalid_params:
            body["invalidParams"] = self.invalid_params
        return body


def invalid(params: list[dict[str, str]], *, combination: bool = False) -> ProblemError:
    names = ", ".join(p["name"] for p in params)
    if combination:
        return ProblemError(400, "Minimale combinatie van parameters moet worden opgegeven.",
                            f"De foutieve parameter(s) zijn: {names}.", "paramsCombination", params)
    return ProblemError(400, "Een of meerdere parameters zijn niet correct.",
                        f"De foutieve parameter(s) zijn: {names}.", "paramsValidation", params)


def param(code: str, name: str, reason: str) -> dict[str, str]:
    return {"code": code, "name": name, "reason": reason}


def validate(query: Any) -> str:
    """The query's type, or a 400 :class:`ProblemError` listing every invalid parameter."""
    if not isinstance(query, dict):
        raise invalid([param("object", "body", "Het bericht is geen JSON-object.")])
    kind = query.get("type")
    if kind not in _PARAMETERS:
        raise invalid([param("value", "type", "Waarde heeft geen geldige waarde uit de enumeratie.")])
    missing = [param("required", name, "Parameter is verplicht.")
               for name in (*_REQUIRED[kind], "fields") if name not in query]
    if missing:
        raise invalid(missing, combination=True)
    problems = [param("unknownParam", name, "Parameter is niet verwacht.") for name in query
                if name not in _PARAMETERS[kind]]
    problems += _check_fields(query["fields"], PERSOON_PATHS if kind.startswith("Raadpleeg") else
                              PERSOON_BEPERKT_PATHS)
    problems += _check_values(kind, query)
    if problems:
        raise invalid(problems)
    return kind


def find(store: PersonStore, kind: str, query: dict[str, Any]) -> list[StoredPerson]:
    """The persons a valid query finds, deceased ones only where the query asks for them."""
    include_deceased = query.get("inclusiefOverledenPersonen") is True
    if kind == "RaadpleegMetBurgerservicenummer":
        found = [store.by_bsn(bsn) for bsn in dict.fromkeys(query["burgerservicenummer"])]
        persons = [p for p in found if p is not None]
        include_deceased = True  # raadplegen always delivers deceased persons
    elif kind == "ZoekMetPostcodeEnHuisnummer":
        postcode = query["postcode"].replace(" ", "").upper()
        persons = store.at_address(postcode, query["huisnummer"])
        if "huisletter" in query:
            persons = [p for p in persons if p.house_letter == query["huisletter"].upper()]
        if "huisnummertoevoeging" in query:
            persons = [p for p in persons if p.addition == query["huisnummertoevoeging"].upper()]
        if "geslachtsnaam" in query:
            persons = [p for p in persons if _text_matches(p.surname_key, query["geslachtsnaam"])]
        if "geboortedatum" in query:
            persons = [p for p in persons if p.birth_iso == query["geboortedatum"]]
    else:  # ZoekMetGeslachtsnaamEnGeboortedatum, ZoekMetNaamEnGemeenteVanInschrijving
        surname = query["geslachtsnaam"]
        if kind == "ZoekMetNaamEnGemeenteVanInschrijving":
            persons = store.by_name(plain_key(surname.rstrip("*")), stem=surname.endswith("*"))
        elif surname.endswith("*"):
            persons = store.by_name_prefix_and_birth_date(plain_key(surname[:-1]), query["geboortedatum"])
        else:
            persons = store.by_name_and_birth_date(plain_key(surname), query["geboortedatum"])
        persons = [p for p in persons if _text_matches(p.surname_key, surname)]
        if "voornamen" in query:
            persons = [p for p in persons if _text_matches(p.first_names_key, query["voornamen"])]
        if "voorvoegsel" in query:
            persons = [p for p in persons if _text_matches(p.prefix_key, query["voorvoegsel"])]
        if "geslacht" in query:
            persons = [p for p in persons if p.sex == query["geslacht"].upper()]
    if "gemeenteVanInschrijving" in query:
        persons = [p for p in persons if p.municipality_code == query["gemeenteVanInschrijving"]]
    if not include_deceased:
        persons = [p for p in persons if not p.deceased]
    return persons


def render(person: StoredPerson, fields: list[str], today: dt.date) -> dict[str, Any]:
    """A person as the answer delivers them: with leeftijd and adressering, only the asked ``fields``."""
    data = dict(person.data)
    if not person.deceased:
        years = age(person.raw_birth, today)
        if years is not None:
            data["leeftijd"] = years
    lines = adressering(data)
    if lines:
        data["adressering"] = lines
    return select_fields(data, fields)


def _text_matches(stored: str, wanted: str) -> bool:
    """A text parameter as the BRP compares it (RvIG's feature "zoeken met diakriet en wildcard en
    case insensitive"): case-insensitive; a value without diacritics also finds the name with them
    ('gunduz' finds 'Gündüz'), a value with a diacritic only the name with that diacritic ('Gündoğan'
    does not find 'Gundogan'); a trailing '*' matches any rest. Spaces, hyphens and apostrophes
    count as written: 'El Idrissi' does not find 'El-Idrissi', 'Idrissi' not 'El Idrissi'."""
    wildcard = wanted.endswith("*")
    value = (wanted[:-1] if wildcard else wanted).casefold()
    if value == without_diacritics(value):
        stored = without_diacritics(stored)
    stored = stored.casefold()
    return stored.startswith(value) if wildcard else stored == value


def _check_fields(fields: Any, allowed: frozenset[str]) -> list[dict[str, str]]:
    if not isinstance(fields, list):
        return [param("array", "fields", "Parameter is geen array.")]
    if not fields:
        return [param("minItems", "fields", "Array bevat minder dan 1 items.")]
    if len(fields) > 130:
        return [param("maxItems", "fields", "Array bevat meer dan 130 items.")]
    problems = []
    for index, path in enumerate(fields):
        name = f"fields[{index}]"
        if not isinstance(path, str) or not _FIELD.match(path):
            problems.append(param("pattern", name, r"Waarde voldoet niet aan patroon ^[a-zA-Z0-9\._]{1,200}$."))
        elif path.split(".")[0] in AUTOMATIC_FIELDS or ".inOnderzoek" in path:
            problems.append(param("fields", name, "Parameter bevat een niet toegestane veldnaam."))
        elif path not in allowed:
            problems.append(param("fields", name, "Parameter bevat een niet bestaande veldnaam."))
    return problems


def _check_values(kind: str, query: dict[str, Any]) -> list[dict[str, str]]:
    problems: list[dict[str, str]] = []

    def pattern(name: str, regex: re.Pattern) -> None:
        if name in query and (not isinstance(query[name], str) or not regex.match(query[name])):
            problems.append(param("pattern", name, f"Waarde voldoet niet aan patroon {regex.pattern}."))

    pattern("gemeenteVanInschrijving", _GEMEENTE)
    if "inclusiefOverledenPersonen" in query and not isinstance(query["inclusiefOverledenPersonen"], bool):
        problems.append(param("boolean", "inclusiefOverledenPersonen", "Waarde is geen boolean."))
    if "geboortedatum" in query:
        try:
            dt.date.fromisoformat(query["geboortedatum"])
            if len(query["geboortedatum"]) != 10:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(param("date", "geboortedatum", "Waarde is geen geldige datum."))
    pattern("geslachtsnaam", _GESLACHTSNAAM)
    if kind == "ZoekMetPostcodeEnHuisnummer":
        pattern("postcode", _POSTCODE)
        number = query["huisnummer"]
        if not isinstance(number, int) or isinstance(number, bool):
            problems.append(param("integer", "huisnummer", "Waarde is geen geldige integer."))
        elif not 1 <= number <= 99999:
            problems.append(param("minimum" if number < 1 else "maximum", "huisnummer",
                                   "Waarde is lager dan minimum 1." if number < 1 else
                                   "Waarde is hoger dan maximum 99999."))
        pattern("huisletter", _HUISLETTER)
        pattern("huisnummertoevoeging", _TOEVOEGING)
    elif kind.startswith("ZoekMet"):
        pattern("voornamen", _VOORNAMEN if kind == "ZoekMetGeslachtsnaamEnGeboortedatum" else _VOORNAMEN_VERPLICHT)
        pattern("voorvoegsel", _VOORVOEGSEL)
        pattern("geslacht", _GESLACHT)
    else:
        bsns = query["burgerservicenummer"]
        if not isinstance(bsns, list):
            problems.append(param("array", "burgerservicenummer", "Parameter is geen array."))
        elif not 1 <= len(bsns) <= 20:
            problems.append(param("minItems" if not bsns else "maxItems", "burgerservicenummer",
                                   "Array bevat minder dan 1 items." if not bsns else "Array bevat meer dan 20 items."))
        else:
            problems += [param("pattern", f"burgerservicenummer[{i}]", "Waarde voldoet niet aan patroon ^[0-9]{9}$.")
                         for i, bsn in enumerate(bsns) if not isinstance(bsn, str) or not _BSN.match(bsn)]
    return problems

