from django.core.management.base import BaseCommand, CommandError

from accounts.models import Municipality
from cases.presets import PRESETS, routing_preset_install


class Command(BaseCommand):
    help = "Installeer een voorinstelling van het afwegingskader (bakjes en regels) voor een gemeente."

    def add_arguments(self, parser):
        parser.add_argument("cbs_code", nargs="?", help="CBS-gemeentecode, bv. 0363")
        parser.add_argument("preset", nargs="?", help=f"Een van: {', '.join(sorted(PRESETS))}")
        parser.add_argument("--lijst", action="store_true", dest="list", help="Toon de voorinstellingen.")

    def handle(self, *args, **options):
        if options["list"] or not options["cbs_code"]:
            for key, preset in sorted(PRESETS.items()):
                self.stdout.write(f"{key}: {preset.title}")
            return
        if not options["preset"]:
            raise CommandError(f"Kies een voorinstelling: {', '.join(sorted(PRESETS))}.")
        municipality = Municipality.objects.filter(cbs_code=options["cbs_code"]).first()
        if municipality is None:
            raise CommandError(f"Gemeente {options['cbs_code']} bestaat niet.")
        try:
            result = routing_preset_install(municipality=municipality, preset=options["preset"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Voorinstelling {result.preset.key} geïnstalleerd voor {municipality}: {result.trays} bakjes, "
            f"{result.rules} regels, {result.allocations} aanvulling(en)."
        ))
