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
import datetime as dt
import difflib
import io
import logging
import math
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from accounts.models import Role

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
    ("soortSignaal", "nee", "vroegsignaal (standaard), eindelevering, afsluiting of ontruiming."),
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
    encoding: str  # for people: "UTF-8", "Windows-1252", …
    delimiter: str
    columns: tuple[str, ...]  # contract names, in file order
    rows_total: int  # non-empty data rows


def format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1024))} kB"


def _decodes_as(content: bytes, codec: str) -> bool:
    """Whether ``content`` is valid in ``codec``, decoded piecewise (no full copy in memory)."""
    decoder = codecs.getincrementaldecoder(codec)()
    view = memoryview(content)
    step = 1 << 20
    try:
        for start in range(0, len(view), step):
            decoder.decode(view[start : start + step])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _detect_encoding(content: bytes) -> tuple[str, str]:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "UTF-16"
    if b"\x00" in content:
        raise CsvFileError("Dit is geen tekstbestand. Sla het bestand op als CSV (UTF-8).")
    if _decodes_as(content, "utf-8"):
        return "utf-8-sig", "UTF-8"
    if _decodes_as(content, "cp1252"):
        return "cp1252", "Windows-1252"
    return "latin-1", "Latin-1"


def _text(content: bytes, codec: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(content), encoding=codec, newline="")


def _detect_delimiter(header_line: str) -> str:
    semicolons, commas = header_line.count(";"), header_line.count(",")
    if not semicolons and not commas:
        raise CsvFileError(
            "In de kopregel staat geen puntkomma (;) of komma (,) tussen de kolomnamen. "
            "Sla het bestand op als CSV met ; of , als scheidingsteken."
        )
    return ";" if semicolons >= commas else ","


def _check_header(header: list[str]) -> tuple[str, ...]:
    names = [cell.replace("\ufeff", "").strip() for cell in header]
    while names and not names[-1]:
        names.pop()  # trailing empty header cells, as some spreadsheets write them
    canonical = {column.lower(): column for column in COLUMNS}
    errors: list[str] = []
    columns: list[str] = []
    for position, name in enumerate(names, start=1):
        if not name:
            errors.append(f"Kolom {position} heeft geen naam in de kopregel.")
            continue
        column = canonical.get(name.lower())
        if column is None:
            hint = difflib.get_close_matches(name.lower(), list(canonical), n=1, cutoff=0.6)
            message = f'Onbekende kolom "{name[:80]}" (kolom {position}).'
            if hint:
                message += f' Bedoelt u "{canonical[hint[0]]}"?'
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
        raise CsvFileError(errors)
    return tuple(columns)


def _is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def inspect_csv(content: bytes) -> CsvLayout:
    """Check the file as a whole: size, encoding, delimiter, header, CSV syntax; count the rows.

    Raises :class:`CsvFileError` (nothing may be stored then). The rows' content is judged
    later, row by row, by the delivery service.
    """
    if len(content) > settings.CSV_IMPORT_MAX_BYTES:
        raise CsvFileError(
            f"Het bestand is te groot ({format_size(len(content))}); "
            f"het maximum is {format_size(settings.CSV_IMPORT_MAX_BYTES)}. Splits het bestand."
        )
    if not content.strip():
        raise CsvFileError("Het bestand is leeg.")
    if content.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise CsvFileError(
            "Dit is een Excel-bestand, geen CSV-bestand. Kies in Excel ‘Opslaan als’ → ‘CSV UTF-8’ "
            "(of ‘CSV (gescheiden door lijstscheidingsteken)’)."
        )
    codec, encoding = _detect_encoding(content)
    stream = _text(content, codec)
    delimiter = _detect_delimiter(stream.readline())
    stream.seek(0)
    reader = csv.reader(stream, delimiter=delimiter, strict=True)
    row_number = 1  # the row being read, for the message when it cannot be
    try:
        header = next(reader, [])
        columns = _check_header(header)
        rows_total = 0
        row_number = FIRST_DATA_ROW
        for cells in reader:
            if not _is_blank(cells):
                rows_total += 1
            row_number += 1
    except csv.Error:
        raise CsvFileError(
            f"Regel {row_number} kan niet worden gelezen. Controleer de aanhalingstekens (\") "
            "in en vlak vóór die regel."
        ) from None
    if not rows_total:
        raise CsvFileError("Het bestand bevat geen signalen, alleen een kopregel.")
    return CsvLayout(codec, encoding, delimiter, columns, rows_total)


def iter_rows(content: bytes, layout: CsvLayout, *, skip: int = 0) -> Iterator[tuple[int, list[str]]]:
    """The non-empty data rows as (row number, cells), after the first ``skip`` of them."""
    reader = csv.reader(_text(content, layout.codec), delimiter=layout.delimiter, strict=True)
    next(reader, None)
    seen = 0
    for row_number, cells in enumerate(reader, start=FIRST_DATA_ROW):
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

# Even 50 MB (about 150,000 rows) takes a few minutes; an import older than this has stalled.
STALLED_AFTER = dt.timedelta(minutes=30)
FINISHED_STATES = (CsvImport.State.KLAAR, CsvImport.State.MISLUKT)
FAILURE_MESSAGE = (
    "Er ging iets mis bij het verwerken van dit bestand. De regels die al verwerkt zijn, staan "
    "hieronder. Neem contact op met de functioneel beheerder."
)


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
            file_name=(file_name or "import.csv")[-255:],
            content=content,
            rows_total=layout.rows_total,
        )
        if enqueue:
            from .tasks import csv_import_process  # here: tasks imports this module

            csv_import_process.delay_on_commit(str(csv_import.pk))
    return csv_import


