"""What bench/pipeline.py and bench/drill.py share: the processes they start (fake BRP, Celery worker,
Redis, gunicorn), a sampler of CPU and RSS per process role, the generated world (municipalities,
signals), the feeder and the waits. Everything drives the system through its real entry points only:
the intake service (or API), the Celery tasks in a real worker, ``checks_sweep`` and the period close.

Import this after :func:`setup_django` (the Django imports are inside the functions, as bench scripts may).
"""
from __future__ import annotations

import datetime as dt
import http.client
import json
import math
import os
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

import psutil

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv/bin/python")

# Ten municipalities (real CBS codes); their inhabitants are sized so one month gives the signals asked.
MUNICIPALITIES = [("0363", "Amsterdam"), ("0518", "'s-Gravenhage"), ("0599", "Rotterdam"), ("0344", "Utrecht"),
                  ("0772", "Eindhoven"), ("0014", "Groningen"), ("0034", "Almere"), ("0855", "Tilburg"),
                  ("0758", "Breda"), ("0268", "Nijmegen")]
PRESETS = ("gemeente3", "gemeente4", "gemeente6")
IN_CHECKS = ("ontvangen", "in_controle", "wacht_op_brp")


def base_env(database_url: str, broker_url: str, brp_port: int, **extra) -> dict[str, str]:
    return {"DJANGO_SETTINGS_MODULE": "vroegsignalering.settings", "ENVIRONMENT": "development",
            "DATABASE_URL": database_url, "CELERY_BROKER_URL": broker_url, "CHECKS_ON_INTAKE": "1",
            "BRP_BASE_URL": f"http://127.0.0.1:{brp_port}/haalcentraal/api/brp", "BRP_API_KEY": "",
            "DEBUG": "0", "SECRET_KEY": "bench-only-" + "x" * 40, "LOG_LEVEL": "WARNING",
            **{key: str(value) for key, value in extra.items()}}


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{parsed.path.lstrip("/")}"')


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def queue_length(url: str) -> int:
    """Messages waiting in the default Celery queue (not those a worker holds unacknowledged)."""
    import redis

    try:
        return int(redis.Redis.from_url(url, socket_timeout=2).llen("celery"))
    except redis.RedisError:
        return -1


# --- processes --------------------------------------------------------------------------------

def _wait_http(port: int, path: str, what: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} stopped at start (exit {process.returncode})")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{what} did not answer on port {port} within {timeout:.0f} s")


def start_fake_brp(env: dict, port: int, *, latency_ms: float, jitter_ms: float, max_concurrent: int, seed: int,
                   log_path: Path, control: bool = False) -> subprocess.Popen:
    """``manage.py run_fake_brp`` in its own process: its population follows the municipalities in the DB and
    ``seed`` (the generator's seed, so the generated persons live there)."""
    command = [PYTHON, "manage.py", "run_fake_brp", "--port", str(port), "--latency-ms", str(latency_ms),
               "--jitter-ms", str(jitter_ms), "--max-concurrent", str(max_concurrent), "--seed", str(seed)]
    log = open(log_path, "ab")  # noqa: SIM115 - the fake writes to it for its whole life (a killed client's reset)
    process = subprocess.Popen(command + (["--control"] if control else []), cwd=ROOT, env={**os.environ, **env},
                               stdout=log, stderr=log, start_new_session=True)
    _wait_http(port, "/_stats", "the fake BRP", process)
    return process


def brp_stats(port: int) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/_stats")
    return json.loads(conn.getresponse().read())


def brp_set_down(port: int, down: bool) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/_control", json.dumps({"down": down}), {"Content-Type": "application/json"})
    if conn.getresponse().status != 200:
        raise SystemExit("the fake BRP refused /_control (started without --control?)")


def start_worker(env: dict, processes: int, log_path: Path) -> subprocess.Popen:
    """A real Celery worker (prefork) in its own process group, ready when it answers a ping."""
    from vroegsignalering.celery import app

    log = open(log_path, "ab")  # noqa: SIM115 - the worker writes to it for its whole life
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/celery"), "-A", "vroegsignalering", "worker", "--pool", "prefork", "--concurrency",
         str(processes), "-l", "warning", "--without-gossip", "--without-mingle", "-n", f"bench{os.getpid()}@%h"],
        cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=log, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the Celery worker stopped at start; see {log_path}")
        try:
            if app.control.ping(timeout=1.0):
                return process
        except Exception:  # noqa: BLE001 - the broker may be starting too
            time.sleep(0.5)
    raise SystemExit(f"the Celery worker did not answer a ping within 120 s; see {log_path}")


