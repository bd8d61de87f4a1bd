#!/usr/bin/env python
"""Worker screens benchmark: the queue (werkvoorraad) and the case page at N open cases on PostgreSQL.

    .venv/bin/python bench/ui.py [--open 100000] [--closed 50000] [--samples 200] [--keep]

Creates (drops first) the database named by --database-url, migrates it and stores, for one
municipality, --trays trays, N open cases (a share in behandeling, crisis, assigned to the worker;
deadlines over the next 28 days) each with one signal (COPY), and --closed closed cases. Then a
worker is logged in through Django's test client and each screen is requested --samples times
(after a warm-up); the server time (the whole Django request: middleware, session, selectors,
template) is printed as p50/p95, with the number of queries per request:

- the queue's first page, a filtered page (creditor kind + last day within 7 days), one tray, the
  cases assigned to the worker, a deep page (keyset cursor at ~90% of the queue), the htmx partial;
- the case page of random open cases;
- baselines in the same run: the deep page as OFFSET/LIMIT over the same ordering (what a
  Paginator would run, plus its COUNT(*)), and the bare keyset page query through the ORM.

Target (issue 4): queue p95 ≤ 150 ms at 100,000 open cases.
"""
import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from intake import recreate_database, setup_django  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--open", type=int, default=100_000, help="open cases")
    parser.add_argument("--closed", type=int, default=50_000, help="closed cases (not in the queue)")
    parser.add_argument("--trays", type=int, default=6)
    parser.add_argument("--samples", type=int, default=200, help="timed requests per screen")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_ui")
    parser.add_argument("--keep", action="store_true",
                        help="reuse the database of an earlier run (migrated, not refilled) when it has the cases")
    return parser.parse_args()


def fill(args, rng: random.Random):
    """The municipality, its trays, a worker and the cases with their signals; returns (worker, seconds)."""
    import datetime as dt

    from django.db import connection, transaction
    from django.utils import timezone

    from cases import deadlines
    from cases.models import Case, CaseSignal, MatchType, SignalRole, Tray
    from signals.models import Signal, SignalStatus
    from tests.factories import MunicipalityFactory, UserFactory, build_signal
    from vroegsignalering.common.bulk import bulk_insert
    from vroegsignalering.common.vocab import CreditorKind

    started = time.perf_counter()
    municipality = MunicipalityFactory()
    worker = UserFactory(username="bench-werker", first_name="Bench", last_name="Werker",
                         municipalities=[municipality])
    colleagues = [UserFactory(municipalities=[municipality]) for _ in range(4)]
    trays = [Tray.objects.create(municipality=municipality, code=f"bakje-{i}", name=f"Bakje {i}")
             for i in range(args.trays)]
    kinds = [CreditorKind.HUUR, CreditorKind.ZORGVERZEKERING, CreditorKind.DRINKWATER, CreditorKind.ELEKTRICITEIT,
             CreditorKind.GAS]
    now = timezone.now()
    today = deadlines.local_date(now)
    total = args.open + args.closed
    chunk = 20_000
    for offset in range(0, total, chunk):
        cases, signals = [], []
        for n in range(offset, min(offset + chunk, total)):
            is_open = n < args.open
            last_day_in = rng.randint(-1, 27) if is_open else rng.randint(-300, -30)
            closes = today + dt.timedelta(days=last_day_in + 1)
            opened = deadlines.start_of_day(closes - dt.timedelta(days=28)) + dt.timedelta(hours=9)
            crisis = rng.random() < 0.02
            signal = build_signal(municipality, at=n, kind=rng.choice(kinds), amount=f"{rng.randint(50, 3000)}.00",
                                  status=SignalStatus.IN_MELDING, signal_date=deadlines.local_date(opened))
            case = Case(
                municipality=municipality, address_key=signal.address_key, address=f"Proefstraat {n}, Amsterdam",
                period_start=deadlines.local_date(opened).replace(day=1), period_end=deadlines.local_date(opened),
                match_type=MatchType.ENKELVOUDIG if rng.random() < 0.9 else MatchType.MEERVOUDIG,
                recidive=rng.random() < 0.4, is_crisis=crisis, urgency=rng.choice([1, 2]) if crisis else 0,
                amount=signal.amount, tray=rng.choice(trays), priority=rng.choice([1, 2, 2, 3]),
                routing_explanation="Bench: regel 1", routed_at=opened, opened_at=min(opened, now),
                deadline_at=deadlines.start_of_day(closes), deadline_basis="bench",
                assigned_to=rng.choice([worker, *colleagues]) if rng.random() < 0.3 else None,
                crisis_at=opened if crisis else None, crisis_due_at=opened + dt.timedelta(days=3) if crisis else None,
            )
            cases.append(case)
            signals.append(signal)
        with transaction.atomic():
            bulk_insert(Signal, signals)
            bulk_insert(Case, cases)
            bulk_insert(CaseSignal, [CaseSignal(case=c, signal=s, role=SignalRole.INITIAL, joined_at=c.opened_at)
                                     for c, s in zip(cases, signals, strict=True)])
    with connection.cursor() as cursor:
        table = Case._meta.db_table
        # Status is protected on the model; set it as the services would have left it.
        cursor.execute(f"UPDATE {table} SET status = 'gesloten', outcome = 'Definitief geen contact kunnen krijgen', "
                       f"closed_at = deadline_at WHERE id IN (SELECT id FROM {table} ORDER BY id DESC LIMIT %s)",
                       [args.closed])
        cursor.execute(f"UPDATE {table} SET status = 'in_behandeling' WHERE status = 'open' AND id % 3 = 0")
        cursor.execute("VACUUM ANALYZE")  # what autovacuum leaves (visibility map for index-only scans)
    return worker, [t.pk for t in trays], time.perf_counter() - started


