"""Ranking the BRP candidates at an address for a fallout reviewer (uitvalbak).

Suggestions for a person to look at, never an automatic decision (AVG art. 22): a reviewer sees
every candidate, best first, with a score from 0 to 100 and the reasons in Dutch. What makes the
automatic check fail and what this looks for (Leidraad §3.2, Signaalreis):

- first name and surname swapped ("Reinier Jacobs" delivered as surname Reinier, first name Jacobs);
- prefixes written differently: "de Vries" / "Vries, de" / "Vries de" / "DeVries";
- diacritics and punctuation: "Öztürk" / "Ozturk", "Anne-Marie" / "Anne Marie";
- the placeholder birth date 1 January 2000 (means unknown), day and month swapped, a typo;
- initials instead of first names ("J.P." for "Jan Pieter").
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from rapidfuzz import fuzz

from signals.normalise import SURNAME_PREFIXES

from .records import PLACEHOLDER_BIRTH_DATE, PersonSummary, fold, name_key

_PREFIXES = tuple(fold(prefix) for prefix in SURNAME_PREFIXES)  # longest first
_INITIALS = re.compile(r"^(?:[A-Za-z](?:\.\s*|\s+|$))+$")
NAME_WEIGHT, DATE_WEIGHT = 0.7, 0.3
SURNAME_WEIGHT, FIRST_NAME_WEIGHT = 0.65, 0.35


class Suggestion(NamedTuple):
    """(candidate, score 0–100, reasons in Dutch)."""

    candidate: PersonSummary
    score: int
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WantedName:
    """The name and birth date on the signal, split into comparable parts."""

    surname: str  # folded, without prefix
    prefix: str  # folded
    first_names: str  # folded; empty when only initials were given
    initials: str  # letters only, e.g. 'jp'
    birth_date: dt.date | None
    placeholder_birth_date: bool
    prefix_after_comma: bool  # 'Vries, de'
    raw_surname: str = ""  # as delivered, without prefix

    @classmethod
    def from_signal(cls, *, surname: str, prefix: str = "", first_names: str = "", initials: str = "",
                    birth_date: dt.date | None = None) -> WantedName:
        after_comma = False
        if "," in surname:  # 'Vries, de' → surname Vries, prefix de
            surname, _, tail = surname.partition(",")
            if tail.strip() and not prefix:
                prefix, after_comma = tail, True
        core, found_prefix = _split_prefix(fold(surname))
        first = first_names.strip()
        if first and _INITIALS.match(first):  # 'J.P.', 'J P', 'R.' are initials, not a first name
            initials, first = initials or first, ""
        letters = "".join(c for c in fold(initials) if c.isalpha())
        placeholder = birth_date == PLACEHOLDER_BIRTH_DATE
        return cls(surname=core, prefix=fold(prefix) or found_prefix, first_names=fold(first),
                   initials=letters or "".join(part[0] for part in fold(first).split()),
                   birth_date=None if placeholder else birth_date, placeholder_birth_date=placeholder,
                   prefix_after_comma=after_comma, raw_surname=surname.strip())


def _split_prefix(folded_surname: str) -> tuple[str, str]:
    """'de vries' → ('vries', 'de'); 'vries de' → ('vries', 'de'); a lone prefix stays a surname."""
    for prefix in _PREFIXES:
        if folded_surname.startswith(prefix + " ") and len(folded_surname) > len(prefix) + 1:
            return folded_surname[len(prefix) + 1:], prefix
        if folded_surname.endswith(" " + prefix) and len(folded_surname) > len(prefix) + 1:
            return folded_surname[: -len(prefix) - 1], prefix
    return folded_surname, ""


def _name_forms(candidate: PersonSummary) -> list[tuple[str, str]]:
    """('own' | 'partner', name key) of every surname the person may use: the own name, each
    partner's (from a Raadpleeg answer), and own and partner's combined both ways (naamgebruik)."""
    own = name_key(f"{candidate.prefix} {candidate.surname}")
    forms = [("own", own)]
    for prefix, surname in candidate.partner_names:
        partner = name_key(f"{prefix} {surname}")
        forms += [("partner", partner), ("partner", partner + own), ("partner", own + partner)]
    return forms


def _first_name_score(wanted: str, candidate: str) -> float:
    """How well given names match: the first name alone ('Reinier' for 'Reinier Lodivicus Maria')
    counts fully, as do all names in another order."""
    if not wanted or not candidate:
        return 0.0
    first_token = fuzz.ratio(wanted.split()[0], candidate.split()[0])
    return max(first_token, fuzz.token_set_ratio(wanted, candidate))


def _initials_score(wanted: str, candidate: PersonSummary) -> float:
    """Initials on the signal that start the person's (the BRP's voorletters, one per given name, or
    with a hyphenated name's parts) fit fully: a creditor often holds fewer initials, never other ones."""
    names = candidate.first_names.split()
    options = {candidate.initials, "".join(fold(name)[:1] for name in names if fold(name))}
    options.discard("")
    if not wanted or not options:
        return 0.0
    if any(have.startswith(wanted) for have in options):
        return 100.0
    if any(wanted.startswith(have) for have in options):
        return 80.0
    return 60.0 if any(wanted[0] == have[0] for have in options) else 0.0


