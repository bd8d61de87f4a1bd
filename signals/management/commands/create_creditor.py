from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from signals.models import Creditor
from signals.services import api_key_issue, creditor_create
from vroegsignalering.common.vocab import CreditorKind


class Command(BaseCommand):
    help = "Maak een vastelastenpartner aan en geef desgewenst meteen een API-sleutel uit."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Naam van de vastelastenpartner")
        parser.add_argument("--soort", action="append", default=[], dest="kinds", choices=CreditorKind.values,
                            help="Soort vaste last die deze partij levert (meermaals te geven)")
        parser.add_argument("--contactpersoon", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--telefoon", default="")
        parser.add_argument("--met-sleutel", action="store_true", help="Geef meteen een API-sleutel uit")

    def handle(self, *args, **options):
        if Creditor.objects.filter(name=options["name"]).exists():
            raise CommandError(f"Er bestaat al een vastelastenpartner met de naam {options['name']!r}.")
        try:
            creditor = creditor_create(
                name=options["name"], kinds=options["kinds"], contact_name=options["contactpersoon"],
                contact_email=options["email"], contact_phone=options["telefoon"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
        self.stdout.write(self.style.SUCCESS(f"Vastelastenpartner {creditor} aangemaakt (id {creditor.pk})."))
        if options["met_sleutel"]:
            api_key, key = api_key_issue(creditor=creditor, name="eerste sleutel")
            self.stdout.write(f"API-sleutel (wordt maar één keer getoond): {key}")
