"""The fake BRP's answers in the v2 response format, and the official mock's test persons converted to it.

The mock (``shared/haal-centraal/personen-mock-test-data.json``, RvIG's fictitious GBA-V test set) holds
persons in its internal format (dates ``"yyyymmdd"`` with ``00`` for unknown parts, ``huisnummer`` as
text, a flat ``verblijfplaats``). :func:`convert_mock_person` turns one into a v2 ``Persoon`` as BRP
Personen Bevragen 2.x answers it. ``inOnderzoek`` markers and ``gezag`` are left out; ``leeftijd``
(:func:`age`) and ``adressering`` (:func:`adressering`) are computed per request.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december")


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


def initials(first_names: str) -> str:
    return "".join(f"{name[0].upper()}." for name in first_names.split() if name[0].isalnum())


def v2_name(raw: Mapping[str, Any], *, persoon: bool) -> dict[str, Any]:
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
            out["naam"] = v2_name(value, persoon=False)
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
            out["naam"] = v2_name(value, persoon=True)
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