def stop_group(process: subprocess.Popen | None, timeout: float = 60) -> None:
    """SIGTERM to the process group (a warm shutdown), SIGKILL after ``timeout``."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    except ProcessLookupError:
        pass


def start_redis(port: int, directory: Path) -> subprocess.Popen:
    """An own redis-server as docker-compose runs it: append-only file, no eviction."""
    directory.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory),
                                "--appendonly", "yes", "--maxmemory-policy", "noeviction", "--save", ""],
                               stdout=open(directory / "redis.log", "ab"), start_new_session=True)  # noqa: SIM115
    import redis

    for _ in range(100):
        try:
            redis.Redis(port=port).ping()
            return process
        except redis.RedisError:
            time.sleep(0.1)
    raise SystemExit(f"redis-server did not start on port {port}")


def start_gunicorn(env: dict, port: int, workers: int, log_path: Path) -> subprocess.Popen:
    server_env = {**os.environ, **env, "WEB_CONCURRENCY": str(workers), "PORT": str(port), "LOG_LEVEL": "warning"}
    log = open(log_path, "ab")  # noqa: SIM115 - gunicorn writes to it for its whole life
    process = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "--config", "gunicorn.conf.py", "--bind",
                                f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "vroegsignalering.wsgi"],
                               cwd=ROOT, env=server_env, stdout=log, stderr=log, start_new_session=True)
    _wait_http(port, "/api/v1/openapi.json", "gunicorn", process)
    return process


class Sampler(threading.Thread):
    """Every ``interval`` s: the RSS and CPU times of each process per role. A role is a function giving its
    root processes (their children are included, except for the role ``feeder``: this process). CPU per role =
    the last CPU times seen per pid, summed, so a process that dies (kill -9) keeps what it spent; ``postgres``
    = the backends connected to ``database``."""

    def __init__(self, roles: dict, database: str = "", interval: float = 0.2):
        super().__init__(daemon=True)
        self.roles, self.database, self.interval = roles, database, interval
        self.peak_rss: dict[str, int] = defaultdict(int)  # the largest single process of the role
        self.peak_total: dict[str, int] = defaultdict(int)
        self.cpu: dict[str, dict[int, float]] = defaultdict(dict)
        self.baseline: dict[str, dict[int, float]] = defaultdict(dict)
        self._postgres: list[psutil.Process] = []
        self._halt = threading.Event()

    def _processes(self, role: str) -> list[psutil.Process]:
        if role == "postgres":
            return self._postgres
        found = []
        for root in self.roles[role]():
            try:
                found += [root, *(root.children(recursive=True) if role != "feeder" else ())]
            except psutil.Error:
                continue
        return found

    def _refresh_postgres(self) -> None:
        if not self.database:
            return
        import psycopg

        try:
            with psycopg.connect(f"postgres://postgres@127.0.0.1:5432/{self.database}", autocommit=True) as conn:
                pids = [row[0] for row in conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    [self.database])]
        except psycopg.Error:
            return
        known = {p.pid: p for p in self._postgres}
        found = []
        for pid in pids:
            try:
                found.append(known.get(pid) or psutil.Process(pid))
            except psutil.Error:  # gone since
                continue
        self._postgres = found

    def sample(self) -> None:
        for role in [*self.roles, "postgres"]:
            total = 0
            for process in self._processes(role):
                try:
                    with process.oneshot():
                        rss = process.memory_info().rss
                        times = process.cpu_times()
                except psutil.Error:
                    continue
                total += rss
                self.peak_rss[role] = max(self.peak_rss[role], rss)
                self.cpu[role][process.pid] = times.user + times.system
                self.baseline[role].setdefault(process.pid, times.user + times.system)
            self.peak_total[role] = max(self.peak_total[role], total)

    def run(self) -> None:
        rounds = 0
        while not self._halt.is_set():
            if rounds % 5 == 0:
                self._refresh_postgres()
            self.sample()
            rounds += 1
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join(5)
        self.sample()

    def cpu_seconds(self, role: str) -> float:
        """CPU spent by the role since the sampler first saw each of its processes."""
        return sum(seconds - self.baseline[role].get(pid, 0.0) for pid, seconds in self.cpu[role].items())


def own_process() -> list[psutil.Process]:
    return [psutil.Process()]


# --- the world: municipalities and signals ----------------------------------------------------

def world_create(signals: int, municipalities: int, seed: int) -> tuple[list, list[dict]]:
    """Fresh municipalities (a routing preset each; inhabitants sized for ``signals / municipalities`` signals
    in the last ended month) and their generated signals of that month, as contract dicts. The generator's own
    mix: most persons found in the (fake) BRP, some not in the population (fallout), several signals per
    address."""
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.services import municipality_create_or_update
    from cases import deadlines
    from cases.presets import routing_preset_install
    from demo import generator

    call_command("migrate", verbosity=0)
    per_municipality = math.ceil(signals / municipalities)
    inhabitants = max(20_000, math.ceil(per_municipality * 1.15 * 1000 / generator.expected_volume(1000)))
    created, payloads = [], []
    for number, (code, name) in enumerate(MUNICIPALITIES[:municipalities]):
        municipality, _ = municipality_create_or_update(cbs_code=code, name=name, inhabitants=inhabitants)
        routing_preset_install(municipality=municipality, preset=PRESETS[number % len(PRESETS)])
        period = deadlines.last_ended_period(timezone.localdate(), municipality.period_closing_day)
        month = f"{period.end.year:04d}-{period.end.month:02d}"
        items = generator.generate_month(code, inhabitants, month, seed=seed, place=name)
        if len(items) < per_municipality:
            print(f"  note: {name} got {len(items):,} signals of {per_municipality:,} asked", file=sys.stderr)
        payloads += items[:per_municipality]
        created.append(municipality)
    return created, payloads[:signals]


def batches(payloads: list[dict], size: int = 1000) -> list[tuple[object, list[dict]]]:
    """(creditor, items) deliveries of up to ``size``, the creditors interleaved as real traffic would be."""
    from demo import deliveries

    creditors = deliveries.demo_creditors()
    per_creditor: dict = {}
    for payload in payloads:
        per_creditor.setdefault(creditors[payload["soortVasteLast"]], []).append(payload)
    queues = [[(creditor, items[i:i + size]) for i in range(0, len(items), size)]
              for creditor, items in per_creditor.items()]
    return [batch for round_ in _round_robin(queues) for batch in round_]


def _round_robin(queues: list[list]):
    for index in range(max((len(q) for q in queues), default=0)):
        yield [queue[index] for queue in queues if index < len(queue)]


def feed(deliveries: list, api_port: int = 0) -> None:
    """Each delivery through the intake service (``delivery_create``), or with ``api_port`` as
    ``POST /api/v1/leveringen`` to gunicorn with the creditor's API key."""
    from signals.services import api_key_issue, delivery_create

    if not api_port:
        for creditor, items in deliveries:
            delivery_create(creditor=creditor, items=items)
        return
    keys = {creditor.pk: api_key_issue(creditor=creditor, name="bench")[1] for creditor, _ in deliveries}
    conn = http.client.HTTPConnection("127.0.0.1", api_port, timeout=600)
    for creditor, items in deliveries:
        conn.request("POST", "/api/v1/leveringen", json.dumps({"signalen": items}).encode(),
                     {"Content-Type": "application/json", "X-API-KEY": keys[creditor.pk]})
        response = conn.getresponse()
        body = response.read()
        if response.status != 201:
            raise SystemExit(f"delivery refused: {response.status} {body[:500]!r}")


