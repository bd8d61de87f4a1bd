from django.core.management.base import BaseCommand

from accounts.models import Municipality

from . import _operator as op


class Command(BaseCommand):
    help = ("Toon de instellingen van een gemeente: afsluitdag, drempelbedrag, vrijgestelde soorten, termijnen, "
            "bakjes met capaciteit, regels. Zonder CBS-code: alle gemeenten.")

    def add_arguments(self, parser):
        parser.add_argument("cbs_code", nargs="?", help="CBS-gemeentecode, bv. 0363")

    def handle(self, *args, **options):
        if options["cbs_code"]:
            municipalities = [op.municipality(options["cbs_code"])]
        else:
            municipalities = list(Municipality.objects.order_by("cbs_code"))
            if not municipalities:
                self.stdout.write("Er zijn nog geen gemeenten; maak ze aan met create_municipality.")
                return
        for number, municipality in enumerate(municipalities):
            if number:
                self.stdout.write("")
            for line in op.settings_lines(municipality):
                self.stdout.write(line)
