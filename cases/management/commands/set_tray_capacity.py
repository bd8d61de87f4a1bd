from django.core.management.base import BaseCommand, CommandError

from cases.exceptions import CaseActionError
from cases.services import MAX_TRAY_CAPACITY, tray_capacity_update

from . import _operator as op


class Command(BaseCommand):
    help = ("Stel de capaciteit per periode (maand) van een bakje in, bv. set_tray_capacity 0363 huisbezoek 20; "
            "'onbeperkt' heft de grens op. Telt vanaf de volgende periodeafsluiting.")

    def add_arguments(self, parser):
        parser.add_argument("cbs_code", help="CBS-gemeentecode, bv. 0363")
        parser.add_argument("tray", help="Code of naam van het bakje, bv. huisbezoek of \"Huisbezoek\"")
        parser.add_argument("capacity", help=f"Aantal meldingen per periode (0 tot en met {MAX_TRAY_CAPACITY}) "
                                             "of 'onbeperkt'")

    def handle(self, *args, **options):
        municipality = op.municipality(options["cbs_code"])
        tray = op.tray(municipality, options["tray"])
        text = options["capacity"].strip().lower()
        value = None if text in ("onbeperkt", "geen", "leeg") else op.whole(
            text, what="Capaciteit", low=0, high=MAX_TRAY_CAPACITY)
        try:
            changed = tray_capacity_update(capacities={tray: value}, by=None)
        except CaseActionError as exc:  # the service's own checks (the same as the team lead's screen)
            raise CommandError(str(exc)) from None
        shown = "onbeperkt" if value is None else f"{value} per periode"
        if not changed:
            self.stdout.write(f"Bakje {tray.name} ({municipality.name}) had al capaciteit {shown}.")
            return
        self.stdout.write(self.style.SUCCESS(f"Capaciteit van bakje {tray.name} ({municipality.name}): {shown}."))
        if value == 0 and not tray.capacity_fallback_id:
            self.stdout.write("Let op: dit bakje heeft geen bakje als de capaciteit op is; meldingen die hier "
                              "horen komen er toch in, met een waarschuwing. Stel een terugvalbakje in via /beheer/.")
