"""``manage.py ddas_export --gemeente 0363 --van 2026-01-01 --tot 2026-06-30 [--uitvoer pad]``: the DDAS v1.2
message of one municipality and delivery period, to a file or standard output (docs/monitor.md)."""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Municipality
from monitor.ddas import ddas_export
from monitor.ddas_audit import record_command
from monitor.ddas_forms import DdasExportForm


class _Unbroken:
    """The command's standard output without the newline ``OutputWrapper`` adds to every write."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")


class Command(BaseCommand):
    help = ("Maak de DDAS-levering (uitwisselmodel v1.2, JSON) van één gemeente over een leveringsperiode: "
            "de signalen ontvangen en de meldingen geopend in die periode (begin- en einddatum inbegrepen).")

    def add_arguments(self, parser):
        parser.add_argument("--gemeente", required=True, help="CBS-gemeentecode, bv. 0363")
        parser.add_argument("--van", required=True, help="Begindatum, JJJJ-MM-DD")
        parser.add_argument("--tot", required=True, help="Einddatum (inbegrepen), JJJJ-MM-DD")
        parser.add_argument("--uitvoer", help="Bestand om naar te schrijven (zonder: standaarduitvoer)")

    def handle(self, *args, **options):
        code = (options["gemeente"] or "").strip()
        found = Municipality.objects.filter(cbs_code=code).first()
        if found is None:
            known = ", ".join(Municipality.objects.order_by("cbs_code").values_list("cbs_code", flat=True)) or "geen"
            raise CommandError(f"Gemeente {code!r} bestaat niet (bekend: {known}).")
        form = DdasExportForm({"gemeente": code, "van": options["van"], "tot": options["tot"]},
                              municipalities=[found])
        if not form.is_valid():
            labels = {"van": "--van", "tot": "--tot", "gemeente": "--gemeente"}
            raise CommandError(" ".join(f"{labels.get(name, name)}: {' '.join(errors)}"
                                        for name, errors in form.errors.items()))
        start, end = form.cleaned_data["van"], form.cleaned_data["tot"]
        target = options.get("uitvoer")
        if target:
            path = Path(target)
            if not path.parent.is_dir():
                raise CommandError(f"--uitvoer: de map {str(path.parent)!r} bestaat niet.")
            try:
                with path.open("w", encoding="utf-8") as out:
                    summary = ddas_export(out, municipality=found, start=start, end=end)
            except OSError as exc:
                raise CommandError(f"--uitvoer: kan {target!r} niet schrijven ({exc.strerror}).") from None
        else:
            summary = ddas_export(_Unbroken(self.stdout), municipality=found, start=start, end=end)
        record_command(summary, found)
        report = f"DDAS-levering {summary.reference}: " + ", ".join(summary.lines())
        if target:
            self.stdout.write(report)
        else:  # the message is on standard output; the counts go beside it
            self.stdout.write("")
            self.stderr.write(report)
