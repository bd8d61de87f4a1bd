"""Every CSV import ends (issue 9, point 6).

Whatever a creditor uploads, the file is either refused as a whole at upload (a Dutch message,
nothing stored) or the import ends ``klaar`` (a result for every row) or ``mislukt`` (a Dutch
reason naming the rows); nothing stays ``wachtend``/``bezig``, no exception leaves the task, and
the uploaded file is dropped when processing ends. The files are generated: every encoding,
delimiter, line ending and header variant a spreadsheet or an export tool writes, broken files,
binary files, and (hypothesis) random combinations and random bytes.
"""
import csv
import io
import logging
import random
import re
import unicodedata
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from signals import csv_services as csv_module
from signals.csv_columns import COLUMNS, REQUIRED_COLUMNS
from signals.csv_format import CsvFileError, inspect_csv, iter_rows
from signals.csv_services import csv_import_create, csv_import_run
from signals.models import CsvImport, Signal
from signals.tasks import csv_import_process, csv_import_sweep
from tests.auth import login
from tests.factories import UserFactory, signal_payload
from tests.signals.csvfiles import encode, flatten, make_text

DUTCH = re.compile(r"\b(het|de|een|regel|bestand|kolom|geen|is)\b", re.IGNORECASE)
HYPOTHESIS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                             HealthCheck.too_slow])


def rows(count: int = 3, *, start: int = 1, names=("Brontë", "Zoë", "Müller")) -> list[dict]:
    """Valid rows of generated people, with non-ASCII letters that an encoding could mangle."""
    return [
        flatten(signal_payload(n, klant={"geslachtsnaam": names[n % len(names)], "voornamen": "Anaïs"}))
        for n in range(start, start + count)
    ]


def ends(creditor, content: bytes) -> CsvImport | list[str]:
    """Upload ``content`` and run the task; assert the import ended. The file's messages if refused."""
    try:
        csv_import = csv_import_create(creditor=creditor, file_name="upload.csv", content=content, enqueue=False)
    except CsvFileError as exc:
        assert exc.messages and all(DUTCH.search(message) for message in exc.messages), exc.messages
        return exc.messages
    csv_import_process.delay(str(csv_import.pk))  # eager here: an exception would fail the test
    csv_import.refresh_from_db()
    assert csv_import.state in ("klaar", "mislukt")
    assert bytes(csv_import.content) == b""  # the uploaded file is dropped
    if csv_import.state == "klaar":
        assert csv_import.rows_done == csv_import.rows_total == len(csv_import.results)
        assert not csv_import.error
        for result in csv_import.results:
            assert isinstance(result["regel"], int) and result["regel"] >= 2
            assert result["status"] in ("ontvangen", "al_ontvangen", "geweigerd")
            if result["status"] == "geweigerd":
                assert result["fouten"] and all(error["naam"] and error["reden"] for error in result["fouten"])
    else:
        assert DUTCH.search(csv_import.error), csv_import.error
    return csv_import


def klaar(creditor, content: bytes) -> CsvImport:
    csv_import = ends(creditor, content)
    assert isinstance(csv_import, CsvImport), csv_import
    assert csv_import.state == "klaar", csv_import.error
    return csv_import


def refused(creditor, content: bytes) -> str:
    messages = ends(creditor, content)
    assert isinstance(messages, list), f"imported: {messages}"
    assert not CsvImport.objects.exists()
    return " ".join(messages)


def statuses(csv_import: CsvImport) -> dict[int, str]:
    return {result["regel"]: result["status"] for result in csv_import.results}


# --- encodings -------------------------------------------------------------------------------

