"""Run the demo (``make run``): migrate, load the demo data, start the fake BRP and the web server, and
stop everything it started on Ctrl-C.

Each step runs as a child process in its own process group; this command supervises them:

- Ctrl-C in the terminal (SIGINT to the foreground group), ``kill`` of this process (SIGTERM) or the
  terminal closing (SIGHUP) stops the children in reverse order (SIGTERM to each child's group, then
  SIGKILL after a grace period), waits for them and only then exits;
- a child that dies on its own (the web server cannot bind its port, seeding fails) stops the rest;
- should this process itself be killed outright (SIGKILL), Linux ends the children too (parent-death
  signal), so the fake BRP never keeps port 5010.

Each step's duration is printed (the README's timings come from these lines).
"""
from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

GRACE_SECONDS = 10
BRP_START_SECONDS = 60
_PR_SET_PDEATHSIG = 1
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class StopSignalError(Exception):
    """A stop signal arrived (Ctrl-C, kill, hang-up)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """In the child: its own process group, and SIGTERM when the supervisor dies (Linux)."""
    os.setpgid(0, 0)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):
            pass


def port_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def port_open(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


class Command(BaseCommand):
    help = ("Start de demo zoals `make run`: migraties, demogegevens, de nep-BRP en de webserver; "
            "Ctrl-C stopt alles wat gestart is.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Adres van de webserver (standaard 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="Poort van de webserver (standaard 8000)")
        parser.add_argument("--brp-port", type=int, default=5010, help="Poort van de nep-BRP (standaard 5010)")
        parser.add_argument("--notify-port", type=int, default=5020, help="Poort van de nep-Notify (standaard 5020)")
        parser.add_argument("--scale", type=float, default=None, help="Volume van de demomaand (zie seed_demo)")
        parser.add_argument("--zonder-signalen", action="store_true", dest="no_signals",
                            help="Alleen gemeenten, gebruikers en sleutel; geen demomaanden (snel)")

    def handle(self, *args, **options):
        self.children: list[tuple[str, subprocess.Popen]] = []
        host, port, brp_port = options["host"], options["port"], options["brp_port"]
        notify_port = options["notify_port"]
        for name, where in (("de webserver", (host, port)), ("de nep-BRP", ("127.0.0.1", brp_port)),
                            ("de nep-Notify", ("127.0.0.1", notify_port))):
            if not port_free(*where):
                raise CommandError(f"Poort {where[1]} is bezet; {name} kan niet starten. "
                                   "Stop het andere proces of kies een andere poort (PORT=…, BRP_PORT=…).")
        # The demo's fake data: no second factor unless asked for (TWO_FACTOR_REQUIRED=1; the login page says so).
        env = {**os.environ, "DEBUG": os.environ.get("DEBUG") or "1", "PYTHONUNBUFFERED": "1",
               "TWO_FACTOR_REQUIRED": os.environ.get("TWO_FACTOR_REQUIRED") or "0"}
        brp_url = f"http://127.0.0.1:{brp_port}/haalcentraal/api/brp"
        previous = {signum: signal.signal(signum, self._on_signal)
                    for signum in STOP_SIGNALS}
        started = time.monotonic()
        ended = None  # (name, return code) of a child that ended on its own
        try:
            self._step("Migraties", ["migrate", "--no-input"], env)
            self._step("Gemeenten en gebruikers", ["seed_demo", "--zonder-signalen", "--stil"], env)
            brp = self._start("nep-BRP", ["run_fake_brp", "--port", str(brp_port)], env)
            self._wait_for_port("nep-BRP", brp, brp_port)
            # Outreach (issue 13): the fake SMS/e-mail gateway, its delivery callbacks to the web server.
            notify = self._start("nep-Notify", ["run_fake_notify", "--port", str(notify_port), "--callback-url",
                                                f"http://127.0.0.1:{port}/koppelingen/notify/afleverstatus"], env)
            self._wait_for_port("nep-Notify", notify, notify_port)
            seed = ["seed_demo", *(["--zonder-signalen"] if options["no_signals"] else []),
                    *(["--scale", str(options["scale"])] if options["scale"] is not None else [])]
            demo_env = {**env, "BRP_BASE_URL": env.get("BRP_BASE_URL") or brp_url, "SHV_ACCEPT_TEST_BSNS": "1",
                        "NOTIFY_BASE_URL": env.get("NOTIFY_BASE_URL") or f"http://127.0.0.1:{notify_port}"}
            self._step("Demogegevens", seed, demo_env)
            self.stdout.write(f"Klaar na {time.monotonic() - started:.0f} s. Stoppen met Ctrl-C.")
            self._start("webserver", ["runserver", "--noreload", f"{host}:{port}"], demo_env)
            # No beat without a broker: the outreach sweeper every 5 minutes while the demo is open.
            self._start("benaderingsklok", ["run_demo_clock"], demo_env)
            while ended is None:  # until a stop signal, or until a child ends on its own
                ended = next(((name, child.returncode) for name, child in self.children
                              if child.poll() is not None), None)
                time.sleep(0.2)
        except StopSignalError as stop:
            self.stdout.write(f"\n{stop} ontvangen: alles wat gestart is wordt gestopt …")
        finally:
            for signum in previous:  # a second Ctrl-C must not interrupt the clean-up
                signal.signal(signum, signal.SIG_IGN)
            self._stop_all()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if ended is not None:
            name, returncode = ended
            raise CommandError(f"De {name} is gestopt (code {returncode}); de demo is gestopt.",
                               returncode=returncode or 1)
        self.stdout.write("Demo gestopt; de nep-BRP, de nep-Notify, de benaderingsklok en de webserver draaien niet "
                          "meer.")

    # --- children -------------------------------------------------------------------------------------

    def _on_signal(self, signum, frame):
        raise StopSignalError(signum)

    def _start(self, name: str, command: list[str], env: dict) -> subprocess.Popen:
        """Start a child; stop signals wait until it is on the list of children to stop."""
        manage = Path(settings.BASE_DIR) / "manage.py"
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            child = subprocess.Popen([sys.executable, str(manage), *command], env=env,
                                     preexec_fn=_die_with_parent)
            self.children.append((name, child))
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        return child

    def _step(self, name: str, command: list[str], env: dict) -> None:
        """Run one step to its end; a failing step stops the demo."""
        began = time.monotonic()
        child = self._start(name, command, env)
        returncode = child.wait()
        self.children.remove((name, child))
        if returncode:
            raise CommandError(f"{name}: mislukt (code {returncode}).", returncode=returncode)
        self.stdout.write(self.style.SUCCESS(f"{name}: {time.monotonic() - began:.1f} s"))

    def _wait_for_port(self, name: str, child: subprocess.Popen, port: int) -> None:
        deadline = time.monotonic() + BRP_START_SECONDS
        while not port_open("127.0.0.1", port):
            if child.poll() is not None:
                raise CommandError(f"De {name} is niet gestart (code {child.returncode}).")
            if time.monotonic() > deadline:
                raise CommandError(f"De {name} luistert na {BRP_START_SECONDS} s nog niet op poort {port}.")
            time.sleep(0.1)

    def _stop_all(self) -> None:
        """SIGTERM to every child's process group, newest first; SIGKILL whoever is left after the grace
        period; reap them all (the children start no processes of their own)."""
        for _name, child in reversed(self.children):
            self._signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        for name, child in reversed(self.children):
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{name} stopt niet; wordt beëindigd.")
                self._signal_group(child, signal.SIGKILL)
                child.wait()
        self.children.clear()

    @staticmethod
    def _signal_group(child: subprocess.Popen, signum: int) -> None:
        try:
            os.killpg(child.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass
