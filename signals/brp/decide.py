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

Layout: the steps are here; comparing names, birth dates and dwellings is :mod:`.matching`, the
outcome and its evidence :mod:`.decision` (``BrpOutcome`` and ``BrpDecision`` are importable from here).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from signals import normalise

from . import suggest
from .client import (
    RAADPLEEG_BSN,
    ZOEK_GESLACHTSNAAM_GEBOORTEDATUM,
    ZOEK_NAAM_GEMEENTE,
    ZOEK_POSTCODE_HUISNUMMER,
    BrpClient,
)
from .decision import BrpDecision, BrpOutcome, Candidate, Parent
from .matching import (
    Wanted,
    _birth_date_agrees,
    _filter_value,
    _fitting,
    _given_names_agree,
    _in_dwelling,
    _name_matches,
    _same_dwelling,
    _search_forms,
    _split_name,
    _swapped,
)
from .records import PersonSummary, name_key

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
_LETTER = re.compile(r"^[a-zA-Z]$")
_ADDITION = re.compile(r"^[a-zA-Z0-9 \-]{1,4}$")


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
