#!/usr/bin/env python
"""Monitor, DDAS export and purge benchmark (issue 12's three speed targets) on PostgreSQL.

    .venv/bin/python bench/monitor.py [--section dashboard ddas purge] [--scale 1.0] [--samples 100] [--keep]

Each section has its own database (``--database-url`` + ``_<section>``, dropped and refilled unless
``--keep`` finds the data of an earlier run at the same scale); with more than one section each runs in a
child process of this script and the summary table gathers them. ``--scale`` multiplies every volume
(the dashboard's signals per month, the DDAS year, the purge's rows); the scale is printed.

1. **dashboard**: the statistics store of --municipalities (100) × --months (24) months, ~4.4 signals per
   1,000 inhabitants a month (10,000–900,000 inhabitants, log-uniform), case and attempt facts with it
   (three INSERT … SELECT over generate_series). Timed --samples times: ``/monitor/`` for the largest
   municipality over the last 12 months through Django's test client as a signed-in team lead, and the
   selector (``monitor.figures.monitor_figures``) alone; baselines in the same run: the page for 12 empty
   months, and ``SELECT count(*)`` of that municipality's facts of the 12 months. Target p95 ≤ 300 ms.
2. **ddas**: one large municipality's year (--ddas-signals, 54,000) of live personal data (generated
   persons: signals with clients, cases, links, contact attempts, history) with their facts (COPY). The
   export of that year runs in a child process (``monitor.ddas``) writing a file: wall time and the
   child's peak RSS (its own VmHWM, and psutil sampling; not ru_maxrss, which on Linux starts from the
   parent's RSS at the fork). Baselines in the same run: a child
   that only starts Django (its RSS is the floor), a child that streams the year's facts with
   ``json.dumps`` to a file, and ``COPY … TO`` of the same facts. The file is validated with jsonschema
   (Draft 2020-12, format checks on) against the DDAS v1.2 schema. Targets ≤ 30 s, ≤ 400 MB.
3. **purge**: --purge-rows (1,000,000) expired personal-data rows (signals, signal history, cases, case
   history, case links, contact attempts; closed 9–20 months ago, term 6 months) with their facts, and
   --live-open (20,000) live open cases in the same municipality (bench/ui.py's fill). The purge runs in
   a child process (``privacy.purge``, its own connection); this process times the worker's queue
   (bench/ui.py's screens) before, during and after it. Prints rows/s, the total time (target ≤ 10 min),
   the queue's p95 without (before + after) and during the purge and their ratio (target ≤ 2×), and checks
   that the live cases and the facts are untouched.

The summary at the end: measure, value, target, baseline, machine load (``os.getloadavg``) and data sizes.
"""
import argparse
import datetime as dt
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
# This script's directory must not come first: ``import monitor`` is the Django app, not this file.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))
sys.path.append(str(BENCH))

import psutil  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")  # static files are not collected for a bench
from intake import recreate_database, setup_django  # noqa: E402

