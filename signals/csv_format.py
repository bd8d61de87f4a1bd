"""Reading a CSV file of signals: size, encoding, delimiter, header, CSV syntax, the rows.

Pure: no database. :func:`inspect_csv` checks the file as a whole (and raises
:class:`CsvFileError` with Dutch messages, nothing else, whatever the bytes); :func:`iter_rows`
yields its non-empty data rows. What the columns are and how a row becomes a signal is
:mod:`signals.csv_columns`.

Row numbers are those of a spreadsheet: the header is row 1 and the first signal is row 2, so a
landlord can find a refused row in Excel or LibreOffice by its number.
"""
import codecs
import csv
import dataclasses
import difflib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings

from vroegsignalering.common.errors import CsvFileError

from .csv_columns import COLUMNS, DELIMITERS, NAME_COLUMNS, REQUIRED_COLUMNS

FIRST_DATA_ROW = 2  # the header is row 1, as in a spreadsheet

__all__ = ["CsvFileError", "CsvLayout", "format_size", "inspect_csv", "iter_rows", "printable"]


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


def printable(text: str, limit: int = 80) -> str:
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
            message = f'Onbekende kolom "{printable(name)}" (kolom {position}).'
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

