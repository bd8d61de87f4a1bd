"""The BRP check of one signal: who is this, do they live at that address in this municipality?

Flow (issue 3, Leidraad §3.2):

1. ``ZoekMetPostcodeEnHuisnummer`` at the signal's address (with huisletter/toevoeging) narrowed with
   ``geslachtsnaam`` and, when known, ``geboortedatum``; ``inclusiefOverledenPersonen`` so a deceased
   customer is recognised. Nothing with a letter/addition → the same at the bare house number
   ("14 H" may be a letter or an addition); the person's dwelling is then checked on the record.
   Several matches are narrowed on the first given name (or the initials).
2. One match → ``RaadpleegMetBurgerservicenummer`` for the full record (deceased? registered where?
   abroad? parents) and the residents of that dwelling (the household, ages, minors flagged).
3. No match → the residents at the house number (unnarrowed) become the candidates for human
   review; with a known birth date ``ZoekMetGeslachtsnaamEnGeboortedatum`` looks for the person
   elsewhere (moved to another municipality, emigrated, deceased).

The placeholder birth date 2000-01-01 counts as unknown. A match by surname without a known birth
date whose first name disagrees is not accepted: it goes to review. Fallout (NOT_FOUND, AMBIGUOUS)
always carries the ranked candidates (:mod:`signals.brp.suggest`): a person decides (AVG art. 22).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models

from signals import normalise

from . import suggest
from .client import (
    RAADPLEEG_BSN,
    ZOEK_GESLACHTSNAAM_GEBOORTEDATUM,
    ZOEK_POSTCODE_HUISNUMMER,
    BrpClient,
)
from .records import PLACEHOLDER_BIRTH_DATE, PersonSummary, fold

RNI_MUNICIPALITY = "1999"  # Registratie Niet-Ingezetenen
ABROAD_TYPES = frozenset({"VerblijfplaatsBuitenland", "VerblijfplaatsOnbekend"})

# What each query asks for (data minimisation: only what the decision and the evidence need).
SEARCH_FIELDS = (
    "burgerservicenummer", "naam.voornamen", "naam.voorvoegsel", "naam.geslachtsnaam", "geboorte.datum",
    "leeftijd", "adressering.adresregel1", "adressering.adresregel2",
)
RECORD_FIELDS = (
    "burgerservicenummer", "naam.voornamen", "naam.voorvoegsel", "naam.geslachtsnaam", "geboorte.datum",
    "leeftijd", "overlijden.datum", "gemeenteVanInschrijving", "verblijfplaats.type",
    "verblijfplaats.verblijfadres.postcode", "verblijfplaats.verblijfadres.huisnummer",
    "verblijfplaats.verblijfadres.huisletter", "verblijfplaats.verblijfadres.huisnummertoevoeging",
    "verblijfplaats.verblijfadres.land", "adressering.adresregel1", "adressering.adresregel2",
    "ouders.burgerservicenummer", "ouders.naam.voornamen", "ouders.naam.voorvoegsel", "ouders.naam.geslachtsnaam",
)

_NAME_FILTER = re.compile(r"^[a-zA-Z0-9À-ž \.\-']{1,200}$")
_LETTER = re.compile(r"^[a-zA-Z]$")
_ADDITION = re.compile(r"^[a-zA-Z0-9 \-]{1,4}$")


class BrpOutcome(models.TextChoices):
    FOUND = "gevonden", "Gevonden op het adres"
    DECEASED = "overleden", "Overleden"
    MOVED = "verhuisd", "Ingeschreven in een andere gemeente"
    EMIGRATED = "vertrokken", "Vertrokken naar het buitenland of onbekend waarheen"
    MINOR = "minderjarig", "Minderjarig"
    NOT_FOUND = "niet_gevonden", "Niet gevonden op het adres"
    AMBIGUOUS = "meerdere_kandidaten", "Meerdere personen mogelijk"


FALLOUT = frozenset({BrpOutcome.NOT_FOUND, BrpOutcome.AMBIGUOUS})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A person a reviewer may pick, with the suggestion's score and reasons."""

    person: PersonSummary
    score: int
    reasons: tuple[str, ...]
    at_address: bool  # registered at the signal's house number (else found elsewhere by name)


