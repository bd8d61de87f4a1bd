from django.core.management.base import BaseCommand, CommandError

from signals.creditor_selectors import creditor_get_by_name_or_id
from signals.services import api_key_issue


class Command(BaseCommand):
    help = "Geef een nieuwe API-sleutel uit aan een vastelastenpartner; de sleutel wordt één keer getoond."

    def add_arguments(self, parser):
        parser.add_argument("creditor", help="Naam of id van de vastelastenpartner")
        parser.add_argument("--naam", default="", help="Omschrijving van de sleutel, bv. 'productie 2026'")

    def handle(self, *args, **options):
        creditor = creditor_get_by_name_or_id(options["creditor"])
        if creditor is None:
            raise CommandError(f"Onbekende vastelastenpartner: {options['creditor']!r}.")
        api_key, key = api_key_issue(creditor=creditor, name=options["naam"] or "sleutel")
        self.stdout.write(self.style.SUCCESS(f"Sleutel {api_key.prefix} uitgegeven aan {creditor}."))
        self.stdout.write(f"API-sleutel (wordt maar één keer getoond; bewaar hem veilig): {key}")
