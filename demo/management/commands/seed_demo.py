"""Demo data for a first look (`make run`): municipalities, users, creditors, a key and signals."""
import datetime as dt

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import municipality_create_or_update
from cases import deadlines
from cases.models import Case, CaseStatus
from cases.presets import routing_preset_install
from cases.services import case_close, cases_assign_bulk, cases_close_expired, period_close
from contacts.services import contact_attempt_register, visit_plan
from demo.outreach import gateway_listening, outreach_replay, outreach_seed
from signals.models import Creditor, CreditorAPIKey, Signal, SignalEvent
from signals.services import api_key_issue, api_key_revoke, creditor_create
from vroegsignalering.common.vocab import ContactKind, Dagdeel, Outcome, Reached

# Synthetic setting: two large cities and two small towns sharing one team.
DEMO_MUNICIPALITIES = [
    ("0518", "'s-Gravenhage", 566_221),
    ("0363", "Amsterdam", 931_298),
    ("0216", "Culemborg", 29_876),
    ("0281", "Tiel", 42_851),
]
# Routing presets (shared/examples/routing-presets.md) per demo municipality, in the order above.
DEMO_PRESETS = ["gemeente4", "gemeente3", "gemeente6", "gemeente6"]
DEMO_PASSWORD = "demo-vroeg-2026"
DEMO_USERS = [
    # username, full name, role, municipalities, creditor
    ("medewerker", "Sanne Medewerker", Role.VROEGSIGNALEERDER, ["0518"], None),
    ("teamleider", "Tom Teamleider", Role.TEAMLEIDER, ["0518"], None),
    ("rivierenland", "Rik Rivierenland", Role.VROEGSIGNALEERDER, ["0216", "0281"], None),
    ("beheerder", "Fatima Beheerder", Role.FUNCTIONEEL_BEHEERDER, ["0518", "0363", "0216", "0281"], None),
    ("verhuurder", "Vera Verhuurder", Role.VASTELASTENPARTNER, [], "Particuliere Verhuurder Demo"),
    # municipalities, creditors, their keys and webhooks, functional administrators (no case data)
    ("installatie", "Ilse Installatie", Role.INSTALLATIEBEHEERDER, [], None),
    # the call centre (issue 13): is there an open case at this address, and whom to reach
    ("kcc", "Karim Klantcontact", Role.KCC, ["0518"], None),
]
DEMO_KEY_NAME = "demo (make run)"


