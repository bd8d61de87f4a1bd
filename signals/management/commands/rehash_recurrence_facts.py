"""`manage.py rehash_recurrence_facts`: after a new AUDIT_HASH_KEY, hash the recurrence facts again (ADR 0011)."""
from django.core.management.base import BaseCommand

from signals.services import recurrence_facts_rehash


class Command(BaseCommand):
    help = ("Na een nieuwe AUDIT_HASH_KEY: bereken de adreshashes voor recidive opnieuw met de nieuwe sleutel, voor "
            "de signalen die nog bewaard zijn. Feiten van al vernietigde signalen tellen niet meer mee en vervallen "
            "binnen hun termijn (ADR 0011).")

    def handle(self, *args, **options):
        count = recurrence_facts_rehash()
        self.stdout.write(self.style.SUCCESS(f"{count} herhalingsfeiten opnieuw gehasht met de huidige sleutel."))
