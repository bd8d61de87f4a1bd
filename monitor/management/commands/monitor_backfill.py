"""`manage.py monitor_backfill`: record every existing signal and case in the statistics store, once,
on an installation that had data before the store existed (before its first purge). Safe to repeat."""
from django.core.management.base import BaseCommand, CommandError

from monitor.recording import BATCH, record_everything


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = ("Leg de feiten van alle bestaande signalen, meldingen en contactpogingen vast in de statistiekenopslag "
            "(eenmalig, vóór de eerste opschoning). Opnieuw draaien verandert niets wat al klopt.")

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=BATCH, help=f"Aantal per transactie (standaard {BATCH}).")

    def handle(self, *args, **options):
        if not 1 <= options["batch"] <= 10_000:
            raise CommandError("Kies voor --batch een aantal van 1 tot en met 10.000.")
        result = record_everything(batch_size=options["batch"])
        self.stdout.write(self.style.SUCCESS(
            f"Statistiekenopslag bijgewerkt: {_number(result.signals)} signalen en {_number(result.cases)} meldingen "
            f"gelezen, {_number(result.written)} feiten vastgelegd of bijgewerkt."))
