"""``manage.py purge_personal_data [--dry-run]``: the daily purge by hand, with its report in Dutch."""
from django.core.management.base import BaseCommand

from accounts.models import Municipality
from privacy.purge import personal_data_purge
from privacy.report import report_text


class Command(BaseCommand):
    help = ("Vernietigt de persoonsgegevens waarvan de bewaartermijn verstreken is (zoals de dagelijkse taak) "
            "en toont het verslag. Met --dry-run wordt alleen geteld.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", dest="dry_run",
                            help="Alleen tellen wat vernietigd zou worden; er verandert niets.")

    def handle(self, *args, dry_run: bool = False, **options):
        report = personal_data_purge(dry_run=dry_run)
        names = dict(Municipality.objects.values_list("cbs_code", "name"))
        self.stdout.write(report_text(report.as_json(), report.never_ended, names, day=report.day, dry_run=dry_run),
                          ending="")
