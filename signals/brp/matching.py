"""Comparing a signal's customer with persons in the BRP: the name in all its forms (prefix,
diacritics, hyphens, partners' names, given names and initials), the birth date, the dwelling,
and the forms of the name to search the BRP with (docs/adr/0006-brp-name-matching.md)."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from signals import normalise

from .records import PLACEHOLDER_BIRTH_DATE, PersonSummary, fold, name_key, without_diacritics

_NAME_FILTER = re.compile(r"^[a-zA-Z0-9À-ž \.\-']{1,200}$")


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
