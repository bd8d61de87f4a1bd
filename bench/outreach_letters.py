#!/usr/bin/env python
"""Print batch benchmark (issue 13): N letters for generated cases through a whole print batch.

    .venv/bin/python bench/outreach_letters.py [--letters 1000] [--database-url postgres://…/bench_letters]

Creates (drops first) the database named by --database-url and migrates it; then ``run(n)``: a fresh
municipality with the default texts, N checked signals at distinct addresses closed into N cases by a real
period close, a plan run with a letter step per case and ``letter_prepare`` for each; then the timed part:
start a print batch, render it chunk by chunk (100 letters, one HTML document each) as the worker does,
merge with pypdf; then the handover registers every letter as an attempt. Prints JSON: letters/s and
seconds for the batch, the seconds between progress ticks, the PDF's size and pages, peak RSS, and the
handover's attempts/s. Target (issue 13): a 1,000-letter batch in at most 3 minutes, with progress shown.

``bench/outreach.py`` imports ``run`` (Django set up, database migrated by the caller).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _cases(n: int):
    """A fresh municipality with N open cases (one signal each, at distinct addresses, random order)."""
    import datetime as dt
    import random

    from django.utils import timezone

    from accounts.models import Municipality
    from cases import deadlines
    from cases.models import Case
    from cases.services import period_close
    from tests.factories.signals import make_signals

    code = f"9{Municipality.objects.count() % 1000:03d}"
    municipality = Municipality.objects.create(cbs_code=code, name=f"Benchdorp {code}", inhabitants=100_000)
    opened = timezone.now() - dt.timedelta(days=2)
    period = deadlines.last_ended_period(deadlines.local_date(opened))
    day = period.start + dt.timedelta(days=9)
    order = list(range(n))
    random.Random(13).shuffle(order)
    specs = [{"at": {"postcode": f"{1000 + i // 50:04d}{'AB' if i % 2 else 'CD'}", "house_number": 1 + i % 50,
                     "house_letter": "", "house_number_addition": ""}, "signal_date": day,
              "age": (22, 45, 70)[i % 3]} for i in order]
    make_signals(municipality, specs)
    period_close(municipality=municipality, now=opened, period=period)
    return municipality, list(Case.objects.filter(municipality=municipality).order_by("pk"))


def run(n: int) -> dict:
    """Build N letters and time a full print batch and its handover; the figures as a dict."""
    from django.utils import timezone

    from outreach import print_batches
    from outreach.letters import letter_prepare
    from outreach.models import CaseOutreach, CaseOutreachStep, OutreachPlan, OutreachSettings, PrintBatch, StepKind
    from outreach.print_handover import print_batch_hand_over, print_batch_register_letters
    from outreach.text_editing import texts_seed
    from vroegsignalering.common import dates

    started = time.perf_counter()
    municipality, cases = _cases(n)
    texts_seed(municipality)
    OutreachSettings.objects.create(municipality=municipality, team_phone="14 0999", team_email="team@bench.example",
                                    contact_hours="op werkdagen van 9 tot 17 uur",
                                    informatiepunt="het Informatiepunt Digitale Overheid in de bibliotheek",
                                    return_address=f"Gemeente {municipality.name}, Postbus 1, 9999 ZZ Benchdorp")
    now = timezone.now()
    plan = OutreachPlan.objects.create(municipality=municipality, position=1, name="Bench")
    runs = CaseOutreach.objects.bulk_create([CaseOutreach(case=c, plan=plan, plan_name=plan.name, started_at=now)
                                             for c in cases])
    steps = CaseOutreachStep.objects.bulk_create([
        CaseOutreachStep(run=r, case=r.case, position=1, kind=StepKind.BRIEF, day_offset=1, planned_at=now, due_at=now)
        for r in runs])
    setup_seconds = time.perf_counter() - started

    started = time.perf_counter()
    made = sum(letter_prepare(step.pk, now=now) is not None for step in steps)
    prepare_seconds = time.perf_counter() - started

    started = time.perf_counter()
    batch = print_batches.print_batch_start(municipality=municipality, by=None, now=timezone.now(), enqueue=False)
    ticks: list[float] = []
    while not print_batches.print_batch_run(batch.pk, time_budget=0):
        ticks.append(time.perf_counter() - started)
    batch_seconds = time.perf_counter() - started
    batch = PrintBatch.objects.get(pk=batch.pk)

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(bytes(batch.pdf))).pages)
    started = time.perf_counter()
    handover_now = timezone.now()
    print_batch_hand_over(batch_id=batch.pk, by=None, on=dates.local_date(handover_now), now=handover_now,
                          enqueue=False)
    registered = print_batch_register_letters(batch.pk, now=handover_now)
    handover_seconds = time.perf_counter() - started
    gaps = [round(b - a, 2) for a, b in zip([0.0, *ticks], ticks, strict=False)]
    return {
        "letters": n, "letters_made": made, "setup_seconds": round(setup_seconds, 1),
        "prepare_seconds": round(prepare_seconds, 1), "prepare_letters_per_s": round(made / prepare_seconds, 1),
        "batch_state": batch.state, "batch_seconds": round(batch_seconds, 1),
        "batch_letters_per_s": round(batch.letters_total / batch_seconds, 1),
        "progress_ticks": len(ticks), "max_seconds_between_ticks": max(gaps, default=0.0),
        "pdf_mb": round(batch.pdf_size / 1024 / 1024, 2), "pdf_pages": pages,
        "handover_seconds": round(handover_seconds, 1), "attempts_registered": registered,
        "attempts_per_s": round(registered / handover_seconds, 1) if handover_seconds else None,
        "peak_rss_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/vroegsignalering_bench_letters")
    args = parser.parse_args()
    from intake import recreate_database, setup_django

    recreate_database(args.database_url)
    setup_django({"DATABASE_URL": args.database_url, "ENVIRONMENT": os.environ.get("ENVIRONMENT", "development"),
                  "DJANGO_SETTINGS_MODULE": "vroegsignalering.settings"})
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(json.dumps(run(args.letters), indent=2))


if __name__ == "__main__":
    main()
