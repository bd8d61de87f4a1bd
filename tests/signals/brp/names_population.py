"""A generated population of Dutch, Moroccan, Turkish, Surinamese, Antillean and Polish names for
the BRP check, and the ways creditors write those names on a signal.

:func:`population` makes households (singles, couples with a partner's name in use, families
whose children share a parent's first name, twins with the same initials) at generated addresses,
some house numbers holding several dwellings (letters and additions). :func:`mock_persons`
writes them in the format of the official mock's test data, so that the fake BRP serves them as
it serves the mock persons. :func:`variants` gives, per person, the signals creditors really send
(prefix split off or not, after a comma, given names after a comma, capitals, no diacritics, typographic apostrophes,
initials only, first name only, a partner's name, no birth date or the placeholder 1-1-2000, a
letter delivered as an addition); :func:`near_misses` gives signals that must NOT find anybody
automatically (a similar name at another address, another given name, another birth date).

Whether a variant is unambiguous is decided here from the generated facts (which persons in the
dwelling could carry that name, given names and birth date), not by the code under test.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from demo.brp_fake.persons import demo_bsn
from signals.brp.records import name_key, without_diacritics

MUNICIPALITY = ("0599", "Rotterdam")
PLACEHOLDER = dt.date(2000, 1, 1)

# (voorvoegsel, geslachtsnaam) as the BRP holds them; several names in two registrations
# (the prefix table's split, and the whole name as geslachtsnaam).
SURNAMES = {
    "nl": [("van der", "Berg"), ("de", "Vries"), ("van den", "Heuvel"), ("ten", "Brink"), ("'t", "Hart"),
           ("van 't", "Hof"), ("d'", "Ancona"), ("van", "Dijk"), ("", "Jansen"), ("", "Bakker"), ("de", "Jong"),
           ("van der", "Meer"), ("", "Smit"), ("van den", "Heuvel-de Vries"), ("", "Visser"), ("de", "Boer"),
           ("van", "Leeuwen"), ("", "Meijer"), ("in 't", "Veld"), ("op de", "Beek")],
    "ma": [("", "El Idrissi"), ("el", "Idrissi"), ("", "Ben Ali"), ("", "El Amrani"), ("", "Bouzid"),
           ("el", "Khatib"), ("", "Aït Ouali"), ("", "Boukhari"), ("al", "Hassani"), ("", "El-Haddouchi")],
    "tr": [("", "Yılmaz"), ("", "Öztürk"), ("", "Kaya"), ("", "Demir"), ("", "Şahin"), ("", "Çelik"),
           ("", "Yıldız"), ("", "Doğan"), ("", "Aydın"), ("", "Özdemir"), ("", "Koç")],
    "sr": [("", "Tjon A Fong"), ("", "Kartosen"), ("", "Ramdin"), ("", "Sewnarain"), ("", "Tjin-A-Djie"),
           ("", "Soekhai"), ("", "Jong A Lock"), ("", "Brunings")],
    "aw": [("", "Martina"), ("", "Isenia"), ("", "Da Costa Gomez"), ("da", "Costa Gomez"), ("de", "Windt"),
           ("", "Rosaria"), ("", "Maduro"), ("da", "Silva"), ("", "Da Silva"), ("de la", "Cruz"), ("dos", "Santos")],
    "pl": [("", "Kowalska"), ("", "Wiśniewski"), ("", "Wójcik"), ("", "Łukasiewicz"), ("", "Kamiński"),
           ("", "Szymańska"), ("", "Woźniak"), ("", "Dąbrowski"), ("", "Kozłowski")],
}
GIVEN = {
    "nl": {"M": ["Jan", "Pieter", "Cornelis", "Hendrik", "Willem", "Daan", "Thijs", "Noël", "Johannes", "Sem"],
           "V": ["Maria", "Johanna", "Anna", "Geertruida", "Anne-Marie", "Joëlle", "Daniëlle", "Sanne", "Chloë"]},
    "ma": {"M": ["Mohamed", "Ahmed", "Youssef", "Said", "Hamza", "Amin", "Ilyas", "Zakaria", "Rachid"],
           "V": ["Fatima", "Khadija", "Aïcha", "Nadia", "Samira", "Hajar", "Malika"]},
    "tr": {"M": ["Mehmet", "Mustafa", "Emre", "Hüseyin", "Ömer", "Çağrı", "Ahmet"],
           "V": ["Ayşe", "Fatma", "Elif", "Zeynep", "Gül", "Tuğba", "Büşra"]},
    "sr": {"M": ["Rudi", "Ravi", "Marlon", "Glenn", "Sunil"], "V": ["Sharmila", "Anjali", "Shanti", "Priya", "Yvonne"]},
    "aw": {"M": ["Shurendy", "Gregory", "Jeffrey", "Rignald"], "V": ["Jeandra", "Ruthmila", "Marisol", "Suhaily"]},
    "pl": {"M": ["Łukasz", "Wojciech", "Paweł", "Michał", "Bartłomiej"],
           "V": ["Małgorzata", "Katarzyna", "Agnieszka", "Zofia", "Jolanta"]},
}
STREETS = ["Kerkstraat", "Dorpsstraat", "Schoolstraat", "Molenweg", "Stationsweg", "Beatrixlaan", "Parallelweg"]
NAME_USE = {"E": "eigen geslachtsnaam", "P": "geslachtsnaam echtgenoot/geregistreerd partner",
            "V": "geslachtsnaam echtgenoot/geregistreerd partner voor eigen geslachtsnaam",
            "N": "eigen geslachtsnaam voor geslachtsnaam echtgenoot/geregistreerd partner"}


@dataclass
class Person:
    bsn: str
    sex: str
    given: list[str]
    prefix: str
    surname: str
    birth: dt.date
    birth_raw: str  # as the BRP holds it: 'yyyymmdd', '00' for an unknown month/day
    name_use: str = "E"
    partner: Person | None = None

    @property
    def own(self) -> tuple[str, str]:
        return (self.prefix, self.surname)

    @property
    def names(self) -> set[tuple[str, str]]:
        """The surnames (voorvoegsel, geslachtsnaam) the person may be known by."""
        return {self.own} | ({self.partner.own} if self.partner else set())

    def born_in(self, day: dt.date) -> bool:
        """Does the BRP's (possibly partial) birth date hold ``day``?"""
        raw = self.birth_raw
        return (raw[:4] == f"{day.year:04d}" and raw[4:6] in ("00", f"{day.month:02d}")
                and raw[6:] in ("00", f"{day.day:02d}"))


