"""Deliver a month of synthetic signals (demo), calibrated to the Divosa monitor 2024.

See :mod:`demo.calibration` for the calibration and :mod:`demo.population` for the population.
Idempotent: a second run stores nothing new (every signal comes back as ``al_ontvangen``).
"""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Municipality
from demo.deliveries import DeliveryCounts, deliver_month, demo_creditors
from demo.generator import parse_month, previous_months


class Command(BaseCommand):
    help = (
        "Genereer synthetische signalen (demo) voor een maand, gekalibreerd op de Divosa-monitor 2024, "
        "en lever ze af via de gewone intake. Nogmaals draaien levert niets nieuws op."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", "--maand", dest="month", metavar="JJJJ-MM",
                            help="Maand van de signalen (standaard: deze maand)")
        parser.add_argument("--municipality", "--gemeente", dest="municipalities", nargs="+", action="extend",
                            metavar="CBS_CODE", help="CBS-code(s) van de gemeente(n) (standaard: alle gemeenten)")
        parser.add_argument("--history", type=int, default=6,
                            help="Genereer ook de N maanden ervoor, voor opeenvolgende meldingen (standaard 6)")
        parser.add_argument("--seed", type=int, default=0,
                            help="Startwaarde van de synthetische bevolking (standaard 0)")
        parser.add_argument("--scale", type=float, default=1.0,
                            help="Vermenigvuldig het landelijke volume van 4,8 signalen per 1000 inwoners per maand")
        parser.add_argument("--limit", type=int, default=None, help="Hoogstens N signalen per gemeente per maand")
        parser.add_argument("--vandaag", dest="today", metavar="JJJJ-MM-DD", default=None,
                            help="De dag waarop de partners leveren (standaard vandaag); data liggen ervóór")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(f"Ongeldige datum {options['today']!r}; gebruik JJJJ-MM-DD.") from None
        current = f"{today.year:04d}-{today.month:02d}"
        month = options["month"] or current
        try:
            parse_month(month)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if month > current:
            raise CommandError(f"De maand {month} ligt in de toekomst.")
        if options["history"] < 0:
            raise CommandError("--history moet 0 of meer zijn.")
        if options["scale"] <= 0:
            raise CommandError("--scale moet groter dan 0 zijn.")
        if options["limit"] is not None and options["limit"] < 0:
            raise CommandError("--limit moet 0 of meer zijn.")

        municipalities = self._municipalities(options["municipalities"])
        creditors = demo_creditors()
        months = [*previous_months(month, options["history"]), month]
        total = DeliveryCounts()
        for municipality in municipalities:
            if not municipality.inhabitants:
                self.stderr.write(f"{municipality} heeft geen inwonersaantal; overgeslagen.")
                continue
            for label in months:  # oldest first, as a creditor would have delivered them
                counts = deliver_month(
                    municipality=municipality, month=label, seed=options["seed"], scale=options["scale"],
                    limit=options["limit"], today=today, creditors=creditors,
                )
                total += counts
                self.stdout.write(f"{municipality} {label}: {_summary(counts)}")
        self.stdout.write(self.style.SUCCESS(f"Totaal: {_summary(total)}"))

    def _municipalities(self, codes: list[str] | None) -> list[Municipality]:
        if not codes:
            municipalities = list(Municipality.objects.order_by("cbs_code"))
            if not municipalities:
                raise CommandError("Er zijn nog geen gemeenten; maak ze eerst aan (create_municipality).")
            return municipalities
        found = {m.cbs_code: m for m in Municipality.objects.filter(cbs_code__in=codes)}
        missing = [code for code in codes if code not in found]
        if missing:
            raise CommandError(f"Onbekende gemeente(n): {', '.join(missing)}.")
        return [found[code] for code in dict.fromkeys(codes)]


def _summary(counts: DeliveryCounts) -> str:
    text = (f"{counts.received} ontvangen, {counts.already_received} al ontvangen, "
            f"{counts.refused} geweigerd")
    if counts.not_yet_sent:
        text += f", {counts.not_yet_sent} nog niet verzonden (signaaldatum na vandaag)"
    if counts.crisis_over:
        text += f", {counts.crisis_over} crisissignalen van vóór deze week niet opnieuw geleverd"
    return text
