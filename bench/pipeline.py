#!/usr/bin/env python
"""Pipeline benchmark (issue 14): intake → checks → period close, end to end, as in production.

    ENVIRONMENT=development .venv/bin/python bench/pipeline.py [--signals 100000] [--municipalities 10]
        [--latency-ms 150 | --both] [--processes 2] [--concurrency 16] [--api] [--keep]

On a fresh PostgreSQL database (--database-url, dropped first; dropped again at the end unless --keep):
--municipalities municipalities (a routing preset each) and --signals generated signals of last month, then

- the fake BRP in its own process (`manage.py run_fake_brp --latency-ms … --jitter-ms … --max-concurrent …`),
  its population following those municipalities (most signals resolve; the generator's share of persons
  outside the population ends in fallout; several signals share an address);
- a real Celery worker (`celery -A vroegsignalering worker --pool prefork --concurrency P`) on Redis
  (--broker-url, FLUSHED first), CHECKS_ON_INTAKE=1, BRP_CONCURRENCY=--concurrency;
- the feeder: deliveries of 1,000 through the intake service `delivery_create`, or with --api as
  `POST /api/v1/leveringen` to gunicorn;
- a wait until no signal is received, in its checks or (due) waiting for the BRP (when the queue is empty,
  `checks_sweep` is called every 15 s, as beat would); then the period close per municipality.

It prints each measure with the issue's target: signals/s end to end (first delivery → last period close)
and of the checks alone (first check started → last check ended), BRP requests per signal (the fake's
GET /_stats), p95 delivery → checked, CPU ms per signal in the project (worker incl. its children, feeder,
gunicorn; PostgreSQL backends of this database and the fake separately), peak RSS per process role, and the
theoretical bound min(P × BRP_CONCURRENCY, max_concurrent) / (latency × requests per signal) beside the
measured checks rate. --both runs it at 150 ms and at 0 ms latency, one after the other.
"""
import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

# The project first (bench/feedback.py must not shadow the feedback app), bench/ for pipeline_support.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.append(str(Path(__file__).resolve().parent))

import pipeline_support as support  # noqa: E402 - after the path set-up

MB = 1024 * 1024
CHECKS_END = ("gecontroleerd", "afgehandeld", "doorgestuurd", "uitval")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--signals", type=int, default=100_000)
    parser.add_argument("--municipalities", type=int, default=10, choices=range(1, len(support.MUNICIPALITIES) + 1),
                        metavar="1-10")
    parser.add_argument("--latency-ms", type=float, default=150.0, help="the fake BRP's latency per query")
    parser.add_argument("--jitter-ms", type=float, default=30.0)
    parser.add_argument("--max-concurrent", type=int, default=64, help="the fake BRP's limit (429 beyond it)")
    parser.add_argument("--both", action="store_true", help="run at --latency-ms and at 0 ms, one after the other")
    parser.add_argument("--processes", type=int, default=2, help="Celery worker processes (prefork)")
    parser.add_argument("--concurrency", type=int, default=16, help="BRP_CONCURRENCY for the worker")
    parser.add_argument("--api", action="store_true", help="feed through the API (gunicorn) instead of the service")
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=7200, help="seconds to wait for the checks")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/vroegsignalering_bench")
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/14", help="flushed at the start!")
    parser.add_argument("--brp-port", type=int, default=5110)
    parser.add_argument("--api-port", type=int, default=8766)
    return parser.parse_args(argv)


def main():
    args = parse_args()
    if args.both:  # each latency in a fresh process (own Django set-up, own database)
        argv = [a for a in sys.argv[1:] if a != "--both"]
        codes = [subprocess.call([sys.executable, __file__, *argv, "--latency-ms", str(latency)])
                 for latency in (args.latency_ms, 0.0)]
        sys.exit(max(codes))
    run(args)


