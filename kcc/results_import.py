"""The external call centre's results (CSV or Excel: kenmerk, tijdstip, bereikt, notitie) as phone attempts.

Each row is checked and registered on its own (``kcc.services.call_result_register``), with a Dutch message
per row, as the signals' CSV import does (docs/csv-formaat.md): a bad row never stops the others. Importing
the same file again registers nothing twice (one attempt per case and moment). Only cases of the importing
team lead's municipalities are found; another municipality's kenmerk is "onbekend".
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from django.utils import timezone
from openpyxl import load_workbook

from cases.exceptions import CaseActionError
from cases.models import contact_reference_valid
from contacts.models import Reached
from vroegsignalering.common.dates import TZ
from vroegsignalering.common.errors import CsvFileError

from .call_list import RESULT_HEADER
from .selectors import case_for_kenmerk
from .services import call_result_register

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
NOTE_MAX = 2000
_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d-%m-%Y %H:%M",
            "%d-%m-%Y %H:%M:%S", "%d/%m/%Y %H:%M")
_REACHED = {"ja": Reached.JA, "nee": Reached.NEE, "onbekend": Reached.ONBEKEND, "": Reached.ONBEKEND}


@dataclass(frozen=True)
class RowResult:
    regel: int
    kenmerk: str
    status: str  # "geregistreerd", "al verwerkt", "fout"
    melding: str
    case_id: int | None = None


def _rows_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = max((";", ",", "\t"), key=first.count)
    try:
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)]
    except csv.Error as exc:
        raise CsvFileError(f"Het bestand is geen geldig CSV-bestand: {exc}.") from None


def _cell(value) -> str | dt.datetime:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value
    return str(value)


def _rows_excel(content: bytes) -> list[list]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise CsvFileError("Het bestand is geen geldig Excel-bestand (.xlsx).") from None
    sheet = book.worksheets[0]
    rows = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)]
    book.close()
    return rows


def read_rows(content: bytes, file_name: str) -> list[tuple[int, dict]]:
    """The file's rows after the header, each with its line number, checked as a whole (Dutch refusals)."""
    if len(content) > MAX_BYTES:
        raise CsvFileError("Het bestand is groter dan 5 MB.")
    rows = _rows_excel(content) if content[:2] == b"PK" or file_name.lower().endswith(".xlsx") else _rows_csv(content)
    numbered = [(number, row) for number, row in enumerate(rows, start=1) if any(str(cell).strip() for cell in row)]
    if not numbered:
        raise CsvFileError("Het bestand is leeg.")
    rows = [row for _number, row in numbered]
    header = [str(cell).strip().lower() for cell in rows[0]]
    missing = [name for name in RESULT_HEADER[:3] if name not in header]
    if missing:
        raise CsvFileError(f"De kopregel mist de kolom(men) {', '.join(missing)}; verwacht: "
                           f"{', '.join(RESULT_HEADER)}.")
    if len(rows) - 1 > MAX_ROWS:
        raise CsvFileError(f"Het bestand heeft meer dan {MAX_ROWS} regels; splits het op.")
    index = {name: header.index(name) for name in RESULT_HEADER if name in header}
    return [(number, {name: (row[i] if i < len(row) else "") for name, i in index.items()})
            for number, row in numbered[1:]]


EARLIEST, LATEST = 2000, 2100


def _moment(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = " ".join(str(value).split())
        moment = None
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            for pattern in _FORMATS:
                try:
                    moment = dt.datetime.strptime(text, pattern).replace(tzinfo=TZ)
                    break
                except ValueError:
                    continue
        if moment is None:
            raise ValueError("Onbekend tijdstip; gebruik bijvoorbeeld 2026-06-02 14:30.")
    moment = moment if moment.tzinfo else moment.replace(tzinfo=TZ)
    if not EARLIEST <= moment.year <= LATEST:  # 0001-01-01 would overflow in UTC and in the database
        raise ValueError(f"Tijdstip buiten de jaren {EARLIEST}–{LATEST}; gebruik bijvoorbeeld 2026-06-02 14:30.")
    return moment


def _row(user, number: int, row: dict, now: dt.datetime) -> RowResult:
    kenmerk = " ".join(str(row.get("kenmerk", "")).split()).upper()
    errors = []
    if not kenmerk:
        errors.append("Het kenmerk ontbreekt.")
    elif not contact_reference_valid(kenmerk):
        errors.append(f"'{kenmerk[:20]}' is geen geldig kenmerk (zoals VS-7K3M2QX).")
    try:
        at = _moment(row.get("tijdstip", ""))
    except (ValueError, OverflowError) as exc:
        errors.append(str(exc))
        at = None
    reached = _REACHED.get(str(row.get("bereikt", "")).strip().lower())
    if reached is None:
        errors.append("Bereikt is 'ja', 'nee' of 'onbekend'.")
    note = str(row.get("notitie", "") or "").strip()
    if len(note) > NOTE_MAX:
        errors.append(f"De notitie is langer dan {NOTE_MAX} tekens.")
    if errors:
        return RowResult(number, kenmerk[:20], "fout", " ".join(errors))
    case = case_for_kenmerk(user, kenmerk)
    if case is None:
        return RowResult(number, kenmerk, "fout", "Onbekend kenmerk: geen melding van uw gemeente.")
    try:
        _attempt, created = call_result_register(case=case, at=at, reached=reached, note=note, by=user, now=now)
    except CaseActionError as exc:
        return RowResult(number, kenmerk, "fout", " ".join(exc.messages), case.pk)
    if not created:
        return RowResult(number, kenmerk, "al verwerkt", "Dit resultaat was al geregistreerd.", case.pk)
    return RowResult(number, kenmerk, "geregistreerd", "Geregistreerd als telefonische contactpoging.", case.pk)


def call_results_import(user, content: bytes, file_name: str, *, now: dt.datetime | None = None) -> list[RowResult]:
    """Register every row (regel = the line in the file, the header being line 1)."""
    now = now or timezone.now()
    return [_row(user, number, row, now) for number, row in read_rows(content, file_name)]
