#!/usr/bin/env python
"""Outreach benchmark (issue 13): messages/s through the fake Notify, and letters/s for a print batch.

    .venv/bin/python bench/outreach.py [--section messages|letters|all] [--messages 1000] [--latency-ms 100]

**messages**: --messages SMS and e-mail steps (half each) of generated cases (one signal each, opened by a
real period close), all due and claimed, are sent through ``outreach.sending.message_send`` — the same
call the engine's Celery task makes — from a pool of --workers (8) threads. That is the worker set-up this
models: a Celery worker on its own queue, ``celery -A vroegsignalering worker -Q outreach --pool threads
--concurrency 8``. The work is I/O-bound (the gateway answers in 100 ms), the Notify client is one per
thread, and 8 prefork processes would cost far more memory on 2 cores; by Little's law 8 in flight at
~0.12 s a message is ~65 messages/s.

The fake Notify runs in its own process (``manage.py run_fake_notify --latency-ms``), so its threads do
not share our GIL, and it sleeps per request thread. Database: PostgreSQL when DATABASE_URL is set (that
database is dropped and recreated), else a fresh SQLite file. Printed: messages/s, p50/p95 per message,
the gateway calls the fake counted, and a same-run baseline: the bare ``notifications-python-client``
against the fake from the same pool, no database. Target: ≥ 50 messages/s with the gateway at 100 ms.

**letters**: ``bench/outreach_letters.py``'s ``run(n)`` (the letters part), when that module exists.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]  # `import outreach` is the app
sys.path.insert(0, str(ROOT))
sys.path.append(str(BENCH))

from intake import recreate_database, setup_django  # noqa: E402

SECTIONS = ("messages", "letters", "all")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--section", choices=SECTIONS, default="all")
    parser.add_argument("--messages", type=int, default=1000, help="SMS and e-mail steps to send")
    parser.add_argument("--letters", type=int, default=1000, help="letters in the print batch (letters part)")
    parser.add_argument("--latency-ms", type=float, default=100.0, help="the fake gateway's answer time")
    parser.add_argument("--workers", type=int, default=8, help="sending threads per process (Celery --concurrency)")
    parser.add_argument("--processes", type=int, default=1,
                        help="worker processes, each with --workers threads (Celery workers on the queue)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""),
                        help="PostgreSQL (dropped and recreated); empty: a fresh SQLite file")
    return parser.parse_args(argv)


def _database(args) -> None:
    if args.database_url:
        recreate_database(args.database_url)
        os.environ["DATABASE_URL"] = args.database_url
    else:
        path = Path(tempfile.gettempdir()) / f"bench-outreach-{os.getpid()}.sqlite3"
        path.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"


def start_fake(latency_ms: float) -> tuple[subprocess.Popen, str]:
    """The fake Notify in its own process on a free port; returns it and its URL."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    fake = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "run_fake_notify", "--port", "0",
                             "--latency-ms", str(latency_ms), "--callback-delay", "0"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    line = fake.stdout.readline()
    if "luistert op" not in line:
        fake.kill()
        raise SystemExit(f"nep-Notify niet gestart: {line!r}")
    return fake, line.rsplit(" ", 1)[1].strip()


def stop_fake(fake: subprocess.Popen) -> str:
    fake.terminate()
    out = fake.communicate(timeout=30)[0]
    return next((line for line in out.splitlines() if "verzoeken" in line), out.strip())


def prepare(n: int):
    """``n`` cases in one municipality, each with one due message step (SMS and e-mail alternating)."""
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.services import municipality_create_or_update
    from cases import deadlines
    from cases.models import Case
    from cases.services import period_close
    from outreach.default_texts import DEFAULT_TEXTS
    from outreach.models import (
        CaseOutreach,
        CaseOutreachStep,
        MessageTemplate,
        OutreachPlan,
        OutreachSettings,
        OutreachStep,
        StepKind,
        StepStatus,
    )
    from tests.factories import make_signals

    call_command("migrate", verbosity=0)
    municipality, _ = municipality_create_or_update(cbs_code="0363", name="Amsterdam", inhabitants=931_298)
    opened = dt.datetime(2026, 6, 1, 6, tzinfo=deadlines.TZ)
    make_signals(municipality, [{"at": i, "signal_date": dt.date(2026, 5, 10)} for i in range(n)])
    period_close(municipality=municipality, now=opened, period=deadlines.period_for(dt.date(2026, 5, 1)))
    cases = list(Case.objects.filter(municipality=municipality).order_by("pk"))[:n]
    OutreachSettings.objects.create(municipality=municipality, team_phone="14 020", team_email="team@example.nl",
                                    contact_hours="op werkdagen van 9 tot 17 uur")
    for (channel, group), (subject, body) in DEFAULT_TEXTS.items():
        MessageTemplate.objects.create(municipality=municipality, channel=channel, target_group=group, subject=subject,
                                       body=body, edited_at=timezone.now())
    plan = OutreachPlan.objects.create(municipality=municipality, position=1, name="Bench")
    steps = {kind: OutreachStep.objects.create(plan=plan, position=i + 1, day_offset=0, kind=kind)
             for i, kind in enumerate((StepKind.SMS, StepKind.EMAIL))}
    runs = CaseOutreach.objects.bulk_create([CaseOutreach(case=c, plan=plan, plan_name=plan.name, started_at=opened)
                                             for c in cases])
    now = dt.datetime(2026, 6, 10, 9, tzinfo=deadlines.TZ)
    rows = []
    for i, (case, run) in enumerate(zip(cases, runs, strict=True)):
        kind = StepKind.SMS if i % 2 == 0 else StepKind.EMAIL
        rows.append(CaseOutreachStep(run=run, case=case, step=steps[kind], position=steps[kind].position, kind=kind,
                                     day_offset=0, planned_at=opened, due_at=now, status=StepStatus.BEZIG,
                                     claimed_at=now))
    ids = [row.pk for row in CaseOutreachStep.objects.bulk_create(rows)]
    return ids, now