@dataclass
class Household:
    postcode: str
    number: int
    letter: str = ""
    addition: str = ""
    street: str = ""
    persons: list[Person] = field(default_factory=list)


class _Maker:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.count = 0

    def bsn(self) -> str:
        self.count += 1
        return demo_bsn(f"names-{self.count}")

    def given(self, origin: str, sex: str, n: int | None = None) -> list[str]:
        pool = GIVEN[origin][sex]
        return self.rng.sample(pool, n or self.rng.choice((1, 1, 2, 2, 3)))

    def birth(self, low: int, high: int) -> dt.date:
        return dt.date(self.rng.randint(low, high), self.rng.randint(1, 12), self.rng.randint(1, 28))

    def person(self, origin: str, sex: str, name: tuple[str, str], birth: dt.date,
               given: list[str] | None = None) -> Person:
        raw = birth.strftime("%Y%m%d")
        if origin == "ma" and self.rng.random() < 0.3 and birth.year < 1990:  # only the year known
            raw = f"{birth.year:04d}0000"
        return Person(self.bsn(), sex, given or self.given(origin, sex), name[0], name[1], birth, raw)


def population(households: int = 160, seed: int = 9) -> list[Household]:
    """Households at generated addresses in one municipality; every fourth house number holds two
    dwellings (letters A/B or additions 1/2)."""
    maker = _Maker(seed)
    rng = maker.rng
    result: list[Household] = []
    for index in range(households):
        origin = rng.choice(list(SURNAMES))
        postcode = f"{3011 + index // 8}{'ABCDEFGH'[index % 8]}{'KLMN'[index % 4]}"
        number = 1 + index % 7 * 2
        street = STREETS[index % len(STREETS)]
        dwellings = [("", "")]
        if index % 4 == 0:
            dwellings = rng.choice([[("A", ""), ("B", "")], [("", "1"), ("", "2")], [("", "H"), ("", "2")]])
        for letter, addition in dwellings:
            house = Household(postcode, number, letter, addition, street)
            house.persons = _members(maker, origin, rng.choice(("single", "couple", "family", "family", "twins")))
            result.append(house)
    return result


