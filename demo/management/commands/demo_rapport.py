"""Measure the demo month as a new user meets it: acceptance, warnings and fallout with their causes.

    DATABASE_URL=sqlite:////tmp/rapport.sqlite3 manage.py migrate
    DATABASE_URL=sqlite:////tmp/rapport.sqlite3 manage.py demo_rapport [--scale 0.1] [--vandaag 2026-06-30] [--monitor]

Use an empty (scratch) database: the demo municipalities are created, the fake BRP runs in this
process on a free loopback port, and this month and the six before (as ``make run`` delivers them)
go through the intake per creditor in batches of 1,000, with the checks run eagerly. Printed: per
status of the contract (ontvangen, al_ontvangen, geweigerd) with the refusals per field and code,
the warnings per field and code (when the intake gives them), and the checked signals per status
with the fallout share and its causes per BRP decision (outcome and note). With ``--monitor`` every month's
period is closed too, and the monitor's figures of the month are printed beside the generator's calibration
(``demo.monitor_table``).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils import timezone

from accounts.services import municipality_create_or_update
from demo.brp_fake.server import FakeBrpServer
from demo.deliveries import deliver_per_creditor, demo_creditors
from demo.generator import generate_month, previous_months
from demo.monitor_table import close_periods, monitor_table
from demo.notations import fold
from demo.population import household_at
from signals.models import Signal, SignalStatus
from signals.services import AL_ONTVANGEN, GEWEIGERD, ONTVANGEN

DEMO_MUNICIPALITIES = [("0518", "'s-Gravenhage", 566_221), ("0363", "Amsterdam", 931_298),
                       ("0216", "Culemborg", 29_876), ("0281", "Tiel", 42_851)]


class Command(BaseCommand):
    help = "Meet de demomaand: aanvaard/geweigerd, waarschuwingen en uitval met oorzaken (op een lege database)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=0.1, help="Volume (standaard 0,1 zoals make run)")
        parser.add_argument("--vandaag", dest="today", metavar="JJJJ-MM-DD", default=None)
        parser.add_argument("--history", type=int, default=6, help="Maanden voorgeschiedenis (standaard 6)")
        parser.add_argument("--monitor", action="store_true",
                            help="Sluit ook de perioden en toon de monitorcijfers van de maand naast de kalibratie")

    def handle(self, *args, **options):
        if Signal.objects.exists():
            raise CommandError("demo_rapport meet op een lege database; gebruik een aparte DATABASE_URL.")
        today = dt.date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        month = f"{today.year:04d}-{today.month:02d}"
        months = [*previous_months(month, options["history"]), month]
        municipalities = [municipality_create_or_update(cbs_code=code, name=name, inhabitants=n)[0]
                          for code, name, n in DEMO_MUNICIPALITIES]
        creditors = demo_creditors()
        statuses, refusals, warnings = Counter(), Counter(), Counter()
        with FakeBrpServer(port=0, inhabitants={m.cbs_code: m.inhabitants for m in municipalities},
                           municipality_names={m.cbs_code: m.name for m in municipalities}) as brp, \
                override_settings(BRP_BASE_URL=brp.url, SHV_ACCEPT_TEST_BSNS=True, CELERY_TASK_ALWAYS_EAGER=True):
            for municipality in municipalities:
                for label in months:
                    payloads = generate_month(municipality.cbs_code, municipality.inhabitants, label,
                                              scale=options["scale"], place=municipality.name, today=today)
                    for result in deliver_per_creditor(payloads, creditors, actor="demo_rapport"):
                        statuses[result.status] += 1
                        for error in result.errors:
                            refusals[(error.name, error.code, error.reason)] += 1
                        for warning in result.warnings:
                            warnings[(warning.name, warning.code)] += 1
            if options["monitor"]:
                close_periods(municipalities, months)
        self._print(statuses, refusals, warnings, today, options["scale"], len(months))
        if options["monitor"]:
            for line in monitor_table(municipalities, month, options["scale"]):
                self.stdout.write(line)

    def _print(self, statuses, refusals, warnings, today, scale, months) -> None:
        total = sum(statuses.values())
        write = self.stdout.write
        write(f"Demomaand op {today.isoformat()}: {months} maanden, schaal {scale}, 4 gemeenten, {total} signalen.")
        for status in (ONTVANGEN, AL_ONTVANGEN, GEWEIGERD):
            write(f"  {status:<13} {statuses[status]:>6}  {_pct(statuses[status], total)}")
        if refusals:
            write("Weigeringen per veld en code:")
            for (name, code, reason), n in refusals.most_common():
                write(f"  {n:>6}  {name} ({code}): {reason}")
        write("Waarschuwingen per veld en code:" if warnings else "Waarschuwingen: geen.")
        for (name, code), n in warnings.most_common():
            write(f"  {n:>6}  {name} ({code})")
        checked = Signal.objects.all()
        by_status = Counter(checked.values_list("status", flat=True))
        write("Gecontroleerde signalen per status:")
        for status, n in by_status.most_common():
            write(f"  {SignalStatus(status).label:<45} {n:>6}  {_pct(n, len(checked))}")
        fallout = checked.filter(status=SignalStatus.UITVAL)
        write(f"Uitval: {len(fallout)} van {len(checked)} ({_pct(len(fallout), len(checked))}); oorzaken:")
        causes = Counter((s.brp_evidence or {}).get("uitkomst_omschrijving", "zonder BRP-besluit") + (
            f" — {s.brp_evidence['toelichting']}" if (s.brp_evidence or {}).get("toelichting") else "")
            for s in fallout.only("brp_evidence"))
        for cause, n in causes.most_common():
            write(f"  {n:>6}  {cause}")
        write("Uitval naar wat de partner stuurde (vergeleken met de demobevolking op het adres):")
        for kind, n in Counter(_fallout_kind(s) for s in fallout).most_common():
            write(f"  {n:>6}  {kind}")


def _folded(prefix: str, surname: str) -> str:
    if ", " in surname:  # "Berg, van der"
        surname, _, after = surname.partition(", ")
        prefix = f"{after} {prefix}".strip()
    return "".join(c for c in fold(f"{prefix}{surname}").lower() if c.isalnum())


def _fallout_kind(signal: Signal) -> str:
    """Why the generator's signal did not match its resident: deliberate noise or a name variant."""
    municipality = signal.municipality
    home = household_at(municipality.cbs_code, municipality.inhabitants, signal.postcode, signal.house_number)
    persons = home.persons if home else ()
    sent = (signal.surname_prefix, signal.surname)
    for person in persons:
        own = (person.voorvoegsel, person.geslachtsnaam)
        if sent == own or (sent[0].lower(), sent[1].lower()) == (own[0].lower(), own[1].lower()):
            return "naam zoals in de BRP (zie de BRP-toelichting: voornamen, geboortedatum of meerdere kandidaten)"
        if _folded(*sent) == _folded(*own):
            if fold(sent[1]) != sent[1] or fold(own[1]) != own[1]:
                return "naamvariant: diakrieten weggelaten of voorvoegsel/partikel anders geschreven"
            return "naamvariant: voorvoegsel los, in of achter de geslachtsnaam, of partikel (El, Ben) los"
        if signal.first_names and signal.first_names.split()[0] == person.geslachtsnaam:
            return "voornaam en geslachtsnaam omgedraaid (opzettelijke ruis)"
    return "geen bewoner van het adres met die naam (opzettelijke ruis: klant buiten de bevolking)"


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"