SECTIONS = ("dashboard", "ddas", "purge")
SCHEMA = Path("/work/shared/ddas/v1.2/json_schema_Uitwisselmodel.json")
SUMMARY: list[dict] = []


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--section", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every volume (1.0 = the issue's)")
    parser.add_argument("--samples", type=int, default=100, help="timed requests per screen")
    parser.add_argument("--municipalities", type=int, default=100)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--ddas-signals", type=int, default=54_000)
    parser.add_argument("--purge-rows", type=int, default=1_000_000)
    parser.add_argument("--live-open", type=int, default=20_000, help="live open cases the queue reads (purge)")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_monitor",
                        help="prefix: each section uses <url>_<section>")
    parser.add_argument("--keep", action="store_true", help="reuse the data of an earlier run at the same scale")
    parser.add_argument("--summary-json", help=argparse.SUPPRESS)
    parser.add_argument("--child", choices=["ddas", "facts-json", "django", "purge"], help=argparse.SUPPRESS)
    parser.add_argument("--child-args", default="{}", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def env_for(url: str) -> dict:
    return {"DJANGO_SETTINGS_MODULE": "vroegsignalering.settings", "ENVIRONMENT": "development",
            "DATABASE_URL": url, "DEBUG": "0", "SECRET_KEY": "bench-only-" + "x" * 40, "SECURE_COOKIES": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "CACHE_URL": "locmemcache://",
            "LOG_LEVEL": "WARNING", "CHECKS_ON_INTAKE": "0"}


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def quantiles(values: list[float]) -> str:
    return (f"p50 {p(values, 50) * 1000:8.2f} ms   p95 {p(values, 95) * 1000:8.2f} ms   "
            f"max {max(values) * 1000:8.2f} ms   (n={len(values)})")


def record(section: str, measure: str, value: str, target: str = "", baseline: str = "", met: bool | None = None,
           sizes: str = ""):
    SUMMARY.append({"section": section, "measure": measure, "value": value, "target": target,
                    "baseline": baseline, "met": met, "load": load(), "sizes": sizes})


def not_available(section: str, what: str, error: Exception):
    last = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
    print(f"  NOT AVAILABLE YET: {what} ({last}); the data and the harness ran.")
    record(section, what, "not available yet", met=None)


# --- the database per section -------------------------------------------------------------------------------


def meta_of(url: str) -> dict | None:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            return json.loads(conn.execute("SELECT value FROM bench_meta").fetchone()[0])
    except (psycopg.Error, TypeError):
        return None


def write_meta(meta: dict):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (value text)")
        cursor.execute("DELETE FROM bench_meta")
        cursor.execute("INSERT INTO bench_meta VALUES (%s)", [json.dumps(meta)])


def open_database(args, section: str, meta: dict, *, template: bool = False) -> bool:
    """Set up Django on the section's database; returns True when the data of an earlier run is reused.
    ``template``: the filled database is kept as <name>_filled and copied back (the purge destroys)."""
    import psycopg

    url = f"{args.database_url}_{section}"
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    source = f"{url}_filled" if template else url
    stored = meta_of(source) or {}
    keep = args.keep and all(stored.get(key) == value for key, value in meta.items())
    if keep and template:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{name}_filled"')
    elif not keep:
        recreate_database(url)
    setup_django(env_for(url))
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return keep


def save_template(args, section: str):
    import psycopg
    from django.db import connections

    url = f"{args.database_url}_{section}"
    name = url.rsplit("/", 1)[1]
    connections.close_all()
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}_filled"')
        conn.execute(f'CREATE DATABASE "{name}_filled" TEMPLATE "{name}"')


def table_sizes(tables: list[str]) -> dict[str, tuple[int, int]]:
    """(rows, bytes with indexes) per table."""
    from django.db import connection

    sizes = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*), pg_total_relation_size(%s) FROM {table}", [table])
            sizes[table] = cursor.fetchone()
    return sizes


def sizes_text(sizes: dict[str, tuple[int, int]]) -> str:
    return ", ".join(f"{table.split('_', 1)[1]} {rows:,} ({size / 2**20:,.0f} MB)"
                     for table, (rows, size) in sizes.items())


def vacuum_analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


# --- 1. dashboard ------------------------------------------------------------------------------------------