def _members(maker: _Maker, origin: str, kind: str) -> list[Person]:
    rng = maker.rng
    names = SURNAMES[origin]
    name = rng.choice(names)
    head = maker.person(origin, "M", name, maker.birth(1950, 1990))
    if kind == "single":
        if rng.random() < 0.5:
            head = maker.person(origin, "V", name, maker.birth(1950, 2004))
        return [head]
    partner_name = rng.choice([n for n in names if _same(n) != _same(name)])
    partner = maker.person(origin, "V", partner_name, maker.birth(1955, 1992))
    partner.partner, head.partner = head, partner
    partner.name_use = rng.choice("EEPVN")
    members = [head, partner]
    if kind == "family":
        for _ in range(rng.randint(1, 3)):
            sex = rng.choice("MV")
            parent = head if sex == "M" else partner
            given = maker.given(origin, sex)
            if rng.random() < 0.4:  # named after the parent: 'Mohamed' senior and 'Mohamed Amin' junior
                extra = [g for g in GIVEN[origin][sex] if g != parent.given[0]]
                given = [parent.given[0], rng.choice(extra)]
            members.append(maker.person(origin, sex, name, maker.birth(2000, 2024), given))
    elif kind == "twins":
        born = maker.birth(2005, 2022)
        first = rng.choice(GIVEN[origin]["M"])
        seconds = rng.sample([g for g in GIVEN[origin]["M"] if g != first], 2)
        same_initial = [g for g in GIVEN[origin]["M"] if g != first and g[0] == seconds[0][0] and g != seconds[0]]
        second_twin = same_initial[0] if same_initial else seconds[1]
        members += [maker.person(origin, "M", name, born, [first, seconds[0]]),
                    maker.person(origin, "M", name, born, [first, second_twin])]
    return members


def mock_persons(households: list[Household]) -> list[dict[str, Any]]:
    """The persons in the official mock's test-data format (what ``FakeBrpServer(mock_data=…)`` reads)."""
    out = []
    for house in households:
        for person in house.persons:
            naam = {"voornamen": " ".join(person.given), "geslachtsnaam": person.surname,
                    "aanduidingNaamgebruik": {"code": person.name_use, "omschrijving": NAME_USE[person.name_use]}}
            if person.prefix:
                naam["voorvoegsel"] = person.prefix
            place = {"straat": house.street, "naamOpenbareRuimte": house.street, "huisnummer": str(house.number),
                     "postcode": house.postcode, "woonplaats": MUNICIPALITY[1],
                     "functieAdres": {"code": "W", "omschrijving": "woonadres"}}
            if house.letter:
                place["huisletter"] = house.letter
            if house.addition:
                place["huisnummertoevoeging"] = house.addition
            data: dict[str, Any] = {
                "burgerservicenummer": person.bsn,
                "geslacht": {"code": person.sex, "omschrijving": "man" if person.sex == "M" else "vrouw"},
                "naam": naam, "geboorte": {"datum": person.birth_raw}, "verblijfplaats": place,
                "gemeenteVanInschrijving": {"code": MUNICIPALITY[0], "omschrijving": MUNICIPALITY[1]},
            }
            if person.partner:
                other = person.partner
                partner_naam = {"voornamen": " ".join(other.given), "geslachtsnaam": other.surname}
                if other.prefix:
                    partner_naam["voorvoegsel"] = other.prefix
                data["partners"] = [{"burgerservicenummer": other.bsn, "naam": partner_naam,
                                     "soortVerbintenis": {"code": "H", "omschrijving": "huwelijk"},
                                     "aangaanHuwelijkPartnerschap": {"datum": "20010612"}}]
            out.append(data)
    return out


# --- what creditors send ------------------------------------------------------------------------


