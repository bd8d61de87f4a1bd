"""The monitor's figures as a file: CSV (``;``-separated, UTF-8 with a byte-order mark so Excel reads it, the
numbers as on the screen) and Excel (openpyxl; exact numbers with a number format). One row per figure,
one column per month, then the whole range and the national 2024 figure with its source."""
from __future__ import annotations

import csv
import io
from fractions import Fraction

from openpyxl import Workbook
from openpyxl.styles import Font

from .figures import AANTAL, PER_1000, PROCENT, UNKNOWN, Figures
from .formatting import NO_BASE, month_code, number
from .national import SOURCE

HEADER_START = ("Onderdeel", "Cijfer", "Eenheid")
HEADER_END = ("Hele periode", "Landelijk 2024", "Bron landelijk cijfer")
FORMATS = {AANTAL: "#,##0", PROCENT: "0.0%", PER_1000: "0.00"}


def header(figures: Figures) -> list[str]:
    return [*HEADER_START, *(month_code(month) for month in figures.months), *HEADER_END]


def _source(national) -> str:
    if national is None:
        return ""
    note = f" ({national.note})" if national.note else ""
    return f"{SOURCE}, regel {national.line}: \u201c{national.quote}\u201d{note}"


def csv_bytes(figures: Figures) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header(figures))
    for section in figures.sections:
        for row in section.rows:
            unit, national = row.definition.unit, row.definition.national
            writer.writerow([section.title, row.definition.label, unit,
                             *(number(cell.value, unit) for cell in row.months), number(row.range.value, unit),
                             number(national.value, unit) if national else "", _source(national)])
    return out.getvalue().encode("utf-8-sig")


def _excel_value(value, unit: str):
    if value is None:
        return NO_BASE
    if value == UNKNOWN:
        return UNKNOWN
    return float(value) if isinstance(value, Fraction) else value


def excel_bytes(figures: Figures, *, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Cijfers"
    sheet.append(header(figures))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for section in figures.sections:
        for row in section.rows:
            unit, national = row.definition.unit, row.definition.national
            values = [_excel_value(cell.value, unit) for cell in row.months] + [_excel_value(row.range.value, unit)]
            sheet.append([section.title, row.definition.label, unit, *values,
                          float(national.value) if national else None, _source(national)])
            first = len(HEADER_START) + 1
            for cell in sheet[sheet.max_row][first - 1:first - 1 + len(values) + 1]:
                if not isinstance(cell.value, str):
                    cell.number_format = FORMATS[unit]
    sheet.freeze_panes = "D2"
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 55
    notes = book.create_sheet("Toelichting")
    for line in (title, "", "Hoe de cijfers zijn berekend: docs/monitor.md, \u201cDe cijfers\u201d.",
                 "Een aantal over de hele periode is de som van de maanden; een aandeel of een aantal per "
                 "1.000 inwoners is het gemiddelde van de maandgemiddelden (per maand het gemiddelde over de "
                 "gemeenten, dan het gemiddelde over de maanden).",
                 f"{NO_BASE}: geen gegevens (de deler is 0). {UNKNOWN}: het aantal inwoners is niet bekend.",
                 f"Landelijk 2024: {SOURCE}."):
        notes.append([line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