def status_counts() -> dict[str, int]:
    from django.db.models import Count

    from signals.models import Signal

    return dict(Signal.objects.values_list("status").annotate(n=Count("pk")).order_by())


def still_in_checks(due_only: bool = True) -> int:
    """Signals not through their checks: received, in their checks, or waiting (only those due, by default)."""
    from django.db.models import Q
    from django.utils import timezone

    from signals.models import Signal

    waiting = Q(status="wacht_op_brp")
    if due_only:
        waiting &= Q(next_check_at__lte=timezone.now()) | Q(next_check_at__isnull=True)
    return Signal.objects.filter(Q(status__in=IN_CHECKS[:2]) | waiting).count()


def sweep() -> int:
    """``checks_sweep`` as beat would call it (here in this process; it enqueues on the broker)."""
    from signals.tasks import checks_sweep

    try:
        return checks_sweep()
    except Exception as exc:  # noqa: BLE001 - the broker may be down in the drill: try again later
        print(f"  sweep failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return -1


def periods_close(municipalities: list) -> list[tuple[str, int, float]]:
    """The period close per municipality (the service): [(name, signals taken, seconds)]."""
    from cases.services import period_close

    done = []
    for municipality in municipalities:
        started = time.perf_counter()
        result = period_close(municipality=municipality)
        done.append((municipality.name, result.counts.get("signals", 0), time.perf_counter() - started))
    return done


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
