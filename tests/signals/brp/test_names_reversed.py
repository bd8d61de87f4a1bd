"""Given names and surname reversed by the creditor (DOMAIN.md: a known cause of false fallout, often
with the names of refugees) are found when, swapped, they fit exactly one person of the dwelling —
on the GENERATED population of tests/signals/brp/names_population.py, every person, in every way the
parts can be swapped; never when the swapped name fits nobody or several."""
import datetime as dt
import json
from collections import Counter

import pytest

from demo.brp_fake.server import FakeBrpServer
from signals.brp.client import BrpClient
from signals.brp.decide import BrpOutcome, check_person

from .names_population import mock_persons, population, without_diacritics

TODAY = dt.date(2026, 6, 1)
HOUSEHOLDS = population(60, seed=21)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = tmp_path_factory.mktemp("reversed") / "population.json"
    path.write_text(json.dumps(mock_persons(HOUSEHOLDS), ensure_ascii=False), encoding="utf-8")
    with FakeBrpServer(mock_data=path, today=TODAY) as fake, \
            BrpClient(fake.url, retries=1, backoff=0.01, timeout=5) as brp_client:
        yield brp_client


def _same(text: str) -> str:
    return "".join(c for c in without_diacritics(text).lower() if c.isalpha())


def _reversed_signals():
    """(person, house, signal, unambiguous) for each person and each way a creditor swaps the parts."""
    for house in HOUSEHOLDS:
        address = {"municipality_code": "0599", "postcode": house.postcode, "house_number": house.number,
                   "house_letter": house.letter, "addition": house.addition}
        for person in house.persons:
            whole = f"{person.prefix} {person.surname}".strip()
            forms = {
                "first-given-as-surname": (person.given[0], person.surname),
                "all-given-as-surname": (" ".join(person.given), whole),
                "plain": (without_diacritics(person.given[0]), without_diacritics(whole)),
            }
            for label, (written_surname, written_given) in forms.items():
                # Could the swapped name be another resident of the dwelling, by the facts?
                # (own or partner's surname, as the BRP's name use allows).
                others = [p for p in house.persons if p is not person
                          and _same(written_given) in {_same(n) for name in p.names for n in (name[1], "".join(name))}
                          and _same(written_surname.split()[0]) in {_same(g) for g in p.given}]
                for birth in (person.birth, None):
                    yield label, person, {**address, "surname": written_surname, "first_names": written_given,
                                          "birth_date": birth}, not others


def test_reversed_names_are_found_when_they_fit_one_person(client):
    counts: Counter[str] = Counter()
    missed, wrong = [], []
    for label, person, signal, unambiguous in _reversed_signals():
        decision = check_person(client, today=TODAY, **signal)
        counts["signals"] += 1
        if decision.bsn and not decision.needs_review and decision.bsn != person.bsn:
            wrong.append((label, signal, decision.bsn))
        elif unambiguous:
            counts["unambiguous"] += 1
            if decision.outcome in (BrpOutcome.FOUND, BrpOutcome.MINOR) and decision.bsn == person.bsn:
                counts["found"] += 1
            else:
                missed.append((label, signal, decision.outcome, decision.note))
    print(f"\nreversed names: {dict(counts)}")
    assert not wrong, wrong[:5]
    assert not missed, (len(missed), missed[:5])
    assert counts["unambiguous"] > 300, counts


def test_a_swapped_name_that_fits_nobody_at_the_address_is_not_matched(client):
    house = next(h for h in HOUSEHOLDS if len(h.persons) >= 2)
    first, second = house.persons[:2]
    address = {"municipality_code": "0599", "postcode": house.postcode, "house_number": house.number,
               "house_letter": house.letter, "addition": house.addition}
    # One resident's given name as surname with another family's surname as given name: nobody.
    decision = check_person(client, today=TODAY, **address, surname=first.given[0],
                            first_names="Zwanenburg", birth_date=None)
    assert decision.needs_review and decision.outcome == BrpOutcome.NOT_FOUND
    # Initials cannot be swapped: 'J.' as voornamen is never taken for a surname.
    decision = check_person(client, today=TODAY, **address, surname=second.given[0], first_names="J.",
                            birth_date=None)
    assert decision.needs_review
