"""The call list as a file for an external call centre: CSV (``;``-separated, UTF-8 with a byte-order mark so
Excel reads it) and Excel (openpyxl, as ``monitor/exports.py``). One row per open phone task: the case's
kenmerk, the resident's name, the usable phone numbers, the preferred part of the day and the due date.
Never a creditor or an amount. The results come back in the columns of ``RESULT_HEADER``."""
from __future__ import annotations

import csv
import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font

from contacts.models import Dagdeel

from .selectors import CallListRow

HEADER = ("kenmerk", "naam", "telefoonnummers", "voorkeur dagdeel", "uiterlijk op")
RESULT_HEADER = ("kenmerk", "tijdstip", "bereikt", "notitie")
_UNSAFE_START = re.compile(r"^[=+\-@\t\r]")  # spreadsheet formulas (CSV injection)


def _safe(text: str) -> str:
    return f"'{text}" if _UNSAFE_START.match(text or "") else text


def _cells(row: CallListRow) -> list[str]:
    dagdeel = Dagdeel(row.dagdeel).label.lower() if row.dagdeel in Dagdeel.values else ""
    return [row.kenmerk, _safe(row.name), " ".join(row.phones), dagdeel, row.due_date.isoformat()]


def csv_bytes(rows: list[CallListRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(_cells(row) for row in rows)
    return out.getvalue().encode("utf-8-sig")


def excel_bytes(rows: list[CallListRow], *, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Bellijst"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(_cells(row))
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDE", (14, 35, 30, 16, 12), strict=True):
        sheet.column_dimensions[column].width = width
    notes = book.create_sheet("Toelichting")
    for line in (title, "",
                 "Lever de resultaten aan met de kolommen: " + ", ".join(RESULT_HEADER) + ".",
                 "tijdstip: wanneer is gebeld, bijvoorbeeld 2026-06-02 14:30 (Nederlandse tijd).",
                 "bereikt: ja, nee of onbekend. notitie: kort, zonder bedragen of schuldeisers."):
        notes.append([line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
