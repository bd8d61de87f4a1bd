from django.core.management.base import BaseCommand, CommandError

from signals.models import CreditorAPIKey
from signals.services import api_key_revoke


class Command(BaseCommand):
    help = "Trek een API-sleutel in op zijn prefix (het deel vóór de punt) of de hele sleutel."

    def add_arguments(self, parser):
        parser.add_argument("key_or_prefix")

    def handle(self, *args, **options):
        prefix = options["key_or_prefix"].partition(".")[0]
        api_key = CreditorAPIKey.objects.filter(prefix=prefix).first()
        if api_key is None:
            raise CommandError(f"Geen API-sleutel met prefix {prefix!r}.")
        if api_key.revoked:
            self.stdout.write(f"Sleutel {prefix} van {api_key.creditor} was al ingetrokken.")
            return
        api_key_revoke(api_key=api_key)
        self.stdout.write(self.style.SUCCESS(f"Sleutel {prefix} van {api_key.creditor} is ingetrokken."))