UNICODE_NAMES = ("Şahin", "Łukasz", "Nguyễn", "Brontë", "O'Brien")


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", False), ("utf-8", True), ("utf-16-le", True), ("utf-16-be", True), ("utf-16-le", False),
     ("utf-16-be", False), ("utf-32-le", True), ("cp1252", False), ("latin-1", False)],
)
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_every_encoding_and_delimiter_imports_with_its_letters_intact(creditor, municipality, encoding, bom,
                                                                      delimiter):
    names = UNICODE_NAMES if encoding.startswith("utf") else ("Brontë", "Zoë", "Müller", "Ðuric")
    if encoding == "cp1252":
        names = (*names, "Œuvre", "Šafránek")  # letters Windows-1252 has and Latin-1 has not
    content = encode(make_text(rows(5, names=names), delimiter=delimiter), encoding, bom=bom)

    csv_import = klaar(creditor, content)

    assert csv_import.count_received == 5, csv_import.results
    stored = set(Signal.objects.values_list("surname", flat=True))
    assert stored == {names[n % len(names)] for n in range(1, 6)}


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
@pytest.mark.parametrize("trailing", ["", "\r\n\r\n", "\n\n\n", ";;;\r\n", "   \n"])
def test_line_endings_and_trailing_empty_lines(creditor, municipality, newline, trailing):
    content = make_text(rows(3), newline=newline).encode() + trailing.encode()

    csv_import = klaar(creditor, content)

    assert (csv_import.count_received, csv_import.rows_total) == (3, 3)
    assert sorted(statuses(csv_import)) == [2, 3, 4]


@pytest.mark.parametrize("sep", ["sep=;", "SEP=;", "sep=,", "sep=\t"])
def test_excels_sep_line_sets_the_delimiter_and_is_no_row(creditor, municipality, sep):
    delimiter = sep[-1]
    content = (sep + "\r\n" + make_text(rows(2), delimiter=delimiter)).encode("utf-8-sig")

    csv_import = klaar(creditor, content)

    assert csv_import.count_received == 2
    assert sorted(statuses(csv_import)) == [2, 3]  # as Excel shows it: the header is row 1


@pytest.mark.parametrize(
    "mangle",
    [str.upper, str.lower, lambda name: f"  {name} ", lambda name: name.replace(".", ". "),
     lambda name: f"\ufeff{name}", lambda name: f'"{name}"', lambda name: name + "\u00a0"],
    ids=["upper", "lower", "spaces", "space-after-dot", "bom", "quoted", "nbsp"],
)
def test_header_in_another_case_with_spaces_or_a_bom(creditor, municipality, mangle):
    header = [mangle(column) for column in COLUMNS]
    text = make_text(rows(2), header=header).replace('"""', '"')

    csv_import = klaar(creditor, text.encode())

    assert csv_import.count_received == 2


def test_blank_lines_above_the_header_count_as_rows(creditor, municipality):
    content = ("\r\n\r\n" + make_text(rows(2))).encode()

    csv_import = klaar(creditor, content)

    assert sorted(statuses(csv_import)) == [4, 5]  # header on row 3, as a spreadsheet shows it


# --- damaged and odd files -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Het bestand is leeg."),
        (b" \r\n\r\n\t\n", "Het bestand is leeg."),
        (b"\xef\xbb\xbf", "Het bestand is leeg."),
        (b"\xff\xfe", "Het bestand is leeg."),
        (b"\xef\xbb\xbf\r\n", "Het bestand is leeg."),
        (make_text([]).encode(), "alleen een kopregel"),
        (make_text([]).encode() + b"\r\n;;;;\r\n\r\n", "alleen een kopregel"),
        (encode(make_text([]), "utf-16-le", bom=True), "alleen een kopregel"),
        (b"signaalId\r\nA-1\r\n", "In de kopregel staat geen scheidingsteken"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), "Dit is een Excel-bestand"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "Dit is een Excel-bestand"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "Dit is een PDF-bestand, geen CSV-bestand."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Dit is een afbeelding (PNG), geen CSV-bestand."),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "Dit is een afbeelding (JPEG), geen CSV-bestand."),
        (b"GIF89a\x01\x00\x01\x00", "Dit is een afbeelding (GIF), geen CSV-bestand."),
        (b"\x1f\x8b\x08\x00" + bytes(32), "ingepakt bestand (gzip)"),
        (random.Random(9).randbytes(5000), "Dit is geen CSV-bestand (geen tekst)."),
        (bytes(1000), "Dit is geen CSV-bestand (geen tekst)."),
        (encode(make_text(rows(2)), "utf-16-le", bom=True)[:-1], "opgeslagen als UTF-16, maar rond regel 3"),
        (b"\xef\xbb\xbf" + make_text(rows(2)).encode() + b"caf\xe9\r\n", "opgeslagen als UTF-8, maar rond regel 4"),
    ],
    ids=["empty", "whitespace", "utf8-bom-only", "utf16-bom-only", "bom-and-newline", "header-only",
         "header-and-blank-rows", "utf16-header-only", "single-column", "xlsx", "xls", "pdf", "png", "jpeg", "gif",
         "gzip", "random-bytes", "zero-bytes", "truncated-utf16", "utf8-bom-with-cp1252-byte"],
)
def test_a_file_that_cannot_be_a_csv_is_refused_with_a_dutch_reason(creditor, content, message):
    assert message in refused(creditor, content)


