"""`make run` stops everything it started (issue 9, point 9).

The run target (migrate, demo data, the fake BRP, the web server; supervised by ``manage.py run_demo``)
runs in a session of its own, as in a terminal. After Ctrl-C (SIGINT to the whole foreground group),
a ``kill`` of make, or even a SIGKILL of the supervisor, no process of that session is left and both
ports can be bound again. Each run uses its own SQLite file (migrated once for the module) and free
ports, without the demo months (``--zonder-signalen``) so that it starts in seconds.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 240  # migrate + two seeds + server start on a busy 2-core machine
STOP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_bindable(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def session_processes(sid: int) -> list[str]:
    """The live (not zombie) processes of a session: 'pid state command'."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # state ppid pgrp session …
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(f"{entry.name} {fields[0]} {command.strip()}")
    return found


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """One migrated SQLite database, copied for each run (the supervisor's migrate is then a no-op)."""
    path = tmp_path_factory.mktemp("run-demo") / "template.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "DEBUG": "1"}
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input"], env=env, check=True,
                   capture_output=True, timeout=START_SECONDS)
    return path


class Run:
    def __init__(self, command: list[str], db: Path, web: int, brp: int):
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "PYTHONUNBUFFERED": "1"}
        env.pop("DEBUG", None)
        self.web, self.brp = web, brp
        self.log = db.with_suffix(".log")
        with self.log.open("w") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)  # a terminal's session; its group is the fg
        self.sid = self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_until(self, ready) -> None:
        deadline = time.monotonic() + START_SECONDS
        while not ready():
            assert self.process.poll() is None, f"ended early ({self.process.returncode}):\n{self.output()}"
            assert time.monotonic() < deadline, f"not ready after {START_SECONDS} s:\n{self.output()}"
            time.sleep(0.2)

    def web_answers(self) -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{self.web}/inloggen", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def brp_listens(self) -> bool:
        with socket.socket() as probe:
            probe.settimeout(0.5)
            return probe.connect_ex(("127.0.0.1", self.brp)) == 0

    def wait_for_end(self) -> None:
        try:
            self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"did not stop within {STOP_SECONDS} s:\n{self.output()}")
        deadline = time.monotonic() + STOP_SECONDS  # processes outside make's wait (after a SIGKILL)
        while session_processes(self.sid) and time.monotonic() < deadline:
            time.sleep(0.2)

    def clean_up(self) -> None:
        """Only when the test failed: end what is left of this run's own session."""
        for line in session_processes(self.sid):
            try:
                os.kill(int(line.split()[0]), signal.SIGKILL)
            except ProcessLookupError:
                pass


def _make(web: int, brp: int) -> list[str]:
    return ["make", "--no-print-directory", "run", f"PORT={web}", f"BRP_PORT={brp}", f"NOTIFY_PORT={free_port()}",
            "RUN_ARGS=--zonder-signalen"]


def _direct(web: int, brp: int) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), "run_demo", "--port", str(web), "--brp-port", str(brp),
            "--notify-port", str(free_port()), "--zonder-signalen"]


def ctrl_c(run: Run) -> None:
    os.killpg(run.sid, signal.SIGINT)  # what the terminal does: the whole foreground process group


def kill_leader(signum):
    def send(run: Run) -> None:
        os.kill(run.process.pid, signum)  # `kill <pid>` of make, or of the supervisor itself
    return send


@pytest.mark.parametrize(("command", "ready", "stop"), [
    pytest.param(_make, "web_answers", ctrl_c, id="make-run-ctrl-c"),
    pytest.param(_make, "web_answers", kill_leader(signal.SIGTERM), id="make-run-kill-make"),
    pytest.param(_direct, "brp_listens", ctrl_c, id="ctrl-c-while-seeding"),
    pytest.param(_direct, "web_answers", kill_leader(signal.SIGKILL), id="supervisor-killed-outright"),
])
def test_stopping_the_demo_leaves_no_process_and_frees_the_ports(migrated, tmp_path, command, ready, stop):
    db = tmp_path / "demo.sqlite3"
    shutil.copy(migrated, db)
    web, brp = free_port(), free_port()
    run = Run(command(web, brp), db, web, brp)
    try:
        run.wait_until(getattr(run, ready))
        assert run.brp_listens()
        stop(run)
        run.wait_for_end()
        assert session_processes(run.sid) == [], run.output()
        assert port_bindable(web) and port_bindable(brp), run.output()
    finally:
        run.clean_up()
        if run.process.poll() is None:
            run.process.kill()
            run.process.wait()


def test_a_taken_port_is_a_dutch_message_and_nothing_is_started(migrated, tmp_path):
    db = tmp_path / "demo.sqlite3"
    shutil.copy(migrated, db)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        brp = taken.getsockname()[1]
        run = Run(_direct(free_port(), brp), db, 0, brp)
        try:
            run.process.wait(timeout=STOP_SECONDS * 2)
        finally:
            run.clean_up()
    assert run.process.returncode != 0
    assert f"Poort {brp} is bezet; de nep-BRP kan niet starten." in run.output()
    assert session_processes(run.sid) == []
