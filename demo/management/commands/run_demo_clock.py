"""The beat of ``make run``: without a broker Celery runs eagerly and no beat runs, so this loop runs the
outreach sweeper (due SMS, e-mails, letters, tasks) and the print batches' sweeper every few minutes while
the demo is open, as the beat schedule would in production. Stopped with the demo (SIGTERM/SIGINT)."""
import signal
import threading

from django.core.management.base import BaseCommand

from outreach.tasks import outreach_sweep, print_batches_sweep


class Command(BaseCommand):
    help = "Voer de benaderingsplannen van de demo elke paar minuten uit (de 'beat' van make run)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=300.0, help="Seconden tussen twee rondes (standaard 300)")

    def handle(self, *args, **options):
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        while not stop.is_set():
            counts = outreach_sweep.apply().get()
            print_batches_sweep.apply()
            if counts.get("claimed"):
                self.stdout.write(f"Benadering: {counts['claimed']} stap(pen) uitgevoerd.")
            stop.wait(options["every"])