def test_a_quote_that_never_closes_names_its_row(creditor):
    lines = make_text(rows(5)).split("\r\n")
    lines[2] = lines[2].replace("Proefstraat", '"Proefstraat', 1)  # row 3 opens a quote and swallows the rest

    assert "Op regel 3 begint een waarde met een aanhalingsteken" in refused(creditor, "\r\n".join(lines).encode())


def test_text_after_a_closing_quote_names_its_row(creditor):
    lines = make_text(rows(5)).split("\r\n")
    lines[3] = lines[3].replace("Proefstraat", '"Proef"straat', 1)

    assert "Regel 4 kan niet worden gelezen" in refused(creditor, "\r\n".join(lines).encode())


def test_ragged_rows_are_refused_with_their_row_numbers_and_the_rest_is_stored(creditor, municipality):
    good = make_text(rows(4)).split("\r\n")
    header_cells = len(COLUMNS)
    short = good[2].split(";")[: REQUIRED_COLUMNS.index("adres.postcode")]  # row 3: cut before the postcode
    long = good[3] + ";extra;cellen"  # row 4: more cells than the header
    lines = [good[0], good[1], ";".join(short), long, good[4], ""]
    assert len(long.split(";")) > header_cells

    csv_import = klaar(creditor, "\r\n".join(lines).encode())

    assert statuses(csv_import) == {2: "ontvangen", 3: "geweigerd", 4: "geweigerd", 5: "ontvangen"}
    by_row = {result["regel"]: result for result in csv_import.results}
    assert "adres.postcode" in {error["naam"] for error in by_row[3]["fouten"]}
    assert by_row[4]["fouten"][0]["code"] == "too_many_cells"


@pytest.mark.parametrize(("header_delimiter", "row_delimiter"), [(";", ","), (",", ";"), (";", "\t"), ("\t", ";")])
def test_rows_with_another_delimiter_than_the_header_are_refused_per_row(creditor, municipality, header_delimiter,
                                                                         row_delimiter):
    header = make_text([], delimiter=header_delimiter)
    body = make_text(rows(3), delimiter=row_delimiter).split("\r\n", 1)[1]
    body = body.replace(header_delimiter, " ")  # so that each row is one cell

    csv_import = klaar(creditor, (header + body).encode())

    assert statuses(csv_import) == {2: "geweigerd", 3: "geweigerd", 4: "geweigerd"}
    assert {result["fouten"][0]["code"] for result in csv_import.results} == {"one_cell"}


@pytest.mark.parametrize("column", ["signaalId", "klant.geslachtsnaam", "adres.postcode"])
def test_a_one_megabyte_cell_in_a_required_column_refuses_its_row_only(creditor, municipality, column):
    data = rows(3)
    data[1][column] = "x" * (1 << 20)

    csv_import = klaar(creditor, make_text(data).encode())

    assert statuses(csv_import)[3] == "geweigerd"
    assert statuses(csv_import)[2] == statuses(csv_import)[4] == "ontvangen"
    assert all(len(result["signaalId"] or "") <= 500 for result in csv_import.results)  # kept bounded


@pytest.mark.parametrize("column", ["adres.straatnaam", "klant.voornamen", "klant.emailadres"])
def test_a_one_megabyte_cell_in_an_optional_column_costs_no_signal(creditor, municipality, column):
    data = rows(3)
    data[1][column] = "x" * (1 << 20)

    csv_import = klaar(creditor, make_text(data).encode())

    assert statuses(csv_import) == {2: "ontvangen", 3: "ontvangen", 4: "ontvangen"}
    row = next(result for result in csv_import.results if result["regel"] == 3)
    assert [warning["naam"] for warning in row["waarschuwingen"]] == [column]
    stored = Signal.objects.get(signal_id=row["signaalId"])
    assert stored.intake_warnings[0]["waarde"] == "x" * 1000 + "…"  # the raw value is kept, cut off


