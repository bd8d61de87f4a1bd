from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.services import municipality_settings_update
from cases.presets import preset_key, routing_preset_install
from cases.services import case_policy_update

from . import _operator as op

LABELS = {"name": "naam", "inhabitants": "inwoners", "period_closing_day": "afsluitdag",
          "threshold_amount": "drempelbedrag", "threshold_exempt_kinds": "vrijgesteld",
          "arrear_age_windows": "termijn", "retention_months": "bewaartermijn",
          "repeat_window_months": "termijn herhaalde melding", "reopen_term_months": "termijn heropenen",
          "default_tray": "standaardbakje"}


class Command(BaseCommand):
    help = ("Stel het beleid van een gemeente in: afsluitdag, drempelbedrag, vrijgestelde soorten, termijnen, "
            "voorinstelling van de routering en standaardbakje. Alles of niets: bij één fout verandert er niets. "
            "Bijvoorbeeld: configure_municipality 0363 --afsluitdag 26 --drempelbedrag 75 --vrijgesteld drinkwater "
            "--voorinstelling 4")

    def add_arguments(self, parser):
        parser.add_argument("cbs_code", help="CBS-gemeentecode, bv. 0363")
        parser.add_argument("--naam", dest="name", help="Naam van de gemeente")
        parser.add_argument("--inwoners", dest="inhabitants", help="Aantal inwoners")
        parser.add_argument("--afsluitdag", dest="closing_day",
                            help="Dag van de maand waarop de periode sluit, 1 tot en met 28, of 'laatste'")
        parser.add_argument("--drempelbedrag", "--drempel", dest="threshold",
                            help="Signalen onder dit bedrag worden niet opgepakt; 0 = geen drempel")
        exempt = parser.add_mutually_exclusive_group()
        exempt.add_argument("--vrijgesteld", dest="exempt", action="append", default=None,
                            help=f"Soorten vaste last zonder drempel (komma's of herhalen): {op.KINDS}")
        exempt.add_argument("--geen-vrijstelling", dest="no_exempt", action="store_true",
                            help="Geen soorten vrijstellen van de drempel")
        parser.add_argument("--termijn", dest="windows", action="append", default=[],
                            help="Termijn achterstand in dagen: SOORT=MIN-MAX, SOORT=MIN- of SOORT=standaard "
                                 "(herhalen voor meer soorten)")
        parser.add_argument("--bewaartermijn-maanden", dest="retention", help="1 tot en met 60")
        parser.add_argument("--termijn-herhaalde-melding", dest="repeat_window",
                            help="Maanden waarin dezelfde achterstand een herhaalde melding is, 1 tot en met 12")
        parser.add_argument("--termijn-heropenen", dest="reopen_term",
                            help="Maanden waarin een gesloten melding kan worden heropend, 1 tot en met 12")
        parser.add_argument("--voorinstelling", "--preset", dest="preset",
                            help=op.PRESET_HELP + "; vervangt de regels (bakjes met meldingen blijven)")
        parser.add_argument("--standaardbakje", dest="default_tray",
                            help="Code of naam van het bakje voor meldingen waarop geen regel past")

    def handle(self, *args, **options):
        municipality = op.municipality(options["cbs_code"])
        # Read and check every value before anything changes.
        settings, policy = {}, {}
        if options["name"] is not None:
            if not options["name"].strip():
                raise CommandError("Naam: mag niet leeg zijn.")
            settings["name"] = options["name"].strip()
        if options["inhabitants"] is not None:
            settings["inhabitants"] = op.whole(options["inhabitants"], what="Inwoners", low=0, high=100_000_000)
        if options["closing_day"] is not None:
            settings["period_closing_day"] = op.closing_day(options["closing_day"])
        if options["threshold"] is not None:
            settings["threshold_amount"] = op.amount(options["threshold"])
        if options["exempt"] is not None:
            settings["threshold_exempt_kinds"] = op.kinds(options["exempt"])
        if options["no_exempt"]:
            settings["threshold_exempt_kinds"] = []
        if options["windows"]:
            settings["arrear_age_windows"] = op.windows(options["windows"], municipality.arrear_age_windows)
        if options["retention"] is not None:
            settings["retention_months"] = op.whole(options["retention"], what="Bewaartermijn", low=1, high=60)
        if options["repeat_window"] is not None:
            policy["repeat_window_months"] = op.whole(options["repeat_window"], what="Termijn herhaalde melding",
                                                      low=1, high=12)
        if options["reopen_term"] is not None:
            policy["reopen_term_months"] = op.whole(options["reopen_term"], what="Termijn heropenen", low=1, high=12)
        preset = None
        if options["preset"] is not None:
            try:
                preset = preset_key(options["preset"])
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        if not (settings or policy or preset or options["default_tray"]):
            raise CommandError("Geef minstens één instelling (zie --help). De huidige instellingen: "
                               f"show_municipality {municipality.cbs_code}")
        done = []
        try:
            with transaction.atomic():
                if preset:
                    result = routing_preset_install(municipality=municipality, preset=preset)
                    done.append(f"voorinstelling {preset} geïnstalleerd ({result.trays} bakjes, {result.rules} regels)")
                if options["default_tray"] is not None:  # after the preset: its trays exist now
                    policy["default_tray"] = op.tray(municipality, options["default_tray"])
                changed = municipality_settings_update(municipality=municipality, **settings)
                changed += case_policy_update(municipality=municipality, **policy)
        except ValidationError as exc:
            raise CommandError(f"Niets gewijzigd. {op.validation_message(exc, LABELS)}") from None
        done += [LABELS[name] for name in changed]
        self.stdout.write(self.style.SUCCESS(
            f"Gemeente {municipality}: " + (", ".join(done) + " gewijzigd." if done else "niets gewijzigd "
                                            "(de waarden waren al zo).")))
        for line in op.settings_lines(municipality):
            self.stdout.write(line)
