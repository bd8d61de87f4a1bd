import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import user_token_issue
from vroegsignalering.common.dates import start_of_day


class Command(BaseCommand):
    help = ("Geef een gebruiker (vroegsignaleerder, teamleider of serviceaccount) een token voor de gemeentelijke "
            "API; het token wordt één keer getoond.")

    def add_arguments(self, parser):
        parser.add_argument("username", help="Gebruikersnaam")
        parser.add_argument("--naam", default="", help="Omschrijving van het token, bv. 'klantcontactcentrum 2027'")
        parser.add_argument("--geldig-tot", dest="until", default="",
                            help="Laatste dag waarop het token werkt (JJJJ-MM-DD); zonder: tot het wordt ingetrokken")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Onbekende gebruiker: {options['username']!r}.")
        expiry = None
        if options["until"]:
            try:
                last_day = dt.date.fromisoformat(options["until"])
            except ValueError:
                raise CommandError("Geef --geldig-tot als JJJJ-MM-DD, bv. 2027-12-31.") from None
            expiry = start_of_day(last_day + dt.timedelta(days=1))
        try:
            api_key, key = user_token_issue(user=user, name=options["naam"] or "token", expiry_date=expiry)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Token {api_key.prefix} uitgegeven aan {user.username}."))
        self.stdout.write("Gebruik: Authorization: Token <token>")
        self.stdout.write(f"Token (wordt maar één keer getoond; bewaar het veilig): {key}")
