"""Reading persons out of BRP Personen Bevragen v2 answers (plain JSON dicts).

The client returns the JSON as the BRP sends it; :class:`PersonSummary` takes what the checks
need from a ``PersoonBeperkt`` (search answers) or ``Persoon`` (RaadpleegMetBurgerservicenummer).
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Any

# Creditors fill in 1 January 2000 when they do not know the birth date; it means "unknown".
PLACEHOLDER_BIRTH_DATE = dt.date(2000, 1, 1)
ADULT_AGE = 18


# Letters that Unicode does not decompose into a base letter and a mark.
_UNDECOMPOSED = str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ı": "i", "đ": "d", "Đ": "D",
                               "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ð": "d", "þ": "th"})


def without_diacritics(text: str) -> str:
    """'Öztürk Yıldız Łukasz' → 'Ozturk Yildiz Lukasz' (case and punctuation kept)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_UNDECOMPOSED)


def fold(text: str) -> str:
    """Lower case without diacritics, hyphens and dots as spaces: 'Anne-Marie Öztürk' → 'anne marie ozturk'."""
    plain = without_diacritics(text)
    for mark in "-.,’‘'`´":
        plain = plain.replace(mark, " ")
    return " ".join(plain.lower().split())


def name_key(text: str) -> str:
    """A name folded to letters and digits only, for comparing names however they are written:
    "Van Der Berg", "van der Berg" and "Berg" with prefix "van der" all give 'vanderberg';
    "'t Hart" / "’T HART" → 'thart'; "El-Idrissi" / "El Idrissi" → 'elidrissi'."""
    return "".join(c for c in fold(text) if c.isalnum())


def parse_date(value: dict[str, Any] | None) -> tuple[dt.date | None, str]:
    """A v2 ``AbstractDatum`` → (the full date or None, an ISO text: 'yyyy-mm-dd', 'yyyy-mm', 'yyyy' or '')."""
    if not value:
        return None, ""
    kind = value.get("type")
    if kind == "Datum" and value.get("datum"):
        return dt.date.fromisoformat(value["datum"]), value["datum"]
    if kind == "JaarMaandDatum":
        return None, f"{value['jaar']:04d}-{value['maand']:02d}"
    if kind == "JaarDatum":
        return None, f"{value['jaar']:04d}"
    return None, ""


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def full_name(first_names: str, prefix: str, surname: str) -> str:
    return " ".join(part for part in (first_names, prefix, surname) if part)


@dataclass(frozen=True, slots=True)
class PersonSummary:
    """A person as the checks see them: identity, birth date and age, whether deceased."""

    bsn: str
    first_names: str = ""
    prefix: str = ""
    surname: str = ""
    birth_date: dt.date | None = None  # only a full date
    birth_date_text: str = ""  # ISO, possibly partial ('1978-03', '1968'), '' when unknown
    brp_age: int | None = None  # ``leeftijd`` as the BRP computed it when asked
    deceased: bool = False
    suspension_reason: str = ""  # opschortingBijhouding.reden.code: O overlijden, E emigratie, R RNI, …
    address_line1: str = ""  # adressering.adresregel1/2, to tell the dwellings of one house number apart
    address_line2: str = ""
    # (voorvoegsel, geslachtsnaam) of each partner (partners[].naam; only in a Raadpleeg answer)
    partner_names: tuple[tuple[str, str], ...] = ()
    name_use: str = ""  # naam.aanduidingNaamgebruik.code: E, P, V or N (only in a Raadpleeg answer)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> PersonSummary:
        name = data.get("naam") or {}
        born, born_text = parse_date((data.get("geboorte") or {}).get("datum"))
        reason = ((data.get("opschortingBijhouding") or {}).get("reden") or {}).get("code", "")
        addressing = data.get("adressering") or {}
        return cls(
            bsn=data.get("burgerservicenummer", ""),
            first_names=name.get("voornamen", ""),
            prefix=name.get("voorvoegsel", ""),
            surname=name.get("geslachtsnaam", ""),
            birth_date=born,
            birth_date_text=born_text,
            brp_age=data.get("leeftijd"),
            deceased=reason == "O" or "overlijden" in data,
            suspension_reason=reason,
            address_line1=addressing.get("adresregel1", ""),
            address_line2=addressing.get("adresregel2", ""),
            partner_names=tuple(
                ((p.get("naam") or {}).get("voorvoegsel", ""), (p.get("naam") or {}).get("geslachtsnaam", ""))
                for p in data.get("partners") or [] if (p.get("naam") or {}).get("geslachtsnaam")),
            name_use=(name.get("aanduidingNaamgebruik") or {}).get("code", ""),
        )

    @property
    def name(self) -> str:
        return full_name(self.first_names, self.prefix, self.surname)

    @property
    def initials(self) -> str:
        return "".join(part[0] for part in fold(self.first_names).split())

    def age_on(self, day: dt.date) -> int | None:
        """Age on ``day`` from the full birth date; else the BRP's own ``leeftijd``; None if unknown."""
        if self.deceased:
            return None
        if self.birth_date is not None:
            return age_on(self.birth_date, day)
        return self.brp_age

    def is_minor_on(self, day: dt.date) -> bool:
        age = self.age_on(day)
        return age is not None and age < ADULT_AGE

    def as_evidence(self, day: dt.date) -> dict[str, Any]:
        """JSON for ``brp_evidence``: bsn, naam, geboortedatum, leeftijd, minderjarig."""
        evidence: dict[str, Any] = {
            "bsn": self.bsn,
            "naam": self.name,
            "geboortedatum": self.birth_date_text,
            "leeftijd": self.age_on(day),
            "minderjarig": self.is_minor_on(day),
        }
        if self.deceased:
            evidence["overleden"] = True
        return evidence
