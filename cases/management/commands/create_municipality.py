from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.services import municipality_create_or_update, municipality_settings_update
from cases.models import CasePolicy
from cases.models.config import retention_too_short
from cases.presets import DEFAULT_PRESET, PRESETS, preset_key, routing_preset_install

from ._operator import PRESET_HELP, amount, validation_message, whole

LABELS = {"cbs_code": "CBS-code", "name": "naam", "threshold_amount": "drempelbedrag",
          "retention_months": "bewaartermijn", "inhabitants": "inwoners",
          "repeat_window_months": "termijn herhaalde melding", "reopen_term_months": "termijn heropenen"}


class Command(BaseCommand):
    help = (f"Maak een gemeente aan (of werk haar bij) op CBS-code. Een nieuwe gemeente krijgt de routering "
            f"'{DEFAULT_PRESET}' ({PRESETS[DEFAULT_PRESET].title}), tenzij --zonder-routering of --voorinstelling.")

    def add_arguments(self, parser):
        parser.add_argument("cbs_code", help="CBS-gemeentecode, 4 cijfers, bv. 0363")
        parser.add_argument("name", help="Naam van de gemeente")
        parser.add_argument("--inwoners", default=None, dest="inhabitants", help="Aantal inwoners")
        parser.add_argument("--drempelbedrag", default=None, dest="threshold",
                            help="Signalen onder dit bedrag worden niet opgepakt (0 = geen drempel)")
        parser.add_argument("--bewaartermijn-maanden", default=None, dest="retention", help="1 tot en met 60")
        routing = parser.add_mutually_exclusive_group()
        routing.add_argument("--voorinstelling", "--preset", dest="preset", default=None, help=PRESET_HELP)
        routing.add_argument("--zonder-routering", action="store_true", dest="no_routing",
                             help="Geen bakjes en regels installeren (de meldingen gaan dan naar het bakje algemeen)")

    def handle(self, *args, **options):
        inhabitants = (whole(options["inhabitants"], what="Inwoners", low=0, high=100_000_000)
                       if options["inhabitants"] is not None else None)
        threshold = amount(options["threshold"]) if options["threshold"] is not None else None
        retention = (whole(options["retention"], what="Bewaartermijn", low=1, high=60)
                     if options["retention"] is not None else None)
        try:
            preset = preset_key(options["preset"]) if options["preset"] else None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        try:
            with transaction.atomic():
                municipality, created = municipality_create_or_update(
                    cbs_code=options["cbs_code"], name=options["name"],
                    inhabitants=inhabitants, threshold_amount=threshold, retention_months=retention,
                )
                policy = CasePolicy.objects.filter(municipality=municipality).first() or CasePolicy()
                too_short = retention_too_short(policy, municipality.retention_months)
                if too_short:  # the purge would destroy what these terms read (ADR 0011)
                    raise ValidationError(too_short)
                if preset is None and created and not options["no_routing"]:
                    preset = DEFAULT_PRESET
                installed = routing_preset_install(municipality=municipality, preset=preset) if preset else None
                if installed and threshold is not None:  # an explicit threshold wins over the preset's
                    municipality_settings_update(municipality=municipality, threshold_amount=threshold)
        except ValidationError as exc:
            raise CommandError(validation_message(exc, LABELS)) from None
        verb = "aangemaakt" if created else "bijgewerkt"
        self.stdout.write(self.style.SUCCESS(f"Gemeente {municipality} {verb}."))
        if installed:
            self.stdout.write(f"Routering: voorinstelling {installed.preset.key} geïnstalleerd ({installed.trays} "
                              f"bakjes, {installed.rules} regels).")
        elif created:
            self.stdout.write("Routering: geen (alle meldingen gaan naar het bakje algemeen). Later installeren: "
                              f"configure_municipality {municipality.cbs_code} --voorinstelling <naam>.")
        self.stdout.write(f"Instellingen bekijken: show_municipality {municipality.cbs_code}")