def existing_cases(url: str) -> int:
    """The number of cases in the database of an earlier run (0 when there is none)."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM cases_case").fetchone()[0]
    except psycopg.Error:
        return 0


def quantiles(values: list[float]) -> str:
    q = statistics.quantiles(values, n=100)
    return f"p50 {q[49] * 1000:7.2f} ms   p95 {q[94] * 1000:7.2f} ms   max {max(values) * 1000:7.2f} ms"


def timed_get(client, url: str, samples: int, **headers) -> tuple[list[float], int, int]:
    """Times ``samples`` GETs (after 5 warm-ups); returns (seconds each, queries per request, bytes)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):
        response = client.get(url, **headers)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    with CaptureQueriesContext(connection) as ctx:
        client.get(url, **headers)
    queries = len(ctx.captured_queries)  # (the next request resets Django's query log)
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        response = client.get(url, **headers)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return times, queries, len(response.content)


def main():
    args = parse_args()
    env = {"DJANGO_SETTINGS_MODULE": "vroegsignalering.settings", "ENVIRONMENT": "development",
           "DATABASE_URL": args.database_url,
           "DEBUG": "0", "SECRET_KEY": "bench-only-" + "x" * 40, "SECURE_COOKIES": "0",
           "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "CACHE_URL": "locmemcache://"}
    keep = args.keep and existing_cases(args.database_url) == args.open + args.closed
    if not keep:
        recreate_database(args.database_url)
    setup_django(env)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from cases import selectors
    from cases.models import ACTIVE_STATUSES, Case, Tray
    from tests.auth import login

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    if keep:
        worker = User.objects.get(username="bench-werker")
        tray_ids = list(Tray.objects.order_by("pk").values_list("pk", flat=True))
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        verb, seconds = "reused", 0.0
    else:
        worker, tray_ids, seconds = fill(args, rng)
        verb = "filled"
    active = Case.objects.filter(status__in=ACTIVE_STATUSES).count()
    print(f"{verb} {active:,} open cases and {Case.objects.count() - active:,} closed ones, one signal each, "
          f"{len(tray_ids)} trays, in {seconds:.1f} s")

    client = Client()
    login(client, worker)  # with a confirmed second factor, as every worker signs in (issue 11)
    filters = selectors.QueueFilters()
    order = Case.objects.filter(status__in=ACTIVE_STATUSES).alias(rank=selectors.queue_rank()).order_by(
        "rank", "deadline_at", "pk")
    deep_offset = int(active * 0.9)
    deep_cursor = order.values_list("pk", flat=True)[deep_offset]
    screens = [
        ("queue, first page", "/werkvoorraad", {}),
        ("queue, filtered (huur, ≤ 7 days)", "/werkvoorraad?vastelast=huur&binnen=7", {}),
        ("queue, one tray", f"/werkvoorraad?bakje={tray_ids[1]}", {}),
        ("queue, assigned to me", "/werkvoorraad?mij=on", {}),
        (f"queue, deep page (~{deep_offset:,})", f"/werkvoorraad?na={deep_cursor}", {}),
        ("queue, htmx partial (filtered)", "/werkvoorraad?vastelast=gas&crisis=nee", {"HTTP_HX_REQUEST": "true"}),
    ]
    print(f"\nserver time per request (Django test client, in-process), {args.samples} samples each:")
    queue_p95 = []
    for label, url, headers in screens:
        times, queries, size = timed_get(client, url, args.samples, **headers)
        queue_p95.append(statistics.quantiles(times, n=100)[94])
        print(f"  {label:38s} {quantiles(times)}   {queries:2d} queries  {size / 1024:5.1f} KiB")

    step = max(1, active // 500)
    case_ids = list(Case.objects.filter(status__in=ACTIVE_STATUSES).values_list("pk", flat=True))[::step]
    for pk in case_ids[:5]:
        client.get(f"/meldingen/{pk}")
    times = []
    for _ in range(args.samples):
        url = f"/meldingen/{rng.choice(case_ids)}"
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(f"/meldingen/{case_ids[0]}")
        queries = len(ctx.captured_queries)
    print(f"  {'case page (random open case)':38s} {quantiles(times)}   {queries:2d} queries")

    audit_cost(worker, case_ids, args.samples, rng)

    print("\nbaselines in the same run (selector / ORM only, no request):")
    now = timezone.now()
    keyset, offset, counting = [], [], []
    for _ in range(args.samples):
        started = time.perf_counter()
        page = selectors.queue_page(worker, filters=filters, now=now, after=deep_cursor)
        keyset.append(time.perf_counter() - started)
        assert len(page.cases) == 50 or page.next_after is None
        started = time.perf_counter()
        list(order.select_related("tray", "assigned_to", "municipality")[deep_offset:deep_offset + 50])
        offset.append(time.perf_counter() - started)
        started = time.perf_counter()
        order.count()
        counting.append(time.perf_counter() - started)
    print(f"  {'queue_page, deep keyset page':38s} {quantiles(keyset)}")
    print(f"  {'OFFSET/LIMIT deep page':38s} {quantiles(offset)}")
    print(f"  {'COUNT(*) of the open cases':38s} {quantiles(counting)}")
    ratio = statistics.median(offset) / statistics.median(keyset)
    print(f"  deep page: OFFSET / keyset (median) = {ratio:.1f}×")

    with connection.cursor() as cursor:
        qs = (Case.objects.filter(municipality_id=worker.municipalities.get().pk, status__in=ACTIVE_STATUSES)
              .alias(rank=selectors.queue_rank()).order_by("rank", "deadline_at", "pk")[:51])
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n    ".join(row[0] for row in cursor.fetchall()[:4])
    print(f"\nplan of the first page:\n    {plan}")
    worst = max(queue_p95) * 1000
    print(f"\nqueue p95 (worst screen) {worst:.1f} ms — target ≤ 150 ms: {'met' if worst <= 150 else 'NOT met'}")


def audit_cost(worker, case_ids, samples, rng):
    """The audit trail's cost (issue 11: p95 may rise at most 10%): the queue and the case page with the
    audit middleware (one insert per request) and, interleaved in the same run, without it. The views'
    ``record()`` calls run in both (they only collect the event); the difference is writing it."""
    from django.conf import settings
    from django.test import Client, override_settings

    from tests.auth import login

    audited = Client()
    login(audited, worker)
    with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != "audit.middleware.AuditMiddleware"]):
        unaudited = Client()
        login(unaudited, worker)
        unaudited.get("/werkvoorraad")  # the handler loads its middleware now, without the audit
    print(f"\naudit trail cost, interleaved in the same run, {samples} samples each:")
    for label, pick in (("queue, first page", lambda: "/werkvoorraad"),
                        ("case page (random open case)", lambda: f"/meldingen/{rng.choice(case_ids)}")):
        times = {"with": [], "without": []}
        for _ in range(samples):
            url = pick()
            for name, client in (("with", audited), ("without", unaudited)):
                started = time.perf_counter()
                response = client.get(url)
                times[name].append(time.perf_counter() - started)
                assert response.status_code == 200
        p95 = {name: statistics.quantiles(values, n=100)[94] for name, values in times.items()}
        print(f"  {label + ', audited':38s} {quantiles(times['with'])}")
        print(f"  {label + ', no audit middleware':38s} {quantiles(times['without'])}   "
              f"p95 +{(p95['with'] / p95['without'] - 1) * 100:.1f}%")


if __name__ == "__main__":
    main()
