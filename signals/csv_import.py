"""CSV import of signals, for small creditors such as private landlords.

A CSV file holds one contract `<Signaal>` per row, with the contract's field names as column
names (dotted for nested fields: ``adres.postcode``). This module only reads the file and turns
each row into the contract's nested dict; judging and storing is done by
:func:`signals.services.delivery_create`, the same code path as the REST API, in chunks of 1,000
rows (one delivery per chunk, source ``csv``).

Row numbers are those of a spreadsheet: the header is row 1 and the first signal is row 2, so a
landlord can find a refused row in Excel or LibreOffice by its number.

Layout: reading the file, the services (create, run), the selectors (role and creditor scoping).
"""
import codecs
import csv
import dataclasses
import datetime as dt
import difflib
import io
import logging
import math
import re
import time
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from accounts import permissions

from .models import Creditor, CsvImport, Source
from .schemas import MAX_SIGNALS_PER_DELIVERY, FieldError, Unusable, has_unstorable_text
from .services import AL_ONTVANGEN, GEWEIGERD, ONTVANGEN, delivery_create

logger = logging.getLogger(__name__)

CHUNK_SIZE = MAX_SIGNALS_PER_DELIVERY
FIRST_DATA_ROW = 2  # the header is row 1, as in a spreadsheet

COLUMNS: tuple[str, ...] = (
    "signaalId",
    "gemeentecode",
    "soortVasteLast",
    "soortSignaal",
    "warmeOverdracht",
    "klant.geslachtsnaam",
    "klant.voorvoegsel",
    "klant.voornamen",
    "klant.voorletters",
    "klant.bedrijfsnaam",
    "klant.geboortedatum",
    "klant.telefoonnummers",
    "klant.emailadres",
    "adres.postcode",
    "adres.huisnummer",
    "adres.huisletter",
    "adres.huisnummertoevoeging",
    "adres.straatnaam",
    "adres.woonplaats",
    "achterstand.bedrag",
    "achterstand.vervaldatumOudsteFactuur",
    "achterstand.aantalTermijnen",
    "achterstand.termijnbedrag",
    "contractnummer",
    "datumEindeLevering",
    "datumAfsluiting",
    "datumOntruiming",
    "signaaldatum",
)
REQUIRED_COLUMNS: tuple[str, ...] = (
    "signaalId",
    "gemeentecode",
    "soortVasteLast",
    "adres.postcode",
    "adres.huisnummer",
    "achterstand.bedrag",
    "achterstand.vervaldatumOudsteFactuur",
)
# At least one of these (a contract in a trade name has no surname).
NAME_COLUMNS: tuple[str, ...] = ("klant.geslachtsnaam", "klant.bedrijfsnaam")
DATE_COLUMNS = frozenset({
    "klant.geboortedatum",
    "achterstand.vervaldatumOudsteFactuur",
    "datumEindeLevering",
    "datumAfsluiting",
    "datumOntruiming",
    "signaaldatum",
})
AMOUNT_COLUMNS = frozenset({"achterstand.bedrag", "achterstand.termijnbedrag"})
PHONE_SEPARATOR = "|"
NESTED_GROUPS = ("klant", "adres", "achterstand")

# For people: (column, required, what goes in it). Shown on the upload page; see docs/csv-formaat.md.
COLUMN_HELP: tuple[tuple[str, str, str], ...] = (
    ("signaalId", "ja",
     "Uw eigen unieke nummer voor dit signaal (1 tot 64 tekens). Een correctie krijgt een nieuw nummer."),
    ("gemeentecode", "ja", "CBS-code van de gemeente, 4 cijfers, bv. 0363 voor Amsterdam."),
    ("soortVasteLast", "ja", "huur, hypotheek, zorgverzekering, drinkwater, elektriciteit, gas, warmte, duo, "
                            "belastingdienst, toeslagen, cak_eigen_bijdrage of overig."),
    ("soortSignaal", "nee", "vroegsignaal (standaard, als de cel leeg is), eindelevering, afsluiting of ontruiming. "
                            "Een andere waarde weigert de rij."),
    ("warmeOverdracht", "nee", "ja of nee: u heeft al contact met de huurder en vraagt de gemeente het op te pakken."),
    ("klant.geslachtsnaam", "ja, tenzij bedrijfsnaam", "Achternaam zonder voorvoegsel, bv. Berg."),
    ("klant.voorvoegsel", "nee", "Bv. van den."),
    ("klant.voornamen", "nee", "Voornamen."),
    ("klant.voorletters", "nee", "Bv. K.J."),
    ("klant.bedrijfsnaam", "nee", "Als het contract op een handelsnaam staat."),
    ("klant.geboortedatum", "nee", "Datum, bv. 1979-03-14 of 14-3-1979."),
    ("klant.telefoonnummers", "nee", "Eén of meer nummers, gescheiden door | (verticale streep), hoogstens 5."),
    ("klant.emailadres", "nee", "E-mailadres."),
    ("adres.postcode", "ja", "Bv. 1011 AB."),
    ("adres.huisnummer", "ja", "Alleen het getal, bv. 12."),
    ("adres.huisletter", "nee", "Eén letter, bv. A."),
    ("adres.huisnummertoevoeging", "nee", "Hoogstens 4 letters of cijfers, bv. 2 of bis."),
    ("adres.straatnaam", "nee", "Straatnaam."),
    ("adres.woonplaats", "nee", "Woonplaats."),
    ("achterstand.bedrag", "ja", "Totale achterstand in euro's, groter dan 0, bv. 1250,00 of 1250.00."),
    ("achterstand.vervaldatumOudsteFactuur", "ja", "Vervaldatum van de oudste onbetaalde factuur of huurtermijn."),
    ("achterstand.aantalTermijnen", "nee", "Aantal onbetaalde termijnen, bv. 2."),
    ("achterstand.termijnbedrag", "nee", "Bedrag per termijn in euro's, bv. 625,00."),
    ("contractnummer", "nee", "Uw contract- of huurnummer (hoogstens 64 tekens)."),
    ("datumEindeLevering", "bij eindelevering", "Geplande datum einde levering."),
    ("datumAfsluiting", "bij afsluiting", "Geplande datum afsluiting."),
    ("datumOntruiming", "bij ontruiming", "Geplande datum ontruiming."),
    ("signaaldatum", "nee", "Datum van het signaal; leeg = de dag van ontvangst."),
)
assert tuple(name for name, _, _ in COLUMN_HELP) == COLUMNS

