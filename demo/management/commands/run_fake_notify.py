"""Serve the fake Notify (NotifyNL / GOV.UK Notify v2 API) until interrupted.

Used by ``make run`` (started by ``run_demo`` next to the fake BRP) and by ``bench/outreach.py`` (in its own
process, with ``--latency-ms``). It accepts the key in ``NOTIFY_API_KEY`` (the development key by default)
and posts delivery callbacks to ``--callback-url`` with ``NOTIFY_CALLBACK_TOKEN``.
"""
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.notify_fake.server import FakeNotifyServer

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class Command(BaseCommand):
    help = "Start een nep-Notify (NotifyNL-API v2) voor sms en e-mail, met afleverstatussen."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Adres om op te luisteren (standaard 127.0.0.1)")
        parser.add_argument("--port", type=int, default=5020, help="Poort (standaard 5020; 0 = een vrije poort)")
        parser.add_argument("--callback-url", default="",
                            help="Adres voor afleverstatussen, bv. http://127.0.0.1:8000/koppelingen/notify/afleverstatus")
        parser.add_argument("--callback-delay", type=float, default=2.0,
                            help="Seconden tot de afleverstatus (standaard 2)")
        parser.add_argument("--latency-ms", type=float, default=0.0, help="Wachttijd per verzoek in ms (benchmark)")

    def handle(self, *args, **options):
        if not settings.NOTIFY_API_KEY:
            raise CommandError("NOTIFY_API_KEY is leeg; de nep-Notify weet niet welke sleutel hij moet aannemen.")
        if options["host"] not in LOOPBACK:
            self.stderr.write(self.style.WARNING(f"Let op: de nep-Notify luistert op {options['host']}, "
                                                 "niet alleen lokaal."))
        server = FakeNotifyServer(host=options["host"], port=options["port"], callback_url=options["callback_url"],
                                  callback_token=settings.NOTIFY_CALLBACK_TOKEN,
                                  callback_delay=options["callback_delay"], callback_retry_delay=10.0,
                                  latency=options["latency_ms"] / 1000)
        try:
            server.start()
        except OSError as exc:
            raise CommandError(f"Kan niet luisteren op {options['host']}:{options['port']}: {exc}") from exc
        stop = threading.Event()
        # SIGINT explicitly too: a background process of a non-interactive shell inherits SIGINT as ignored.
        previous = {number: signal.signal(number, lambda *_: stop.set()) for number in (signal.SIGINT, signal.SIGTERM)}
        self.stdout.write(f"Nep-Notify luistert op {server.url}", ending="\n")
        callbacks = options["callback_url"] or "geen (geen --callback-url)"
        self.stdout.write(f"Afleverstatussen naar: {callbacks}. Stoppen met Ctrl-C.")
        self.stdout.flush()
        try:
            while not stop.wait(0.5):
                pass
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
            server.stop()
            counts = ", ".join(f"{name}={count}" for name, count in sorted(server.requests.items())) or "geen"
            self.stdout.write(f"Nep-Notify gestopt (verzoeken: {counts}).")