def _date_score(wanted: dt.date, candidate: PersonSummary) -> tuple[float, str]:
    if candidate.birth_date is None:
        if candidate.birth_date_text[:4] == f"{wanted.year:04d}":
            return 50.0, "Geboortejaar komt overeen (BRP kent alleen het jaar of de maand)"
        return 0.0, "Geboortedatum onbekend in de BRP"
    born = candidate.birth_date
    if born == wanted:
        return 100.0, "Geboortedatum komt overeen"
    if (born.year, born.month, born.day) == (wanted.year, wanted.day, wanted.month):
        return 80.0, "Geboortedatum met dag en maand omgedraaid"
    differing = sum(a != b for a, b in zip(born.strftime("%Y%m%d"), wanted.strftime("%Y%m%d"), strict=True))
    if differing == 1:
        return 70.0, "Geboortedatum wijkt één cijfer af"
    if born.year == wanted.year:
        return 30.0, "Alleen het geboortejaar komt overeen"
    return 0.0, "Geboortedatum wijkt af"


def score(wanted: WantedName, candidate: PersonSummary) -> tuple[int, tuple[str, ...]]:
    """Score 0–100 and the reasons for one candidate."""
    reasons: list[str] = []
    surname, prefix = _split_prefix(fold(candidate.surname))
    prefix = fold(candidate.prefix) or prefix
    first = fold(candidate.first_names)
    given = wanted.first_names

    # As delivered: surname against surname (the whole name, prefix glued, against every name the
    # person may use: own, partner's, both combined), first names (or initials) against first names.
    surname_direct = fuzz.ratio(wanted.surname, surname) if wanted.surname else 0.0
    glued_wanted = name_key(f"{wanted.prefix} {wanted.surname}")
    used, glued = "own", 0.0
    for kind, form in _name_forms(candidate):
        ratio = fuzz.ratio(glued_wanted, form) if glued_wanted else 0.0
        if ratio > glued:
            used, glued = kind, ratio
    surname_direct = max(surname_direct, glued)
    if given:
        first_direct = _first_name_score(given, first)
    else:
        first_direct = _initials_score(wanted.initials, candidate)
    has_first = bool(given or wanted.initials)
    direct = (SURNAME_WEIGHT * surname_direct + FIRST_NAME_WEIGHT * first_direct) if has_first else surname_direct

    # Swapped: the delivered surname is a first name and the delivered first name the surname.
    swapped = swapped_surname = swapped_first = 0.0
    if given and wanted.surname:
        swapped_surname = fuzz.ratio(given, surname)
        swapped_first = _first_name_score(wanted.surname, first)
        swapped = SURNAME_WEIGHT * swapped_surname + FIRST_NAME_WEIGHT * swapped_first

    name_score = max(direct, swapped)
    if swapped > direct and swapped_surname >= 80 and swapped_first >= 75:
        reasons.append("Voornaam en achternaam lijken omgedraaid")
    elif swapped > direct and swapped_surname >= 80:
        reasons.append("De voornaam op het signaal is de achternaam van deze persoon; de voornaam wijkt af")
    else:
        if surname_direct >= 99.5 and used != "own" and glued >= 99.5:
            reasons.append("Achternaam komt overeen met de naam van de partner (naamgebruik)")
        elif surname_direct >= 99.5:
            reasons.append("Achternaam komt overeen")
            if _differs_in_accents(wanted.raw_surname, candidate.surname):
                reasons.append("Gelijk als accenten en leestekens worden genegeerd")
        elif surname_direct >= 75:
            reasons.append(f"Achternaam lijkt op ‘{candidate.surname}’")
        if wanted.prefix != prefix and surname_direct >= 75 and used == "own":
            reasons.append("Voorvoegsel anders geschreven")
        if wanted.prefix_after_comma and wanted.prefix == prefix:
            reasons.append("Voorvoegsel achter de achternaam geschreven")
        if given and first_direct >= 99.5:
            reasons.append("Voornaam komt overeen")
        elif given and first_direct >= 75:
            reasons.append(f"Voornaam lijkt op ‘{candidate.first_names}’")
        elif given:
            reasons.append("Voornaam wijkt af")
        elif wanted.initials and first_direct >= 90:
            reasons.append("Voorletters komen overeen")

    if wanted.birth_date is not None:
        date_score, reason = _date_score(wanted.birth_date, candidate)
        reasons.append(reason)
        total = NAME_WEIGHT * name_score + DATE_WEIGHT * date_score
    else:
        reasons.append("Geboortedatum op het signaal is 1-1-2000: een opvuldatum, niet vergeleken"
                       if wanted.placeholder_birth_date else "Geen geboortedatum op het signaal")
        total = name_score
    return max(0, min(100, round(total))), tuple(reasons)


