"""Import the SHV system's export into one municipality's debt-assistance register."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Municipality
from shv.csv_import import COLUMNS
from shv.services import ShvImportError, shv_register_import


class Command(BaseCommand):
    help = (
        "Importeer het register schuldhulpverlening (CSV met de kolommen "
        + ", ".join(COLUMNS)
        + "; gescheiden door ; of ,) voor één gemeente. Een bestand met een fout wordt helemaal niet "
        "geïmporteerd (exitcode 1). Met --vervang vervangt het bestand het hele register van de gemeente, "
        "in één keer: de gebruikelijke maandelijkse export."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="het CSV-bestand")
        parser.add_argument("--gemeente", required=True, help="CBS-code van de gemeente, bv. 0363")
        parser.add_argument(
            "--vervang",
            action="store_true",
            help="vervang het hele register van de gemeente door dit bestand (anders: aanvullen en bijwerken)",
        )

    def handle(self, *args, file: str, gemeente: str, vervang: bool, **options):
        municipality = Municipality.objects.filter(cbs_code=gemeente.strip()).first()
        if municipality is None:
            raise CommandError(f"Gemeente met CBS-code '{gemeente}' bestaat niet.")
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Kan {path} niet lezen: {exc.strerror or exc}.") from None
        try:
            result = shv_register_import(
                municipality=municipality, content=content, source=path.name, replace=vervang
            )
        except ShvImportError as exc:
            raise CommandError(
                f"{path.name} is niet geïmporteerd; het register van {municipality.name} is niet gewijzigd "
                "(de kopregel is regel 1).\n- " + "\n- ".join(exc.messages)
            ) from None
        out = self.stdout
        out.write(f"{path.name} voor {municipality.name}: {result.rows} registraties.")
        if vervang:
            out.write(f"  vervangen:    {result.deleted} oude registraties verwijderd")
        out.write(f"  nieuw:        {result.created}")
        if not vervang:
            out.write(f"  bijgewerkt:   {result.updated}")
            out.write(f"  ongewijzigd:  {result.unchanged}")
        if result.duplicates:
            out.write(f"  dubbele regels overgeslagen: {result.duplicates}")
        if result.ignored_columns:
            out.write("  niet opgeslagen kolommen: " + ", ".join(result.ignored_columns))
        out.write(self.style.SUCCESS("Register schuldhulpverlening bijgewerkt."))
