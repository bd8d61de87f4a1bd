"""Import a CSV file of signals for one creditor, synchronously (the web upload's code path)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from signals.creditor_selectors import creditor_get_by_name_or_id
from signals.csv_format import CsvFileError
from signals.csv_services import csv_import_create, csv_import_run
from signals.models import CsvImport


class Command(BaseCommand):
    help = (
        "Importeer signalen uit een CSV-bestand voor één vastelastenpartner. Regelnummers tellen "
        "zoals in een spreadsheet: de kopregel is regel 1. Exitcode 1 als het bestand zelf ongeldig is."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="het CSV-bestand")
        parser.add_argument("--creditor", required=True, help="naam of id van de vastelastenpartner")

    def handle(self, *args, file: str, creditor: str, **options):
        creditor_obj = creditor_get_by_name_or_id(creditor)
        if creditor_obj is None:
            raise CommandError(f"Vastelastenpartner '{creditor}' bestaat niet (geef de naam of het id).")
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Kan {path} niet lezen: {exc.strerror or exc}.") from None
        try:
            csv_import = csv_import_create(
                creditor=creditor_obj, uploaded_by=None, file_name=path.name, content=content, enqueue=False
            )
        except CsvFileError as exc:
            raise CommandError(
                "Het bestand is niet geïmporteerd; er is niets opgeslagen.\n- " + "\n- ".join(exc.messages)
            ) from None
        csv_import_run(import_id=csv_import.pk)
        csv_import.refresh_from_db()
        self._report(csv_import)
        if csv_import.state == CsvImport.State.MISLUKT:
            raise CommandError(csv_import.error)

    def _report(self, csv_import: CsvImport) -> None:
        out = self.stdout
        out.write(
            f"{csv_import.file_name} voor {csv_import.creditor.name}: "
            f"{csv_import.rows_done} van {csv_import.rows_total} regels verwerkt."
        )
        out.write(f"  ontvangen:    {csv_import.count_received}")
        out.write(f"  al ontvangen: {csv_import.count_already_received}")
        out.write(f"  geweigerd:    {csv_import.count_refused}")
        refused = [result for result in csv_import.results if result["status"] == "geweigerd"]
        if refused:
            out.write("\nGeweigerde regels (de kopregel is regel 1):")
            for result in refused:
                out.write(f"  regel {result['regel']} (signaalId {result['signaalId'] or '–'}):")
                for error in result.get("fouten", []):
                    out.write(f"    - {error['naam']}: {error['reden']}")
        out.write(self.style.SUCCESS(f"\nImport {csv_import.pk} is {csv_import.get_state_display().lower()}."))

