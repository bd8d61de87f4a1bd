"""Dutch, Moroccan, Turkish, Surinamese, Antillean and Polish names are found the way the BRP holds
them, on a GENERATED population served by the fake BRP (tests/signals/brp/names_population.py).

- every unambiguous variant a creditor sends (prefix split or not, after a comma, capitals, no
  diacritics, typographic apostrophes, initials, first name only, a partner's name, no birth date)
  finds the right person automatically;
- every real tie goes to fallout with the right person among the best-scored suggestions;
- a near miss (similar surname, another given name, another birth date, another address) is never
  matched automatically.

Run with ``-s`` to see the counts.
"""
import datetime as dt
import json
from collections import Counter

import pytest

from demo.brp_fake.server import FakeBrpServer
from signals.brp.client import BrpClient
from signals.brp.decide import BrpOutcome, check_person

from .names_population import mock_persons, near_misses, population, variants

TODAY = dt.date(2026, 6, 1)
HOUSEHOLDS = population(100)  # bench/brp_names.py runs more


@pytest.fixture(scope="module")
def brp(tmp_path_factory):
    path = tmp_path_factory.mktemp("names") / "population.json"
    path.write_text(json.dumps(mock_persons(HOUSEHOLDS), ensure_ascii=False), encoding="utf-8")
    with FakeBrpServer(mock_data=path, today=TODAY) as fake:
        yield fake


@pytest.fixture(scope="module")
def client(brp):
    with BrpClient(brp.url, retries=1, backoff=0.01, timeout=5) as brp_client:
        yield brp_client


def test_the_generated_population_is_varied():
    persons = [p for house in HOUSEHOLDS for p in house.persons]
    assert len(persons) > 250
    assert sum(bool(p.prefix) for p in persons) > 30 and sum(p.name_use != "E" for p in persons) > 10
    assert any("'" in p.prefix for p in persons)
    assert {c for p in persons for c in p.surname + "".join(p.given)} >= set("ëçşłğ")
    assert sum(p.birth_raw.endswith("0000") for p in persons) >= 3  # the BRP knows only the year
    assert any(h.letter for h in HOUSEHOLDS) and any(h.addition for h in HOUSEHOLDS)


def test_every_unambiguous_variant_is_found_and_every_tie_goes_to_fallout_with_the_right_person_first(
        client, brp):
    counts: Counter[str] = Counter()
    missed, wrong, not_first = [], [], []
    for variant in variants(HOUSEHOLDS):
        before = brp.request_count
        decision = check_person(client, today=TODAY, **variant.signal)
        counts["requests"] += brp.request_count - before
        counts["variants"] += 1
        if decision.bsn and not decision.needs_review and decision.bsn != variant.person.bsn:
            wrong.append((variant.label, variant.signal, decision.bsn, decision.outcome))
        if variant.unambiguous:
            counts["unambiguous"] += 1
            if decision.outcome in (BrpOutcome.FOUND, BrpOutcome.MINOR) and decision.bsn == variant.person.bsn:
                counts["found"] += 1
            else:
                missed.append((variant.label, variant.signal, decision.outcome, decision.note))
            continue
        counts["ties"] += 1
        if not decision.needs_review:
            continue  # a wrong person is in `wrong`; the right one here means the tie was not real
        counts["fallout"] += 1
        top = decision.candidates[0].score if decision.candidates else None
        best = [c.person.bsn for c in decision.candidates if c.score == top]
        if variant.person.bsn not in best:
            not_first.append((variant.label, variant.signal, [(c.person.name, c.score) for c in decision.candidates]))
        counts["right-first" if decision.candidates[0].person.bsn == variant.person.bsn else "right-tied-first"] += (
            variant.person.bsn in best)
    persons = sum(len(h.persons) for h in HOUSEHOLDS)
    print(f"\npersons {persons}, households {len(HOUSEHOLDS)}, {dict(counts)}, "
          f"requests per signal {counts['requests'] / counts['variants']:.2f}")
    assert not wrong, wrong[:5]
    assert not missed, (len(missed), missed[:8])
    assert not not_first, (len(not_first), not_first[:5])
    assert counts["unambiguous"] > 2000 and counts["fallout"] > 50, counts


def test_near_misses_are_never_matched_automatically(client):
    counts: Counter[str] = Counter()
    matched = []
    for label, signal, forbidden in near_misses(HOUSEHOLDS):
        decision = check_person(client, today=TODAY, **signal)
        counts[label] += 1
        if not decision.needs_review or decision.bsn in forbidden:
            matched.append((label, signal, decision.outcome, decision.bsn))
    print(f"\nnear misses {dict(counts)}")
    assert not matched, (len(matched), matched[:8])
    assert sum(counts.values()) > 500, counts
