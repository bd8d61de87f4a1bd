from django.core.management.base import BaseCommand, CommandError

from signals.models import Creditor
from signals.services import api_key_issue


def creditor_by_name_or_id(value: str) -> Creditor:
    creditor = Creditor.objects.filter(name=value).first()
    if creditor is None and value.isdigit():
        creditor = Creditor.objects.filter(pk=int(value)).first()
    if creditor is None:
        raise CommandError(f"Onbekende vastelastenpartner: {value!r}.")
    return creditor


class Command(BaseCommand):
    help = "Geef een nieuwe API-sleutel uit aan een vastelastenpartner; de sleutel wordt één keer getoond."

    def add_arguments(self, parser):
        parser.add_argument("creditor", help="Naam of id van de vastelastenpartner")
        parser.add_argument("--naam", default="", help="Omschrijving van de sleutel, bv. 'productie 2026'")

    def handle(self, *args, **options):
        creditor = creditor_by_name_or_id(options["creditor"])
        api_key, key = api_key_issue(creditor=creditor, name=options["naam"] or "sleutel")
        self.stdout.write(self.style.SUCCESS(f"Sleutel {api_key.prefix} uitgegeven aan {creditor}."))
        self.stdout.write(f"API-sleutel (wordt maar één keer getoond; bewaar hem veilig): {key}")
