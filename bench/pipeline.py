#!/usr/bin/env python
"""Pipeline benchmark: the checks against the fake BRP, the period close and the day-28 job.

    .venv/bin/python bench/pipeline.py [--signals 10000] [--processes 2]

On a fresh PostgreSQL database (--database-url, dropped first): one municipality with the
routing preset of municipality 4, N generated signals of last month stored through the intake
service, then

1. the checks of every signal (rules, BRP over HTTP to the fake BRP on loopback, SHV, repeat) in
   --processes worker processes, as Celery workers would run them: checks/s;
2. the period close (matching + routing) of that month: signals/s and cases;
3. the day-28 job 29 days later: cases closed/s;

and, as a baseline in the same run, the fake BRP's raw answer rate for the same address queries
(one process, no checks around them).
"""
import argparse
import datetime as dt
import multiprocessing
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

INHABITANTS = 2_100_000  # large enough for N signals in one month


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--signals", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=2, help="worker processes (0: in this process)")
    parser.add_argument("--brp-url", default="", help="an external BRP (e.g. `manage.py run_fake_brp` in another "
                        "process); default: the fake BRP in this process")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/vroegsignalering_bench")
    return parser.parse_args()


def _check_chunk(arguments) -> int:
    """Worker process: run the checks of these signal ids (own DB connection, own BRP client)."""
    ids, env = arguments
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings

    from signals.checks import run_checks

    settings.BRP_BASE_URL = env["BRP_BASE_URL"]

    if os.environ.get("BENCH_QUERY_PROFILE"):  # where the database time of a check goes
        import collections

        from django.db import connection

        spent = collections.Counter()
        counts = collections.Counter()

        def timer(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                key = " ".join(sql.split()[:4])[:90]
                spent[key] += time.perf_counter() - started
                counts[key] += 1

        with connection.execute_wrapper(timer):
            for signal_id in ids:
                run_checks(signal_id=signal_id)
        for key, seconds in spent.most_common(15):
            print(f"{seconds * 1000 / len(ids):7.2f} ms/check {counts[key] / len(ids):5.1f}x  {key}")
        return len(ids)
    for signal_id in ids:
        run_checks(signal_id=signal_id)
    return len(ids)


def main():
    args = parse_args()
    from intake import recreate_database

    recreate_database(args.database_url)
    env = {"DJANGO_SETTINGS_MODULE": "vroegsignalering.settings", "ENVIRONMENT": "development",
           "DATABASE_URL": args.database_url,
           "CHECKS_ON_INTAKE": "0", "DEBUG": "0", "SECRET_KEY": "bench-only-" + "x" * 40, "LOG_LEVEL": "WARNING"}
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.services import municipality_create_or_update
    from cases import deadlines
    from cases.models import Case
    from cases.presets import routing_preset_install
    from cases.services import cases_close_expired, period_close
    from demo import deliveries, generator
    from demo.brp_fake.server import FakeBrpServer
    from signals.brp.client import BrpClient
    from signals.models import Signal
    from signals.services import delivery_create

    call_command("migrate", verbosity=0)
    municipality, _ = municipality_create_or_update(cbs_code="0518", name="'s-Gravenhage", inhabitants=INHABITANTS)
    routing_preset_install(municipality=municipality, preset="gemeente4")
    today = timezone.localdate()
    period = deadlines.last_ended_period(today)
    month = f"{period.end.year:04d}-{period.end.month:02d}"
    payloads = generator.generate_month("0518", INHABITANTS, month, place=municipality.name)
    while len(payloads) < args.signals:  # top up from earlier months' households, dated in this month
        payloads += [p | {"signaalId": p["signaalId"] + "-x", "signaaldatum": period.end.isoformat()}
                     for p in generator.generate_month("0518", INHABITANTS, generator.previous_months(month, 1)[0])]
    payloads = payloads[: args.signals]
    creditors = deliveries.demo_creditors()
    per_creditor: dict = {}
    for payload in payloads:
        per_creditor.setdefault(creditors[payload["soortVasteLast"]], []).append(payload)
    for creditor, items in per_creditor.items():
        for start in range(0, len(items), 1000):
            delivery_create(creditor=creditor, items=items[start:start + 1000])
    ids = list(Signal.objects.order_by("pk").values_list("pk", flat=True))
    print(f"{len(ids):,} signals stored for {municipality} ({month})")

    with FakeBrpServer(inhabitants={"0518": INHABITANTS}) as brp:
        env["BRP_BASE_URL"] = args.brp_url or brp.url
        # Baseline: the fake's raw answer rate for the same address searches, one process.
        sample = Signal.objects.filter(pk__in=ids[:1000]).values_list("postcode", "house_number")
        with BrpClient(brp.url) as client:
            started = time.perf_counter()
            for postcode, number in sample:
                client.search_by_address(postcode=postcode, house_number=number, fields=["burgerservicenummer"])
            raw = len(sample) / (time.perf_counter() - started)

        started = time.perf_counter()
        if args.processes == 0:
            done = _check_chunk((ids, env))
        else:
            chunks = [ids[i::args.processes] for i in range(args.processes)]
            with multiprocessing.get_context("spawn").Pool(args.processes) as pool:
                done = sum(pool.map(_check_chunk, [(chunk, env) for chunk in chunks]))
        checking = time.perf_counter() - started
        requests = brp.request_count if not args.brp_url else 0

    statuses = dict(Signal.objects.values_list("status").annotate(n=django.db.models.Count("pk")))
    started = time.perf_counter()
    result = period_close(municipality=municipality, period=period, today=today)
    closing = time.perf_counter() - started
    cases = Case.objects.count()
    started = time.perf_counter()
    expired = cases_close_expired(now=timezone.now() + dt.timedelta(days=29))
    expiring = time.perf_counter() - started

    print(f"\nchecks: {done:,} signals in {checking:.1f} s with {args.processes} process(es): "
          f"{done / checking:,.0f} checks/s" + (f" ({requests:,} BRP requests, {requests / done:.1f} per signal)"
                                                if requests else f" (BRP at {args.brp_url})"))
    print(f"  outcome: {statuses}")
    print(f"  baseline: the fake BRP alone answers {raw:,.0f} address searches/s in one process")
    print(f"period close: {result.counts.get('signals', 0):,} signals → {cases:,} cases in {closing:.1f} s "
          f"({result.counts.get('signals', 0) / closing:,.0f} signals/s); trays {result.counts.get('trays')}")
    print(f"day 28: {expired['closed']:,} cases closed in {expiring:.2f} s ({expired['closed'] / expiring:,.0f}/s)")


if __name__ == "__main__":
    main()