@dataclass
class Variant:
    """One signal about ``person`` as a creditor writes it, and what the generated facts say."""

    person: Person
    house: Household
    label: str
    signal: dict[str, Any]  # the keyword arguments of check_person
    names: frozenset  # the surnames (voorvoegsel, geslachtsnaam) the signal's surname stands for
    given_kind: str  # 'all', 'first', 'initials', 'abbreviated'
    birth: dt.date | None  # None: missing or placeholder

    def could_be(self, other: Person) -> bool:
        """Could the signal be about ``other`` (a resident of the same dwelling), judging by the facts?
        Names are the same when only case, spaces and the place of the prefix differ ('da Costa Gomez'
        held as voorvoegsel 'da' or inside the geslachtsnaam)."""
        if not {_same(n) for n in self.names} <= {_same(n) for n in other.names}:
            return False
        mine, theirs = self.person.given, other.given
        if self.given_kind == "all" and not _in_order(mine, theirs):
            return False
        if self.given_kind == "first" and mine[0] not in theirs:
            return False
        initials = "".join(g[0] for g in mine)
        if self.given_kind == "initials" and not "".join(g[0] for g in theirs).startswith(initials):
            return False
        if self.given_kind == "abbreviated" and not (mine[0] in theirs and "".join(
                g[0] for g in theirs[theirs.index(mine[0]):]).startswith(initials)):
            return False
        return self.birth is None or other.born_in(self.birth)

    @property
    def unambiguous(self) -> bool:
        return [p for p in self.house.persons if self.could_be(p)] == [self.person]


def _same(name: tuple[str, str]) -> str:
    return "".join(c for c in f"{name[0]}{name[1]}".lower() if c.isalpha())


def _in_order(wanted: list[str], names: list[str]) -> bool:
    position = 0
    for name in wanted:
        if name not in names[position:]:
            return False
        position = names.index(name, position) + 1
    return True


def _surname_forms(prefix: str, surname: str) -> dict[str, tuple[str, str]]:
    """label → (surname field, voorvoegsel field) as creditors write it."""
    whole = f"{prefix} {surname}".strip()
    forms = {"split": (surname, prefix), "unsplit": (whole, ""), "caps": (whole.upper(), ""),
             "lower": (whole.lower(), ""), "plain": (without_diacritics(whole), ""),
             "title": (" ".join(w[:1].upper() + w[1:] for w in whole.split(" ")), "")}
    if prefix:
        forms["comma"] = (f"{surname}, {prefix}", "")
        forms["prefix-caps"] = (surname, prefix.title())
    if "'" in whole:
        forms["typographic"] = (whole.replace("'", "\u2019"), "")
    if "-" in surname:
        forms["hyphen-as-space"] = (whole.replace("-", " "), "")
    elif " " in surname:
        forms["space-as-hyphen"] = (whole.replace(" ", "-"), "")
    return forms


def variants(households: list[Household], seed: int = 3) -> list[Variant]:
    rng = random.Random(seed)
    found: list[Variant] = []
    for house in households:
        for person in house.persons:
            address = {"municipality_code": MUNICIPALITY[0], "postcode": house.postcode,
                       "house_number": house.number, "house_letter": house.letter, "addition": house.addition}
            if house.letter and rng.random() < 0.5:  # the letter delivered as an addition
                address.update(house_letter="", addition=house.letter)
            elif house.addition.isalpha() and len(house.addition) == 1:  # 'H' as a letter
                address.update(house_letter=house.addition, addition="")
            surnames: list[tuple[str, str, str, frozenset]] = [
                (label, written, prefix, frozenset({person.own}))
                for label, (written, prefix) in _surname_forms(*person.own).items()]
            if person.partner:
                theirs = person.partner.own
                pair = frozenset({person.own, theirs})
                whole = f"{theirs[0]} {theirs[1]}".strip()
                own = f"{person.prefix} {person.surname}".strip()
                surnames += [("partner", whole, "", frozenset({theirs})),
                             ("partner-split", theirs[1], theirs[0], frozenset({theirs})),
                             ("partner-before-own", f"{whole}-{own}", "", pair),
                             ("own-before-partner", f"{own}-{whole}", "", pair)]
                if person.prefix:  # 'Vries-Jansen, de'
                    surnames.append(("own-before-partner-comma", f"{person.surname}-{whole}, {person.prefix}",
                                     "", pair))
            for label, written, prefix, names in surnames:
                given_kind = rng.choice(("all", "first", "initials", "abbreviated"))
                given = {"all": {"first_names": " ".join(person.given)},
                         "first": {"first_names": person.given[0]},
                         "initials": {"initials": "".join(f"{g[0]}." for g in person.given)},
                         "abbreviated": {"first_names": " ".join(
                             [person.given[0], *(f"{g[0]}." for g in person.given[1:])])}}[given_kind]
                if rng.random() < 0.3:  # creditors without diacritics in the given names
                    given = {key: without_diacritics(value) for key, value in given.items()}
                birth_kind = rng.choice(("known", "known", "missing", "placeholder"))
                birth = {"known": person.birth, "missing": None, "placeholder": PLACEHOLDER}[birth_kind]
                found.append(Variant(
                    person, house, f"{label}/{given_kind}/{birth_kind}",
                    {**address, "surname": written, "prefix": prefix, **given, "birth_date": birth},
                    names, given_kind, person.birth if birth_kind == "known" else None))
            # The given names written after the surname, in the surname field ("Jansen, J.P.",
            # "Berg, J. van der", "Vries, de, Mevr. Anna Maria"), nothing in voornamen or voorletters.
            letters = "".join(f"{g[0]}." for g in person.given)
            title = rng.choice(("", "Dhr. ", "Mevr. ", "De heer "))
            comma = {"comma-initials": (f"{person.surname}, {title}{letters} {person.prefix}".strip(), "initials"),
                     "comma-names": (", ".join(filter(None, (person.surname, person.prefix,
                                                             title + " ".join(person.given)))), "all")}
            for label, (written, given_kind) in comma.items():
                birth_kind = rng.choice(("known", "missing"))
                found.append(Variant(
                    person, house, f"{label}/{given_kind}/{birth_kind}",
                    {**address, "surname": written, "prefix": "",
                     "birth_date": person.birth if birth_kind == "known" else None},
                    frozenset({person.own}), given_kind, person.birth if birth_kind == "known" else None))
    return found


