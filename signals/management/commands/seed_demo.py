"""Demo data for a first look (`make run`): municipalities, users, creditors, a key and signals."""
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Role, User
from accounts.services import municipality_create_or_update
from signals.models import Creditor, CreditorAPIKey, Signal
from signals.services import api_key_issue, api_key_revoke, creditor_create

# Synthetic setting: two large cities and two small towns sharing one team.
DEMO_MUNICIPALITIES = [
    ("0518", "'s-Gravenhage", 566_221),
    ("0363", "Amsterdam", 931_298),
    ("0216", "Culemborg", 29_876),
    ("0281", "Tiel", 42_851),
]
DEMO_PASSWORD = "demo-vroeg-2026"
DEMO_USERS = [
    # username, full name, role, municipalities, creditor
    ("medewerker", "Sanne Medewerker", Role.VROEGSIGNALEERDER, ["0518"], None),
    ("teamleider", "Tom Teamleider", Role.TEAMLEIDER, ["0518"], None),
    ("rivierenland", "Rik Rivierenland", Role.VROEGSIGNALEERDER, ["0216", "0281"], None),
    ("beheerder", "Fatima Beheerder", Role.FUNCTIONEEL_BEHEERDER, ["0518", "0363", "0216", "0281"], None),
    ("verhuurder", "Vera Verhuurder", Role.VASTELASTENPARTNER, [], "Particuliere Verhuurder Demo"),
]
DEMO_KEY_NAME = "demo (make run)"


class Command(BaseCommand):
    help = "Laad demogegevens: gemeenten, gebruikers, vastelastenpartners, een API-sleutel en signalen."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Ook zonder DEBUG (nooit in productie!)")
        parser.add_argument("--scale", type=float, default=0.25, help="Volume van de demomaand (1.0 = landelijk)")
        parser.add_argument("--zonder-signalen", action="store_true", dest="no_signals")

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

        if not options["no_signals"] and not Signal.objects.exists():
            self.stdout.write("Demomaand met zes maanden voorgeschiedenis genereren …")
            call_command("generate_demo_month", history=6, scale=options["scale"], stdout=self.stdout)

        creditor = next((c for c in Creditor.objects.order_by("pk") if "zorgverzekering" in (c.kinds or [])), landlord)
        for old in CreditorAPIKey.objects.filter(creditor=creditor, name=DEMO_KEY_NAME, revoked=False):
            api_key_revoke(api_key=old)
        _, key = api_key_issue(creditor=creditor, name=DEMO_KEY_NAME)

        self.stdout.write(self.style.SUCCESS("\nDemo klaar. Open http://127.0.0.1:8000/ en log in met:"))
        for username, _name, role, codes, _creditor in DEMO_USERS:
            self.stdout.write(f"  {username:<13} / {DEMO_PASSWORD}   {Role(role).label}"
                              + (f" ({', '.join(codes)})" if codes else ""))
        self.stdout.write(f"\nDemo-API-sleutel voor {creditor} (X-Api-Key; nieuw bij elke start):\n  {key}")
        example = Signal.objects.filter(creditor=creditor).order_by("pk").values_list("signal_id", flat=True).first()
        if example:
            self.stdout.write(f"Probeer: curl -s -H 'X-Api-Key: {key}' http://127.0.0.1:8000/api/v1/signalen/{example}")
        self.stdout.write("De API-documentatie: http://127.0.0.1:8000/api/v1/openapi.json\n")