@dataclass(frozen=True, slots=True)
class Parent:
    bsn: str
    name: str
    lives_at_address: bool


@dataclass(frozen=True)
class BrpDecision:
    """What the BRP check decided, with its evidence (:meth:`as_evidence` → ``Signal.brp_evidence``)."""

    outcome: BrpOutcome
    checked_on: dt.date
    person: PersonSummary | None = None
    municipality_code: str = ""  # gemeente van inschrijving of the person
    municipality_name: str = ""
    moved_to_municipality_code: str = ""  # MOVED: for forwarding inside this installation only
    # MOVED: the address there, only to forward the signal inside this installation; never stored
    # in the evidence and never shown to the creditor.
    new_address: dict[str, Any] | None = None
    deceased_on: str = ""
    country: str = ""  # EMIGRATED: the country, or 'onbekend'
    household: tuple[PersonSummary, ...] = ()
    parents: tuple[Parent, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    queries: tuple[dict[str, Any], ...] = ()
    note: str = ""  # a Dutch explanation for the reviewer

    @property
    def bsn(self) -> str:
        return self.person.bsn if self.person else ""

    @property
    def needs_review(self) -> bool:
        return self.outcome in FALLOUT

    @property
    def age(self) -> int | None:
        return self.person.age_on(self.checked_on) if self.person else None

    @property
    def minors_in_household(self) -> int:
        return sum(member.is_minor_on(self.checked_on) for member in self.household)

    def as_evidence(self) -> dict[str, Any]:
        """JSON-serialisable evidence: the decision, the person, household, candidates, queries."""
        day = self.checked_on
        evidence: dict[str, Any] = {
            "uitkomst": self.outcome.value,
            "uitkomst_omschrijving": self.outcome.label,
            "gecontroleerd_op": day.isoformat(),
        }
        if self.person:
            evidence.update({key: value for key, value in self.person.as_evidence(day).items() if key != "overleden"})
        if self.municipality_code:
            evidence["gemeente_van_inschrijving"] = {"code": self.municipality_code,
                                                     "omschrijving": self.municipality_name}
        if self.moved_to_municipality_code:
            evidence["verhuisd_naar_gemeente"] = self.moved_to_municipality_code
        if self.deceased_on:
            evidence["overlijdensdatum"] = self.deceased_on
        if self.country:
            evidence["land"] = self.country
        if self.person and self.outcome not in (BrpOutcome.MOVED, BrpOutcome.EMIGRATED):
            evidence["huishouden"] = [member.as_evidence(day) for member in self.household]
            evidence["minderjarigen_in_huishouden"] = self.minors_in_household
        if self.parents:
            evidence["ouders"] = [{"bsn": p.bsn, "naam": p.name, "woont_op_adres": p.lives_at_address}
                                  for p in self.parents]
        if self.candidates:
            evidence["kandidaten"] = [
                {**c.person.as_evidence(day), "voornamen": c.person.first_names, "voorvoegsel": c.person.prefix,
                 "geslachtsnaam": c.person.surname, "score": c.score, "redenen": list(c.reasons),
                 "op_adres": c.at_address, **({"adres": c.person.address_line1} if c.at_address else {})}
                for c in self.candidates
            ]
        if self.note:
            evidence["toelichting"] = self.note
        evidence["bevragingen"] = [dict(q) for q in self.queries]
        return evidence


# --- helpers ----------------------------------------------------------------------------------


def _filter_value(text: str) -> str:
    """A name as the BRP accepts it in a search (no wildcard; letters outside À–ž folded); '' if not."""
    text = " ".join(text.replace("’", "'").replace("*", " ").split())
    if text and not _NAME_FILTER.match(text):
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return text if _NAME_FILTER.match(text) else ""


def _split_name(surname: str, prefix: str) -> tuple[str, str]:
    """('Vries, de', '') and ('de Vries', '') → ('Vries', 'de')."""
    surname = normalise.collapse(surname)
    if "," in surname:
        surname, _, tail = surname.partition(",")
        prefix = prefix or tail
    if surname and not prefix:
        surname, prefix = normalise.split_surname(surname)
    return surname.strip(), normalise.collapse(prefix).lower()


def _given_names_agree(person: PersonSummary, first_names: str, initials: str) -> bool:
    """Does the first given name (or do the initials) on the signal fit this person? True when the
    signal has neither."""
    wanted = fold(first_names).split()
    if wanted and len(wanted[0]) > 1:
        return wanted[0] in fold(person.first_names).split()
    letters = "".join(c for c in fold(initials or first_names) if c.isalpha())
    if not letters:
        return True
    have = person.initials
    return bool(have) and (have.startswith(letters) or letters.startswith(have))


def _same_dwelling(record: dict[str, Any], letter: str, addition: str) -> bool:
    """Letter and addition compared as one text: '14 H' as letter H or as addition H is one dwelling."""
    address = (record.get("verblijfplaats") or {}).get("verblijfadres") or {}
    registered = f"{address.get('huisletter', '')}{address.get('huisnummertoevoeging', '')}"
    return re.sub(r"[\s\-]", "", registered).upper() == re.sub(r"[\s\-]", "", f"{letter}{addition}").upper()


class _Check:
    """One check: the client, the day, and the log of queries made."""

    def __init__(self, client: BrpClient, today: dt.date, municipality_code: str):
        self.client = client
        self.today = today
        self.municipality_code = municipality_code
        self.queries: list[dict[str, Any]] = []

    def _log(self, query: dict[str, Any], count: int) -> None:
        self.queries.append({**query, "aantal": count})

    def search_address(self, postcode: str, number: int, letter: str = "", addition: str = "", *,
                       surname: str = "", birth_date: dt.date | None = None,
                       include_deceased: bool = False) -> list[PersonSummary]:
        persons = self.client.search_by_address(
            postcode=postcode, house_number=number, house_letter=letter, addition=addition, surname=surname,
            birth_date=birth_date, include_deceased=include_deceased, fields=SEARCH_FIELDS,
        )
        query: dict[str, Any] = {"type": ZOEK_POSTCODE_HUISNUMMER, "postcode": postcode, "huisnummer": number}
        for key, value in (("huisletter", letter), ("huisnummertoevoeging", addition), ("geslachtsnaam", surname),
                           ("geboortedatum", birth_date.isoformat() if birth_date else "")):
            if value:
                query[key] = value
        if include_deceased:
            query["inclusiefOverledenPersonen"] = True
        self._log(query, len(persons))
        return [PersonSummary.from_api(p) for p in persons]

    def search_name(self, surname: str, birth_date: dt.date) -> list[PersonSummary]:
        persons = self.client.search_by_name_and_birth_date(
            surname=surname, birth_date=birth_date, include_deceased=True, fields=SEARCH_FIELDS)
        self._log({"type": ZOEK_GESLACHTSNAAM_GEBOORTEDATUM, "geslachtsnaam": surname,
                   "geboortedatum": birth_date.isoformat(), "inclusiefOverledenPersonen": True}, len(persons))
        return [PersonSummary.from_api(p) for p in persons]

    def record(self, bsn: str) -> dict[str, Any] | None:
        records = self.client.get_by_bsn([bsn], fields=RECORD_FIELDS)
        self._log({"type": RAADPLEEG_BSN, "burgerservicenummer": [bsn]}, len(records))
        return records[0] if records else None

    def household(self, record: dict[str, Any]) -> tuple[PersonSummary, ...]:
        """The living residents of the record's dwelling (same address lines)."""
        address = (record.get("verblijfplaats") or {}).get("verblijfadres") or {}
        if not address.get("postcode") or not address.get("huisnummer"):
            return ()
        letter = address.get("huisletter", "")
        addition = address.get("huisnummertoevoeging", "")
        residents = self.search_address(address["postcode"].replace(" ", "").upper(), address["huisnummer"],
                                        letter if _LETTER.match(letter) else "",
                                        addition if _ADDITION.match(addition) else "")
        lines = record.get("adressering") or {}
        dwelling = (lines.get("adresregel1", ""), lines.get("adresregel2", ""))
        if any(dwelling):
            residents = [r for r in residents if (r.address_line1, r.address_line2) == dwelling]
        return tuple(sorted(residents, key=lambda r: (r.birth_date_text or "9999", r.bsn)))

    def decision(self, outcome: BrpOutcome, **values: Any) -> BrpDecision:
        return BrpDecision(outcome=outcome, checked_on=self.today, queries=tuple(self.queries), **values)

    def fallout(self, outcome: BrpOutcome, residents: list[PersonSummary], wanted: dict[str, Any], *,
                matches: Sequence[PersonSummary] = (), elsewhere: Sequence[PersonSummary] = (),
                note: str = "") -> BrpDecision:
        """Undecided: every candidate ranked for a reviewer. ``matches`` were found at the house
        number (deceased ones too), ``elsewhere`` by name and birth date."""
        at_address = {p.bsn for p in [*residents, *matches]}
        pool = list({p.bsn: p for p in [*matches, *residents, *elsewhere]}.values())
        ranked = suggest.rank(pool, **wanted)
        candidates = tuple(Candidate(s.candidate, s.score, s.reasons, s.candidate.bsn in at_address) for s in ranked)
        return self.decision(outcome, candidates=candidates, note=note)

    def from_record(self, summary: PersonSummary, record: dict[str, Any], *, at_address: bool,
                    residents: list[PersonSummary], wanted: dict[str, Any]) -> BrpDecision:
        """Decide on the chosen person's full record."""
        person = PersonSummary.from_api(record) if record.get("burgerservicenummer") else summary
        municipality = record.get("gemeenteVanInschrijving") or {}
        code, name = municipality.get("code", ""), municipality.get("omschrijving", "")
        place = record.get("verblijfplaats") or {}
        common = {"person": person, "municipality_code": code, "municipality_name": name}
        if person.deceased or "overlijden" in record:
            died = (record.get("overlijden") or {}).get("datum") or {}
            return self.decision(BrpOutcome.DECEASED, deceased_on=died.get("datum", "") or died.get("langFormaat", ""),
                                 household=self.household(record), **common)
        if place.get("type") in ABROAD_TYPES or code == RNI_MUNICIPALITY or person.suspension_reason in ("E", "R"):
            land = ((place.get("verblijfadres") or {}).get("land") or {}).get("omschrijving", "")
            return self.decision(BrpOutcome.EMIGRATED, country=land or "onbekend", **common)
        if code and code != self.municipality_code:
            return self.decision(BrpOutcome.MOVED, moved_to_municipality_code=code,
                                 new_address=dict(place.get("verblijfadres") or {}), **common)
        if not at_address:
            return self.fallout(BrpOutcome.NOT_FOUND, residents, wanted, elsewhere=[person],
                                note="Deze persoon staat in deze gemeente op een ander adres ingeschreven.")
        household = self.household(record)
        if person.is_minor_on(self.today):
            at_home = {member.bsn for member in household}
            parents = tuple(
                Parent(p.get("burgerservicenummer", ""), PersonSummary.from_api(p).name,
                       p.get("burgerservicenummer", "") in at_home)
                for p in record.get("ouders") or []
            )
            return self.decision(BrpOutcome.MINOR, household=household, parents=parents, **common)
        return self.decision(BrpOutcome.FOUND, household=household, **common)


def _narrow(matches: list[PersonSummary], first_names: str, initials: str) -> list[PersonSummary]:
    """Several matches: keep those whose first given name (or initials) fits, if any do."""
    if len(matches) < 2 or not (first_names or initials):
        return matches
    fitting = [m for m in matches if _given_names_agree(m, first_names, initials)]
    return fitting or matches


# --- the check --------------------------------------------------------------------------------


def check_person(
    client: BrpClient,
    *,
    municipality_code: str,
    postcode: str,
    house_number: int,
    house_letter: str = "",
    addition: str = "",
    surname: str = "",
    prefix: str = "",
    first_names: str = "",
    initials: str = "",
    birth_date: dt.date | None = None,
    today: dt.date,
) -> BrpDecision:
    """Check one signal's customer against the BRP. Raises :class:`~signals.brp.client.BrpUnavailable`
    when the BRP cannot be asked now (try again later)."""
    check = _Check(client, today, municipality_code)
    postcode = postcode.replace(" ", "").upper()
    letter = house_letter if _LETTER.match(house_letter or "") else ""
    addition = addition if _ADDITION.match(addition or "") else ""
    surname, prefix = _split_name(surname, prefix)
    name_filter = _filter_value(surname)
    known_birth = birth_date if birth_date and birth_date != PLACEHOLDER_BIRTH_DATE else None
    wanted = {"surname": surname, "prefix": prefix, "first_names": first_names, "initials": initials,
              "birth_date": birth_date}

    matches: list[PersonSummary] = []
    loose = False
    if name_filter:
        matches = check.search_address(postcode, house_number, letter, addition, surname=name_filter,
                                       birth_date=known_birth, include_deceased=True)
        if not matches and (letter or addition):
            matches = check.search_address(postcode, house_number, surname=name_filter, birth_date=known_birth,
                                           include_deceased=True)
            loose = True
        matches = _narrow(matches, first_names, initials)

    if len(matches) == 1 and (known_birth or _given_names_agree(matches[0], first_names, initials)):
        record = check.record(matches[0].bsn)
        if record is not None and (not loose or _same_dwelling(record, letter, addition)):
            return check.from_record(matches[0], record, at_address=True, residents=[], wanted=wanted)

    residents = check.search_address(postcode, house_number)
    if len(matches) > 1:
        return check.fallout(BrpOutcome.AMBIGUOUS, residents, wanted, matches=matches,
                             note=f"{len(matches)} personen op dit adres passen bij het signaal.")
    if matches:
        note = ("Op dit huisnummer, maar met een andere huisletter of toevoeging." if loose else
                "De achternaam komt overeen, de voornaam niet.")
        return check.fallout(BrpOutcome.NOT_FOUND, residents, wanted, matches=matches, note=note)

    if name_filter and known_birth:
        elsewhere = _narrow(check.search_name(name_filter, known_birth), first_names, initials)
        if len(elsewhere) == 1 and _given_names_agree(elsewhere[0], first_names, initials):
            record = check.record(elsewhere[0].bsn)
            if record is not None:
                return check.from_record(elsewhere[0], record, at_address=False, residents=residents, wanted=wanted)
        if elsewhere:
            return check.fallout(BrpOutcome.NOT_FOUND, residents, wanted, elsewhere=elsewhere,
                                 note="Niet op dit adres; wel personen met deze naam en geboortedatum elders.")
    note = "Niemand op dit adres past bij het signaal." if residents else "Op dit adres staat niemand ingeschreven."
    return check.fallout(BrpOutcome.NOT_FOUND, residents, wanted, note=note)


def check_chosen_person(client: BrpClient, *, bsn: str, municipality_code: str, today: dt.date) -> BrpDecision:
    """Decide on the person a fallout reviewer chose (by BSN): the full record and the household,
    as for a person found at the address. Raises ``BrpUnavailable`` like :func:`check_person`."""
    check = _Check(client, today, municipality_code)
    record = check.record(bsn)
    if record is None:
        return check.decision(BrpOutcome.NOT_FOUND, note="De gekozen persoon staat niet (meer) in de BRP.")
    summary = PersonSummary.from_api(record)
    return check.from_record(summary, record, at_address=True, residents=[], wanted={})