def _differs_in_accents(delivered: str, registered: str) -> bool:
    """'Ozturk' and 'Öztürk': the same when folded, not the same as written."""
    core = _split_prefix(fold(delivered))[0]
    return core == fold(registered) and delivered.strip().lower()[-len(registered):] != registered.lower()


def rank(candidates: Iterable[PersonSummary], *, surname: str, prefix: str = "", first_names: str = "",
         initials: str = "", birth_date: dt.date | None = None) -> list[Suggestion]:
    """The candidates with score and reasons, best first (ties: by name)."""
    wanted = WantedName.from_signal(surname=surname, prefix=prefix, first_names=first_names, initials=initials,
                                    birth_date=birth_date)
    suggestions = [Suggestion(candidate, *score(wanted, candidate)) for candidate in candidates]
    return sorted(suggestions, key=lambda s: (-s.score, s.candidate.surname, s.candidate.first_names))


def summary_from_evidence(item: Mapping[str, Any]) -> PersonSummary:
    """A candidate as stored in ``brp_evidence["kandidaten"]`` back into a :class:`PersonSummary`."""
    born_text = str(item.get("geboortedatum") or "")
    try:
        born = dt.date.fromisoformat(born_text) if len(born_text) == 10 else None
    except ValueError:
        born = None
    if "geslachtsnaam" in item:
        first, prefix, surname = item.get("voornamen", ""), item.get("voorvoegsel", ""), item["geslachtsnaam"]
    else:  # only the full name: the last word is the surname
        first, _, surname = str(item.get("naam", "")).rpartition(" ")
        prefix = ""
    partners = tuple((str(p.get("voorvoegsel", "")), str(p.get("geslachtsnaam", "")))
                     for p in item.get("partnernamen") or [] if isinstance(p, Mapping))
    return PersonSummary(bsn=str(item.get("bsn", "")), first_names=first, prefix=prefix, surname=surname,
                         birth_date=born, birth_date_text=born_text, brp_age=item.get("leeftijd"),
                         partner_names=partners)


def rank_candidates(signal: Any, candidates: Iterable[Any]) -> list[tuple[Any, int, tuple[str, ...]]]:
    """Rank candidates for a signal (``signals.models.Signal`` or anything with ``surname``,
    ``surname_prefix``, ``first_names``, ``initials`` and ``birth_date``). Candidates are evidence
    dicts (``brp_evidence["kandidaten"]``) or :class:`PersonSummary`; each comes back as given,
    with (score, reasons), best first."""
    wanted = WantedName.from_signal(
        surname=getattr(signal, "surname", "") or "", prefix=getattr(signal, "surname_prefix", "") or "",
        first_names=getattr(signal, "first_names", "") or "", initials=getattr(signal, "initials", "") or "",
        birth_date=getattr(signal, "birth_date", None),
    )
    scored = []
    for candidate in candidates:
        summary = candidate if isinstance(candidate, PersonSummary) else summary_from_evidence(candidate)
        scored.append((candidate, *score(wanted, summary)))
    return sorted(scored, key=lambda item: -item[1])
