#!/usr/bin/env python
"""Intake benchmark: deliver N signals through the creditor API to gunicorn on PostgreSQL.

    .venv/bin/python bench/intake.py [--signals 100000] [--workers 2] [--clients 2]

Creates (drops first) the database named by --database-url, migrates it, generates N synthetic
signals with the demo generator (demo/generator.py), starts gunicorn with the project's
gunicorn.conf.py, POSTs them in batches of 1,000 (`POST /api/v1/leveringen`) from --clients
concurrent connections, and prints:

- signals/s over the whole run, p50/p95 batch latency (each delivery also enqueues its checks on
  Redis, as in production; no worker consumes them here);
- the peak RSS of each process (gunicorn master, each worker, this client), sampled every 50 ms,
  against the target of at most 400 MB for the largest process;
- in the same run, the time PostgreSQL's `COPY` needs to load the same stored rows into an
  equivalent table (same columns, indexes and constraints), its rate, and the intake's share of
  it: COPY time / intake time in per cent (target at least 15 %), and the factor intake / COPY.

With ``--profile``, first one delivery of --batch signals runs in this process under cProfile
(rolled back): its statements and the functions that take the most time are printed.
"""
import argparse
import http.client
import io
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Large synthetic municipalities so that N signals need few months.
BENCH_MUNICIPALITIES = [("0363", "Amsterdam", 931_298), ("0518", "'s-Gravenhage", 566_221),
                        ("0599", "Rotterdam", 670_610), ("0344", "Utrecht", 374_238)]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--signals", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument("--clients", type=int, default=2, help="concurrent client connections")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/vroegsignalering_bench")
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/15",
                        help="Celery broker the intake enqueues the checks on (no worker consumes it here)")
    parser.add_argument("--profile", action="store_true",
                        help="first profile one delivery in this process (cProfile, statements), rolled back")
    return parser.parse_args()


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(env: dict) -> None:
    os.environ.update(env)
    import django

    django.setup()


def prepare(args) -> tuple[list[tuple[str, bytes]], float]:
    """Municipalities, creditors with keys, and the request bodies (key, JSON) to send."""
    from django.core.management import call_command

    from accounts.services import municipality_create_or_update
    from demo import deliveries, generator
    from signals.services import api_key_issue

    call_command("migrate", verbosity=0)
    for code, name, inhabitants in BENCH_MUNICIPALITIES:
        municipality_create_or_update(cbs_code=code, name=name, inhabitants=inhabitants)
    creditors = deliveries.demo_creditors()
    keys = {c.pk: api_key_issue(creditor=c, name="bench")[1] for c in set(creditors.values())}

    started = time.perf_counter()
    payloads: list[dict] = []
    month = "2026-10"
    while len(payloads) < args.signals:
        for code, _, inhabitants in BENCH_MUNICIPALITIES:
            payloads.extend(generator.generate_month(code, inhabitants, month, seed=7))
        month = generator.previous_months(month, 1)[0]
    payloads = payloads[: args.signals]
    generation = time.perf_counter() - started

    per_creditor: dict[int, list[dict]] = {}
    for payload in payloads:
        per_creditor.setdefault(creditors[payload["soortVasteLast"]].pk, []).append(payload)
    bodies = []
    for creditor_id, items in per_creditor.items():
        for start in range(0, len(items), args.batch):
            body = json.dumps({"signalen": items[start:start + args.batch]}).encode()
            bodies.append((keys[creditor_id], body))
    # Interleave creditors, as real traffic would.
    bodies.sort(key=lambda kb: hash(kb[1]))
    return bodies, generation


# Targets of issue 14 (item 3): the intake at least this share of a raw COPY, no process above this RSS.
TARGET_SHARE = 0.15
TARGET_RSS = 400 * 2**20


