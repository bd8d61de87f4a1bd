#!/usr/bin/env python
"""decide_many benchmark: a chunked, concurrent BRP check against the fake BRP with a production
BRP's latency, versus one check after another (the sequential path, as the stand-in did).

    ENVIRONMENT=development .venv/bin/python bench/brp_many.py [--checks 1000] [--chunk 200]
        [--sequential 100] [--latency-ms 150] [--jitter-ms 0] [--max-concurrent 64] [--concurrency 16 32]

Generates a realistic delivery (``tests/signals/brp/chunk_signals.realistic_checks``: one signal per
household mostly, some names written otherwise, some not at the address, some twice), serves the demo
population of 0518 from the fake BRP on loopback with ``Behaviour(latency_ms, max_concurrent)``, and
prints per run: signals, BRP requests per signal (by query type, as the fake counted them), the most
queries in flight, 429s, wall time and signals per second. The baseline is the sequential path on
``--sequential`` checks in the same run. The fake runs in a child process (its threads do not
compete with the checks for the GIL); the checks in this process are a worker's figure.
"""
import argparse
import multiprocessing
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vroegsignalering.settings")
os.environ.setdefault("ENVIRONMENT", "development")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from demo.brp_fake.server import Behaviour, FakeBrpServer  # noqa: E402
from signals.brp.client import BrpClient  # noqa: E402
from signals.brp.decide import check_person  # noqa: E402
from signals.brp.errors import BrpError  # noqa: E402
from signals.brp.many import decide_many  # noqa: E402
from tests.signals.brp.chunk_signals import TODAY, realistic_checks  # noqa: E402


class Fake:
    """The fake BRP in a child process, its counters read over a pipe."""

    def __init__(self, behaviour: Behaviour):
        self._conn, child = multiprocessing.Pipe()
        self._process = multiprocessing.Process(target=_serve, args=(child, behaviour), daemon=True)
        self._process.start()
        self.url = self._conn.recv()

    def call(self, command: str):
        self._conn.send(command)
        return self._conn.recv()

    def stop(self) -> None:
        self._conn.send("stop")
        self._process.join(10)


def _serve(conn, behaviour: Behaviour) -> None:
    store = FakeBrpServer(inhabitants={"0518": 566_221}, today=TODAY).store
    with FakeBrpServer(store=store, today=TODAY, behaviour=behaviour) as brp:
        conn.send(brp.url)
        while (command := conn.recv()) != "stop":
            if command == "reset":
                brp.reset()
            conn.send({"requests": brp.request_count, "by_type": dict(brp.requests_by_type),
                       "max_in_flight": brp.max_in_flight, "throttled": brp.throttled})


def report(label: str, counters: dict, signals: int, seconds: float, errors: int, cpu: float) -> None:
    kinds = ", ".join(f"{kind.removeprefix('ZoekMet').removeprefix('RaadpleegMet')} {n / signals:.3f}"
                      for kind, n in sorted(counters["by_type"].items()))
    print(f"{label:28} {signals:5d} signals  {counters['requests'] / signals:.3f} req/signal ({kinds})  "
          f"in flight max {counters['max_in_flight']:3d}  429s {counters['throttled']:4d}  errors {errors:3d}  "
          f"{seconds:7.2f} s  {signals / seconds:7.1f} signals/s  CPU {cpu / signals * 1000:.1f} ms/signal")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", type=int, default=1000)
    parser.add_argument("--chunk", type=int, default=200, help="signals per decide_many call (CHECKS_CHUNK_SIZE)")
    parser.add_argument("--sequential", type=int, default=100)
    parser.add_argument("--latency-ms", type=float, default=150.0)
    parser.add_argument("--jitter-ms", type=float, default=0.0)
    parser.add_argument("--max-concurrent", type=int, default=64)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 32])
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    behaviour = Behaviour(latency_ms=args.latency_ms, jitter_ms=args.jitter_ms, max_concurrent=args.max_concurrent)
    checks = realistic_checks(args.checks, seed=args.seed)
    print(f"fake BRP (child process): latency {args.latency_ms:g} ms ± {args.jitter_ms:g}, at most "
          f"{args.max_concurrent} at once; decide_many in chunks of {args.chunk}")
    fake = Fake(behaviour)
    settings.BRP_BASE_URL = fake.url
    try:
        with BrpClient(fake.url) as client:
            fake.call("reset")
            started, errors, cpu = time.perf_counter(), 0, time.process_time()
            for check in checks[:args.sequential]:
                try:
                    check_person(client, **vars(check))
                except BrpError:
                    errors += 1
            report("sequential (one by one)", fake.call("counters"), args.sequential, time.perf_counter() - started,
                   errors, time.process_time() - cpu)
        for concurrency in args.concurrency:
            settings.BRP_CONCURRENCY = concurrency
            fake.call("reset")
            started, errors, cpu = time.perf_counter(), 0, time.process_time()
            for start in range(0, len(checks), args.chunk):
                results = decide_many(checks[start:start + args.chunk])
                errors += sum(isinstance(r, BrpError) for r in results)
            report(f"decide_many BRP_CONCURRENCY {concurrency}", fake.call("counters"), len(checks),
                   time.perf_counter() - started, errors, time.process_time() - cpu)
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