def run(args):
    if args.latency_ms == 0:
        args.jitter_ms = 0.0  # no latency, no spread (a negative wait is none)
    support.recreate_database(args.database_url)
    support.flush_redis(args.broker_url)
    env = support.base_env(args.database_url, args.broker_url, args.brp_port, BRP_CONCURRENCY=args.concurrency)
    support.setup_django(env)
    from django.db import connection

    started = time.perf_counter()
    municipalities, payloads = support.world_create(args.signals, args.municipalities, args.seed)
    deliveries = support.batches(payloads)
    n = len(payloads)
    print(f"{n:,} signals of {len(municipalities)} municipalities in {len(deliveries)} deliveries "
          f"(generated in {time.perf_counter() - started:.0f} s); BRP latency {args.latency_ms:g} ± "
          f"{args.jitter_ms:g} ms, max {args.max_concurrent} at once; {args.processes} worker processes, "
          f"BRP_CONCURRENCY={args.concurrency}; feeder: "
          f"{f'the API ({args.gunicorn_workers} gunicorn workers)' if args.api else 'delivery_create'}; "
          f"load average {psutil.getloadavg()[0]:.1f} on "
          f"{psutil.cpu_count()} CPUs", flush=True)

    logs = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    print(f"logs of the worker, the fake BRP (and gunicorn) in {logs}", flush=True)
    brp = worker = gunicorn = None
    try:
        brp = support.start_fake_brp(env, args.brp_port, latency_ms=args.latency_ms, jitter_ms=args.jitter_ms,
                                     max_concurrent=args.max_concurrent, seed=args.seed,
                                     log_path=logs / "fake-brp.log")
        worker = support.start_worker(env, args.processes, logs / "worker.log")
        gunicorn = support.start_gunicorn(env, args.api_port, args.gunicorn_workers,
                                                logs / "gunicorn.log") if args.api else None
        roles = {"worker": lambda: [psutil.Process(worker.pid)], "feeder": support.own_process,
                 "fake BRP": lambda: [psutil.Process(brp.pid)]}
        if gunicorn:
            roles["gunicorn"] = lambda: [psutil.Process(gunicorn.pid)]
        raw = brp_alone(args, payloads)
        sampler = support.Sampler(roles, database=connection.settings_dict["NAME"])
        sampler.start()
        time.sleep(0.5)

        own = psutil.Process()
        raw["feeder rss"] = own.memory_info().rss  # Django, the generated payloads and the deliveries
        cpu0 = sum(own.cpu_times()[:2])
        t0 = time.perf_counter()
        support.feed(deliveries, api_port=args.api_port if args.api else 0)
        fed = time.perf_counter() - t0
        cpu_feed = sum(own.cpu_times()[:2]) - cpu0
        print(f"fed in {fed:.1f} s ({n / fed:,.0f} signals/s)", flush=True)

        wait_for_checks(args, t0, n)
        checked = time.perf_counter() - t0
        cpu1 = sum(own.cpu_times()[:2])
        closes = support.periods_close(municipalities)
        total = time.perf_counter() - t0
        cpu_close = sum(own.cpu_times()[:2]) - cpu1
        stats = support.brp_stats(args.brp_port)
        for key in ("request_count", "throttled", "injected_errors"):  # without the baseline's queries
            stats[key] -= raw["stats"][key]
        for kind, count in raw["stats"]["requests_by_type"].items():
            stats["requests_by_type"][kind] -= count
        expired = day_28()
        sampler.stop()
    finally:
        for process in (gunicorn, worker, brp):
            support.stop_group(process)
    report(args, n, sampler, stats, closes, fed=fed, checked=checked, total=total, cpu_feed=cpu_feed,
           cpu_close=cpu_close, statuses=support.status_counts(), raw=raw, expired=expired)
    connection.close()
    if not args.keep:
        support.recreate_database(args.database_url)  # leaves an empty database, not 100,000 signals