def section_dashboard(args, rng: random.Random):
    from monitor_fill import FACT_TABLES, KIND_WEIGHTS, fill_store, previous_months

    meta = {"section": "dashboard", "scale": args.scale, "municipalities": args.municipalities,
            "months": args.months, "seed": args.seed}
    keep = open_database(args, "dashboard", meta)
    from django.test import Client
    from django.utils import timezone
    from ui import timed_get

    from accounts.models import Municipality, Role, User
    from tests.auth import login
    from tests.factories import UserFactory, creditor_for

    months = previous_months(timezone.localdate(), args.months)
    if keep:
        print(f"reused the store of an earlier run ({args.municipalities} municipalities × {args.months} months)")
    else:
        started = time.perf_counter()
        municipalities = Municipality.objects.bulk_create([
            Municipality(cbs_code=f"{1001 + i:04d}", name=f"Benchgemeente {i + 1:03d}",
                         inhabitants=round(10_000 * 90 ** rng.random()))
            for i in range(args.municipalities)])
        creditors = {kind: creditor_for(kind).pk for kind, _ in KIND_WEIGHTS}
        counts = fill_store([(m.pk, m.inhabitants) for m in municipalities], months, creditors, rng,
                            scale=args.scale)
        vacuum_analyze()
        UserFactory(username="bench-teamleider", role=Role.TEAMLEIDER,
                    municipalities=[max(municipalities, key=lambda m: m.inhabitants)])
        write_meta(meta)
        print(f"filled {args.municipalities} municipalities × {args.months} months: "
              + ", ".join(f"{n:,} {t}" for t, n in counts.items()) + f" in {time.perf_counter() - started:.1f} s")
    sizes = table_sizes(FACT_TABLES)
    municipality = Municipality.objects.order_by("-inhabitants").first()
    lead = User.objects.get(username="bench-teamleider")
    first, last = months[-12], months[-1]
    print(f"municipality {municipality.cbs_code} ({municipality.inhabitants:,} inhabitants), "
          f"{first:%Y-%m} … {last:%Y-%m}; store: {sizes_text(sizes)}; load {load()}")

    from django.db import connection

    per_table, counting = {}, []
    for _ in range(args.samples):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for table in FACT_TABLES:
                cursor.execute(f"SELECT count(*) FROM {table} WHERE municipality_id = %s AND month BETWEEN %s AND %s",
                               [municipality.pk, first, last])
                per_table[table] = cursor.fetchone()[0]
        counting.append(time.perf_counter() - started)
    print("\nfacts of that municipality in the 12 months: "
          + ", ".join(f"{n:,} {t.split('_')[1]}" for t, n in per_table.items()))
    print(f"timings, {args.samples} samples each (after 5 warm-ups):")
    print(f"  {'baseline: SELECT count(*) × 3 tables':42s} {quantiles(counting)}")
    baseline_text = f"count(*) p95 {p(counting, 95) * 1000:.1f} ms"
    try:
        from monitor.figures import monitor_figures
    except ImportError as error:
        not_available("dashboard", "dashboard p95 (monitor.figures, /monitor/)", error)
        return
    client = Client()
    login(client, lead)
    url = f"/monitor/?gemeente={municipality.cbs_code}&van={first:%Y-%m}&tot={last:%Y-%m}"
    empty = f"/monitor/?gemeente={municipality.cbs_code}&van=2001-01&tot=2001-12"
    empty_times, _, _ = timed_get(client, empty, args.samples)
    print(f"  {'baseline: /monitor/, 12 empty months':42s} {quantiles(empty_times)}")
    for _ in range(5):
        monitor_figures(municipalities=[municipality], first=first, last=last)
    selector = []
    for _ in range(args.samples):
        started = time.perf_counter()
        monitor_figures(municipalities=[municipality], first=first, last=last)
        selector.append(time.perf_counter() - started)
    print(f"  {'monitor_figures (selector alone)':42s} {quantiles(selector)}")
    times, queries, size = timed_get(client, url, args.samples)
    print(f"  {'/monitor/, 12 months (team lead)':42s} {quantiles(times)}   {queries} queries  "
          f"{size / 1024:.0f} KiB")
    query_times(client, url)
    worst = p(times, 95) * 1000
    print(f"\ndashboard p95 {worst:.1f} ms — target ≤ 300 ms: {'met' if worst <= 300 else 'NOT met'} (load {load()})")
    store = sum(rows for rows, _ in sizes.values())
    record("dashboard", "dashboard /monitor/ 12 months p95", f"{worst:.1f} ms", "≤ 300 ms",
           f"empty range p95 {p(empty_times, 95) * 1000:.1f} ms; {baseline_text}", worst <= 300,
           f"{store:,} facts")
    record("dashboard", "monitor_figures selector p95", f"{p(selector, 95) * 1000:.1f} ms", "",
           baseline_text, None, f"{sum(per_table.values()):,} facts read")