def csv_import_run(*, import_id, time_budget: float | None = None) -> bool:
    """Process (the rest of) an import chunk by chunk; True when nothing remains to do.

    Idempotent and safe to run twice at once: each step (one or more chunks, see
    :func:`_rows_per_step`) is judged, stored and counted in one transaction that holds the
    import's row lock and starts at the stored ``rows_done``, so a retried or duplicated run
    continues where the work stands and never handles a row twice. With a ``time_budget``
    (seconds) it stops after the step that exceeds it and returns False.
    """
    csv_import = CsvImport.objects.select_related("creditor", "uploaded_by").filter(pk=import_id).first()
    if csv_import is None or csv_import.state in FINISHED_STATES:
        return True
    content = bytes(csv_import.content)
    try:
        layout = inspect_csv(content)
    except CsvFileError as exc:
        _finish(import_id, CsvImport.State.MISLUKT, error=str(exc))
        return True
    actor = csv_import.uploaded_by.get_username() if csv_import.uploaded_by else ""
    CsvImport.objects.filter(pk=import_id, state=CsvImport.State.WACHTEND).update(state=CsvImport.State.BEZIG)
    rows_per_step = _rows_per_step(layout.rows_total)
    started = time.monotonic()
    rows: Iterator[tuple[int, list[str]]] | None = None
    position = -1
    results: list[dict] = []
    try:
        while True:
            with transaction.atomic():
                current = CsvImport.objects.select_for_update().only("state", "rows_done").get(pk=import_id)
                if current.state in FINISHED_STATES:
                    return True
                if current.rows_done >= layout.rows_total:
                    _finish(import_id, CsvImport.State.KLAAR)
                    return True
                if rows is None or position != current.rows_done:
                    # First chunk of this run, or another run got ahead: continue where the work stands.
                    position = current.rows_done
                    rows = iter_rows(content, layout, skip=position)
                    results = list(CsvImport.objects.values_list("results", flat=True).get(pk=import_id))[:position]
                step = list(islice(rows, rows_per_step))
                if not step:  # cannot happen: rows_total was counted from the same bytes
                    _finish(import_id, CsvImport.State.KLAAR)
                    return True
                step_results: list[dict] = []
                for start in range(0, len(step), CHUNK_SIZE):
                    delivery, chunk_results = process_rows(
                        creditor=csv_import.creditor, columns=layout.columns,
                        rows=step[start : start + CHUNK_SIZE], actor=actor,
                    )
                    step_results.extend(chunk_results)
                    if delivery is not None:
                        csv_import.deliveries.add(delivery)
                results.extend(step_results)
                position += len(step)
                statuses = [result["status"] for result in step_results]
                CsvImport.objects.filter(pk=import_id).update(
                    state=CsvImport.State.BEZIG,
                    rows_total=layout.rows_total,
                    rows_done=position,
                    results=results,
                    count_received=F("count_received") + statuses.count(ONTVANGEN),
                    count_already_received=F("count_already_received") + statuses.count(AL_ONTVANGEN),
                    count_refused=F("count_refused") + statuses.count(GEWEIGERD),
                )
            if time_budget is not None and time.monotonic() - started > time_budget:
                return False
    except DatabaseError:
        raise  # transient: the task retries, and continues where the work stands
    except Exception:
        logger.exception("CSV import %s failed", import_id)
        _finish(import_id, CsvImport.State.MISLUKT, error=FAILURE_MESSAGE)
        return True


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
        state=state, error=error[:500], content=b""
    )


def csv_import_ids_stalled(*, older_than: dt.timedelta = STALLED_AFTER) -> list:
    """Imports still waiting or running long after their upload (for the sweeper)."""
    cutoff = timezone.now() - older_than
    return list(
        CsvImport.objects.filter(state__in=(CsvImport.State.WACHTEND, CsvImport.State.BEZIG), created_at__lt=cutoff)
        .values_list("pk", flat=True)[:100]
    )


# --- Selectors -------------------------------------------------------------------------------

RECENT_IMPORTS = 20


def user_can_import(user) -> bool:
    """Creditor staff (for their own, active creditor) and functional administrators."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_functional_admin:
        return True
    return user.role == Role.VASTELASTENPARTNER and user.creditor_id is not None and user.creditor.is_active


def csv_import_list_for_user(*, user) -> QuerySet[CsvImport]:
    """The imports a user may see: an administrator all, creditor staff their creditor's."""
    imports = CsvImport.objects.select_related("creditor", "uploaded_by").defer("content", "results")
    if not user_can_import(user):
        return imports.none()
    if user.is_functional_admin:
        return imports
    return imports.filter(creditor_id=user.creditor_id)


def csv_import_get_for_user(*, user, import_id, with_results: bool = False) -> CsvImport | None:
    imports = csv_import_list_for_user(user=user)
    if with_results:
        imports = imports.defer(None).defer("content")
    return imports.filter(pk=import_id).first()


def csv_import_creditors_for_user(*, user) -> QuerySet[Creditor]:
    """The creditors a user may import for."""
    if not user_can_import(user):
        return Creditor.objects.none()
    creditors = Creditor.objects.filter(is_active=True)
    if user.is_functional_admin:
        return creditors
    return creditors.filter(pk=user.creditor_id)


def results_ordered(results: list[dict]) -> list[dict]:
    """Refused rows first, then already received, then received; each in row order."""
    rank = {GEWEIGERD: 0, AL_ONTVANGEN: 1, ONTVANGEN: 2}
    return sorted(results, key=lambda result: (rank.get(result["status"], 3), result["regel"]))