# A synthetic example (also offered as a download and shown in docs/csv-formaat.md).
EXAMPLE_ROWS: tuple[dict[str, str], ...] = (
    {
        "signaalId": "HUUR-2026-0001",
        "gemeentecode": "0363",
        "soortVasteLast": "huur",
        "soortSignaal": "vroegsignaal",
        "warmeOverdracht": "nee",
        "klant.geslachtsnaam": "Jansen",
        "klant.voornamen": "Petra",
        "klant.voorletters": "P.",
        "klant.geboortedatum": "1979-03-14",
        "klant.telefoonnummers": "06 12345678|020 1234567",
        "klant.emailadres": "p.jansen@example.nl",
        "adres.postcode": "1011 AB",
        "adres.huisnummer": "12",
        "adres.huisletter": "A",
        "adres.straatnaam": "Voorbeeldstraat",
        "adres.woonplaats": "Amsterdam",
        "achterstand.bedrag": "1250,00",
        "achterstand.vervaldatumOudsteFactuur": "2026-08-01",
        "achterstand.aantalTermijnen": "2",
        "achterstand.termijnbedrag": "625,00",
        "contractnummer": "HC-118",
    },
    {
        "signaalId": "HUUR-2026-0002",
        "gemeentecode": "0363",
        "soortVasteLast": "huur",
        "soortSignaal": "ontruiming",
        "warmeOverdracht": "ja",
        "klant.geslachtsnaam": "Berg",
        "klant.voorvoegsel": "van den",
        "klant.voorletters": "K.",
        "adres.postcode": "1011 AC",
        "adres.huisnummer": "7",
        "adres.huisnummertoevoeging": "2",
        "adres.straatnaam": "Proeflaan",
        "adres.woonplaats": "Amsterdam",
        "achterstand.bedrag": "2890,50",
        "achterstand.vervaldatumOudsteFactuur": "2026-05-01",
        "contractnummer": "HC-204",
        "datumOntruiming": "2026-12-15",
    },
)


# --- Reading the file ------------------------------------------------------------------------


class CsvFileError(Exception):
    """The file as a whole cannot be imported; nothing is stored. Messages are Dutch."""

    def __init__(self, messages: str | list[str]):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__(" ".join(self.messages))


@dataclass(frozen=True, slots=True)
class CsvLayout:
    codec: str  # Python codec name
    errors: str  # decoding error handler: "strict", or "surrogatepass" (lone surrogates reach the validator)
    encoding: str  # for people: "UTF-8", "Windows-1252", …
    delimiter: str
    columns: tuple[str, ...]  # contract names, in file order
    rows_total: int  # non-empty data rows
    preamble: int = 0  # records before the header: Excel's "sep=;" line and blank lines
    header_row: int = 1  # the header's row number (blank lines above it count, the "sep=" line does not)


def format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1024))} kB"


# Files that are not text, by their first bytes: (signature, what it is in words).
_NOT_CSV: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "een PDF-bestand"),
    (b"\x89PNG\r\n\x1a\n", "een afbeelding (PNG)"),
    (b"\xff\xd8\xff", "een afbeelding (JPEG)"),
    (b"GIF87a", "een afbeelding (GIF)"),
    (b"GIF89a", "een afbeelding (GIF)"),
    (b"II*\x00", "een afbeelding (TIFF)"),
    (b"MM\x00*", "een afbeelding (TIFF)"),
    (b"\x1f\x8b", "een ingepakt bestand (gzip)"),
    (b"7z\xbc\xaf\x27\x1c", "een ingepakt bestand (7-Zip)"),
    (b"Rar!\x1a\x07", "een ingepakt bestand (RAR)"),
    (b"{\\rtf", "een Word-/RTF-document"),
)
_SPREADSHEET = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx/.ods/.docx/.zip; old .xls/.doc
_SAVE_AS_CSV = (
    "Kies in Excel ‘Opslaan als’ → ‘CSV UTF-8 (met scheidingstekens)’ "
    "(of ‘CSV (gescheiden door lijstscheidingsteken)’)."
)
NOT_TEXT_MESSAGE = "Dit is geen CSV-bestand (geen tekst). " + _SAVE_AS_CSV


