from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import municipality_create_or_update


def _amount(value: str) -> Decimal:
    try:
        return Decimal(value.replace(",", "."))
    except InvalidOperation:
        raise CommandError(f"Geen geldig bedrag: {value}") from None


class Command(BaseCommand):
    help = "Maak een gemeente aan (of werk haar bij) op CBS-code."

    def add_arguments(self, parser):
        parser.add_argument("cbs_code", help="CBS-gemeentecode, 4 cijfers, bv. 0363")
        parser.add_argument("name", help="Naam van de gemeente")
        parser.add_argument("--inwoners", type=int, default=0, dest="inhabitants")
        parser.add_argument("--drempelbedrag", type=_amount, default=None, dest="threshold")
        parser.add_argument("--bewaartermijn-maanden", type=int, default=None, dest="retention")

    def handle(self, *args, **options):
        try:
            municipality, created = municipality_create_or_update(
                cbs_code=options["cbs_code"], name=options["name"], inhabitants=options["inhabitants"],
                threshold_amount=options["threshold"], retention_months=options["retention"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
        verb = "aangemaakt" if created else "bijgewerkt"
        self.stdout.write(self.style.SUCCESS(f"Gemeente {municipality} {verb}."))