def test_a_one_megabyte_row_of_cells_refuses_its_row_only(creditor, municipality):
    lines = make_text(rows(4)).split("\r\n")
    lines[2] += ";x" * (1 << 19)  # more cells than the header has
    lines[3] += ";" * (1 << 20)  # trailing empty cells, as some spreadsheets write them: harmless

    csv_import = klaar(creditor, "\r\n".join(lines).encode())

    assert statuses(csv_import) == {2: "ontvangen", 3: "geweigerd", 4: "ontvangen", 5: "ontvangen"}


BAD_TEXT = ["Kerk\x00straat", "\x00", "a\x01b", "esc\x1b[31m", "del\x7f", "nel\x85", "\ud800", "x\udfffy",
            "\ufeffbom", "\u202eomgekeerd", "\x00" * 300]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le"])
@pytest.mark.parametrize("value", BAD_TEXT)
@pytest.mark.parametrize("column", ["adres.straatnaam", "klant.geslachtsnaam", "signaalId"])
def test_nul_control_characters_and_lone_surrogates_in_cells_never_break_the_import(
    creditor, municipality, encoding, value, column
):
    """The decoding path passes them on; the shared validation refuses that one row (intake's part)."""
    data = rows(3)
    data[1][column] = value
    content = encode(make_text(data), encoding, bom=encoding != "utf-8")

    csv_import = ends(creditor, content)

    assert isinstance(csv_import, CsvImport), csv_import
    assert csv_import.state == "klaar", csv_import.error
    assert statuses(csv_import)[2] == statuses(csv_import)[4] == "ontvangen"
    # A control character or lone surrogate refuses the row; a line break (NEL too) becomes a space.
    if any(unicodedata.category(char) in ("Cc", "Cs") and not char.isspace() for char in value):
        row = next(result for result in csv_import.results if result["regel"] == 3)
        assert row["status"] == "geweigerd"
        assert [(error["naam"], error["code"]) for error in row["fouten"]] == [(column, "invalid_character")]
    text = repr(csv_import.results)
    assert "\\x00" not in text and "\\ud8" not in text and "\\udf" not in text  # storable in PostgreSQL jsonb


# --- generated files -------------------------------------------------------------------------

CELL_TEXT = st.text(
    st.characters(codec="utf-8") | st.sampled_from(['"', ";", ",", "\t", "\r", "\n", "\x00", "=", "|"]),
    max_size=30,
)


@st.composite
def spreadsheet_files(draw) -> bytes:
    """A file as some tool might write it: valid rows mixed with junk rows, in any encoding and layout."""
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    newline = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    columns = list(COLUMNS)
    if draw(st.booleans()):
        columns = draw(st.permutations(columns))
    header = [draw(st.sampled_from([column, column.upper(), f" {column} "])) for column in columns]
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.booleans()):
            row = flatten(signal_payload(draw(st.integers(1, 50))))
            for column in draw(st.lists(st.sampled_from(COLUMNS), max_size=3)):
                row[column] = draw(CELL_TEXT)
            lines.append(row)
        else:
            lines.append({column: draw(CELL_TEXT) for column in draw(st.lists(st.sampled_from(COLUMNS), max_size=8))})
    text = make_text(lines, delimiter=delimiter, columns=columns, header=header, newline=newline)
    if draw(st.booleans()):
        text = f"sep={delimiter}{newline}" + text
    text += draw(st.sampled_from(["", newline, newline * 3, '"', "\x00", ";" * 40]))
    encoding = draw(st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "cp1252"]))
    bom = draw(st.booleans()) and encoding != "cp1252"
    try:
        content = encode(text, encoding, bom=bom)
    except UnicodeEncodeError:
        content = encode(text, "utf-8", bom=bom)
    if draw(st.booleans()):  # damage: cut it off, or flip bytes
        position = draw(st.integers(0, len(content)))
        content = draw(st.sampled_from([content[:position],
                                        content[:position] + draw(st.binary(max_size=20)) + content[position:]]))
    return content


@HYPOTHESIS
@given(content=spreadsheet_files())
def test_any_generated_file_is_refused_or_ends(creditor, municipality, content):
    outcome = ends(creditor, content)
    event("refused" if isinstance(outcome, list) else outcome.state)


@settings(max_examples=400, deadline=None)
@given(content=st.binary(max_size=3000) | spreadsheet_files())
def test_reading_any_bytes_raises_nothing_but_a_file_error(content):
    try:
        layout = inspect_csv(content)
    except CsvFileError as exc:
        assert exc.messages and all(DUTCH.search(message) for message in exc.messages)
        return
    found = list(iter_rows(content, layout))
    assert len(found) == layout.rows_total
    assert [number for number, _ in found] == sorted({number for number, _ in found})


