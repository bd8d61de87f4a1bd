from django.core.management.base import BaseCommand, CommandError

from accounts.models import User, UserAPIKey
from accounts.services import user_token_revoke


class Command(BaseCommand):
    help = ("Trek tokens voor de gemeentelijke API in: één op zijn prefix (het deel vóór de punt) of het hele "
            "token, of met --gebruiker alle tokens van een gebruiker.")

    def add_arguments(self, parser):
        parser.add_argument("token_or_prefix", nargs="?", default="")
        parser.add_argument("--gebruiker", default="", help="Alle tokens van deze gebruikersnaam intrekken")

    def handle(self, *args, **options):
        if bool(options["token_or_prefix"]) == bool(options["gebruiker"]):
            raise CommandError("Geef een token (of zijn prefix) of --gebruiker, niet allebei.")
        if options["gebruiker"]:
            if not User.objects.filter(username=options["gebruiker"]).exists():
                raise CommandError(f"Onbekende gebruiker: {options['gebruiker']!r}.")
            keys = list(UserAPIKey.objects.filter(user__username=options["gebruiker"], revoked=False))
            revoked = sum(user_token_revoke(api_key=key) for key in keys)
            self.stdout.write(self.style.SUCCESS(f"{revoked} token(s) van {options['gebruiker']} ingetrokken."))
            return
        prefix = options["token_or_prefix"].partition(".")[0]
        api_key = UserAPIKey.objects.filter(prefix=prefix).select_related("user").first()
        if api_key is None:
            raise CommandError(f"Geen token met prefix {prefix!r}.")
        if not user_token_revoke(api_key=api_key):
            self.stdout.write(f"Token {prefix} van {api_key.user.username} was al ingetrokken.")
            return
        self.stdout.write(self.style.SUCCESS(f"Token {prefix} van {api_key.user.username} is ingetrokken."))
