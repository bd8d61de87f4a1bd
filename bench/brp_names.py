#!/usr/bin/env python
"""BRP name-matching benchmark: the generated population of issue 9 against the fake BRP.

    .venv/bin/python bench/brp_names.py [--households 200] [--seed 9]

Generates households of Dutch, Moroccan, Turkish, Surinamese, Antillean and Polish names
(``tests/signals/brp/names_population.py``), serves them from the fake BRP on loopback, and runs
``check_person`` for every creditor variant and every near miss. Prints: persons, variants,
unambiguous variants found automatically, real ties sent to fallout (and whether the right person
had the top score), wrong persons matched, near misses matched, and the BRP requests per signal by
query type (what the fake counted), with the time per check.
"""
import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vroegsignalering.settings")
os.environ.setdefault("ENVIRONMENT", "development")  # plain-http loopback, a throwaway key (issue 11)

import django  # noqa: E402

django.setup()

from demo.brp_fake.server import FakeBrpServer  # noqa: E402
from signals.brp.client import BrpClient  # noqa: E402
from signals.brp.decide import BrpOutcome, check_person  # noqa: E402
from tests.signals.brp.names_population import mock_persons, near_misses, population, variants  # noqa: E402

TODAY = dt.date(2026, 6, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=200)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    households = population(args.households, seed=args.seed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "population.json"
        path.write_text(json.dumps(mock_persons(households), ensure_ascii=False), encoding="utf-8")
        with FakeBrpServer(mock_data=path, today=TODAY) as brp, BrpClient(brp.url) as client:
            counts: Counter[str] = Counter()
            started = time.perf_counter()
            for variant in variants(households):
                decision = check_person(client, today=TODAY, **variant.signal)
                counts["variants"] += 1
                right = decision.bsn == variant.person.bsn
                if decision.bsn and not decision.needs_review and not right:
                    counts["wrong person"] += 1
                if variant.unambiguous:
                    counts["unambiguous"] += 1
                    counts["found"] += right and decision.outcome in (BrpOutcome.FOUND, BrpOutcome.MINOR)
                elif decision.needs_review:
                    counts["tie → fallout"] += 1
                    top = decision.candidates[0].score
                    counts["right person top-scored"] += variant.person.bsn in {
                        c.person.bsn for c in decision.candidates if c.score == top}
                    counts["right person listed first"] += decision.candidates[0].person.bsn == variant.person.bsn
                else:
                    counts["tie resolved"] += 1
            elapsed = time.perf_counter() - started
            requests, by_type = brp.request_count, dict(brp.requests_by_type)
            misses = near_misses(households)
            matched = 0
            for _label, signal, forbidden in misses:
                decision = check_person(client, today=TODAY, **signal)
                matched += (not decision.needs_review) or decision.bsn in forbidden
    persons = sum(len(h.persons) for h in households)
    print(f"persons {persons} in {len(households)} households; variants {counts['variants']}")
    for key in ("unambiguous", "found", "tie → fallout", "right person top-scored", "right person listed first",
                "tie resolved", "wrong person"):
        print(f"  {key:28} {counts[key]}")
    print(f"near misses {len(misses)}, matched automatically {matched}")
    print(f"BRP requests per signal {requests / counts['variants']:.2f} "
          + ", ".join(f"{kind} {n / counts['variants']:.2f}" for kind, n in sorted(by_type.items())))
    print(f"{elapsed / counts['variants'] * 1000:.1f} ms per check")


if __name__ == "__main__":
    main()
