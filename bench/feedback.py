#!/usr/bin/env python
"""Feedback feed benchmark: one feed page (limit 100) at N published events on PostgreSQL.

    .venv/bin/python bench/feedback.py [--events 1000000] [--creditors 20] [--samples 2000]

Creates (drops first) the database named by --database-url, migrates it, stores signals for
--creditors creditors and fills the outbox with N events in one INSERT … SELECT, published as
``feedback_publish`` would publish them on an empty feed (``seq = id``, ``FeedCounter.last_seq``
= the highest; a final ``feedback_publish()`` must find nothing left). Then, at random cursor
positions of random creditors, it times and prints p50/p95 of:

- the selector the API uses (``feedback_page_for_creditor``, limit 100, rows fetched);
- ``feedback_publish()`` with nothing to publish (the feed view runs it before every page);
- ``GET /api/v1/terugkoppelingen?limiet=100&vanaf=…`` through the Django test client (key check,
  publish, selector, JSON) for a sample;
- baselines in the same run: raw SQL ``SELECT … WHERE creditor_id = … AND seq > … ORDER BY seq
  LIMIT 100`` and ``SELECT … WHERE seq > … ORDER BY seq LIMIT 100`` on the same table.

Target (issue 5): p95 ≤ 30 ms per page at 1,000,000 events.
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
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--creditors", type=int, default=20)
    parser.add_argument("--signals-per-creditor", type=int, default=2_500)
    parser.add_argument("--samples", type=int, default=2_000, help="timed pages through the selector / raw SQL")
    parser.add_argument("--http-samples", type=int, default=500, help="timed pages through the HTTP API")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/vroegsignalering_bench_feedback")
    return parser.parse_args()


def fill(args) -> tuple[list, dict, float]:
    """Creditors, their signals and N published events; returns (creditors, keys, seconds)."""
    from django.db import connection, transaction

    from feedback.models import FeedbackCode, FeedbackEvent, FeedCounter
    from signals.models import Signal
    from signals.services import api_key_issue
    from tests.factories import CreditorFactory, MunicipalityFactory, build_signal
    from vroegsignalering.common.bulk import bulk_insert

    started = time.perf_counter()
    municipality = MunicipalityFactory()
    creditors = [CreditorFactory(name=f"Bench-partij {i:02d}") for i in range(args.creditors)]
    keys = {c.pk: api_key_issue(creditor=c, name="bench")[1] for c in creditors}
    bases = []
    for creditor in creditors:  # each creditor's signals get contiguous ids
        signals = [build_signal(municipality, at=n, creditor=creditor) for n in range(args.signals_per_creditor)]
        bulk_insert(Signal, signals)
        bases.append(min(s.pk for s in signals))
    codes = FeedbackCode.values
    table = FeedbackEvent._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        # Event g (1 … N) for creditor g mod C, one of that creditor's signals, one of the nine codes;
        # id = g and seq = id: what feedback_publish gives these rows on an empty feed.
        cursor.execute(f"""
            INSERT INTO {table} (id, public_id, signal_id, creditor_id, municipality_id, code, issued_at, date,
                                 collection_pause_until, seq)
            SELECT g, gen_random_uuid(),
                   (%(bases)s::bigint[])[g %% %(c)s + 1] + (g / %(c)s) %% %(s)s,
                   (%(creditors)s::bigint[])[g %% %(c)s + 1],
                   %(municipality)s,
                   (%(codes)s::text[])[g %% 9 + 1],
                   now() - make_interval(secs => %(n)s - g),
                   (now() - make_interval(secs => %(n)s - g))::date,
                   CASE WHEN (%(codes)s::text[])[g %% 9 + 1] = 'hulp_geaccepteerd'
                        THEN (now() - make_interval(secs => %(n)s - g))::date + 30 END,
                   g
            FROM generate_series(1, %(n)s) AS g
        """, {"bases": bases, "c": args.creditors, "s": args.signals_per_creditor,
              "creditors": [c.pk for c in creditors], "municipality": municipality.pk, "codes": codes,
              "n": args.events})
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [args.events])
        FeedCounter.objects.update_or_create(pk=1, defaults={"last_seq": args.events})
        cursor.execute(f"ANALYZE {table}")
    return creditors, keys, time.perf_counter() - started


def quantiles(values: list[float]) -> str:
    q = statistics.quantiles(values, n=100)
    return f"p50 {q[49] * 1000:6.2f} ms   p95 {q[94] * 1000:6.2f} ms   max {max(values) * 1000:6.2f} ms"


def main():
    args = parse_args()
    env = {"DJANGO_SETTINGS_MODULE": "vroegsignalering.settings", "ENVIRONMENT": "development",
           "DATABASE_URL": args.database_url,
           "DEBUG": "0", "API_RATE_LIMIT": "1000000/min", "SECRET_KEY": "bench-only-" + "x" * 40,
           "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "CACHE_URL": "locmemcache://"}
    recreate_database(args.database_url)
    setup_django(env)
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.test import APIClient

    from feedback import selectors, services
    from feedback.models import FeedbackEvent

    call_command("migrate", verbosity=0)
    creditors, keys, seconds = fill(args)
    stored = FeedbackEvent.objects.count()
    left = services.feedback_publish()
    print(f"filled {stored:,} published events for {len(creditors)} creditors in {seconds:.1f} s "
          f"(feedback_publish afterwards: {left} left to publish)")
    if stored != args.events or left:
        raise SystemExit("the outbox is not as expected")

    rng = random.Random(args.seed)
    positions = [(rng.choice(creditors), rng.randint(0, args.events)) for _ in range(args.samples)]

    selector, publish = [], []
    for creditor, after in positions:
        started = time.perf_counter()
        page = selectors.feedback_page_for_creditor(creditor=creditor, after=after, limit=100)
        selector.append(time.perf_counter() - started)
        assert all(e.seq > after for e in page.events)
        started = time.perf_counter()
        services.feedback_publish()
        publish.append(time.perf_counter() - started)

    table = FeedbackEvent._meta.db_table
    columns = "id, public_id, signal_id, municipality_id, code, date, collection_pause_until, seq"
    raw_creditor, raw_plain = [], []
    with connection.cursor() as cursor:
        for creditor, after in positions:
            started = time.perf_counter()
            cursor.execute(f"SELECT {columns} FROM {table} WHERE creditor_id = %s AND seq > %s ORDER BY seq "
                           "LIMIT 100", [creditor.pk, after])
            cursor.fetchall()
            raw_creditor.append(time.perf_counter() - started)
            started = time.perf_counter()
            cursor.execute(f"SELECT {columns} FROM {table} WHERE seq > %s ORDER BY seq LIMIT 100", [after])
            cursor.fetchall()
            raw_plain.append(time.perf_counter() - started)

    clients = {}
    for creditor in creditors:
        client = APIClient()
        client.credentials(HTTP_X_API_KEY=keys[creditor.pk])
        clients[creditor.pk] = client
    http = []
    for creditor, after in positions[:args.http_samples]:
        query = {"limiet": 100} | ({"vanaf": selectors.cursor_encode(after)} if after else {})
        started = time.perf_counter()
        response = clients[creditor.pk].get("/api/v1/terugkoppelingen", query)
        http.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content
        assert len(response.json()["terugkoppelingen"]) <= 100

    print(f"\nfeed page, limit 100, at {stored:,} events, random creditor and cursor position "
          f"({args.samples:,} pages; HTTP: {len(http):,})")
    print(f"  selector feedback_page_for_creditor      {quantiles(selector)}")
    print(f"  feedback_publish (nothing to publish)    {quantiles(publish)}")
    print(f"  HTTP GET /api/v1/terugkoppelingen (test client, incl. key check, publish, JSON)  "
          f"{quantiles(http)}")
    print("baseline raw SQL, same table and run:")
    print(f"  WHERE creditor_id = … AND seq > … ORDER BY seq LIMIT 100  {quantiles(raw_creditor)}")
    print(f"  WHERE seq > … ORDER BY seq LIMIT 100                      {quantiles(raw_plain)}")
    p95 = statistics.quantiles(selector, n=100)[94] * 1000
    p95_http = statistics.quantiles(http, n=100)[94] * 1000
    print(f"target p95 ≤ 30 ms: selector {'met' if p95 <= 30 else 'MISSED'} ({p95:.2f} ms), "
          f"HTTP {'met' if p95_http <= 30 else 'MISSED'} ({p95_http:.2f} ms)")


if __name__ == "__main__":
    main()
