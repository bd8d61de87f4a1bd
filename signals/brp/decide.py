"""The BRP check of one signal: who is this, do they live at that address in this municipality?

Flow (issue 3, Leidraad §3.2; names as in issue 9 and docs/adr/0006-brp-name-matching.md):

1. With a known birth date: ``ZoekMetPostcodeEnHuisnummer`` at the signal's address (with
   huisletter/toevoeging) narrowed with the surname without prefix (no diacritics: then the BRP
   finds the name with and without them) and the birth date; ``inclusiefOverledenPersonen`` so a
   deceased customer is recognised.
2. Otherwise, or when that finds nobody who fits: everybody at the house number (deceased too),
   compared here: the whole name and the name without prefix, folded (case, diacritics,
   apostrophes, hyphens, spaces), ALL given names and initials, the birth date; the dwelling by
   letter and addition ("14 H" may be a letter or an addition).
3. The names the residents of the dwelling may use (``RaadpleegMetBurgerservicenummer``: partners'
   names, aanduidingNaamgebruik) when nobody has the signal's name as their own, and without a birth
   date whenever several live there.
4. One fitting person → ``RaadpleegMetBurgerservicenummer`` for the full record (deceased?
   registered where? abroad? parents) and the household (from step 2 when it was asked).
   Several → AMBIGUOUS (a real tie). Nobody → with a known birth date
   ``ZoekMetGeslachtsnaamEnGeboortedatum`` in several forms of the name looks for the person
   elsewhere (moved, emigrated, deceased); without one ``ZoekMetNaamEnGemeenteVanInschrijving``
   suggests namesakes elsewhere in the municipality to the reviewer.

The placeholder birth date 2000-01-01 counts as unknown; an unknown birth date never costs a match
by itself. Fallout (NOT_FOUND, AMBIGUOUS) always carries the ranked candidates
(:mod:`signals.brp.suggest`): a person decides (AVG art. 22).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models

from signals import normalise

from . import suggest
from .client import (
    RAADPLEEG_BSN,
    ZOEK_GESLACHTSNAAM_GEBOORTEDATUM,
    ZOEK_NAAM_GEMEENTE,
    ZOEK_POSTCODE_HUISNUMMER,
    BrpClient,
)
from .records import PLACEHOLDER_BIRTH_DATE, PersonSummary, fold, name_key, without_diacritics

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

# Asked of the residents of the dwelling when nobody there has the signal's name as their own:
# the names they may use (naamgebruik with a partner's name).
NAME_USE_FIELDS = (
    "burgerservicenummer", "naam.voornamen", "naam.voorvoegsel", "naam.geslachtsnaam", "naam.aanduidingNaamgebruik",
    "partners.naam.voorvoegsel", "partners.naam.geslachtsnaam", "geboorte.datum", "adressering.adresregel1",
    "adressering.adresregel2",
)

MAX_SUGGESTED_ELSEWHERE = 10  # more namesakes in the municipality tell a reviewer nothing
_GEMEENTE = re.compile(r"^[0-9]{4}$")
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
                 "op_adres": c.at_address, **({"adres": c.person.address_line1} if c.at_address else {}),
                 **({"partnernamen": [{"voorvoegsel": prefix, "geslachtsnaam": surname}
                                      for prefix, surname in c.person.partner_names]}
                    if c.person.partner_names else {})}
                for c in self.candidates
            ]
        if self.note:
            evidence["toelichting"] = self.note
        evidence["bevragingen"] = [dict(q) for q in self.queries]
        return evidence


# --- helpers ----------------------------------------------------------------------------------


def _filter_value(text: str) -> str:
    """A geslachtsnaam as a BRP search parameter, '' when it cannot be one. Always WITHOUT
    diacritics: the BRP finds 'Gündüz' with 'Gunduz' but not 'Gundüz' or 'Gunduz' with 'Gündüz', and
    creditors and the BRP disagree on diacritics. Typographic apostrophes become plain ones; a '*'
    (the BRP's wildcard) is never sent."""
    text = " ".join(without_diacritics(normalise.apostrophes(text)).replace("*", " ").split())
    return text if _NAME_FILTER.match(text) else ""


def _split_name(surname: str, prefix: str) -> tuple[str, str]:
    """('Vries, de', '') and ('de Vries', '') → ('Vries', 'de'); the BRP's form for a search."""
    surname, prefix = normalise.split_surname(surname, prefix)
    return surname.strip(), prefix


@dataclass(frozen=True, slots=True)
class Wanted:
    """The name and birth date on a signal, in the forms the BRP's names are compared with.

    ``full`` is the whole surname, prefix included, as a :func:`name_key` ('vanderberg'); ``cores``
    the surname without prefix as the creditor split it and as the prefix table splits it; ``parts``
    the parts of a double name ('Jansen-de Vries' → jansen, devries, vries).
    """

    full: str
    cores: frozenset[str]
    parts: frozenset[str]
    given: tuple[tuple[str, bool], ...]  # (name key, abbreviated) per given name, in order
    initials: str  # letters only, lower case ('jp'); from voorletters, or from voornamen that are initials
    birth_date: dt.date | None  # None when unknown or the placeholder 2000-01-01

    @classmethod
    def from_signal(cls, *, surname: str, prefix: str = "", first_names: str = "", initials: str = "",
                    birth_date: dt.date | None = None) -> Wanted:
        core, prefix = normalise.split_surname(surname, prefix)
        whole = f"{prefix} {core}" if prefix else core
        cores = {name_key(core), name_key(normalise.split_surname(whole)[0])}
        parts: set[str] = set()
        if "-" in core:
            for part in whole.split("-"):
                parts |= {name_key(part), name_key(normalise.split_surname(part)[0])}
        given = _given_tokens(first_names)
        letters = _initial_letters(initials)
        if given and all(abbreviated and len(key) == 1 for key, abbreviated in given):
            letters, given = letters or "".join(key for key, _ in given), ()  # 'J.P.' as voornamen
        known = birth_date if birth_date and birth_date != PLACEHOLDER_BIRTH_DATE else None
        return cls(full=name_key(whole), cores=frozenset(cores - {""}), parts=frozenset(parts - {""}),
                   given=given, initials=letters, birth_date=known)

    @property
    def has_name(self) -> bool:
        return bool(self.full)

    @property
    def has_given(self) -> bool:
        return bool(self.given or self.initials)


def _given_tokens(first_names: str) -> tuple[tuple[str, bool], ...]:
    """'Joh. Pieter' → (('joh', True), ('pieter', False)); 'Anne-Marie' → anne, marie."""
    tokens = []
    for token in re.findall(r"[^\s.\-]+\.?", normalise.apostrophes(first_names)):
        key = name_key(token)
        if key:
            tokens.append((key, token.endswith(".") or len(key) == 1))
    return tuple(tokens)


def _initial_letters(initials: str) -> str:
    return "".join(c for c in fold(initials) if c.isalpha())


def _person_given(person: PersonSummary) -> list[str]:
    """The person's given names as keys, hyphenated names in their parts ('Anne-Marie' → anne, marie)."""
    return [key for part in re.split(r"[\s\-]+", person.first_names) if (key := name_key(part))]


def _name_ends(person: PersonSummary) -> dict[int, int]:
    """Start → end (in :func:`_person_given`'s parts) of each given name: 'Anne-Marie Joëlle' → {0: 2, 2: 3}."""
    ends, start = {}, 0
    for name in person.first_names.split():
        size = len([part for part in name.split("-") if name_key(part)])
        if size:
            ends[start] = start + size
            start += size
    return ends


def _person_initials(person: PersonSummary) -> tuple[str, str]:
    """The initials as the BRP derives voorletters (one per given name: 'Anne-Marie Joëlle' → 'aj')
    and with a hyphenated name's parts ('amj'), as creditors also write them."""
    names = [name_key(name) for name in person.first_names.split()]
    return "".join(name[:1] for name in names), "".join(part[:1] for part in _person_given(person))


def _names_fit(wanted: Sequence[tuple[str, bool]], names: Sequence[str], ends: dict[int, int],
               position: int = 0) -> bool:
    """Are all given names on the signal among the person's, in order? A written-out name may skip
    names ('Amin' fits Mohamed Amin); an abbreviation ('J.', 'Joh.') stands for the NEXT name
    ('Gregory J.' fits Gregory Jeffrey, not Gregory Rignald Jeffrey; 'Johanna A. G.' fits Johanna
    Anne-Marie Geertruida). 'Annemarie' fits 'Anne-Marie'."""
    if not wanted:
        return True
    key, abbreviated = wanted[0]
    if abbreviated:
        if position >= len(names) or not names[position].startswith(key):
            return False
        after_name = {position + 1, ends.get(position, position + 1)}  # the part, or the whole hyphenated name
        return any(_names_fit(wanted[1:], names, ends, after) for after in after_name)
    for index in range(position, len(names)):
        for end in range(index + 1, len(names) + 1):
            joined = "".join(names[index:end])
            if joined == key and _names_fit(wanted[1:], names, ends, end):
                return True
            if len(joined) >= len(key):
                break
    return False


def _initials_fit(letters: str, person: PersonSummary) -> bool:
    """Do the initials fit the given names from the first on? 'jp' fits Jan Pieter and Jan Pieter
    Karel, not Jan (a father with one name is not his son Jan Pieter) and not Pieter Jan."""
    return any(initials.startswith(letters) for initials in _person_initials(person))


def _given_names_agree(person: PersonSummary, wanted: Wanted) -> bool:
    """Do ALL given names and initials on the signal fit this person's given names? True when the
    signal has none. 'Mohamed' fits Mohamed and Mohamed Amin; 'Mohamed Amin' and 'M.A.' only the latter."""
    return (_names_fit(wanted.given, _person_given(person), _name_ends(person))
            and _initials_fit(wanted.initials, person))


def _birth_date_agrees(person: PersonSummary, wanted: Wanted) -> bool:
    """Unknown on either side agrees; a partial BRP date ('1978-03') agrees with a date in it."""
    if wanted.birth_date is None:
        return True
    if person.birth_date is not None:
        return person.birth_date == wanted.birth_date
    return wanted.birth_date.isoformat().startswith(person.birth_date_text)


def _surname_forms(person: PersonSummary) -> tuple[set[str], set[str]]:
    """(whole names, surnames without prefix) the person may go by, as :func:`name_key`: the own
    name, each partner's, and both combined (naamgebruik V 'Jansen-de Vries' and N 'de Vries-Jansen').
    Every combination counts whatever ``aanduidingNaamgebruik`` says: people change their name use
    without telling their creditors."""
    own = (person.prefix, person.surname)
    wholes, cores = set(), set()
    for prefix, surname in (own, *person.partner_names):
        whole = f"{prefix} {surname}".strip()
        wholes.add(name_key(whole))
        cores |= {name_key(surname), name_key(normalise.split_surname(whole)[0])}
    own_whole = name_key(f"{own[0]} {own[1]}")
    for prefix, surname in person.partner_names:
        partner_whole = name_key(f"{prefix} {surname}")
        wholes |= {partner_whole + own_whole, own_whole + partner_whole}
    return wholes - {""}, cores - {""}


# How well a surname on a signal matches a person's: the whole name (3), the name without a
# prefix that one side left out or split differently (2), one part of a double name (1).
WHOLE, CORE, PART = 3, 2, 1


def _surname_level(person: PersonSummary, wanted: Wanted) -> int:
    wholes, cores = _surname_forms(person)
    if wanted.full in wholes:
        return WHOLE
    if wanted.full in cores or wanted.cores & (wholes | cores):
        return CORE
    if wanted.parts & (wholes | cores):
        return PART
    return 0


def _fitting(persons: Sequence[PersonSummary], wanted: Wanted) -> list[PersonSummary]:
    """The persons whose surname, ALL given names and initials and birth date fit the signal; of
    those, only the ones whose surname fits best. One left: that is the person; more: a real tie."""
    if not wanted.has_name:
        return []
    levels = [(level, person) for person in persons
              if (level := _surname_level(person, wanted))
              and _given_names_agree(person, wanted) and _birth_date_agrees(person, wanted)]
    best = max((level for level, _ in levels), default=0)
    return [person for level, person in levels if level == best]


def _swapped(surname: str, prefix: str, first_names: str, birth_date: dt.date | None) -> Wanted | None:
    """The signal's name with given names and surname swapped ('Haddad' as voornamen, 'Mohammed' as
    geslachtsnaam), when both are written out (initials cannot be swapped)."""
    given = _given_tokens(first_names)
    # Initials ('J.P.', 'J P') cannot be a surname; a one-letter part inside one ('Jong A Lock') can.
    if not surname.strip() or not given or "." in first_names or all(abbreviated for _, abbreviated in given):
        return None
    whole = " ".join(part for part in (prefix, surname) if part.strip())
    return Wanted.from_signal(surname=first_names, first_names=whole, birth_date=birth_date)


def _name_matches(persons: Sequence[PersonSummary], wanted: Wanted) -> list[PersonSummary]:
    """The persons whose surname fits (whatever the given names and birth date)."""
    return [person for person in persons if wanted.has_name and _surname_level(person, wanted)]


def _dwelling(text: str) -> str:
    return re.sub(r"[\s\-]", "", text).upper()


def _in_dwelling(person: PersonSummary, number: int, letter: str, addition: str) -> bool:
    """Is the person registered in the signal's dwelling? Read from ``adresregel1`` ('Straat 14 H');
    without a letter or addition on the signal every dwelling of the house number counts, and a
    person whose address line cannot be read counts (the full record is checked later)."""
    wanted = _dwelling(f"{letter}{addition}")
    if not wanted:
        return True
    found = re.search(rf"(?:^|\s){number}(?:\s+(.*))?$", person.address_line1)
    return found is None or _dwelling(found.group(1) or "") == wanted


def _search_forms(surname: str, prefix: str) -> list[str]:
    """The geslachtsnaam values to search the BRP with, most likely first: the surname without the
    prefix (the BRP's own split), as the creditor split it, the whole name (the BRP holds 'El Idrissi'
    or 'Da Silva' as geslachtsnaam without voorvoegsel), hyphen and space swapped, and each part of a
    double name (the own name of someone using a partner's name too). Without diacritics."""
    core, prefix = normalise.split_surname(surname, prefix)
    whole = f"{prefix} {core}" if prefix else core
    forms = [normalise.split_surname(whole)[0], core, whole, core.replace("-", " "), core.replace(" ", "-")]
    if "-" in core:
        forms += [normalise.split_surname(part)[0] for part in whole.split("-")]
    values: list[str] = []
    for form in forms:
        value = _filter_value(form)
        if value and value.casefold() not in {v.casefold() for v in values}:
            values.append(value)
    return values


def _same_dwelling(record: dict[str, Any], letter: str, addition: str) -> bool:
    """Letter and addition compared as one text: '14 H' as letter H or as addition H is one dwelling."""
    address = (record.get("verblijfplaats") or {}).get("verblijfadres") or {}
    registered = f"{address.get('huisletter', '')}{address.get('huisnummertoevoeging', '')}"
    return _dwelling(registered) == _dwelling(f"{letter}{addition}")


class _Check:
    """One check: the client, the day, and the log of queries made."""

    def __init__(self, client: BrpClient, today: dt.date, municipality_code: str):
        self.client = client
        self.today = today
        self.municipality_code = municipality_code
        self.queries: list[dict[str, Any]] = []
        # (postcode, huisnummer) → everybody registered there, deceased too (a bare address search)
        self._residents: dict[tuple[str, int], list[PersonSummary]] = {}

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

    def residents(self, postcode: str, number: int) -> list[PersonSummary]:
        """Everybody registered at the house number (every letter and addition), deceased too; asked
        once per check."""
        key = (postcode, number)
        if key not in self._residents:
            self._residents[key] = self.search_address(postcode, number, include_deceased=True)
        return self._residents[key]

    def name_use(self, persons: Sequence[PersonSummary]) -> list[PersonSummary]:
        """The persons again with the names they may use: partners' names and aanduidingNaamgebruik
        (only a Raadpleeg answer has them), 20 per question."""
        bsns = [p.bsn for p in persons if p.bsn]
        if not bsns:
            return []
        records = self.client.get_by_bsn(bsns, fields=NAME_USE_FIELDS)
        self._log({"type": RAADPLEEG_BSN, "burgerservicenummer": bsns}, len(records))
        return [PersonSummary.from_api(r) for r in records]

    def search_name(self, surname: str, birth_date: dt.date) -> list[PersonSummary]:
        persons = self.client.search_by_name_and_birth_date(
            surname=surname, birth_date=birth_date, include_deceased=True, fields=SEARCH_FIELDS)
        self._log({"type": ZOEK_GESLACHTSNAAM_GEBOORTEDATUM, "geslachtsnaam": surname,
                   "geboortedatum": birth_date.isoformat(), "inclusiefOverledenPersonen": True}, len(persons))
        return [PersonSummary.from_api(p) for p in persons]

    def search_municipality(self, surname: str, first_name: str) -> list[PersonSummary]:
        """Persons in this municipality by geslachtsnaam and the first given name (``Mohamed*``
        finds Mohamed Amin)."""
        persons = self.client.search_by_name_in_municipality(
            surname=surname, first_names=f"{first_name}*", municipality_code=self.municipality_code,
            fields=SEARCH_FIELDS)
        self._log({"type": ZOEK_NAAM_GEMEENTE, "geslachtsnaam": surname, "voornamen": f"{first_name}*",
                   "gemeenteVanInschrijving": self.municipality_code}, len(persons))
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
        postcode = address["postcode"].replace(" ", "").upper()
        known = self._residents.get((postcode, address["huisnummer"]))
        if known is not None:  # already asked in this check: no second question
            residents = [r for r in known if not r.deceased]
        else:
            residents = self.search_address(postcode, address["huisnummer"], letter if _LETTER.match(letter) else "",
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


def _with_name_use(check: _Check, dwelling: list[PersonSummary],
                   living: list[PersonSummary]) -> list[PersonSummary]:
    """The dwelling's persons with the names they may use (one Raadpleeg question for the living);
    ``living`` is updated in place so that the reviewer's candidates show them too."""
    known = {p.bsn: p for p in check.name_use([p for p in dwelling if not p.deceased])}
    living[:] = [known.get(p.bsn, p) for p in living]
    return [known.get(p.bsn, p) for p in dwelling]


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
    rest = normalise.split_name(surname, prefix)[2]
    if rest and not (first_names or initials):  # 'Jansen, J.P.': the given names written after the surname
        first_names, initials = normalise.given_from_rest(rest)
    wanted = Wanted.from_signal(surname=surname, prefix=prefix, first_names=first_names, initials=initials,
                                birth_date=birth_date)
    forms = _search_forms(surname, prefix)
    known_birth = wanted.birth_date
    core, prefix = _split_name(surname, prefix)
    ranking = {"surname": core, "prefix": prefix, "first_names": first_names, "initials": initials,
               "birth_date": birth_date}

    def decide(person: PersonSummary, *, dwelling_checked: bool) -> BrpDecision | None:
        record = check.record(person.bsn)
        if record is None or (not dwelling_checked and (letter or addition)
                              and not _same_dwelling(record, letter, addition)):
            return None
        return check.from_record(person, record, at_address=True, residents=[], wanted=ranking)

    # 1. With a known birth date: the BRP narrows the address to the name and date (few persons
    #    delivered). One fitting person is the one.
    if forms and known_birth:
        matches = check.search_address(postcode, house_number, letter, addition, surname=forms[0],
                                       birth_date=known_birth, include_deceased=True)
        fitting = _fitting(matches, wanted)
        if len(fitting) == 1 and (decision := decide(fitting[0], dwelling_checked=True)):
            return decision

    # 2. Everybody at the house number, the names compared here in every form (prefix split or
    #    not, case, diacritics, apostrophes, hyphens); the dwelling by letter and addition.
    everybody = check.residents(postcode, house_number)
    dwelling = [p for p in everybody if _in_dwelling(p, house_number, letter, addition)]
    living = [p for p in everybody if not p.deceased]
    at_home = [p for p in dwelling if not p.deceased]
    # 3. The names the residents of the dwelling may use (a partner's name, alone or combined with
    #    their own) are asked when nobody has the signal's name as their own, and, without a birth
    #    date, whenever several live there: a wife using her husband's name and his daughter may
    #    both be 'M. de Vries', a tie only their name use reveals.
    with_names = False
    if wanted.has_name and wanted.birth_date is None and len(at_home) > 1:
        dwelling, with_names = _with_name_use(check, dwelling, living), True
    fitting = _fitting(dwelling, wanted)
    if not fitting and wanted.has_name and at_home and not with_names:
        dwelling, with_names = _with_name_use(check, dwelling, living), True
        fitting = _fitting(dwelling, wanted)
    if len(fitting) == 1 and (decision := decide(fitting[0], dwelling_checked=False)):
        return decision
    if len(fitting) > 1:
        return check.fallout(BrpOutcome.AMBIGUOUS, living, ranking, matches=fitting,
                             note=f"{len(fitting)} personen op dit adres passen bij het signaal.")
    # 3b. Given name and surname reversed by the creditor (a known cause of false fallout, often with
    #     the names of refugees): written out in full and swapped, they must fit one person here.
    if (swapped := _swapped(surname, prefix, first_names, birth_date)) is not None:
        if not with_names and at_home:
            dwelling, with_names = _with_name_use(check, dwelling, living), True
        reversed_fit = _fitting(dwelling, swapped)
        if len(reversed_fit) == 1 and (decision := decide(reversed_fit[0], dwelling_checked=False)):
            return decision
    named = _name_matches(everybody, wanted)
    if fitting or [p for p in named if p not in dwelling and _given_names_agree(p, wanted)
                   and _birth_date_agrees(p, wanted)]:
        return check.fallout(BrpOutcome.NOT_FOUND, living, ranking, matches=named,
                             note="Op dit huisnummer, maar met een andere huisletter of toevoeging.")
    named = _name_matches(dwelling, wanted) or named
    if named:
        return check.fallout(BrpOutcome.NOT_FOUND, living, ranking, matches=named,
                             note="De achternaam komt overeen, maar de voornamen, voorletters of geboortedatum niet.")

    # 4. Nobody at the address: with a known birth date, the person elsewhere (moved, emigrated,
    #    deceased), by each form of the name until one finds somebody.
    if known_birth:
        for form in forms[:4]:
            elsewhere = check.search_name(form, known_birth)
            if not elsewhere:
                continue
            fitting = _fitting(elsewhere, wanted)
            if len(fitting) == 1:
                record = check.record(fitting[0].bsn)
                if record is not None:
                    return check.from_record(fitting[0], record, at_address=False, residents=living,
                                             wanted=ranking)
            return check.fallout(BrpOutcome.NOT_FOUND, living, ranking, elsewhere=elsewhere,
                                 note="Niet op dit adres; wel personen met deze naam en geboortedatum elders.")
    # 5. Without a birth date: persons with this name and first given name elsewhere in the
    #    municipality (an old address at the creditor), as suggestions for the reviewer only.
    first = next((key for key, abbreviated in wanted.given if not abbreviated), "")
    first_name = _filter_value(next((t for t in re.findall(r"[^\s.\-]+", first_names) if name_key(t) == first), ""))
    if not known_birth and forms and len(first_name) >= 3 and _GEMEENTE.match(municipality_code):
        elsewhere = _fitting(check.search_municipality(forms[0], first_name), wanted)
        if 0 < len(elsewhere) <= MAX_SUGGESTED_ELSEWHERE:
            return check.fallout(BrpOutcome.NOT_FOUND, living, ranking, elsewhere=elsewhere,
                                 note="Niet op dit adres; wel personen met deze naam elders in de gemeente.")
    note = "Niemand op dit adres past bij het signaal." if living else "Op dit adres staat niemand ingeschreven."
    return check.fallout(BrpOutcome.NOT_FOUND, living, ranking, note=note)


def check_chosen_person(client: BrpClient, *, bsn: str, municipality_code: str, today: dt.date) -> BrpDecision:
    """Decide on the person a fallout reviewer chose (by BSN): the full record and the household,
    as for a person found at the address. Raises ``BrpUnavailable`` like :func:`check_person`."""
    check = _Check(client, today, municipality_code)
    record = check.record(bsn)
    if record is None:
        return check.decision(BrpOutcome.NOT_FOUND, note="De gekozen persoon staat niet (meer) in de BRP.")
    summary = PersonSummary.from_api(record)
    return check.from_record(summary, record, at_address=True, residents=[], wanted={})
