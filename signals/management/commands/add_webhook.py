"""`manage.py add_webhook "Zorgverzekeraar Noord" https://partner.example.nl/hook`: the secret is printed once."""
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from feedback import services
from signals.creditor_selectors import creditor_get_by_name_or_id


class Command(BaseCommand):
    help = ("Voeg een webhook toe voor een vastelastenpartner: elke nieuwe terugkoppeling wordt ondertekend naar "
            "dit adres gestuurd. Het geheim wordt één keer getoond.")

    def add_arguments(self, parser):
        parser.add_argument("creditor", help="Naam of id van de vastelastenpartner")
        parser.add_argument("url", help="Het https-adres van de ontvanger")
        parser.add_argument("--omschrijving", default="", help="Bv. 'productie'")
        parser.add_argument("--inactief", action="store_true", help="Nog niet versturen (later aanzetten in beheer)")

    def handle(self, *args, **options):
        creditor = creditor_get_by_name_or_id(options["creditor"])
        if creditor is None:
            raise CommandError(f"Onbekende vastelastenpartner: {options['creditor']!r}.")
        try:
            endpoint, secret = services.webhook_endpoint_create(
                creditor=creditor, url=options["url"], description=options["omschrijving"],
                active=not options["inactief"])
        except ValidationError as exc:
            raise CommandError(" ".join(message for messages in exc.message_dict.values() for message in messages))
        self.stdout.write(self.style.SUCCESS(f"Webhook {endpoint.pk} toegevoegd voor {creditor}: {endpoint.url}"))
        self.stdout.write(f"Geheim (wordt maar één keer getoond; geef het veilig door): {secret}")
