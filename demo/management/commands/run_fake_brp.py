"""Serve the fake BRP (Haal Centraal BRP Personen Bevragen v2) until interrupted.

Used by ``make run`` (in the background) and by the end-to-end tests in CI. The demo population
follows the municipalities in the database (CBS code, name, inhabitants) as they are at start.
"""
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from accounts.models import Municipality
from demo.brp_fake.server import DEFAULT_BASE_PATH, Behaviour, FakeBrpServer, default_mock_data_path

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class Command(BaseCommand):
    help = "Start een nep-BRP (BRP Personen Bevragen v2) met de officiële testpersonen en de demobevolking."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Adres om op te luisteren (standaard 127.0.0.1)")
        parser.add_argument("--port", type=int, default=5010, help="Poort (standaard 5010; 0 = een vrije poort)")
        parser.add_argument("--base-path", default=DEFAULT_BASE_PATH, help="Pad vóór /personen")
        parser.add_argument("--api-key", default=None,
                            help="Verplichte X-API-KEY (standaard BRP_API_KEY uit de instellingen; leeg = geen)")
        parser.add_argument("--seed", type=int, default=0, help="Seed van de demobevolking (standaard 0)")
        # A production BRP's behaviour, for benchmarks (issue 14)
        parser.add_argument("--latency-ms", type=float, default=0.0, help="Wachttijd per vraag in ms (standaard 0)")
        parser.add_argument("--jitter-ms", type=float, default=0.0,
                            help="Spreiding van de wachttijd: ± zoveel ms, gelijkmatig (standaard 0)")
        parser.add_argument("--max-concurrent", type=int, default=0,
                            help="Hoogstens zoveel vragen tegelijk; daarboven 429 met Retry-After "
                                 "(standaard 0: geen grens)")
        parser.add_argument("--retry-after", type=float, default=1.0, help="Retry-After bij 429, in seconden")
        parser.add_argument("--error-rate", type=float, default=0.0,
                            help="Aandeel vragen dat mislukt met 503, tussen 0 en 1 (standaard 0)")
        parser.add_argument("--control", action="store_true",
                            help="Sta POST /_control toe ({\"down\": true|false}) om de nep-BRP onbereikbaar te "
                                 "maken (storingsoefening, bench/drill.py); tellers staan altijd op GET /_stats")

    def handle(self, *args, **options):
        inhabitants, names = self._municipalities()
        api_key = options["api_key"] if options["api_key"] is not None else getattr(settings, "BRP_API_KEY", "")
        if options["host"] not in LOOPBACK:
            warning = f"Let op: de nep-BRP luistert op {options['host']}, niet alleen lokaal."
            self.stderr.write(self.style.WARNING(warning))
        mock_path = default_mock_data_path()
        if not mock_path.is_file():
            self.stderr.write(self.style.WARNING(f"Testpersonen niet gevonden ({mock_path}); alleen de demobevolking."))
        try:
            behaviour = Behaviour(latency_ms=options["latency_ms"], jitter_ms=options["jitter_ms"],
                                  max_concurrent=options["max_concurrent"], error_rate=options["error_rate"],
                                  retry_after_s=options["retry_after"], seed=options["seed"])
        except ValueError as exc:
            raise CommandError(f"Ongeldig gedrag: {exc}") from exc
        server = FakeBrpServer(host=options["host"], port=options["port"], base_path=options["base_path"],
                               inhabitants=inhabitants, municipality_names=names, api_key=api_key or "",
                               seed=options["seed"], behaviour=behaviour, control=options["control"])
        try:
            server.start()
        except OSError as exc:
            raise CommandError(f"Kan niet luisteren op {options['host']}:{options['port']}: {exc}") from exc
        stop = threading.Event()
        # SIGINT (Ctrl-C) explicitly too: a process started in the background by a non-interactive
        # shell (make run, CI) inherits SIGINT as ignored, and Python then never raises KeyboardInterrupt.
        previous = {number: signal.signal(number, lambda *_: stop.set()) for number in (signal.SIGINT, signal.SIGTERM)}
        self.stdout.write(f"Nep-BRP luistert op {server.url}", ending="\n")
        self.stdout.write(
            f"{server.store.mock_count} testpersonen; demobevolking van {len(inhabitants)} gemeente(n). "
            "Stoppen met Ctrl-C."
        )
        self.stdout.flush()
        try:
            while not stop.wait(0.5):
                pass
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
            server.stop()
            self.stdout.write("Nep-BRP gestopt.")

    def _municipalities(self) -> tuple[dict[str, int], dict[str, str]]:
        try:
            rows = list(Municipality.objects.values_list("cbs_code", "name", "inhabitants"))
        except DatabaseError as exc:
            self.stderr.write(self.style.WARNING(f"Gemeenten niet gelezen ({exc}); geen demobevolking."))
            return {}, {}
        return ({code: inhabitants for code, _, inhabitants in rows if inhabitants},
                {code: name for code, name, _ in rows})