def _kind_of_binary(content: bytes) -> str | None:
    """A Dutch description of a known non-text file format, or None."""
    if content.startswith(_SPREADSHEET):
        return "spreadsheet"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "een afbeelding (WebP)"
    if content[4:8] == b"ftyp":
        return "een foto of video (HEIC/MP4)"
    for signature, kind in _NOT_CSV:
        if content.startswith(signature):
            return kind
    return None


def _is_control(char: str) -> bool:
    """Characters that do not belong in a text cell: C0/C1 controls (not tab or line ends), lone surrogates."""
    code = ord(char)
    return (code < 0x20 and char not in "\t\r\n") or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF


def _printable(text: str, limit: int = 80) -> str:
    """``text`` safe to show and to store: controls and lone surrogates become U+FFFD, at most ``limit`` chars."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "".join("\ufffd" if _is_control(char) else char for char in text)


def _looks_binary(sample: str) -> bool:
    """More than 5 % control characters: not a text file (a CSV has at most a stray one in a cell)."""
    return bool(sample) and sum(map(_is_control, sample)) > len(sample) * 0.05


def _decode_error_at(content: bytes, codec: str, errors: str = "strict") -> int | None:
    """The byte offset where ``content`` stops being valid ``codec``, or None; piecewise, no full copy."""
    decoder = codecs.getincrementaldecoder(codec)(errors)
    view = memoryview(content)
    step = 1 << 20
    start = 0
    try:
        for start in range(0, len(view), step):
            decoder.decode(view[start : start + step])
        start = len(view)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        return min(len(content), start + max(0, exc.start))
    return None


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 without a byte order mark, recognised by the zero bytes of its ASCII characters."""
    half = len(sample) // 2
    if half < 8:
        return None
    zeros_even, zeros_odd = sample[0::2].count(0), sample[1::2].count(0)
    if zeros_odd > half * 0.3 and zeros_even < half * 0.05:
        return "utf-16-le"
    if zeros_even > half * 0.3 and zeros_odd < half * 0.05:
        return "utf-16-be"
    return None


def _line_of(content: bytes, offset: int, codec: str) -> int:
    """The (physical) line number of byte ``offset``, for a message."""
    text = content[:offset].decode(codec, errors="replace")
    return text.count("\n") + 1 if "\n" in text else text.count("\r") + 1


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),  # before UTF-16 LE: its BOM starts the same
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)


def _unicode_codec(content: bytes) -> tuple[str, str] | None:
    """(codec, name) of a file that says it is Unicode: a byte order mark, or UTF-16's zero bytes."""
    for bom, codec, name in _BOMS:
        if content.startswith(bom):
            return codec, name
    utf16 = _utf16_without_bom(content[:4096])
    return (utf16, "UTF-16") if utf16 else None


def _detect_encoding(content: bytes) -> tuple[str, str, str]:
    """(codec, error handler, name for people); raises CsvFileError for a damaged Unicode file.

    Lone surrogates pass (``surrogatepass``) so that the validator refuses that one signal.
    Without a byte order mark: UTF-8 if valid, else Windows-1252 (Excel's "CSV"), else Latin-1.
    """
    unicode = _unicode_codec(content)
    if unicode is None:
        if _decode_error_at(content, "utf-8") is None:
            return "utf-8", "strict", "UTF-8"
        if _decode_error_at(content, "utf-8", "surrogatepass") is None:
            return "utf-8", "surrogatepass", "UTF-8"
        if _decode_error_at(content, "cp1252") is None:
            return "cp1252", "strict", "Windows-1252"
        return "latin-1", "strict", "Latin-1"
    codec, name = unicode
    offset = _decode_error_at(content, codec, "surrogatepass")
    if offset is not None:
        raise CsvFileError(
            f"Het bestand is opgeslagen als {name}, maar rond regel {_line_of(content, offset, codec)} staan "
            f"tekens die geen geldige {name} zijn (is het bestand beschadigd of onvolledig?). "
            "Sla het bestand opnieuw op als ‘CSV UTF-8’."
        )
    return codec, "surrogatepass", name


def _text(content: bytes, codec: str, errors: str = "strict") -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(content), encoding=codec, errors=errors, newline="")


def _reader(content: bytes, codec: str, errors: str, delimiter: str):
    # A cell may be as long as the file (the validator refuses an over-long value, for that one row);
    # the csv module's default limit of 131,072 characters would instead fail the whole file.
    # Process-wide, so only ever raised.
    if csv.field_size_limit() < settings.CSV_IMPORT_MAX_BYTES:
        csv.field_size_limit(settings.CSV_IMPORT_MAX_BYTES)
    return csv.reader(_text(content, codec, errors), delimiter=delimiter, strict=True)