def query_times(client, url: str):
    """Where one request's database time goes: its slowest queries (server-side time as Django sees it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        client.get(url)
        total = time.perf_counter() - started
    spent = sorted(((float(q["time"]), q["sql"]) for q in ctx.captured_queries), reverse=True)
    print(f"  one request: {total * 1000:.0f} ms, of which {sum(t for t, _ in spent) * 1000:.0f} ms in "
          f"{len(spent)} queries; slowest:")
    for seconds, sql in spent[:3]:
        print(f"    {seconds * 1000:7.1f} ms  {' '.join(sql.split())[:110]}")


# --- child processes (run with --child) -----------------------------------------------------------------------


def child_main(args):
    """One measured job in its own process; prints one JSON line with its result."""
    params = json.loads(args.child_args)
    setup_django(env_for(params["url"]))
    from django.db import connection

    started = time.perf_counter()
    result: dict = {}
    if args.child == "django":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM monitor_signalfact")
            result["facts"] = cursor.fetchone()[0]
    elif args.child == "facts-json":
        from monitor.models import AttemptFact, CaseFact, SignalFact

        first, last = dt.date.fromisoformat(params["first"]), dt.date.fromisoformat(params["last"])
        rows = 0
        with open(params["out"], "w") as out:
            for model in (SignalFact, CaseFact, AttemptFact):
                facts = model.objects.filter(municipality__cbs_code=params["code"], month__range=(first, last))
                for row in facts.values().iterator(chunk_size=5000):
                    out.write(json.dumps(row, default=str))
                    out.write("\n")
                    rows += 1
        result["rows"] = rows
    elif args.child == "ddas":
        result.update(run_ddas_export(params))
    elif args.child == "purge":
        result.update(run_purge(params))
    result["seconds"] = time.perf_counter() - started
    # The peak RSS of this process since it started (the exec): VmHWM. ru_maxrss (getrusage, wait4) would not
    # do: on Linux it starts from the parent's RSS at the fork, the size of the process that filled the data.
    status = Path("/proc/self/status").read_text()
    result["vm_hwm_mb"] = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))) / 1024
    print("BENCH-RESULT " + json.dumps(result, default=str))


def rss_now() -> float:
    return psutil.Process().memory_info().rss / 2**20


def run_child(args, kind: str, params: dict) -> dict:
    """Runs ``bench/monitor.py --child kind`` and returns its result with wall time and peak RSS (MB)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--child-args", json.dumps(params)]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampled = {"peak": 0}

    def sample():
        try:
            watched = psutil.Process(process.pid)
            while process.returncode is None:
                sampled["peak"] = max(sampled["peak"], watched.memory_info().rss)
                time.sleep(0.05)
        except psutil.Error:
            pass

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # wait4: this child's own rusage (RUSAGE_CHILDREN would mix in every earlier child); its ru_maxrss is shown
    # only to compare: it starts from this process's RSS at the fork (measured: a 13 MB child of a 513 MB parent
    # reports 513 MB).
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    stdout, stderr = process.stdout.read(), process.stderr.read()
    lines = [line for line in stdout.splitlines() if line.startswith("BENCH-RESULT ")]
    if process.returncode != 0 or not lines:
        raise ChildFailedError(f"child {kind} exited {process.returncode}: {stderr.strip()[-3000:]}")
    result = json.loads(lines[-1].removeprefix("BENCH-RESULT "))
    result.update(wall=wall, max_rss_mb=result["vm_hwm_mb"], ru_maxrss_mb=usage.ru_maxrss / 1024,
                  sampled_rss_mb=sampled["peak"] / 2**20)
    return result


class ChildFailedError(Exception):
    pass


def run_ddas_export(params: dict) -> dict:
    """The DDAS export of one municipality and period, streamed to a file (``monitor.ddas.ddas_export``, what
    ``manage.py ddas_export --uitvoer`` runs)."""
    from accounts.models import Municipality
    from monitor.ddas import ddas_export  # ImportError: not available yet

    municipality = Municipality.objects.get(cbs_code=params["code"])
    first, last = dt.date.fromisoformat(params["first"]), dt.date.fromisoformat(params["last"])
    with open(params["out"], "w", encoding="utf-8") as out:
        summary = ddas_export(out, municipality=municipality, start=first, end=last)
    return {"report": summary.counts()}


def run_purge(params: dict) -> dict:
    """One purge run (``privacy.purge.personal_data_purge``), as the daily job runs it."""
    from privacy.purge import personal_data_purge  # ImportError: not available yet

    started_at = time.time()
    report = personal_data_purge()
    return {"report": report.as_json(), "total": report.total, "started_at": started_at, "ended_at": time.time()}


# --- 2. DDAS export ------------------------------------------------------------------------------------------