class Command(BaseCommand):
    help = "Laad demogegevens: gemeenten, gebruikers, vastelastenpartners, een API-sleutel en signalen."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Ook zonder DEBUG (nooit in productie!)")
        parser.add_argument("--scale", type=float, default=0.1, help="Volume van de demomaand (1.0 = landelijk)")
        parser.add_argument("--zonder-signalen", action="store_true", dest="no_signals")
        parser.add_argument("--stil", action="store_true", dest="quiet", help="Geen inloggegevens tonen")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_demo maakt gebruikers met bekende wachtwoorden: alleen met DEBUG=1 of --force.")
        with transaction.atomic():
            municipalities = {
                code: municipality_create_or_update(cbs_code=code, name=name, inhabitants=inhabitants)[0]
                for code, name, inhabitants in DEMO_MUNICIPALITIES
            }
            landlord = Creditor.objects.filter(name="Particuliere Verhuurder Demo").first() or creditor_create(
                name="Particuliere Verhuurder Demo", kinds=["huur"], contact_name="Vera Verhuurder",
                contact_email="verhuur@example.nl",
            )
            for username, full_name, role, codes, creditor_name in DEMO_USERS:
                first, _, last = full_name.partition(" ")
                user, _ = User.objects.get_or_create(username=username)
                user.first_name, user.last_name, user.role = first, last, role
                user.creditor = landlord if creditor_name else None
                user.is_staff = role == Role.FUNCTIONEEL_BEHEERDER
                user.set_password(DEMO_PASSWORD)
                user.save()
                user.municipalities.set([municipalities[c] for c in codes])

        if options["quiet"]:
            return
        if not options["no_signals"] and not Signal.objects.exists():
            self.stdout.write("Demomaand met zes maanden voorgeschiedenis genereren en controleren (BRP, SHV) …")
            call_command("generate_demo_month", history=6, scale=options["scale"], stdout=self.stdout)
            self._close_periods(municipalities.values())

        creditor = next((c for c in Creditor.objects.order_by("pk") if "zorgverzekering" in (c.kinds or [])), landlord)
        for old in CreditorAPIKey.objects.filter(creditor=creditor, name=DEMO_KEY_NAME, revoked=False):
            api_key_revoke(api_key=old)
        _, key = api_key_issue(creditor=creditor, name=DEMO_KEY_NAME)

        pending = Signal.objects.filter(status__in=["ontvangen", "wacht_op_brp"])
        # Held by the repeat rule until an earlier signal of the same arrear (in fallout) is decided.
        held = sum(1 for signal in pending.prefetch_related("history")
                   if max(signal.history.all(), key=lambda row: (row.at, row.pk)).event == SignalEvent.HELD)
        if held:
            self.stdout.write(f"{held} signalen wachten op het besluit over een eerder signaal van dezelfde "
                              "achterstand (in de uitvalbak): pas daarna is bekend of het een herhaalde melding is.")
        if len(pending) - held:
            self.stdout.write(self.style.WARNING(
                f"{len(pending) - held} signalen wachten nog op de controle (draait de nep-BRP?); "
                "`manage.py run_job checks-sweep` probeert het opnieuw."))
        self.stdout.write(self.style.SUCCESS("\nDemo klaar. Open http://127.0.0.1:8000/ en log in met:"))
        for username, _name, role, codes, _creditor in DEMO_USERS:
            self.stdout.write(f"  {username:<13} / {DEMO_PASSWORD}   {Role(role).label}"
                              + (f" ({', '.join(codes)})" if codes else ""))
        if not settings.TWO_FACTOR_REQUIRED:
            self.stdout.write("Tweestapsverificatie staat uit voor de demo (TWO_FACTOR_REQUIRED=0).")
        else:
            self.stdout.write("Bij het eerste inloggen stelt u tweestapsverificatie in met een authenticator-app.")
        self.stdout.write(f"\nDemo-API-sleutel voor {creditor} (X-Api-Key; nieuw bij elke start):\n  {key}")
        example = Signal.objects.filter(creditor=creditor).order_by("pk").values_list("signal_id", flat=True).first()
        if example:
            self.stdout.write(f"Probeer: curl -s -H 'X-Api-Key: {key}' http://127.0.0.1:8000/api/v1/signalen/{example}")
        self.stdout.write("De API-documentatie: http://127.0.0.1:8000/api/v1/openapi.json\n")

    def _close_periods(self, municipalities) -> None:
        """Match and route the ended months, oldest first, as the monthly job would have done."""
        today = timezone.localdate()
        last_close = None
        for municipality, preset in zip(municipalities, DEMO_PRESETS, strict=False):
            routing_preset_install(municipality=municipality, preset=preset)
            outreach_seed(municipality)
            period = deadlines.last_ended_period(today, municipality.period_closing_day)
            periods = [period]
            for _ in range(6):
                periods.append(deadlines.previous_period(periods[-1], municipality.period_closing_day))
            for each in reversed(periods):
                # As if the monthly job ran the morning after the period ended.
                moment = deadlines.start_of_day(each.end + dt.timedelta(days=1)) + dt.timedelta(hours=6)
                result = period_close(municipality=municipality, period=each, today=each.end + dt.timedelta(days=1),
                                      now=moment)
                last_close = moment if last_close is None else max(last_close, moment)
                self.stdout.write(f"{municipality.name} {each.label}: {result.counts.get('cases_opened', 0)} meldingen")
            if municipality.cbs_code == "0518":
                self._work_done_earlier(municipality)
        closed = cases_close_expired()
        self.stdout.write(f"{closed['closed']} meldingen van eerdere maanden na 28 dagen automatisch gesloten.")
        if last_close is not None:
            self._outreach(last_close)
        self._work_for_this_week(municipality=next(m for m in municipalities if m.cbs_code == "0518"))

    def _outreach(self, since) -> None:
        """The outreach plans of The Hague and Culemborg run over the days since the last period close."""
        if not gateway_listening():
            self.stdout.write(self.style.WARNING(
                "De nep-Notify draait niet: de benaderingsplannen starten pas met de klok van de demo "
                "(`manage.py run_demo_clock`, door `make run` gestart)."))
            return
        self.stdout.write("Benaderingsplannen uitvoeren sinds de laatste periodeafsluiting (sms en e-mail via de "
                          "nep-Notify, brieven in een printbatch) …")
        counts = outreach_replay(since - dt.timedelta(hours=1))
        self.stdout.write(f"{counts.get('started', 0)} benaderingen gestart, {counts.get('claimed', 0)} stappen "
                          f"uitgevoerd, {counts.get('letters_posted', 0)} brieven afgegeven aan de postkamer.")

    def _work_done_earlier(self, municipality) -> None:
        """In The Hague, some cases of earlier months were worked as a team would: a reached call and
        help accepted, so their creditors got 'hulp_geaccepteerd' and their follow-ups are due now."""
        worker = User.objects.get(username="medewerker")
        today = timezone.localdate()
        earlier = (Case.objects.filter(municipality=municipality, status=CaseStatus.OPEN,
                                       opened_at__date__lt=today - dt.timedelta(days=35),
                                       opened_at__date__gte=today - dt.timedelta(days=70))
                   .order_by("pk")[:4])
        outcomes = [Outcome.QUICK_FIX, Outcome.VERVOLGHULP_FINANCIEEL, Outcome.QUICK_FIX, Outcome.ZELF_BETAALD]
        for case, outcome in zip(earlier, outcomes, strict=False):
            called = case.opened_at + dt.timedelta(days=2, hours=4)
            contact_attempt_register(case=case, kind=ContactKind.TELEFOON, at=called, reached=Reached.JA,
                                     by=worker, note="Demo: inwoner gebeld", now=called)
            agreed = "" if outcome == Outcome.ZELF_BETAALD else "Demo: betalingsregeling afgesproken"
            case_close(case=case, outcome=outcome, by=worker, first_reaction="positief", help_description=agreed,
                       now=called + dt.timedelta(hours=1))

    def _work_for_this_week(self, *, municipality) -> None:
        """Open cases assigned to the demo worker and two home visits planned for this week."""
        worker = User.objects.get(username="medewerker")
        lead = User.objects.get(username="teamleider")
        now = timezone.now()
        open_cases = list(Case.objects.filter(municipality=municipality, status=CaseStatus.OPEN,
                                              deadline_at__gt=now + dt.timedelta(days=3), assigned_to__isnull=True)
                          .order_by("-urgency", "priority", "deadline_at", "pk")[:25])
        if not open_cases:
            return
        cases_assign_bulk(cases=open_cases, worker=worker, by=lead, now=now)
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        for case, dagdeel in zip(open_cases[:2], [Dagdeel.OCHTEND, Dagdeel.MIDDAG], strict=False):
            visit_plan(case=case, worker=worker, date=tomorrow, dagdeel=dagdeel, by=lead, now=now,
                       note="Demo: aanbellen, kaartje achterlaten als niemand opendoet")
        self.stdout.write(f"{len(open_cases)} meldingen toegewezen aan 'medewerker', 2 huisbezoeken gepland.")