def _pool(work, items, workers: int) -> tuple[float, list[float]]:
    """Run ``work(item)`` for every item from ``workers`` threads; (wall seconds, seconds per item)."""
    from django.db import connections

    def timed(item) -> float:
        began = time.perf_counter()
        work(item)
        return time.perf_counter() - began

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        times = list(pool.map(timed, items))
    wall = time.perf_counter() - started
    connections.close_all()
    return wall, times


_CHILD: dict = {}


def _child_chunk(chunk: list[int]) -> tuple[float, list[float]]:
    from outreach.sending import message_send

    now, workers = _CHILD["now"], _CHILD["workers"]
    return _pool(lambda pk: message_send(pk, now=now), chunk, workers)


def send_all(ids: list[int], now, workers: int, processes: int) -> tuple[float, list[float]]:
    """message_send for every step: one process with ``workers`` threads, or ``processes`` forked ones."""
    from outreach.sending import message_send

    if processes <= 1:
        return _pool(lambda pk: message_send(pk, now=now), ids, workers)
    import multiprocessing

    from django.db import connections

    connections.close_all()  # each child opens its own
    _CHILD.update(now=now, workers=workers)
    chunks = [ids[i::processes] for i in range(processes)]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        results = pool.map(_child_chunk, chunks)
    return time.perf_counter() - started, [t for _, times in results for t in times]


def baseline(url: str, n: int, workers: int) -> tuple[float, list[float]]:
    """The bare client against the fake: no database, one client per thread, the same bodies' size."""
    from django.conf import settings
    from notifications_python_client.notifications import NotificationsAPIClient

    local = threading.local()

    def send(i: int) -> None:
        client = getattr(local, "client", None) or NotificationsAPIClient(settings.NOTIFY_API_KEY, base_url=url)
        local.client = client
        client.send_sms_notification("+31612345678", settings.NOTIFY_SMS_TEMPLATE_ID,
                                     personalisation={"inhoud": "x" * 200}, reference=f"baseline-{i}")

    return _pool(send, range(n), workers)


def _stats(label: str, wall: float, times: list[float]) -> dict:
    times = sorted(times)
    return {"label": label, "n": len(times), "per_s": len(times) / wall, "wall_s": wall,
            "p50_ms": statistics.median(times) * 1000, "p95_ms": times[int(0.95 * (len(times) - 1))] * 1000}


def messages(args) -> list[dict]:
    _database(args)
    setup_django({"ENVIRONMENT": "development", "DJANGO_SETTINGS_MODULE": "vroegsignalering.settings"})
    from django.conf import settings

    from outreach.models import CaseOutreachStep, StepStatus

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[1]
    began = time.perf_counter()
    ids, now = prepare(args.messages)
    print(f"prepared {len(ids)} message steps on {engine} in {time.perf_counter() - began:.1f} s")
    fake, url = start_fake(args.latency_ms)
    try:
        settings.NOTIFY_BASE_URL = url
        rows = [_stats("baseline: bare client, no database", *baseline(url, len(ids), args.workers))]
        rows.append(_stats(f"message_send ({args.processes}×{args.workers} threads)",
                           *send_all(ids, now, args.workers, args.processes)))
    finally:
        counted = stop_fake(fake)
    sent = CaseOutreachStep.objects.filter(pk__in=ids, status=StepStatus.VERZONDEN).count()
    print(f"\nmessages: {len(ids)} steps, {sent} sent, {args.workers} threads, gateway latency {args.latency_ms:g} ms, "
          f"{engine}")
    print(f"fake Notify: {counted} (the baseline's {len(ids)} sends included); "
          f"machine load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for row in rows:
        print(f"  {row['label']:<40} {row['per_s']:7.1f} messages/s   p50 {row['p50_ms']:6.1f} ms   "
              f"p95 {row['p95_ms']:6.1f} ms   ({row['wall_s']:.1f} s)")
    target = rows[-1]["per_s"] >= 50
    print(f"  target ≥ 50 messages/s: {'met' if target else 'NOT met'}; "
          f"{rows[-1]['per_s'] / rows[0]['per_s']:.0%} of the bare client")
    return rows


def letters(args) -> dict | None:
    try:
        import outreach_letters
    except ImportError:
        print("letters: bench/outreach_letters.py is not there (the letters part); skipped")
        return None
    result = outreach_letters.run(args.letters)
    print(f"letters: {result}")
    return result


def main(argv=None):
    args = parse_args(argv)
    if args.section in ("messages", "all"):
        messages(args)
    if args.section in ("letters", "all"):
        letters(args)


if __name__ == "__main__":
    main()