def brp_alone(args, payloads) -> dict:
    """Same-run baseline: the fake BRP's answer rate for the signals' address searches, one client, one at a
    time (the fake's own ceiling per connection at this latency); its stats afterwards, to subtract."""
    from signals.brp.client import BrpClient

    sample = payloads[: 40 if args.latency_ms else 500]
    with BrpClient(support.base_env("", "", args.brp_port)["BRP_BASE_URL"]) as client:
        started = time.perf_counter()
        for payload in sample:
            address = payload["adres"]
            client.search_by_address(postcode=address["postcode"].replace(" ", "").upper(),
                                     house_number=int(address["huisnummer"]), fields=["burgerservicenummer"])
        rate = len(sample) / (time.perf_counter() - started)
    return {"rate": rate, "stats": support.brp_stats(args.brp_port)}


def day_28() -> tuple[int, float]:
    """The day-28 job 29 days later (cases closed, seconds), as the old bench measured it."""
    import datetime as dt

    from django.utils import timezone

    from cases.services import cases_close_expired

    started = time.perf_counter()
    closed = cases_close_expired(now=timezone.now() + dt.timedelta(days=29))["closed"]
    return closed, time.perf_counter() - started


def wait_for_checks(args, t0: float, n: int) -> None:
    last_sweep = last_print = time.perf_counter()
    while True:
        time.sleep(1.0)
        remaining = support.still_in_checks()
        now = time.perf_counter()
        if remaining == 0:
            return
        if now - t0 > args.timeout:
            raise SystemExit(f"timeout: {remaining:,} signals still in their checks after {args.timeout:.0f} s")
        if now - last_sweep >= 15 and support.queue_length(args.broker_url) == 0:
            support.sweep()
            last_sweep = now
        if now - last_print >= 15:
            print(f"  {now - t0:6.0f} s: {n - remaining:,} of {n:,} through their checks", flush=True)
            last_print = now


