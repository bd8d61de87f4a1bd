#!/usr/bin/env python
"""Fault drill (issue 14): the same signals twice, clean and with faults; both must end the same.

    ENVIRONMENT=development .venv/bin/python bench/drill.py [--signals 20000] [--municipalities 10]
        [--clean-database-url …] [--database-url …] [--redis-port 6390] [--lease 60]

Each run, on its own fresh PostgreSQL database and with the same seed: --municipalities municipalities
(a routing preset each) and --signals generated signals of last month (as bench/pipeline.py), the fake BRP
in its own process (`run_fake_brp --control`), the drill's OWN `redis-server --appendonly yes` on
--redis-port (as docker-compose runs it; never the shared Redis), a real Celery worker in its own process
group with CHECKS_LEASE_SECONDS=--lease. The signals go in through the intake service `delivery_create` in
deliveries of 1,000; the drill calls `checks_sweep` every --sweep-every seconds (no beat runs) while at most
--sweep-below messages wait in the queue (a lost message is found by the sweep; a full queue needs none).

The faulted run, by progress (share of the signals through their checks):
  ~30 %  kill -9 the worker's process group, and start a new worker;
  ~50 %  restart the drill's Redis (SIGTERM, as `docker compose restart`; the append-only file keeps the queue);
  ~70 %  the BRP is unreachable for --outage seconds: `POST /_control {"down": true}` on the fake (it closes
         every query's connection unanswered; it keeps its process, so it still knows every demo BSN it handed
         out), then `{"down": false}`.
When every signal is through its checks: the period close per municipality (the service). Printed side by side:
counts per status, per outcome, cases, case signals, feedback events (per code), and the invariants — one
"checks ended" history row per signal (as tests/test_pipeline_e2e.py counts), no signal with two feedback
events, no address with two active cases in one period. Exit 1 on any difference or broken invariant.
Signals whose own status or outcome differs between the runs are listed too (informational: two concurrent
workers may pick the other of two identical signals, which leaves the counts equal).
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import psutil

# The project first (bench/feedback.py must not shadow the feedback app), bench/ for pipeline_support.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.append(str(Path(__file__).resolve().parent))

import pipeline_support as support  # noqa: E402 - after the path set-up

FAULTS = ((0.30, "kill -9 worker"), (0.50, "restart Redis"), (0.70, "BRP down"))
CHECKS_END = ("gecontroleerd", "afgehandeld", "doorgestuurd", "uitval")
ACTIVE_CASE = ("open", "in_behandeling", "heropend")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--signals", type=int, default=20_000)
    parser.add_argument("--municipalities", type=int, default=10)
    parser.add_argument("--processes", type=int, default=2, help="Celery worker processes (prefork)")
    parser.add_argument("--concurrency", type=int, default=16, help="BRP_CONCURRENCY for the worker")
    parser.add_argument("--latency-ms", type=float, default=20.0, help="the fake BRP's latency per query")
    parser.add_argument("--lease", type=int, default=60, help="CHECKS_LEASE_SECONDS for the worker")
    parser.add_argument("--outage", type=float, default=60.0, help="seconds the BRP is unreachable")
    parser.add_argument("--sweep-every", type=float, default=15.0)
    parser.add_argument("--sweep-below", type=int, default=50, help="sweep only while fewer messages are queued")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=7200, help="seconds to wait for the checks, per run")
    parser.add_argument("--clean-database-url", default="postgres://postgres@127.0.0.1:5432/vroegsignalering_clean")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/vroegsignalering_drill")
    parser.add_argument("--redis-port", type=int, default=6390)
    parser.add_argument("--brp-port", type=int, default=5111)
    parser.add_argument("--one-run", choices=("clean", "faulted"), help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main():
    args = parse_args()
    if args.one_run:
        one_run(args)
        return
    print(f"drill: {args.signals:,} signals, {args.municipalities} municipalities, {args.processes} worker "
          f"processes, lease {args.lease} s, BRP {args.latency_ms:g} ms; load average "
          f"{psutil.getloadavg()[0]:.1f} on {psutil.cpu_count()} CPUs", flush=True)
    results, workdir = {}, Path(tempfile.mkdtemp(prefix="bench-drill-"))
    for kind in ("clean", "faulted"):
        path = workdir / f"{kind}.json"
        argv = [a for a in sys.argv[1:]] + ["--one-run", kind, "--result", str(path)]
        code = subprocess.call([sys.executable, __file__, *argv])
        if code:
            raise SystemExit(f"the {kind} run failed (exit {code})")
        results[kind] = json.loads(path.read_text())
    shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(compare(results["clean"], results["faulted"]))


# --- one run (in its own process: own Django set-up, own database) -----------------------------

def one_run(args) -> None:
    faulted = args.one_run == "faulted"
    database = args.database_url if faulted else args.clean_database_url
    support.recreate_database(database)
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-drill-{args.one_run}-"))
    redis = support.start_redis(args.redis_port, workdir / "redis")
    broker = f"redis://127.0.0.1:{args.redis_port}/0"
    env = support.base_env(database, broker, args.brp_port, BRP_CONCURRENCY=args.concurrency,
                           CHECKS_LEASE_SECONDS=args.lease)
    support.setup_django(env)
    municipalities, payloads = support.world_create(args.signals, args.municipalities, args.seed)
    n = len(payloads)
    print(f"  {args.one_run}: logs of the worker, the fake BRP and Redis in {workdir}", flush=True)
    brp = worker = None
    log = []
    try:
        brp = support.start_fake_brp(env, args.brp_port, latency_ms=args.latency_ms, jitter_ms=args.latency_ms / 5,
                                     max_concurrent=64, seed=args.seed, control=True,
                                     log_path=workdir / "fake-brp.log")
        worker = support.start_worker(env, args.processes, workdir / "worker.log")
        started = time.perf_counter()
        support.feed(support.batches(payloads))
        say(log, started, f"{args.one_run}: {n:,} signals delivered")
        pending = list(FAULTS) if faulted else []
        outage_until = last_sweep = 0.0
        while True:
            time.sleep(1.0)
            now = time.perf_counter()
            remaining = support.still_in_checks(due_only=False)
            progress = 1 - remaining / n
            if outage_until and now >= outage_until:
                support.brp_set_down(args.brp_port, False)
                outage_until = 0.0
                say(log, started, f"BRP back at {progress:.0%}")
            if pending and progress >= pending[0][0]:
                _, fault = pending.pop(0)
                say(log, started, f"{fault} at {progress:.0%}")
                if fault.startswith("kill"):
                    os.killpg(worker.pid, signal.SIGKILL)
                    worker.wait(30)
                    worker = support.start_worker(env, args.processes, workdir / "worker.log")
                elif fault.startswith("restart"):
                    redis.terminate()
                    redis.wait(60)
                    redis = support.start_redis(args.redis_port, workdir / "redis")
                else:
                    support.brp_set_down(args.brp_port, True)
                    outage_until = now + args.outage
                say(log, started, f"  done at {progress:.0%}")
            if remaining == 0 and not pending and not outage_until:
                break
            if now - last_sweep >= args.sweep_every and 0 <= support.queue_length(broker) < args.sweep_below:
                support.sweep()
                last_sweep = now
            if now - started > args.timeout:
                raise SystemExit(f"timeout: {remaining:,} signals still in their checks; statuses "
                                 f"{support.status_counts()}")
        say(log, started, "every signal through its checks")
        closes = support.periods_close(municipalities)
        say(log, started, "period closed: " + ", ".join(f"{name} {taken:,} in {s:.1f} s" for name, taken, s in closes))
        time.sleep(2)  # whatever the close enqueued
        result = snapshot()
        result["log"] = log
        result["brp"] = support.brp_stats(args.brp_port)
    finally:
        support.stop_group(worker)
        support.stop_group(brp)
        redis.terminate()
        redis.wait(30)
    Path(args.result).write_text(json.dumps(result))
    from django.db import connection

    connection.close()
    shutil.rmtree(workdir, ignore_errors=True)


def say(log: list, started: float, text: str) -> None:
    line = f"  {time.perf_counter() - started:6.0f} s  {text}"
    log.append(line)
    print(line, flush=True)


def snapshot() -> dict:
    """What the comparison needs, read from the database."""
    from django.db.models import Count

    from cases.models import Case, CaseSignal
    from feedback.models import FeedbackEvent
    from signals.models import Signal, SignalHistory

    ends = Counter(SignalHistory.objects.filter(to_status__in=CHECKS_END).values_list("signal_id", flat=True))
    ids = set(Signal.objects.values_list("pk", flat=True))
    feedback = Counter(FeedbackEvent.objects.exclude(signal=None).values_list("signal_id", flat=True))
    twice = (Case.objects.filter(status__in=ACTIVE_CASE).values("municipality", "address_key", "period_end")
             .annotate(n=Count("pk")).filter(n__gt=1).count())
    per_signal = {f"{creditor}:{signal_id}": [status, outcome] for creditor, signal_id, status, outcome in
                  Signal.objects.values_list("creditor__name", "signal_id", "status", "outcome")}
    return {
        "counts": {
            **{f"status {k}": v for k, v in Counter(Signal.objects.values_list("status", flat=True)).items()},
            **{f"outcome {k or '-'}": v for k, v in Counter(Signal.objects.values_list("outcome", flat=True)).items()},
            "cases": Case.objects.count(),
            "case signals": CaseSignal.objects.count(),
            "feedback events": FeedbackEvent.objects.count(),
            **{f"feedback {k}": v for k, v in Counter(FeedbackEvent.objects.values_list("code", flat=True)).items()},
        },
        "invariants": {
            "signals without exactly one checks-ended row": sum(1 for i in ids if ends.get(i, 0) != 1),
            "signals with two or more feedback events": sum(1 for n in feedback.values() if n > 1),
            "addresses with two active cases in one period": twice,
        },
        "felt": {  # informational: did the faults bite?
            "waits for the BRP (history rows to wacht_op_brp)":
                SignalHistory.objects.filter(to_status="wacht_op_brp").count(),
            "signals checked in more than one attempt": Signal.objects.filter(check_attempts__gt=1).count(),
        },
        "signals": per_signal,
    }


def compare(clean: dict, faulted: dict) -> int:
    """Print both runs side by side; 1 on any difference in the counts or a broken invariant."""
    failures = 0
    row = "{:<52} {:>10} {:>10}  {}"
    print("\n== fault drill: clean vs faulted ==")
    for line in clean["log"] + faulted["log"]:
        print(line)
    print(row.format("", "clean", "faulted", ""))
    for key in sorted(set(clean["counts"]) | set(faulted["counts"])):
        a, b = clean["counts"].get(key, 0), faulted["counts"].get(key, 0)
        failures += a != b
        print(row.format(key, f"{a:,}", f"{b:,}", "" if a == b else "DIFFERENT"))
    for key in clean["invariants"]:
        a, b = clean["invariants"][key], faulted["invariants"][key]
        failures += bool(a or b)
        print(row.format(key, f"{a:,}", f"{b:,}", "" if not (a or b) else "BROKEN"))
    for key in clean["felt"]:
        print(row.format(key, f"{clean['felt'][key]:,}", f"{faulted['felt'][key]:,}", "(informational)"))
    for run, result in (("clean", clean), ("faulted", faulted)):
        stats = result["brp"]
        print(f"BRP ({run}): {stats['request_count']:,} requests, {stats['throttled']} throttled (429), "
              f"max {stats['max_in_flight']} in flight")
    differ = sorted(k for k in clean["signals"] if clean["signals"][k] != faulted["signals"].get(k))
    missing = set(clean["signals"]) ^ set(faulted["signals"])
    failures += bool(missing)
    print(f"signals only in one run: {len(missing)}; signals with another status or outcome: {len(differ)} "
          "(informational)")
    for key in differ[:10]:
        print(f"  {key}: clean {clean['signals'][key]} faulted {faulted['signals'].get(key)}")
    print("RESULT: " + ("identical, invariants hold" if not failures else f"{failures} difference(s)"))
    return 1 if failures else 0


if __name__ == "__main__":
    main()
