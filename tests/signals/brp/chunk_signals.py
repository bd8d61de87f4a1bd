"""Chunks of BRP checks for ``decide_many``: the official mock persons (deceased, emigrated, minors,
several at one address, other municipalities), the generated names population of issue 9 (prefixes,
diacritics, letters and additions, swapped names, no birth date), and a realistic chunk of the demo
population (one signal per household mostly, as deliveries are). Used by ``test_many.py`` and
``bench/brp_many.py``."""
from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

from demo import population as demo_population
from demo.brp_fake.persons import StoredPerson, load_mock_persons
from demo.brp_fake.server import default_mock_data_path
from signals.brp.many import ChosenCheck, PersonCheck
from tests.signals.brp import names_population

TODAY = dt.date(2026, 6, 1)


def write_population(folder: Path, households: list[names_population.Household]) -> Path:
    """One mock-data file with the official test persons and the generated households."""
    official = json.loads(default_mock_data_path().read_text(encoding="utf-8"))
    path = folder / "persons.json"
    path.write_text(json.dumps(official + names_population.mock_persons(households), ensure_ascii=False),
                    encoding="utf-8")
    return path


def _signal(person: StoredPerson, **changes) -> PersonCheck:
    name = person.data.get("naam") or {}
    born = (person.data.get("geboorte") or {}).get("datum") or {}
    values = {"municipality_code": person.municipality_code or "0518", "postcode": person.postcode or "2516BD",
              "house_number": person.house_number or 32, "house_letter": person.house_letter,
              "addition": person.addition, "surname": name.get("geslachtsnaam", ""),
              "prefix": name.get("voorvoegsel", ""), "first_names": name.get("voornamen", ""),
              "birth_date": dt.date.fromisoformat(born["datum"]) if born.get("type") == "Datum" else None,
              "today": TODAY}
    values.update(changes)
    return PersonCheck(**values)


def official_checks(per_address: int = 3, seed: int = 1) -> list[PersonCheck]:
    """Up to ``per_address`` persons of every address of the official mock persons, some of them
    without birth date, in another municipality (moved), at another address (found elsewhere:
    moved, emigrated, deceased), or with the name written otherwise; and every person without an
    address looked for at one."""
    rng = random.Random(seed)
    persons = load_mock_persons(default_mock_data_path())
    by_address: dict[tuple[str, int], list[StoredPerson]] = {}
    for person in persons:
        if person.postcode:
            by_address.setdefault((person.postcode, person.house_number), []).append(person)
    addresses = sorted(by_address)
    checks = []
    for index, address in enumerate(addresses):
        for person in by_address[address][:per_address]:
            checks.append(_signal(person))
            kind = rng.random()
            if kind < 0.15:
                checks.append(_signal(person, birth_date=None))
            elif kind < 0.25:
                checks.append(_signal(person, municipality_code="0363" if person.municipality_code != "0363"
                                      else "0518"))
            elif kind < 0.4:
                other = addresses[(index + 7) % len(addresses)]
                checks.append(_signal(person, postcode=other[0], house_number=other[1], house_letter="",
                                      addition=""))
            elif kind < 0.5:
                checks.append(_signal(person, surname=_signal(person).surname.upper(), house_letter="",
                                      addition=person.house_letter or person.addition))
    for person in persons:
        if not person.postcode:  # abroad, RNI, unknown address: looked for at an address
            checks.append(_signal(person))
    return checks


def chosen_checks(count: int = 120, seed: int = 2) -> list[ChosenCheck]:
    rng = random.Random(seed)
    persons = load_mock_persons(default_mock_data_path())
    bsns = [p.data["burgerservicenummer"] for p in rng.sample(list(persons), count)]
    return [ChosenCheck(bsn=bsn, municipality_code=rng.choice(("0518", "0363", "0344")), today=TODAY)
            for bsn in [*bsns, "999999990", bsns[0]]]


def names_checks(households: list[names_population.Household]) -> list[PersonCheck]:
    """Every creditor variant and near miss of the generated names population (several signals per
    dwelling: partners' names, twins, swapped names, letters written as additions)."""
    signals = [v.signal for v in names_population.variants(households)]
    signals += [signal for _label, signal, _forbidden in names_population.near_misses(households)]
    for house in households[::3]:  # given name and surname swapped by the creditor
        person = house.persons[0]
        signals.append({"municipality_code": names_population.MUNICIPALITY[0], "postcode": house.postcode,
                        "house_number": house.number, "house_letter": house.letter, "addition": house.addition,
                        "surname": person.given[0], "first_names": f"{person.prefix} {person.surname}".strip(),
                        "birth_date": person.birth})
    return [PersonCheck(**signal, today=TODAY) for signal in signals]


def realistic_checks(count: int, *, seed: int = 14, municipality: str = "0518",
                     inhabitants: int = 566_221) -> list[PersonCheck]:
    """A delivery's chunk: one signal per household mostly, most with name and birth date as the
    BRP holds them, some written otherwise, a few not at the address or twice in the chunk."""
    rng = random.Random(seed)
    households = demo_population.household_count(inhabitants)
    checks: list[PersonCheck] = []
    while len(checks) < count:
        house = demo_population.household(municipality, rng.randrange(households))
        adults = [p for p in house.persons if p.age_on(TODAY) >= 18] or list(house.persons)
        person = rng.choice(adults)
        values = {"municipality_code": municipality, "postcode": house.postcode, "house_number": house.huisnummer,
                  "house_letter": house.huisletter, "addition": house.huisnummertoevoeging,
                  "surname": person.geslachtsnaam, "prefix": person.voorvoegsel, "first_names": person.voornamen,
                  "birth_date": person.geboortedatum, "today": TODAY}
        kind = rng.random()
        if kind < 0.05:
            values["birth_date"] = None
        elif kind < 0.08:
            values.update(first_names="", initials=person.voorletters)
        elif kind < 0.10:
            other = demo_population.household(municipality, rng.randrange(households))
            values.update(postcode=other.postcode, house_number=other.huisnummer, house_letter="", addition="")
        elif kind < 0.12:
            values.update(surname=f"{person.voorvoegsel} {person.geslachtsnaam}".strip(), prefix="")
        elif kind < 0.14:
            values["surname"] = person.geslachtsnaam.upper()
        elif kind < 0.16:
            values["birth_date"] = person.geboortedatum + dt.timedelta(days=1)
        elif kind < 0.18 and checks:
            checks.append(checks[-1])
            continue
        checks.append(PersonCheck(**values))
    return checks