def measured_from_history() -> dict:
    """From the signals' history: the checks' window and delivery → end of checks per signal."""
    from django.db import connection

    from signals.models import Signal, SignalHistory

    sql = f"""
        WITH ended AS (SELECT signal_id, min(at) AS at FROM {SignalHistory._meta.db_table}
                       WHERE to_status = ANY(%s) GROUP BY signal_id)
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM e.at - s.received_at)),
               percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM e.at - s.received_at)),
               extract(epoch FROM max(e.at) - (SELECT min(at) FROM {SignalHistory._meta.db_table}
                                               WHERE to_status = 'in_controle')),
               count(*)
        FROM {Signal._meta.db_table} s JOIN ended e ON e.signal_id = s.id"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(CHECKS_END)])
        p50, p95, window, ended = cursor.fetchone()
    return {"p50": float(p50 or 0), "p95": float(p95 or 0), "window": float(window or 0), "ended": ended}


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def report(args, n, sampler, stats, closes, *, fed, checked, total, cpu_feed, cpu_close, statuses, raw, expired):
    history = measured_from_history()
    requests = stats["request_count"]
    per_signal = requests / n if n else 0.0
    e2e = n / total
    checks_rate = history["ended"] / history["window"] if history["window"] else 0.0
    zero = args.latency_ms == 0
    e2e_target = 1000 if zero else 200
    print(f"\n== pipeline: {n:,} signals, {args.municipalities} municipalities, latency {args.latency_ms:g} ms ==")
    print(f"statuses: {dict(sorted(statuses.items()))}")
    row = "{:<44} {:>14}   {:<24} {}"
    print(row.format("measure", "value", "target", ""))
    print(row.format("signals/s end to end (1st delivery → close)", f"{e2e:,.1f}", f"≥ {e2e_target:,}",
                     verdict(e2e >= e2e_target)))
    print(row.format("signals/s, checks alone", f"{checks_rate:,.1f}", "–", f"({history['window']:.0f} s window)"))
    print(row.format("  phases: fed / checked / closed at", f"{fed:.0f}/{checked:.0f}/{total:.0f} s", "–", ""))
    print(row.format("BRP requests per signal", f"{per_signal:.2f}", "≤ 1.2", verdict(per_signal <= 1.2)))
    for kind, count in sorted(stats["requests_by_type"].items(), key=lambda kv: -kv[1]):
        print(row.format(f"  {kind}", f"{count / n:.3f}", "", f"({count:,})"))
    print(row.format("  BRP 429 / 503 / max in flight",
                     f"{stats['throttled']}/{stats['injected_errors']}/{stats['max_in_flight']}", "", ""))
    print(row.format("  baseline: fake BRP alone, 1 client", f"{raw['rate']:,.0f}/s", "",
                     "(address searches, one at a time, same run)"))
    print(row.format("delivery → checked p50 / p95", f"{history['p50']:.1f}/{history['p95']:.1f} s", "–", ""))
    project = {role: sampler.cpu_seconds(role) for role in ("worker", "gunicorn") if role in sampler.roles}
    project["feeder"], project["period close"] = cpu_feed, cpu_close
    parts = ", ".join(f"{role} {seconds * 1000 / n:.1f}" for role, seconds in project.items())
    print(row.format("CPU ms per signal in the project", f"{sum(project.values()) * 1000 / n:.1f}", "–", f"({parts})"))
    print(row.format("  PostgreSQL backends / fake BRP", f"{sampler.cpu_seconds('postgres') * 1000 / n:.1f}/"
                     f"{sampler.cpu_seconds('fake BRP') * 1000 / n:.1f}", "(not the project)", ""))
    largest = 0
    servers = ("worker", "gunicorn")  # the project's own processes; the feeder is the bench holding every payload
    for role in [*sampler.roles, "postgres"]:
        peak = sampler.peak_rss[role] / MB
        if role in servers:
            largest = max(largest, peak)
        value = f"{peak:.0f}/{sampler.peak_total[role] / MB:.0f} MB"
        print(row.format(f"peak RSS {role} (largest process / all)", value, "≤ 400 MB" if role in servers else "",
                         "(the bench; the intake runs in it without --api)" if role == "feeder" else ""))
    print(row.format("  feeder RSS before the 1st delivery", f"{raw['feeder rss'] / MB:.0f} MB", "",
                     "(Django and all generated payloads)"))
    print(row.format("peak RSS, largest worker/gunicorn process", f"{largest:.0f} MB", "≤ 400 MB",
                     verdict(largest <= 400)))
    if zero:
        print(row.format("theoretical bound", "n/a at 0 ms", "", "(the project's own ceiling)"))
    else:
        in_flight = args.processes * args.concurrency
        if args.max_concurrent:
            in_flight = min(in_flight, args.max_concurrent)
        bound = in_flight / (args.latency_ms / 1000 * per_signal) if per_signal else 0.0
        ratio = checks_rate / bound if bound else 0.0
        print(row.format("theoretical bound (signals/s)", f"{bound:,.1f}", "", f"= {in_flight} in flight / "
                         f"({args.latency_ms / 1000:g} s × {per_signal:.2f})"))
        print(row.format("measured checks / bound", f"{ratio:.0%}", "≥ 80%", verdict(ratio >= 0.8)))
        print(row.format("  measured end to end / bound", f"{e2e / bound if bound else 0:.0%}", "", ""))
        seen = stats["max_in_flight"]
        if per_signal and seen < in_flight:  # e.g. checks that ask one query at a time per process
            at_seen = seen / (args.latency_ms / 1000 * per_signal)
            print(row.format(f"  bound at the {seen} in flight the fake saw", f"{at_seen:,.1f}", "",
                             "(what the checks actually asked at once)"))
    for name, taken, seconds in closes:
        print(row.format(f"period close {name}", f"{seconds:.1f} s", "–", f"({taken:,} signals, "
                         f"{taken / seconds if seconds else 0:,.0f}/s)"))
    closed, seconds = expired
    print(row.format("day 28: cases closed 29 days later", f"{seconds:.1f} s", "–", f"({closed:,} cases)"))
    print(f"load average at the end {psutil.getloadavg()[0]:.1f} on {psutil.cpu_count()} CPUs "
          "(a busy machine makes every figure worse)")


if __name__ == "__main__":
    main()