class RssSampler(threading.Thread):
    """Peak RSS per process: the gunicorn master, each worker, and this client."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.master = psutil.Process(pid)
        self.client = psutil.Process()
        self.peaks: dict[str, int] = {}
        self.cpu: dict[int, list[float]] = {}  # pid → [CPU seconds when first seen, when last seen]
        self.peak_total = 0
        self.running = True

    def _note(self, name: str, rss: int) -> None:
        self.peaks[name] = max(self.peaks.get(name, 0), rss)

    def run(self):
        while self.running:
            try:
                workers = self.master.children(recursive=True)
                rss = [self.master.memory_info().rss, *(p.memory_info().rss for p in workers)]
                self._note("client (this bench)", self.client.memory_info().rss)
                for process in [self.master, *workers]:
                    times = process.cpu_times()
                    self.cpu.setdefault(process.pid, [times.user + times.system] * 2)[1] = times.user + times.system
            except psutil.Error:
                continue
            self._note(f"gunicorn master (pid {self.master.pid})", rss[0])
            for process, value in zip(workers, rss[1:], strict=True):
                self._note(f"gunicorn worker (pid {process.pid})", value)
            self.peak_total = max(self.peak_total, sum(rss))
            time.sleep(0.05)


def start_gunicorn(args, env: dict) -> subprocess.Popen:
    server_env = {**os.environ, **env, "WEB_CONCURRENCY": str(args.workers), "GUNICORN_THREADS": str(args.threads),
                  "PORT": str(args.port), "LOG_LEVEL": "warning"}
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{args.port}",
         "--access-logfile", "/dev/null", "vroegsignalering.wsgi"],
        cwd=ROOT, env=server_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"gunicorn did not start: {process.stderr.read().decode()[-2000:]}")


def deliver(args, bodies) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    received = 0
    lock = threading.Lock()
    queue = list(reversed(bodies))

    def client():
        nonlocal received
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=120)
        while True:
            with lock:
                if not queue:
                    return
                key, body = queue.pop()
            started = time.perf_counter()
            conn.request("POST", "/api/v1/leveringen", body=body,
                         headers={"X-Api-Key": key, "Content-Type": "application/json"})
            response = conn.getresponse()
            answer = response.read()
            elapsed = time.perf_counter() - started
            if response.status != 201:
                raise SystemExit(f"delivery failed: {response.status} {answer[:500]!r}")
            with lock:
                latencies.append(elapsed)
                received += json.loads(answer)["aantalOntvangen"]

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, received


def copy_baseline() -> tuple[float, int]:
    """COPY the stored signals into an equivalent empty table; return (seconds, rows)."""
    from django.db import connection

    with connection.cursor() as cursor:
        raw = cursor.cursor
        buffer = io.BytesIO()
        with raw.copy("COPY signals_signal TO STDOUT") as copy:
            for chunk in copy:
                buffer.write(chunk)
        cursor.execute("DROP TABLE IF EXISTS bench_copy_signal")
        cursor.execute("CREATE TABLE bench_copy_signal (LIKE signals_signal INCLUDING ALL)")
        data = buffer.getvalue()
        started = time.perf_counter()
        with connection.cursor() as inner, inner.cursor.copy("COPY bench_copy_signal FROM STDIN") as copy:
            copy.write(data)
        elapsed = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM bench_copy_signal")
        rows = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_copy_signal")
    return elapsed, rows


def profile_one(bodies: list[tuple[str, bytes]], *, top: int = 25) -> None:
    """The largest delivery once in this process under cProfile, rolled back: its statements and the
    functions with the most time (cumulative), as the first step of any cut (design note §4)."""
    import cProfile
    import pstats

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from signals.models import CreditorAPIKey
    from signals.services import delivery_create

    key, body = max(bodies, key=lambda kb: len(kb[1]))
    creditor = CreditorAPIKey.objects.get_from_key(key).creditor
    items = json.loads(body)["signalen"]
    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        started = time.process_time()
        profiler.runcall(delivery_create, creditor=creditor, items=items)
        cpu = time.process_time() - started
        transaction.set_rollback(True)
    print(f"\nprofile: one delivery of {len(items):,} signals in this process (rolled back), "
          f"{cpu * 1000:,.0f} ms CPU under cProfile, {len(queries.captured_queries)} statements:")
    for query in queries.captured_queries:
        print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:110]}")
    stats = io.StringIO()
    pstats.Stats(profiler, stream=stats).sort_stats("cumulative").print_stats(top)
    print(stats.getvalue())


def main():
    args = parse_args()
    env = {"DJANGO_SETTINGS_MODULE": "vroegsignalering.settings", "ENVIRONMENT": "development",
           "DATABASE_URL": args.database_url,
           "DEBUG": "0", "API_RATE_LIMIT": "1000000/min", "SECRET_KEY": "bench-only-" + "x" * 40,
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "CACHE_URL": "locmemcache://",
           # As in production: each delivery enqueues its checks (one message); no worker runs here.
           "CELERY_BROKER_URL": args.broker_url}
    recreate_database(args.database_url)
    setup_django(env)
    bodies, generation = prepare(args)
    total = sum(body.count(b'"signaalId"') for _, body in bodies)
    print(f"generated {total:,} signals in {len(bodies)} batches in {generation:.1f} s")
    if args.profile:
        profile_one(bodies)

    server = start_gunicorn(args, env)
    sampler = RssSampler(server.pid)
    sampler.start()
    try:
        elapsed, latencies, received = deliver(args, bodies)
    finally:
        sampler.running = False
        server.terminate()
        server.wait(timeout=30)

    from signals.models import Signal
    from vroegsignalering.celery import app

    with app.connection_for_write() as connection:  # the enqueued checks: not for this benchmark
        enqueued = connection.default_channel.queue_purge(app.conf.task_default_queue)
    stored = Signal.objects.count()
    copy_seconds, copy_rows = copy_baseline()
    quantiles = statistics.quantiles(latencies, n=100)
    print(f"\nintake: {received:,} signals received ({stored:,} stored) in {elapsed:.1f} s "
          f"with {args.workers} gunicorn worker(s) × {args.threads} thread(s), {args.clients} clients")
    print(f"  throughput      {received / elapsed:,.0f} signals/s (and {enqueued} check messages enqueued)")
    server_cpu = sum(last - first for first, last in sampler.cpu.values())
    print(f"  server CPU      {server_cpu * 1000 / received * 1000:,.0f} ms per 1,000 signals in gunicorn "
          "(master + workers; less sensitive to a busy machine than the rates)")
    print(f"  batch latency   p50 {quantiles[49] * 1000:,.0f} ms   p95 {quantiles[94] * 1000:,.0f} ms "
          f"(batches of {args.batch})")
    print(f"baseline: PostgreSQL COPY of the same {copy_rows:,} rows into an equivalent table: {copy_seconds:.2f} s "
          f"({copy_rows / copy_seconds:,.0f} rows/s)")
    share = copy_seconds / elapsed
    print(f"  intake's share of COPY (COPY time / intake time): {share:.1%} "
          f"(target ≥ {TARGET_SHARE:.0%}: {_verdict(share >= TARGET_SHARE)}); "
          f"the intake takes {elapsed / copy_seconds:.1f}× the COPY "
          f"({received / elapsed:,.0f} vs {copy_rows / copy_seconds:,.0f} rows/s)")
    largest = max(sampler.peaks.values())
    print(f"peak RSS per process (target ≤ {TARGET_RSS / 2**20:,.0f} MB for the largest: "
          f"{_verdict(largest <= TARGET_RSS)}):")
    for name, rss in sorted(sampler.peaks.items()):
        print(f"  {rss / 2**20:7,.0f} MB  {name}")
    print(f"  {sampler.peak_total / 2**20:7,.0f} MB  gunicorn master + workers together")
    if received != args.signals or stored != args.signals:
        raise SystemExit(f"expected {args.signals:,} signals stored, got {stored:,}")


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


if __name__ == "__main__":
    main()