@settings(max_examples=100, deadline=None)
@given(content=st.binary(min_size=64, max_size=3000))
def test_random_bytes_are_refused_as_not_a_csv(content):
    with pytest.raises(CsvFileError):
        inspect_csv(content)


# --- the task, the sweeper, the catch-all -----------------------------------------------------


def _fail_inserts_of(signal_id: str, message: str) -> None:
    """A database that refuses one row (a fault below our code), with a message that quotes personal data."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"CREATE TRIGGER csv_boom BEFORE INSERT ON signals_signal WHEN NEW.signal_id = '{signal_id}' "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION csv_boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF NEW.signal_id = '{signal_id}' THEN RAISE EXCEPTION '{message}'; END IF; RETURN NEW; END $$"
            )
            cursor.execute("CREATE TRIGGER csv_boom BEFORE INSERT ON signals_signal "
                           "FOR EACH ROW EXECUTE FUNCTION csv_boom()")


def test_an_unexpected_failure_ends_the_import_mislukt_with_its_rows_and_logs_no_personal_data(
    creditor, municipality, caplog
):
    _fail_inserts_of("ZV-000002", "Failing row contains Brontë 1011AB")
    content = make_text(rows(3)).encode()
    csv_import = csv_import_create(creditor=creditor, file_name="x.csv", content=content, enqueue=False)

    with caplog.at_level(logging.ERROR, logger="signals.csv_services"):
        csv_import_process.delay(str(csv_import.pk))

    csv_import.refresh_from_db()
    assert csv_import.state == "mislukt"
    assert "regel 2 tot en met 4" in csv_import.error
    assert bytes(csv_import.content) == b""
    assert not Signal.objects.exists()
    assert "in rows 2-4" in caplog.text
    assert "Brontë" not in caplog.text and "1011AB" not in caplog.text


def test_the_sweeper_fails_an_import_without_progress_and_names_the_rows_not_done(creditor, municipality,
                                                                                    monkeypatch):
    monkeypatch.setattr(csv_module, "CHUNK_SIZE", 2)
    content = make_text(rows(5)).encode()
    stuck = csv_import_create(creditor=creditor, file_name="x.csv", content=content, enqueue=False)
    assert csv_import_run(import_id=stuck.pk, time_budget=0) is False  # one step, then the worker was lost
    queued = csv_import_create(creditor=creditor, file_name="y.csv", content=content, enqueue=False)
    never = csv_import_create(creditor=creditor, file_name="n.csv", content=content, enqueue=False)
    recent = csv_import_create(creditor=creditor, file_name="z.csv", content=content, enqueue=False)
    hours_ago = timezone.now() - timedelta(hours=3)
    CsvImport.objects.filter(pk__in=[stuck.pk, queued.pk]).update(progress_at=hours_ago, created_at=hours_ago)
    day_ago = timezone.now() - timedelta(hours=25)
    CsvImport.objects.filter(pk=never.pk).update(progress_at=day_ago, created_at=day_ago)

    csv_import_sweep()

    for each in (stuck, queued, never, recent):
        each.refresh_from_db()
    assert (stuck.state, never.state) == ("mislukt", "mislukt")
    assert "tot en met regel 3; regel 4 en verder zijn niet verwerkt" in stuck.error
    assert "na 24 uur nog niet begonnen" in never.error and "Er is geen enkele regel verwerkt." in never.error
    assert bytes(stuck.content) == bytes(never.content) == b""
    assert (stuck.rows_done, stuck.count_received) == (2, 2)  # what was done stays
    # Waiting for 3 hours in a busy queue is no failure: enqueued again, it runs to the end.
    assert (queued.state, queued.rows_done, bytes(queued.content)) == ("klaar", 5, b"")
    assert recent.state == "wachtend" and bytes(recent.content) == content  # not stalled: left alone


def test_the_sweeper_drops_a_file_a_finished_import_kept(creditor, municipality):
    csv_import = klaar(creditor, make_text(rows(1)).encode())
    CsvImport.objects.filter(pk=csv_import.pk).update(content=b"left over")

    csv_import_sweep()

    csv_import.refresh_from_db()
    assert bytes(csv_import.content) == b"" and csv_import.state == "klaar"


def test_a_file_that_no_longer_passes_ends_mislukt(creditor, settings):
    csv_import = csv_import_create(creditor=creditor, file_name="x.csv", content=make_text(rows(2)).encode(),
                                   enqueue=False)
    settings.CSV_IMPORT_MAX_BYTES = 100

    csv_import_process.delay(str(csv_import.pk))

    csv_import.refresh_from_db()
    assert csv_import.state == "mislukt" and "Het bestand is te groot" in csv_import.error
    assert bytes(csv_import.content) == b""


# --- the web upload, the command, the download -----------------------------------------------


@pytest.fixture
def creditor_client(client, creditor):
    login(client, UserFactory(role=Role.VASTELASTENPARTNER, creditor=creditor))
    return client


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Het bestand is leeg."),
        (b"\xef\xbb\xbf\r\n", "Het bestand is leeg."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Dit is een afbeelding (PNG), geen CSV-bestand."),
        (b"PK\x03\x04" + bytes(100), "Dit is een Excel-bestand"),
        (random.Random(3).randbytes(1000), "Dit is geen CSV-bestand (geen tekst)."),
        (b"x" * 2048, "Het bestand is te groot; het maximum is 1 kB. Splits het bestand in delen."),
    ],
    ids=["empty", "bom-only", "png", "xlsx", "random", "too-large"],
)
def test_the_upload_form_gives_a_field_error(creditor_client, settings, content, message):
    settings.CSV_IMPORT_MAX_BYTES = 1024

    response = creditor_client.post(reverse("csv_import"),
                                    {"file": SimpleUploadedFile("signalen.csv", content, "text/csv")})

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page.replace("&quot;", '"')
    assert 'href="#id_file"' in page
    assert not CsvImport.objects.exists()


def test_the_command_refuses_a_binary_file_with_a_dutch_message(tmp_path, creditor):
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(100))

    with pytest.raises(CommandError, match="Dit is een Excel-bestand"):
        call_command("import_signals", str(path), "--creditor", creditor.name, stdout=io.StringIO())


def test_the_command_reports_a_failed_import_with_exit_code_1(tmp_path, creditor, municipality):
    _fail_inserts_of("ZV-000001", "boom")
    path = tmp_path / "huur.csv"
    path.write_bytes(make_text(rows(1)).encode())

    with pytest.raises(CommandError, match="regel 2 tot en met 2"):
        call_command("import_signals", str(path), "--creditor", creditor.name, stdout=io.StringIO())

    assert CsvImport.objects.get().state == "mislukt"


FORMULA_START = st.sampled_from(["=", "+", "-", "@", "\t", "\r", "=cmd|' /C calc'!A0", "=HYPERLINK(", "+1", "-2+3"])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefix=FORMULA_START, rest=st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=20))
def test_the_results_download_never_starts_a_cell_with_a_formula(creditor_client, creditor, municipality, prefix,
                                                                  rest):
    data = rows(2)
    data[0]["signaalId"] = prefix + rest
    data[1]["adres.postcode"] = "=1+1"  # refused: its error text must not become a formula either
    csv_import = klaar(creditor, make_text(data).encode())

    download = creditor_client.get(reverse("csv_import_results_csv", args=[csv_import.pk]))

    lines = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    for cells in lines[1:]:
        for cell in cells:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cells


def test_the_upload_still_checks_the_csrf_token(creditor):
    client = Client(enforce_csrf_checks=True)
    login(client, UserFactory(role=Role.VASTELASTENPARTNER, creditor=creditor))

    response = client.post(reverse("csv_import"), {"file": SimpleUploadedFile("s.csv", make_text(rows(1)).encode())})

    assert response.status_code == 403
    assert not CsvImport.objects.exists()


def test_an_upload_over_the_limit_is_dropped_after_several_chunks(creditor_client, settings):
    settings.CSV_IMPORT_MAX_BYTES = 100_000
    content = make_text(rows(1200)).encode()  # about 400 kB: the first chunks pass, a later one is over
    assert len(content) > 3 * 65536

    response = creditor_client.post(reverse("csv_import"), {"file": SimpleUploadedFile("groot.csv", content)})

    assert response.status_code == 200
    assert "Het bestand is te groot; het maximum is 98 kB." in response.content.decode()
    assert not CsvImport.objects.exists()
