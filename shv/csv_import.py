"""Reading the SHV register's CSV export (``manage.py import_shv``).

Columns (header row required, names case-insensitive, in any order, ``;`` or ``,`` between them):

- ``bsn``: 9 digits (8 digits get the leading zero spreadsheets drop, as ``stdnum`` does);
- ``product``: the product as the SHV system names it (schuldregeling, budgetbeheer, nazorg, …);
- ``startdatum``: start of the product, ``2026-01-31`` or ``31-1-2026``;
- ``einddatum_beschikking``: date of the end decision; empty while the product runs.

Other columns are ignored and not stored (data minimisation). Row numbers are those of a
spreadsheet: the header is row 1. All messages are Dutch; a file with any error is refused as a
whole (see :func:`shv.services.shv_register_import`).

BSNs: a register row must pass the elfproef (``stdnum.nl.bsn``), because a mistyped number that
happens to be another resident's would route that resident away from the offer. Test and demo
environments whose persons have numbers failing the elfproef (the official BRP mock has one,
999999245) set ``SHV_ACCEPT_TEST_BSNS=true``; then any 9 digits are accepted.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

from django.conf import settings
from stdnum.nl import bsn as stdnum_bsn

from vroegsignalering.common.errors import CsvFileError

from .models import normalise_product

COLUMNS: tuple[str, ...] = ("bsn", "product", "startdatum", "einddatum_beschikking")
PRODUCT_MAX_LENGTH = 100
MAX_LISTED_ERRORS = 50

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DUTCH_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


class ShvImportError(CsvFileError):
    """The file cannot be imported; nothing was changed. ``messages`` are Dutch, one per problem."""


@dataclass(frozen=True, slots=True)
class ShvRow:
    row_number: int
    bsn: str
    product: str
    start_date: dt.date
    end_decision_date: dt.date | None

    @property
    def key(self) -> tuple[str, str, dt.date]:
        return (self.bsn, self.product, self.start_date)


@dataclass(frozen=True, slots=True)
class ShvFile:
    rows: tuple[ShvRow, ...]  # without duplicate rows
    duplicates: int  # identical rows left out
    ignored_columns: tuple[str, ...]


def clean_bsn(value: str) -> str:
    """A BSN from the register, compacted; raises ``ValueError`` with a Dutch reason."""
    compact = re.sub(r"[\s.\-]", "", value)
    if re.fullmatch(r"\d{8}", compact):
        compact = "0" + compact
    if not re.fullmatch(r"\d{9}", compact):
        raise ValueError("is geen BSN: een BSN bestaat uit 9 cijfers")
    if not getattr(settings, "SHV_ACCEPT_TEST_BSNS", False) and not stdnum_bsn.is_valid(compact):
        raise ValueError("voldoet niet aan de elfproef; controleer het nummer")
    return compact


def parse_date(value: str) -> dt.date:
    """``2026-01-31`` or ``31-1-2026`` (also with / or .); raises ``ValueError``."""
    if match := _ISO_DATE.match(value):
        year, month, day = match.groups()
    elif match := _DUTCH_DATE.match(value):
        day, month, year = match.groups()
    else:
        raise ValueError("unknown format")
    return dt.date(int(year), int(month), int(day))


def _decode(content: bytes) -> str:
    if content.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ShvImportError(
            "Dit is een Excel-bestand, geen CSV-bestand. Sla het op als ‘CSV UTF-8’ en probeer het opnieuw."
        )
    if b"\x00" in content:
        raise ShvImportError("Dit is geen tekstbestand. Sla het bestand op als CSV (UTF-8).")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _header(cells: list[str]) -> tuple[dict[str, int], tuple[str, ...]]:
    """Column name → position, and the ignored column names."""
    positions: dict[str, int] = {}
    ignored: list[str] = []
    errors: list[str] = []
    for position, cell in enumerate(cells):
        name = re.sub(r"[\s\-]+", "_", cell.replace("\ufeff", "").strip().lower())
        if name in COLUMNS:
            if name in positions:
                errors.append(f'De kolom "{name}" staat meer dan één keer in de kopregel.')
            positions[name] = position
        elif name:
            ignored.append(cell.strip()[:80])
    for name in COLUMNS:
        if name not in positions:
            errors.append(f'De verplichte kolom "{name}" ontbreekt in de kopregel.')
    if errors:
        errors.append("Verwachte kolommen: " + ", ".join(COLUMNS) + ".")
        raise ShvImportError(errors)
    return positions, tuple(ignored)


def _row(row_number: int, cells: list[str], positions: dict[str, int]) -> tuple[ShvRow | None, list[str]]:
    def cell(name: str) -> str:
        position = positions[name]
        return cells[position].strip() if position < len(cells) else ""

    errors: list[str] = []
    bsn = product = start = end = None
    raw_bsn = cell("bsn")
    if not raw_bsn:
        errors.append("bsn ontbreekt")
    else:
        try:
            bsn = clean_bsn(raw_bsn)
        except ValueError as exc:
            errors.append(f'bsn "{raw_bsn[:20]}" {exc}')
    raw_product = cell("product")
    if not raw_product:
        errors.append("product ontbreekt")
    elif len(product := normalise_product(raw_product)) > PRODUCT_MAX_LENGTH:
        errors.append(f"product is langer dan {PRODUCT_MAX_LENGTH} tekens")
        product = None
    for name in ("startdatum", "einddatum_beschikking"):
        raw = cell(name)
        if not raw:
            if name == "startdatum":
                errors.append("startdatum ontbreekt")
            continue
        try:
            value = parse_date(raw)
        except ValueError:
            errors.append(f'{name} "{raw[:20]}" is geen geldige datum (schrijf bijvoorbeeld 2026-01-31 of 31-1-2026)')
            continue
        if name == "startdatum":
            start = value
        else:
            end = value
    if start and end and end < start:
        errors.append("einddatum_beschikking ligt vóór de startdatum")
    if errors:
        return None, [f"Regel {row_number}: {error}." for error in errors]
    return ShvRow(row_number, bsn, product, start, end), []


def parse_shv_csv(content: bytes) -> ShvFile:
    """Read and check the whole file; raises :class:`ShvImportError` listing every problem."""
    text = _decode(content)
    if not text.strip():
        raise ShvImportError("Het bestand is leeg.")
    header_line = text.splitlines()[0]
    if ";" not in header_line and "," not in header_line:
        raise ShvImportError(
            "In de kopregel staat geen puntkomma (;) of komma (,) tussen de kolomnamen. "
            "Verwachte kolommen: " + ", ".join(COLUMNS) + "."
        )
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    row_number = 0  # the last row read completely; the header is row 1
    errors: list[str] = []
    rows: dict[tuple, ShvRow] = {}
    duplicates = 0
    try:
        positions, ignored = _header(next(reader))
        row_number = 1
        while (cells := next(reader, None)) is not None:
            row_number += 1
            if not any(cell.strip() for cell in cells):
                continue
            row, row_errors = _row(row_number, cells, positions)
            errors.extend(row_errors)
            if row is None:
                continue
            earlier = rows.get(row.key)
            if earlier is None:
                rows[row.key] = row
            elif earlier.end_decision_date == row.end_decision_date:
                duplicates += 1
            else:
                errors.append(
                    f"Regel {row_number}: dezelfde bsn, product en startdatum als regel {earlier.row_number}, "
                    "maar een andere einddatum_beschikking."
                )
    except csv.Error:
        raise ShvImportError(
            f'Regel {row_number + 1} kan niet worden gelezen. Controleer de aanhalingstekens (") in en vlak vóór '
            "die regel."
        ) from None
    if errors:
        listed = errors[:MAX_LISTED_ERRORS]
        if len(errors) > MAX_LISTED_ERRORS:
            listed.append(f"… en nog {len(errors) - MAX_LISTED_ERRORS} fouten.")
        raise ShvImportError(listed)
    if not rows:
        raise ShvImportError("Het bestand bevat geen registraties, alleen een kopregel.")
    return ShvFile(tuple(rows.values()), duplicates, ignored)