DELIMITERS = (";", ",", "\t")  # in order of preference when the header does not tell
_SEP_LINE = re.compile(r"^\ufeff?sep=([;,\t|])\s*$", re.IGNORECASE)  # Excel's "sep=;" first line


def _column_key(name: str) -> str:
    """A header cell as compared: no BOM, no spaces, any case (" Adres.Postcode" = "adres.postcode")."""
    return re.sub(r"\s+", "", name.replace("\ufeff", "")).casefold()


_CANONICAL = {_column_key(column): column for column in COLUMNS}


def _split_header(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def _detect_delimiter(header_line: str) -> str:
    """The delimiter that makes the most known column names of the header; then the most frequent."""

    def score(delimiter: str) -> tuple[int, int, int]:
        known = sum(_column_key(cell) in _CANONICAL for cell in _split_header(header_line, delimiter))
        return known, header_line.count(delimiter), -DELIMITERS.index(delimiter)

    best = max(DELIMITERS, key=score)
    if not header_line.count(best):
        raise CsvFileError(
            "In de kopregel staat geen scheidingsteken tussen de kolomnamen. Gebruik een puntkomma (;), "
            "een komma (,) of een tab tussen de kolommen. " + _SAVE_AS_CSV
        )
    return best


def _check_header(header: list[str]) -> tuple[str, ...]:
    names = [cell.replace("\ufeff", "").strip() for cell in header]
    while names and not names[-1]:
        names.pop()  # trailing empty header cells, as some spreadsheets write them
    errors: list[str] = []
    columns: list[str] = []
    for position, name in enumerate(names, start=1):
        if not name:
            errors.append(f"Kolom {position} heeft geen naam in de kopregel.")
            continue
        column = _CANONICAL.get(_column_key(name))
        if column is None:
            hint = difflib.get_close_matches(_column_key(name), list(_CANONICAL), n=1, cutoff=0.6)
            message = f'Onbekende kolom "{_printable(name)}" (kolom {position}).'
            if hint:
                message += f' Bedoelt u "{_CANONICAL[hint[0]]}"?'
            errors.append(message)
            continue
        if column in columns:
            errors.append(f'De kolom "{column}" staat meer dan één keer in de kopregel.')
            continue
        columns.append(column)
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            errors.append(f'De verplichte kolom "{column}" ontbreekt.')
    if not any(column in columns for column in NAME_COLUMNS):
        errors.append(
            'De kolom "klant.geslachtsnaam" ontbreekt (of "klant.bedrijfsnaam" bij een contract op bedrijfsnaam).'
        )
    if errors:
        raise CsvFileError(errors[:20] + ([f"En nog {len(errors) - 20} fouten in de kopregel."] if len(errors) > 20
                                          else []))
    return tuple(columns)


def _is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


_HEADER_SCAN = 64 * 1024  # characters of a line looked at to find the header and its delimiter


def _find_header(stream: io.TextIOWrapper) -> tuple[str | None, str, int, int]:
    """(delimiter from a "sep=" line or None, header line, records before it, blank lines before it)."""
    forced = None
    preamble = blank = 0
    line = stream.readline(_HEADER_SCAN)
    if match := _SEP_LINE.match(line.rstrip("\r\n")):
        forced, preamble = match.group(1), 1
        line = stream.readline(_HEADER_SCAN)
    while line and not line.replace("\ufeff", "").strip():
        preamble, blank = preamble + 1, blank + 1
        line = stream.readline(_HEADER_SCAN)
    return forced, line, preamble, blank


def _records_after_header(content: bytes, layout: CsvLayout) -> Iterator[tuple[int, list[str]]]:
    """Every record after the header as (row number, cells); a syntax error is a CsvFileError."""
    reader = _reader(content, layout.codec, layout.errors, layout.delimiter)
    uncounted = layout.preamble - (layout.header_row - 1)  # the "sep=" line is no row in a spreadsheet
    index = -1
    try:
        for index, cells in enumerate(reader):
            if index > layout.preamble:
                yield index - uncounted + 1, cells
    except csv.Error as exc:
        row_number = index + 1 - uncounted + 1  # the record being read
        if "unexpected end of data" in str(exc):
            raise CsvFileError(
                f"Op regel {row_number} begint een waarde met een aanhalingsteken (\") dat nergens wordt "
                "gesloten, zodat de rest van het bestand als één waarde wordt gelezen. Controleer de "
                f"aanhalingstekens op regel {row_number}."
            ) from None
        raise CsvFileError(
            f"Regel {row_number} kan niet worden gelezen. Controleer de aanhalingstekens (\") op die regel: "
            "na een waarde tussen aanhalingstekens volgt direct het scheidingsteken, en een aanhalingsteken "
            "binnen zo'n waarde schrijft u dubbel (\"\")."
        ) from None


def inspect_csv(content: bytes) -> CsvLayout:
    """Check the file as a whole: size, encoding, delimiter, header, CSV syntax; count the rows.

    Raises :class:`CsvFileError` (nothing may be stored then), and nothing else, whatever the
    bytes. The rows' content is judged later, row by row, by the delivery service.
    """
    if len(content) > settings.CSV_IMPORT_MAX_BYTES:
        raise CsvFileError(
            f"Het bestand is te groot ({format_size(len(content))}); "
            f"het maximum is {format_size(settings.CSV_IMPORT_MAX_BYTES)}. Splits het bestand."
        )
    kind = _kind_of_binary(content)
    if kind == "spreadsheet":
        raise CsvFileError(
            "Dit is een Excel-bestand (of een ander ingepakt bestand zoals .ods of .zip), geen CSV-bestand. "
            + _SAVE_AS_CSV
        )
    if kind:
        raise CsvFileError(f"Dit is {kind}, geen CSV-bestand. " + _SAVE_AS_CSV)
    codec, errors, encoding = _detect_encoding(content)
    stream = _text(content, codec, errors)
    sample = stream.read(_HEADER_SCAN)
    if not sample.replace("\ufeff", "").strip() and len(sample) < _HEADER_SCAN:
        raise CsvFileError("Het bestand is leeg.")
    stream.seek(0)
    forced, header_line, preamble, blank = _find_header(stream)
    try:
        delimiter = forced or _detect_delimiter(header_line)
        columns = _check_header(_split_header(header_line, delimiter))
    except CsvFileError:
        if _looks_binary(sample):
            raise CsvFileError(NOT_TEXT_MESSAGE) from None
        raise
    layout = CsvLayout(codec, errors, encoding, delimiter, columns, 0, preamble, blank + 1)
    rows_total = sum(1 for _, cells in _records_after_header(content, layout) if not _is_blank(cells))
    if not rows_total:
        raise CsvFileError("Het bestand bevat geen signalen, alleen een kopregel.")
    return dataclasses.replace(layout, rows_total=rows_total)


def iter_rows(content: bytes, layout: CsvLayout, *, skip: int = 0) -> Iterator[tuple[int, list[str]]]:
    """The non-empty data rows as (row number, cells), after the first ``skip`` of them."""
    seen = 0
    for row_number, cells in _records_after_header(content, layout):
        if _is_blank(cells):
            continue
        seen += 1
        if seen > skip:
            yield row_number, cells


_TRUE = frozenset({"ja", "j", "true", "waar", "1"})
_FALSE = frozenset({"nee", "n", "false", "onwaar", "0"})
_DUTCH_DATE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")
_DUTCH_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+,\d{1,2}$")


def _cell_value(column: str, value: str) -> Any:
    """A cell's notation → what the contract expects. Only notation; the validator judges."""
    if column == "warmeOverdracht":
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        return value  # refused by the validator
    if column == "klant.telefoonnummers":
        return [part.strip() for part in value.split(PHONE_SEPARATOR) if part.strip()]
    if column == "gemeentecode" and value.isdigit() and len(value) < 4:
        return value.zfill(4)  # a spreadsheet dropped the leading zero: 363 → 0363
    if column in DATE_COLUMNS:
        match = _DUTCH_DATE.match(value)
        if match:  # 1-9-2026 (how a Dutch spreadsheet writes dates) → 2026-09-01
            day, month, year = (int(part) for part in match.groups())
            try:
                return dt.date(year, month, day).isoformat()
            except ValueError:
                return value
        return value
    if column in AMOUNT_COLUMNS:
        amount = value.removeprefix("€").removeprefix("EUR").strip()
        if _DUTCH_THOUSANDS.match(amount):  # 1.250,00 → 1250,00
            amount = amount.replace(".", "")
        return amount
    return value


def row_to_item(columns: tuple[str, ...], cells: list[str]) -> tuple[dict | None, list[FieldError]]:
    """One row → the contract's nested `<Signaal>` dict; empty cells are absent fields."""
    if len(cells) == 1 < len(columns) and any(delimiter in cells[0] for delimiter in DELIMITERS):
        return None, [FieldError(
            "regel", "one_cell",
            "Deze regel is als één cel gelezen. Gebruik in elke regel hetzelfde scheidingsteken als in de "
            "kopregel, en zet niet de hele regel tussen aanhalingstekens.",
        )]
    extra = cells[len(columns) :]
    if any(cell.strip() for cell in extra):
        return None, [FieldError(
            "regel", "too_many_cells",
            "Deze regel heeft meer cellen dan de kopregel kolommen heeft. Controleer het "
            "scheidingsteken en de aanhalingstekens in deze regel.",
        )]
    item: dict[str, Any] = {group: {} for group in NESTED_GROUPS}
    for column, raw in zip(columns, cells, strict=False):
        value = raw.strip()
        if not value:
            continue
        converted = _cell_value(column, value)
        if "." in column:
            group, field = column.split(".", 1)
            item[group][field] = converted
        else:
            item[column] = converted
    return item, []


def _raw_signal_id(columns: tuple[str, ...], cells: list[str]) -> str | None:
    index = columns.index("signaalId")
    value = cells[index].strip() if index < len(cells) else ""
    if has_unstorable_text(value):
        return None  # a control character cannot go into the report either
    return value[:64] or None


_INDEXED = re.compile(r"\[(\d+)\]")


def _for_csv(error: FieldError | Unusable) -> dict:
    """A field error or warning in the words of the CSV file: its column, ja/nee, the n-th phone number."""
    name, reason = error.name, error.reason
    if name == "warmeOverdracht" and error.code == "invalid":
        reason = "Vul ja of nee in."
    name = _INDEXED.sub(lambda match: f" (nummer {int(match.group(1)) + 1})", name)
    return FieldError(name, error.code, reason).as_contract()


def _row_result(row_number: int, signal_id: str | None, status: str, errors: Iterable[FieldError] = (),
                warnings: Iterable[Unusable] = ()) -> dict:
    """One row of the import report: ``fouten`` refuse the row, ``waarschuwingen`` name the optional
    values that could not be used (the signal is stored without them)."""
    result: dict[str, Any] = {"regel": row_number, "signaalId": signal_id, "status": status}
    fouten = [_for_csv(error) for error in errors]
    if fouten:
        result["fouten"] = fouten
    waarschuwingen = [_for_csv(warning) for warning in warnings]
    if waarschuwingen:
        result["waarschuwingen"] = waarschuwingen
    return result


def process_rows(*, creditor: Creditor, columns: tuple[str, ...], rows: list[tuple[int, list[str]]],
                 actor: str = ""):
    """Hand one chunk (≤ 1,000 rows) to the delivery service; return (delivery, row results)."""
    results: list[dict | None] = [None] * len(rows)
    items: list[dict] = []
    positions: list[int] = []
    for position, (row_number, cells) in enumerate(rows):
        item, errors = row_to_item(columns, cells)
        if errors:
            results[position] = _row_result(row_number, _raw_signal_id(columns, cells), GEWEIGERD, errors)
        else:
            items.append(item)
            positions.append(position)
    delivery = None
    if items:
        delivery, outcomes = delivery_create(creditor=creditor, items=items, source=Source.CSV, actor=actor)
        for position, outcome in zip(positions, outcomes, strict=True):
            results[position] = _row_result(rows[position][0], outcome.signal_id, outcome.status, outcome.errors,
                                            outcome.warnings)
    return delivery, results


# --- Services --------------------------------------------------------------------------------

# An open import whose last progress (upload or processed step) is older than this has stalled:
# the sweeper enqueues it again. A step takes seconds and a 50 MB file minutes.
STALLED_AFTER = dt.timedelta(minutes=30)
# Still no progress after this long (a lost worker, an import that kills its worker): failed.
GIVE_UP_AFTER = dt.timedelta(hours=2)
# An import still waiting for its first step after this long is failed too (no worker takes it). A queue
# that is merely busy reaches it well within this; a waiting import is re-enqueued after STALLED_AFTER.
GIVE_UP_WAITING_AFTER = dt.timedelta(hours=24)
OPEN_STATES = (CsvImport.State.WACHTEND, CsvImport.State.BEZIG)
FINISHED_STATES = (CsvImport.State.KLAAR, CsvImport.State.MISLUKT)
# Database errors worth another try (a lost connection, a deadlock or serialization failure): the
# task retries and continues where the work stands. Any other error is the file's or a bug, and
# would fail the same way again: the import ends `mislukt`.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)
RESUBMIT = "Lever het bestand gerust opnieuw aan: signalen die al ontvangen zijn, worden niet dubbel opgeslagen."
FAILURE_MESSAGE = (
    "Er ging iets onverwachts mis bij het verwerken van dit bestand. De regels die al verwerkt zijn, "
    "staan hieronder. " + RESUBMIT + " Blijft dit gebeuren, neem dan contact op met de functioneel beheerder."
)
RESULT_TEXT_MAX = 500  # characters of any text kept in the stored results (an over-long signaalId, …)


def csv_import_create(*, creditor: Creditor, uploaded_by=None, file_name: str, content: bytes,
                      enqueue: bool = True) -> CsvImport:
    """Check the file as a whole, store it as a waiting import and (on commit) enqueue its processing.

    Raises :class:`CsvFileError` when the file cannot be imported; nothing is stored then.
    """
    if not creditor.is_active:
        raise CsvFileError(f"Vastelastenpartner {creditor.name} is niet actief.")
    layout = inspect_csv(content)
    with transaction.atomic():
        csv_import = CsvImport.objects.create(
            creditor=creditor,
            uploaded_by=uploaded_by,
            file_name=_printable((file_name or "import.csv")[-255:], 255),
            content=content,
            rows_total=layout.rows_total,
        )
        if enqueue:
            from .tasks import csv_import_process  # here: tasks imports this module

            csv_import_process.delay_on_commit(str(csv_import.pk))
    return csv_import


def csv_import_run(*, import_id, time_budget: float | None = None,
                   reraise: tuple[type[BaseException], ...] = ()) -> bool:
    """Process (the rest of) an import chunk by chunk; True when nothing remains to do.

    Every import ends: ``klaar``, or ``mislukt`` with a Dutch reason naming the rows concerned,
    and the uploaded file is dropped either way. Only :data:`TRANSIENT_ERRORS` (and ``reraise``,
    e.g. the worker's soft time limit) leave it open, for a retry or the sweeper.

    Idempotent and safe to run twice at once: each step (one or more chunks, see
    :func:`_rows_per_step`) is judged, stored and counted in one transaction that holds the
    import's row lock and starts at the stored ``rows_done``, so a retried or duplicated run
    continues where the work stands and never handles a row twice. With a ``time_budget``
    (seconds) it stops after the step that exceeds it and returns False.
    """
    in_hand: list[int] = []  # the row numbers of the step being processed
    try:
        return _run(import_id, time_budget, in_hand)
    except (*TRANSIENT_ERRORS, *reraise):
        raise
    except CsvFileError as exc:  # the stored file no longer passes (e.g. a lower size limit)
        _finish(import_id, CsvImport.State.MISLUKT, error=" ".join(exc.messages))
        return True
    except Exception as exc:
        # The log gets the type and the stack, not the message: that may quote a row's personal data.
        logger.error(
            "CSV import %s failed with %s%s\n%s", import_id, type(exc).__name__,
            f" in rows {in_hand[0]}-{in_hand[-1]}" if in_hand else "",
            "".join(traceback.format_tb(exc.__traceback__)),
        )
        _finish(import_id, CsvImport.State.MISLUKT, error=_failure_message(in_hand))
        return True


def _failure_message(in_hand: list[int]) -> str:
    if not in_hand:
        return FAILURE_MESSAGE
    return (
        f"Er ging iets onverwachts mis bij het verwerken van regel {in_hand[0]} tot en met {in_hand[-1]}. "
        "Die regels en de regels erna zijn niet verwerkt; de regels ervoor wel (zie hieronder). "
        + RESUBMIT + " Blijft dit gebeuren, neem dan contact op met de functioneel beheerder."
    )


def _run(import_id, time_budget: float | None, in_hand: list[int]) -> bool:
    csv_import = (CsvImport.objects.select_related("creditor", "uploaded_by").defer("content", "results")
                  .filter(pk=import_id).first())
    if csv_import is None or csv_import.state in FINISHED_STATES:
        return True
    content = bytes(CsvImport.objects.values_list("content", flat=True).get(pk=import_id))  # one copy kept
    layout = inspect_csv(content)
    actor = csv_import.uploaded_by.get_username() if csv_import.uploaded_by else ""
    CsvImport.objects.filter(pk=import_id, state=CsvImport.State.WACHTEND).update(state=CsvImport.State.BEZIG)
    rows_per_step = _rows_per_step(layout.rows_total)
    started = time.monotonic()
    rows: Iterator[tuple[int, list[str]]] | None = None
    position = -1
    results: list[dict] = []
    while True:
        with transaction.atomic():
            current = CsvImport.objects.select_for_update().only("state", "rows_done").get(pk=import_id)
            if current.state in FINISHED_STATES:
                return True
            if current.rows_done >= layout.rows_total:
                _finish(import_id, CsvImport.State.KLAAR)
                return True
            if rows is None or position != current.rows_done:
                # First step of this run, or another run got ahead: continue where the work stands.
                position = current.rows_done
                rows = iter_rows(content, layout, skip=position)
                results = list(CsvImport.objects.values_list("results", flat=True).get(pk=import_id))[:position]
            step = list(islice(rows, rows_per_step))
            if not step:  # cannot happen: rows_total was counted from the same bytes
                _finish(import_id, CsvImport.State.KLAAR)
                return True
            in_hand[:] = [step[0][0], step[-1][0]]
            step_results: list[dict] = []
            for start in range(0, len(step), CHUNK_SIZE):
                delivery, chunk_results = process_rows(
                    creditor=csv_import.creditor, columns=layout.columns,
                    rows=step[start : start + CHUNK_SIZE], actor=actor,
                )
                step_results.extend(_storable(chunk_results))
                if delivery is not None:
                    csv_import.deliveries.add(delivery)
            results.extend(step_results)
            position += len(step)
            statuses = [result["status"] for result in step_results]
            # An import the sweeper gave up on meanwhile stays failed: stop (a new upload of the file
            # answers al_ontvangen for the rows already stored).
            updated = CsvImport.objects.filter(pk=import_id).exclude(state__in=FINISHED_STATES).update(
                state=CsvImport.State.BEZIG,
                rows_total=layout.rows_total,
                rows_done=position,
                results=results,
                progress_at=timezone.now(),
                count_received=F("count_received") + statuses.count(ONTVANGEN),
                count_already_received=F("count_already_received") + statuses.count(AL_ONTVANGEN),
                count_refused=F("count_refused") + statuses.count(GEWEIGERD),
            )
            if not updated:
                return True
        in_hand.clear()
        if time_budget is not None and time.monotonic() - started > time_budget:
            return False


def _storable(value: Any) -> Any:
    """Results as the database (PostgreSQL's jsonb) takes them: no NUL or lone surrogate, bounded texts."""
    if isinstance(value, str):
        return _printable(value, RESULT_TEXT_MAX)
    if isinstance(value, dict):
        return {key: _storable(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(inner) for inner in value]
    return value


def _rows_per_step(rows_total: int) -> int:
    """Rows per transaction: one chunk for files up to 20 chunks, else about 5 % of the file.

    Each step rewrites the results so far, so a step per chunk would make a huge file quadratic;
    about twenty steps keep that cheap while the progress bar still moves. At most ten chunks, so
    that no transaction holds its locks for long.
    """
    chunks = math.ceil(rows_total / CHUNK_SIZE / 20)
    return CHUNK_SIZE * max(1, min(10, chunks))


def _finish(import_id, state: str, *, error: str = "") -> None:
    """Mark the import finished and drop the uploaded file: the signals now hold what is needed."""
    CsvImport.objects.filter(pk=import_id).exclude(state__in=FINISHED_STATES).update(
        state=state, error=_printable(error, 500), content=b""
    )


def csv_imports_give_up(*, older_than: dt.timedelta = GIVE_UP_AFTER,
                        waiting_longer_than: dt.timedelta = GIVE_UP_WAITING_AFTER) -> list:
    """Fail the open imports that stopped; drop any file a finished import kept.

    For the sweeper: so that no import stays ``wachtend`` or ``bezig`` for ever, whatever stopped it.
    An import ``bezig`` without progress for ``older_than`` stalled; one still ``wachtend`` after
    ``waiting_longer_than`` was never taken up (a queue that is only busy gets there long before).
    Returns the ids of the imports failed.
    """
    now = timezone.now()
    stalled = list(
        CsvImport.objects.filter(
            Q(state=CsvImport.State.BEZIG, progress_at__lt=now - older_than)
            | Q(state=CsvImport.State.WACHTEND, progress_at__lt=now - waiting_longer_than)
        ).values_list("pk", "state", "rows_done", "rows_total")[:100]
    )
    for import_id, state, rows_done, rows_total in stalled:
        results = CsvImport.objects.values_list("results", flat=True).get(pk=import_id)
        last_row = max((result["regel"] for result in results[:rows_done]), default=None)
        if last_row is None:
            done = "Er is geen enkele regel verwerkt."
        else:
            done = (f"Verwerkt zijn {rows_done} van de {rows_total} signalen, tot en met regel {last_row}; "
                    f"regel {last_row + 1} en verder zijn niet verwerkt.")
        if state == CsvImport.State.WACHTEND:
            why = f"De verwerking is na {_hours(waiting_longer_than)} uur nog niet begonnen."
        else:
            why = f"De verwerking is blijven steken en na {_hours(older_than)} uur zonder voortgang afgebroken."
        _finish(import_id, CsvImport.State.MISLUKT, error=f"{why} {done} {RESUBMIT}")
        logger.warning("Gave up on stalled CSV import %s after %s rows.", import_id, rows_done)
    CsvImport.objects.filter(state__in=FINISHED_STATES).exclude(content=b"").update(content=b"")
    return [import_id for import_id, *_ in stalled]


def _hours(period: dt.timedelta) -> str:
    return f"{period.total_seconds() / 3600:g}".replace(".", ",")


def csv_import_ids_stalled(*, older_than: dt.timedelta = STALLED_AFTER) -> list:
    """Open imports without progress for ``older_than`` (a lost message, a killed worker): for the sweeper."""
    cutoff = timezone.now() - older_than
    return list(
        CsvImport.objects.filter(state__in=OPEN_STATES, progress_at__lt=cutoff).values_list("pk", flat=True)[:100]
    )


# --- Selectors -------------------------------------------------------------------------------

RECENT_IMPORTS = 20


def csv_import_list_for_user(*, user) -> QuerySet[CsvImport]:
    """The imports a user may see: an administrator all, creditor staff their creditor's."""
    return (CsvImport.objects.visible_to(user, roles=permissions.can_import_signals,
                                         unscoped=permissions.is_functional_admin)
            .select_related("creditor", "uploaded_by").defer("content", "results"))


def csv_import_get_for_user(*, user, import_id, with_results: bool = False) -> CsvImport | None:
    imports = csv_import_list_for_user(user=user)
    if with_results:
        imports = imports.defer(None).defer("content")
    return imports.filter(pk=import_id).first()


def csv_import_creditors_for_user(*, user) -> QuerySet[Creditor]:
    """The creditors a user may import for."""
    if not permissions.can_import_signals(user):
        return Creditor.objects.none()
    creditors = Creditor.objects.filter(is_active=True)
    if permissions.is_functional_admin(user):
        return creditors
    return creditors.filter(pk=user.creditor_id)


def results_ordered(results: list[dict]) -> list[dict]:
    """Refused rows first, then already received, then received; each in row order."""
    rank = {GEWEIGERD: 0, AL_ONTVANGEN: 1, ONTVANGEN: 2}
    return sorted(results, key=lambda result: (rank.get(result["status"], 3), result["regel"]))