def near_misses(households: list[Household], seed: int = 5) -> list[tuple[str, dict[str, Any], set[str]]]:
    """Signals that must not be matched automatically: (label, signal, BSNs it must NOT be given).

    - a similar surname (one letter more, fewer or changed) at the right address;
    - the right surname with a given name nobody at the address has;
    - the right name with another birth date (a namesake not registered there);
    - a person's name at another household's address.
    """
    rng = random.Random(seed)
    misses = []
    for index, house in enumerate(households):
        person = rng.choice(house.persons)
        address = {"municipality_code": MUNICIPALITY[0], "postcode": house.postcode, "house_number": house.number,
                   "house_letter": house.letter, "addition": house.addition}
        everybody = {p.bsn for p in house.persons}
        given = {"first_names": " ".join(person.given)}
        whole = f"{person.prefix} {person.surname}".strip()
        core = person.surname  # edits in the surname only: a prefix written differently is the same name
        position = rng.randrange(1, len(core))
        edits = {"doubled": core[:position] + core[position - 1] + core[position:],
                 "dropped": core[:position] + core[position + 1:] if len(core) > 3 else core + "s",
                 "changed": core[:position] + ("x" if core[position] != "x" else "q") + core[position + 1:]}
        for label, similar in edits.items():
            written = f"{person.prefix} {similar}".strip()
            if name_key(similar) != name_key(core):
                misses.append((f"similar-{label}", {**address, "surname": written, **given,
                                                    "birth_date": rng.choice((person.birth, None))}, everybody))
        strangers = [g for g in GIVEN["nl"]["M"] + GIVEN["pl"]["V"]
                     if all(g not in p.given for p in house.persons)]
        misses.append(("other-given-name", {**address, "surname": whole, "first_names": rng.choice(strangers),
                                            "birth_date": None}, everybody))
        other_day = person.birth + dt.timedelta(days=rng.randint(400, 4000))
        if not any(p.born_in(other_day) for p in house.persons):
            misses.append(("other-birth-date", {**address, "surname": whole, **given, "birth_date": other_day},
                           everybody))
        elsewhere = households[(index + 7) % len(households)]
        if (elsewhere.postcode, elsewhere.number) != (house.postcode, house.number):
            names = {n for p in elsewhere.persons for n in p.names}
            if not (person.names & names):  # nobody there carries the name
                misses.append(("other-address", {
                    "municipality_code": MUNICIPALITY[0], "postcode": elsewhere.postcode,
                    "house_number": elsewhere.number, "house_letter": elsewhere.letter,
                    "addition": elsewhere.addition, "surname": whole, **given, "birth_date": None},
                    {p.bsn for p in elsewhere.persons}))
    return misses