def section_ddas(args, rng: random.Random):
    from monitor_fill import FACT_TABLES, PERSONAL_TABLES, Spec, fill_people, previous_months

    total = round(args.ddas_signals * args.scale)
    meta = {"section": "ddas", "scale": args.scale, "signals": total, "seed": args.seed}
    keep = open_database(args, "ddas", meta)
    from django.utils import timezone

    from accounts.models import Municipality

    months = previous_months(timezone.localdate(), 12)
    per_month = math.ceil(total / 12)
    code = "0599"
    if keep:
        municipality = Municipality.objects.get(cbs_code=code)
        print(f"reused the year of an earlier run ({total:,} signals)")
    else:
        started = time.perf_counter()
        inhabitants = round(args.ddas_signals / 12 / 4.4 * 1000)
        municipality = Municipality.objects.create(cbs_code=code, name="Benchstad", inhabitants=inhabitants)
        counts = fill_people(Spec(municipality, months, per_month), rng)
        vacuum_analyze()
        write_meta(meta)
        print(f"filled {municipality.name} ({inhabitants:,} inhabitants), {months[0]:%Y-%m} … {months[-1]:%Y-%m}: "
              + ", ".join(f"{n:,} {t}" for t, n in counts.items()) + f" in {time.perf_counter() - started:.1f} s")
    sizes = table_sizes(PERSONAL_TABLES + FACT_TABLES)
    print(f"data: {sizes_text(sizes)}; load {load()}")
    url = f"{args.database_url}_ddas"
    first, last = months[0], (months[-1].replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    params = {"url": url, "code": code, "first": first.isoformat(), "last": last.isoformat()}
    workdir = Path(tempfile.mkdtemp(prefix="bench-ddas-"))

    floor = run_child(args, "django", params)
    print(f"\nbaselines in the same run:\n  child that only starts Django: peak RSS {floor['max_rss_mb']:.0f} MB, "
          f"{floor['wall']:.1f} s")
    facts = run_child(args, "facts-json", params | {"out": str(workdir / "facts.jsonl")})
    print(f"  json.dumps of the year's {facts['rows']:,} facts to a file: {facts['seconds']:.1f} s "
          f"(wall {facts['wall']:.1f} s), peak RSS {facts['max_rss_mb']:.0f} MB")
    copy_seconds, copy_rows = copy_facts(code, first, last, workdir / "facts.copy")
    print(f"  COPY … TO of the same facts: {copy_rows:,} rows in {copy_seconds:.2f} s")
    baseline = f"json.dumps facts {facts['seconds']:.1f} s / {facts['max_rss_mb']:.0f} MB; " \
               f"COPY TO {copy_seconds:.2f} s; Django alone {floor['max_rss_mb']:.0f} MB"
    try:
        export = run_child(args, "ddas", params | {"out": str(workdir / "ddas.json")})
    except ChildFailedError as error:
        if "ImportError" in str(error) or "AttributeError" in str(error):
            not_available("ddas", "DDAS export (monitor.ddas)", error)
            return
        raise
    size = (workdir / "ddas.json").stat().st_size
    print(f"\nDDAS export of {first} … {last}: {export['seconds']:.1f} s in the export (wall {export['wall']:.1f} s), "
          f"peak RSS {export['max_rss_mb']:.0f} MB (VmHWM; sampled every 50 ms {export['sampled_rss_mb']:.0f} MB; "
          f"wait4's ru_maxrss {export['ru_maxrss_mb']:.0f} MB includes this process's {rss_now():.0f} MB), file "
          f"{size / 2**20:.1f} MB; report {export.get('report')}")
    fast, small = export["wall"] <= 30, export["max_rss_mb"] <= 400
    print(f"  target ≤ 30 s: {'met' if fast else 'NOT met'}; ≤ 400 MB: {'met' if small else 'NOT met'} "
          f"(load {load()})")
    record("ddas", "DDAS export, one year (wall, child process)",
           f"{export['wall']:.1f} s (export {export['seconds']:.1f} s)", "≤ 30 s", baseline, fast,
           f"{sizes['signals_signal'][0]:,} signals, file {size / 2**20:.0f} MB")
    record("ddas", "DDAS export peak RSS", f"{export['max_rss_mb']:.0f} MB", "≤ 400 MB",
           f"Django alone {floor['max_rss_mb']:.0f} MB", small)
    valid = validate(workdir / "ddas.json", code)
    record("ddas", "DDAS v1.2 schema validation", valid, "valid", "", valid.startswith("valid"))


def copy_facts(code: str, first, last, path: Path) -> tuple[float, int]:
    from django.db import connection

    started, rows = time.perf_counter(), 0
    with connection.cursor() as cursor, open(path, "wb") as out:
        for table in ("monitor_signalfact", "monitor_casefact", "monitor_attemptfact"):
            query = (f"COPY (SELECT f.* FROM {table} f JOIN accounts_municipality m ON m.id = f.municipality_id "
                     f"WHERE m.cbs_code = '{code}' AND f.month BETWEEN '{first}' AND '{last}') TO STDOUT")
            with cursor.cursor.copy(query) as copy:
                for chunk in copy:
                    out.write(chunk)
                    rows += bytes(chunk).count(b"\n")
    return time.perf_counter() - started, rows


def validate(path: Path, code: str) -> str:
    """Validate the export against the DDAS v1.2 JSON schema (Draft 2020-12, formats on)."""
    from jsonschema import Draft202012Validator

    from monitor.models import SignalFact

    schema = json.loads(SCHEMA.read_text())
    checker = Draft202012Validator.FORMAT_CHECKER
    validator = Draft202012Validator(schema, format_checker=checker)
    started = time.perf_counter()
    message = json.loads(path.read_bytes())
    errors = list(validator.iter_errors(message))
    signals = sum(len(delivery.get("vroegsignalen", [])) for delivery in message.get("leveringen", []))
    zaken = sum(len(delivery.get("vroegsignaalzaken", [])) for delivery in message.get("leveringen", []))
    facts = SignalFact.objects.filter(municipality__cbs_code=code).count()
    formats = ", ".join(f for f in ("date", "date-time", "email", "uri") if f in checker.checkers)
    print(f"\nvalidation (jsonschema Draft 2020-12, format checks: {formats}) "
          f"in {time.perf_counter() - started:.1f} s: "
          f"{len(errors)} error(s); {signals:,} vroegsignalen ({facts:,} signal facts), {zaken:,} vroegsignaalzaken")
    for error in errors[:5]:
        print(f"  {'/'.join(map(str, error.absolute_path))}: {error.message[:200]}")
    return f"valid ({signals:,} signals, {zaken:,} zaken)" if not errors else f"INVALID: {len(errors)} errors"


# --- 3. purge --------------------------------------------------------------------------------------------------


def section_purge(args, rng: random.Random):
    from monitor_fill import FACT_TABLES, PERSONAL_TABLES, Spec, fill_people, previous_months

    target = round(args.purge_rows * args.scale)
    meta = {"section": "purge", "scale": args.scale, "rows": target, "live": args.live_open, "seed": args.seed}
    keep = open_database(args, "purge", meta, template=True)
    from django.test import Client
    from django.utils import timezone
    from ui import fill

    from accounts.models import User
    from cases.models import ACTIVE_STATUSES, Case, Tray
    from tests.auth import login

    if keep:
        stored = meta_of(f"{args.database_url}_purge")
        worker = User.objects.get(username="bench-werker")
        print("reused the filled database of an earlier run (copied from its template)")
        expired = stored["expired"]
    else:
        started = time.perf_counter()
        worker, tray_ids, _ = fill(argparse.Namespace(open=args.live_open, closed=0, trays=6), rng)
        municipality = worker.municipalities.get()
        # Received 20 … 9 months ago, cases closed 28 days after the period: all past the 6-month term.
        months = previous_months(timezone.localdate(), 20)[:12]
        per_month = math.ceil(target / 6.47 / 12)  # ≈ 6.47 personal-data rows per generated signal
        expired = fill_people(Spec(municipality, months, per_month, open_last_month=False), rng,
                              tray=Tray.objects.get(pk=tray_ids[0]), worker=worker)
        vacuum_analyze()
        write_meta(meta | {"expired": expired})
        save_template(args, "purge")
        print(f"filled {args.live_open:,} live open cases and, received {months[0]:%Y-%m} … {months[-1]:%Y-%m} "
              f"(term {municipality.retention_months} months), the expired rows "
              f"in {time.perf_counter() - started:.1f} s")
    personal = sum(n for t, n in expired.items() if t in PERSONAL_TABLES)
    print("expired personal-data rows generated: " + ", ".join(
        f"{expired[t]:,} {t}" for t in PERSONAL_TABLES) + f" = {personal:,} (target {target:,}); facts: "
        + ", ".join(f"{expired[t]:,} {t}" for t in FACT_TABLES))
    before = table_sizes(PERSONAL_TABLES + FACT_TABLES)
    active = Case.objects.filter(status__in=ACTIVE_STATUSES).count()
    print(f"data before the purge: {sizes_text(before)}; {active:,} active cases; load {load()}")

    client = Client()
    login(client, worker)
    screens = ["/werkvoorraad", "/werkvoorraad?vastelast=huur&binnen=7"]
    for url in screens * 5:
        assert client.get(url).status_code == 200

    def sample(into: list[tuple[float, float]]):
        for url in screens:
            at, started = time.time(), time.perf_counter()
            response = client.get(url)
            into.append((at, time.perf_counter() - started))
            assert response.status_code == 200, response.status_code

    without_before, while_running, without_after = [], [], []
    for _ in range(args.samples):
        sample(without_before)
    outcome: dict = {}

    def purge_job():
        try:
            outcome["result"] = run_child(args, "purge", {"url": f"{args.database_url}_purge"})
        except ChildFailedError as error:
            outcome["error"] = error

    job = threading.Thread(target=purge_job)
    job.start()
    while job.is_alive():
        sample(while_running)
    for _ in range(args.samples):
        sample(without_after)
    # "During" = requests that started while the purge itself ran (not the child's Django start-up).
    window = (outcome["result"]["started_at"], outcome["result"]["ended_at"]) if "result" in outcome else (0, 0)
    during = [seconds for at, seconds in while_running if window[0] <= at <= window[1]]
    without_before = [seconds for _, seconds in without_before]
    without_after = [seconds for _, seconds in without_after]
    without = without_before + without_after
    print(f"\nthe queue ({', '.join(screens)}), this process, its own connection:")
    print(f"  {'without the purge (before + after)':38s} {quantiles(without)}")
    if during:
        print(f"  {'during the purge':38s} {quantiles(during)}")
    if "error" in outcome:
        error = outcome["error"]
        if "ImportError" in str(error) or "AttributeError" in str(error):
            not_available("purge", "purge of the expired rows (privacy.purge)", error)
            record("purge", "queue p95 without the purge", f"{p(without, 95) * 1000:.1f} ms", "", "", None)
            return
        raise error
    result = outcome["result"]
    after = table_sizes(PERSONAL_TABLES + FACT_TABLES)
    deleted = {t: before[t][0] - after[t][0] for t in PERSONAL_TABLES}
    total = sum(deleted.values())
    seconds = result["seconds"]
    facts_kept = all(before[t][0] == after[t][0] for t in FACT_TABLES)
    live_kept = Case.objects.filter(status__in=ACTIVE_STATUSES).count() == active
    if not during:
        raise SystemExit("no queue request started while the purge ran (too short: raise --scale)")
    ratio = p(during, 95) / p(without, 95)
    print(f"\npurge: {total:,} personal-data rows deleted in {seconds:.1f} s ({total / seconds:,.0f} rows/s; wall "
          f"{result['wall']:.1f} s, peak RSS {result['max_rss_mb']:.0f} MB): "
          + ", ".join(f"{n:,} {t}" for t, n in deleted.items()))
    print(f"  report: {result.get('report')}")
    print(f"  all expired rows gone: {'yes' if total >= personal else 'NO'}; live cases kept: "
          f"{'yes' if live_kept else 'NO'}; facts kept: {'yes' if facts_kept else 'NO'}")
    print(f"  target ≤ 10 min: {'met' if seconds <= 600 else 'NOT met'}; queue p95 during / without = {ratio:.2f}× "
          f"— target ≤ 2×: {'met' if ratio <= 2 else 'NOT met'} (load {load()})")
    raw_seconds, raw_rows = raw_delete_baseline(args)
    print(f"  baseline: the same rows with plain DELETEs in one transaction (on a fresh copy of the filled database): "
          f"{raw_rows:,} rows in {raw_seconds:.1f} s ({raw_rows / raw_seconds:,.0f} rows/s)")
    record("purge", "purge of the expired rows", f"{seconds:.1f} s ({total / seconds:,.0f} rows/s)", "≤ 600 s",
           f"plain DELETEs {raw_seconds:.1f} s ({raw_rows / raw_seconds:,.0f} rows/s)",
           seconds <= 600 and total >= personal and live_kept and facts_kept,
           f"{total:,} rows deleted of {personal:,} generated")
    record("purge", "queue p95 during / without the purge", f"{ratio:.2f}× ({p(during, 95) * 1000:.1f} ms)",
           "≤ 2×", f"without: p95 {p(without, 95) * 1000:.1f} ms", ratio <= 2, f"{active:,} live open cases")


def raw_delete_baseline(args) -> tuple[float, int]:
    """The expired rows deleted with one plain DELETE per table in a single transaction (what the purge's
    batches trade speed for: this holds every lock until the end), on a fresh copy of the filled database."""
    import psycopg
    from django.db import connection, connections, transaction

    url = f"{args.database_url}_purge"
    name = url.rsplit("/", 1)[1]
    connections.close_all()
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{name}_filled"')
    statements = [
        "CREATE TEMP TABLE bench_cases ON COMMIT DROP AS SELECT id FROM cases_case WHERE status = 'gesloten'",
        "CREATE TEMP TABLE bench_signals ON COMMIT DROP AS SELECT id FROM signals_signal s WHERE NOT EXISTS ("
        "SELECT 1 FROM cases_casesignal l JOIN cases_case c ON c.id = l.case_id "
        "WHERE l.signal_id = s.id AND c.status <> 'gesloten')",
        "DELETE FROM contacts_contactattempt WHERE case_id IN (SELECT id FROM bench_cases)",
        "DELETE FROM cases_casehistory WHERE case_id IN (SELECT id FROM bench_cases)",
        "DELETE FROM cases_casesignal WHERE case_id IN (SELECT id FROM bench_cases)",
        "DELETE FROM cases_case WHERE id IN (SELECT id FROM bench_cases)",
        "DELETE FROM signals_signalhistory WHERE signal_id IN (SELECT id FROM bench_signals)",
        "DELETE FROM signals_signal WHERE id IN (SELECT id FROM bench_signals)",
    ]
    rows, started = 0, time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
            rows += cursor.rowcount if statement.startswith("DELETE") else 0
    return time.perf_counter() - started, rows


# --- main ------------------------------------------------------------------------------------------------------


def print_summary(scale: float):
    print(f"\n=== summary (scale {scale}; {psutil.cpu_count()} CPUs, "
          f"{psutil.virtual_memory().total / 2**30:.1f} GiB; load 1/5/15 min now {load()}) ===")
    header = f"{'measure':44s} {'value':36s} {'target':9s} {'met':4s} {'load':15s} baseline | data"
    print(header)
    print("-" * len(header))
    for row in SUMMARY:
        met = {True: "yes", False: "NO", None: "—"}[row["met"]]
        print(f"{row['measure']:44s} {row['value']:36s} {row['target']:9s} {met:4s} {row['load']:15s} "
              f"{row['baseline']} | {row['sizes']}")


def main():
    args = parse_args()
    if args.child:
        child_main(args)
        return
    print(f"scale {args.scale} (1.0 = the issue's volumes); {psutil.cpu_count()} CPUs; load {load()}")
    if len(args.section) > 1:
        for section in args.section:
            with tempfile.NamedTemporaryFile(suffix=".json") as summary:
                command = [sys.executable, str(Path(__file__).resolve()), "--section", section,
                           "--scale", str(args.scale), "--samples", str(args.samples),
                           "--municipalities", str(args.municipalities), "--months", str(args.months),
                           "--ddas-signals", str(args.ddas_signals), "--purge-rows", str(args.purge_rows),
                           "--live-open", str(args.live_open), "--seed", str(args.seed),
                           "--database-url", args.database_url, "--summary-json", summary.name]
                print(f"\n##### {section} #####", flush=True)
                if subprocess.run(command + (["--keep"] if args.keep else []), cwd=ROOT).returncode != 0:
                    record(section, f"{section}: the section failed", "error")
                    continue
                SUMMARY.extend(json.loads(Path(summary.name).read_text() or "[]"))
    else:
        section = args.section[0]
        globals()[f"section_{section}"](args, random.Random(args.seed))
    if args.summary_json:
        Path(args.summary_json).write_text(json.dumps(SUMMARY))
    else:
        print_summary(args.scale)


if __name__ == "__main__":
    main()
