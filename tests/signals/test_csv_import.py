"""CSV import of signals: the file format, the command, the web upload and its background task."""
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from signals import csv_services as csv_module
from signals.api.representations import signal_representation
from signals.csv_columns import COLUMNS
from signals.csv_format import CsvFileError, inspect_csv
from signals.csv_services import csv_import_create, csv_import_run
from signals.models import CsvImport, Delivery, Signal, Source
from signals.tasks import csv_import_process, csv_import_sweep
from tests.auth import login
from tests.factories import CreditorFactory, UserFactory, signal_payload
from tests.signals.csvfiles import flatten, make_csv

# --- helpers ---------------------------------------------------------------------------------


def run_import(creditor, content: bytes) -> CsvImport:
    csv_import = csv_import_create(creditor=creditor, file_name="test.csv", content=content, enqueue=False)
    csv_import_run(import_id=csv_import.pk)
    csv_import.refresh_from_db()
    return csv_import


def comparable(signal: Signal) -> dict:
    data = model_to_dict(signal)
    for bookkeeping in ("id", "creditor", "delivery", "source", "received_at"):
        data.pop(bookkeeping, None)
    return data


def representation(signal: Signal) -> dict:
    data = signal_representation(signal)
    for bookkeeping in ("status", "leveringId", "ontvangenOp"):
        data.pop(bookkeeping)
    return data


@pytest.fixture
def creditor_user(creditor, municipality):
    return UserFactory(role=Role.VASTELASTENPARTNER, creditor=creditor)


@pytest.fixture
def creditor_client(client, creditor_user):
    login(client, creditor_user)
    return client


def upload(client, content: bytes, *, name="signalen.csv", **data):
    return client.post(reverse("csv_import"), {"file": SimpleUploadedFile(name, content, "text/csv"), **data})


# --- the command -----------------------------------------------------------------------------


def test_command_imports_a_valid_file(tmp_path, creditor, municipality):
    path = tmp_path / "huur.csv"
    path.write_bytes(make_csv([flatten(signal_payload(n)) for n in range(1, 4)]))
    out = io.StringIO()

    call_command("import_signals", str(path), "--creditor", creditor.name, stdout=out)

    assert Signal.objects.filter(creditor=creditor, source=Source.CSV).count() == 3
    assert Delivery.objects.get().source == Source.CSV
    assert "ontvangen:    3" in out.getvalue()
    assert "3 van 3 regels verwerkt" in out.getvalue()


def test_command_prints_refused_rows_and_accepts_a_creditor_id(tmp_path, creditor, municipality):
    path = tmp_path / "huur.csv"
    bad = flatten(signal_payload(2, adres={"postcode": "12345"}))
    path.write_bytes(make_csv([flatten(signal_payload(1)), bad]))
    out = io.StringIO()

    call_command("import_signals", str(path), "--creditor", str(creditor.pk), stdout=out)

    text = out.getvalue()
    assert "geweigerd:    1" in text
    assert "regel 3 (signaalId ZV-000002)" in text
    assert "adres.postcode: Geen geldige postcode" in text


def test_command_refuses_an_invalid_file(tmp_path, creditor, municipality):
    path = tmp_path / "huur.csv"
    path.write_bytes(make_csv([flatten(signal_payload(1))], columns=(*COLUMNS, "klant.bsn")))

    with pytest.raises(CommandError, match='Onbekende kolom "klant.bsn"'):
        call_command("import_signals", str(path), "--creditor", creditor.name, stdout=io.StringIO())

    assert not Signal.objects.exists()
    assert not CsvImport.objects.exists()


# --- the file format -------------------------------------------------------------------------


def test_csv_and_api_store_identical_signals(api, municipality):
    payloads = [
        signal_payload(
            1,
            soortVasteLast="huur",
            soortSignaal="ontruiming",
            warmeOverdracht=True,
            klant={"voorletters": "t.", "bedrijfsnaam": "Proef B.V.",
                   "telefoonnummers": ["06 12345678", "020 1234567"]},
            adres={"huisletter": "a", "huisnummertoevoeging": "-2"},
            achterstand={"aantalTermijnen": 2, "termijnbedrag": "156.25"},
            datumEindeLevering="2026-12-01",
            datumAfsluiting="2026-12-02",
            datumOntruiming="2026-12-15",
            signaaldatum="2025-12-01",
        ),
        signal_payload(2, warmeOverdracht=False),
        signal_payload(3, klant={"geslachtsnaam": None, "voorvoegsel": None, "bedrijfsnaam": "Kapsalon Proef"}),
        signal_payload(4, klant={"geslachtsnaam": "van der Berg", "voorvoegsel": None}),
    ]
    response = api.post("/api/v1/leveringen", {"signalen": payloads}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["aantalOntvangen"] == 4
    csv_creditor = CreditorFactory(name="Verhuurder Test")

    csv_import = run_import(csv_creditor, make_csv([flatten(p) for p in payloads]))

    assert csv_import.count_received == 4
    by_api = {s.signal_id: s for s in Signal.objects.filter(creditor=api.creditor)}
    by_csv = {s.signal_id: s for s in Signal.objects.filter(creditor=csv_creditor)}
    assert by_api.keys() == by_csv.keys() == {p["signaalId"] for p in payloads}
    for signal_id, api_signal in by_api.items():
        assert comparable(by_csv[signal_id]) == comparable(api_signal)
        assert representation(by_csv[signal_id]) == representation(api_signal)
    assert {s.source for s in by_csv.values()} == {Source.CSV}


def test_spreadsheet_notations_give_the_same_signal(api, municipality):
    payload = signal_payload(1, warmeOverdracht=True, achterstand={"bedrag": "1250.00", "termijnbedrag": "625.00"})
    api.post("/api/v1/leveringen", {"signalen": [payload]}, format="json")
    row = flatten(payload) | {
        "gemeentecode": "363",  # a spreadsheet dropped the leading zero
        "warmeOverdracht": "Ja",
        "achterstand.bedrag": "€ 1.250,00",
        "achterstand.termijnbedrag": "625,00",
        "achterstand.vervaldatumOudsteFactuur": "1-9-2026",
        "klant.geboortedatum": "01-04-1980",
        "klant.telefoonnummers": " 06 12345678 | ",
    }
    csv_creditor = CreditorFactory(name="Verhuurder Test")

    run_import(csv_creditor, make_csv([row]))

    by_csv, by_api = Signal.objects.get(creditor=csv_creditor), Signal.objects.get(creditor=api.creditor)
    assert comparable(by_csv) == comparable(by_api)


@pytest.mark.parametrize(
    ("delimiter", "encoding", "bom"),
    [(";", "utf-8", False), (",", "utf-8", False), (";", "utf-8", True), (";", "cp1252", False),
     (",", "latin-1", False)],
)
def test_delimiters_and_encodings(creditor, municipality, delimiter, encoding, bom):
    row = flatten(signal_payload(1, klant={"geslachtsnaam": "Brontë-Müller", "voornamen": "Zoë"},
                                 adres={"straatnaam": "Rue de l'Église, hoek"}))
    content = make_csv([row], delimiter=delimiter, encoding=encoding, bom=bom)
    assert inspect_csv(content).delimiter == delimiter

    csv_import = run_import(creditor, content)

    assert csv_import.count_received == 1, csv_import.results
    signal = Signal.objects.get()
    assert (signal.surname, signal.first_names, signal.street) == ("Brontë-Müller", "Zoë", "Rue de l'Église, hoek")


def test_bytes_that_are_not_windows_1252_are_read_as_latin_1():
    content = make_csv([flatten(signal_payload(1))]) + b"\x81\r\n"  # 0x81 is undefined in cp1252

    assert inspect_csv(content).encoding == "Latin-1"


def test_a_bad_row_is_refused_with_its_row_number_and_the_good_rows_are_stored(creditor, municipality):
    rows = [
        flatten(signal_payload(1)),
        flatten(signal_payload(2, adres={"postcode": "12345"}, warmeOverdracht="misschien")),
        {},  # an empty line: skipped, but it keeps its row number
        flatten(signal_payload(3)),
    ]

    csv_import = run_import(creditor, make_csv(rows))

    assert Signal.objects.count() == 2
    assert (csv_import.count_received, csv_import.count_refused, csv_import.rows_total) == (2, 1, 3)
    refused = [r for r in csv_import.results if r["status"] == "geweigerd"]
    assert refused == [{
        "regel": 3,
        "signaalId": "ZV-000002",
        "status": "geweigerd",
        "fouten": [
            {"naam": "adres.postcode", "code": "invalid",
             "reden": "Geen geldige postcode; gebruik vier cijfers en twee letters, bv. 1234 AB."},
        ],
        # An optional value refuses nothing (issue 9): it is reported as a warning.
        "waarschuwingen": [{"naam": "warmeOverdracht", "code": "invalid", "reden": "Vul ja of nee in."}],
    }]
    assert [r["regel"] for r in csv_import.results] == [2, 3, 5]


def test_a_row_with_too_many_cells_is_refused(creditor, municipality):
    content = make_csv([flatten(signal_payload(1))]) + b"ZV-9;0363;huur" + b";" * len(COLUMNS) + b"extra\r\n"

    csv_import = run_import(creditor, content)

    last = csv_import.results[-1]
    assert (last["regel"], last["signaalId"], last["status"]) == (3, "ZV-9", "geweigerd")
    assert last["fouten"][0]["naam"] == "regel"
    assert csv_import.count_received == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (make_csv([flatten(signal_payload(1))], columns=(*COLUMNS, "adres.huisnr")),
         'Onbekende kolom "adres.huisnr" (kolom 29). Bedoelt u "adres.huisnummer"?'),
        (make_csv([flatten(signal_payload(1))], columns=tuple(c for c in COLUMNS if c != "adres.postcode")),
         'De verplichte kolom "adres.postcode" ontbreekt.'),
        (make_csv([flatten(signal_payload(1))], columns=(*COLUMNS, "signaalId")),
         'De kolom "signaalId" staat meer dan één keer in de kopregel.'),
        (make_csv([]), "Het bestand bevat geen signalen"),
        (b"", "Het bestand is leeg."),
        (b"PK\x03\x04rest-of-a-zip", "Dit is een Excel-bestand"),
        (b"signaalId\r\nA-1\r\n", "In de kopregel staat geen scheidingsteken"),
        (make_csv([]) + b'A-1;"0363\r\n', "Op regel 2 begint een waarde met een aanhalingsteken"),
        (make_csv([]) + b'A-1;"0363"x\r\n', "Regel 2 kan niet worden gelezen"),
    ],
)
def test_an_invalid_file_is_refused_as_a_whole(creditor, content, message):
    with pytest.raises(CsvFileError) as excinfo:
        csv_import_create(creditor=creditor, file_name="x.csv", content=content, enqueue=False)

    assert any(message in m for m in excinfo.value.messages), excinfo.value.messages
    assert not CsvImport.objects.exists()


def test_reimport_gives_al_ontvangen(creditor, municipality):
    content = make_csv([flatten(signal_payload(n)) for n in (1, 2)])
    run_import(creditor, content)

    again = run_import(creditor, content)

    assert (again.count_received, again.count_already_received) == (0, 2)
    assert {r["status"] for r in again.results} == {"al_ontvangen"}
    assert Signal.objects.count() == 2


def test_chunks_progress_and_resume(creditor, municipality, monkeypatch):
    monkeypatch.setattr(csv_module, "CHUNK_SIZE", 2)
    content = make_csv([flatten(signal_payload(n)) for n in range(1, 6)])
    csv_import = csv_import_create(creditor=creditor, file_name="x.csv", content=content, enqueue=False)
    assert (csv_import.rows_total, csv_import.rows_done) == (5, 0)

    # A run that stops after its first chunk (a worker's time budget) and then continues.
    assert csv_import_run(import_id=csv_import.pk, time_budget=0) is False
    csv_import.refresh_from_db()
    assert (csv_import.state, csv_import.rows_done, csv_import.count_received) == ("bezig", 2, 2)
    assert csv_import_run(import_id=csv_import.pk) is True

    csv_import.refresh_from_db()
    assert csv_import.state == CsvImport.State.KLAAR
    assert csv_import.rows_done == csv_import.rows_total == 5
    assert csv_import.count_received == 5 and Signal.objects.count() == 5
    assert [r["regel"] for r in csv_import.results] == [2, 3, 4, 5, 6]
    assert csv_import.deliveries.count() == 3  # one delivery per chunk
    assert bytes(csv_import.content) == b""  # the uploaded file is not kept

    # Idempotent: running a finished import again changes nothing.
    csv_import_process(str(csv_import.pk))
    assert Delivery.objects.count() == 3


def test_the_sweeper_re_enqueues_a_stalled_import(creditor, municipality):
    csv_import = csv_import_create(creditor=creditor, file_name="x.csv",
                                   content=make_csv([flatten(signal_payload(1))]), enqueue=False)
    CsvImport.objects.filter(pk=csv_import.pk).update(progress_at=timezone.now() - timedelta(hours=1))

    csv_import_sweep()

    csv_import.refresh_from_db()
    assert csv_import.state == CsvImport.State.KLAAR and Signal.objects.count() == 1


# --- the web UI ------------------------------------------------------------------------------


def test_web_upload_stores_the_signals_and_shows_the_results(creditor_client, creditor,
                                                             django_capture_on_commit_callbacks):
    content = make_csv([flatten(signal_payload(1)), flatten(signal_payload(2, adres={"huisnummer": "0"}))])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(creditor_client, content)

    assert len(callbacks) == 1  # the processing task is enqueued on commit
    csv_import = CsvImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("csv_import_detail", args=[csv_import.pk])
    assert Signal.objects.filter(creditor=creditor).count() == 1
    csv_import.refresh_from_db()
    assert (csv_import.state, csv_import.rows_done, csv_import.rows_total) == ("klaar", 2, 2)

    page = creditor_client.get(response.url).content.decode()
    assert "Resultaat per regel" in page
    assert "adres.huisnummer" in page and "De waarde moet ten minste 1 zijn." in page
    assert page.index("ZV-000002") < page.index("ZV-000001")  # refused rows first

    status = creditor_client.get(reverse("csv_import_status", args=[csv_import.pk])).json()
    assert status | {"id": None} == {
        "id": None, "stand": "klaar", "standLabel": "Klaar", "klaar": True, "procent": 100,
        "regelsTotaal": 2, "regelsVerwerkt": 2, "aantalOntvangen": 1, "aantalAlOntvangen": 0, "aantalGeweigerd": 1,
    }

    download = creditor_client.get(reverse("csv_import_results_csv", args=[csv_import.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="resultaten-signalen.csv"'
    lines = download.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "regel;signaalId;status;fouten;waarschuwingen"
    assert lines[2].startswith("3;ZV-000002;geweigerd;adres.huisnummer:")

    listing = creditor_client.get(reverse("csv_import")).content.decode()
    assert "signalen.csv" in listing and "Recente imports" in listing


def test_a_running_import_shows_a_progress_bar_and_polls(creditor_client, creditor):
    csv_import = csv_import_create(creditor=creditor, file_name="groot.csv",
                                   content=make_csv([flatten(signal_payload(1))]), enqueue=False)

    page = creditor_client.get(reverse("csv_import_detail", args=[csv_import.pk])).content.decode()

    assert '<progress id="voortgang" max="1" value="0">' in page
    assert 'aria-live="polite"' in page
    assert reverse("csv_import_status", args=[csv_import.pk]) in page
    assert 'http-equiv="refresh"' not in page


def test_upload_with_an_unknown_column_stores_nothing(creditor_client, django_capture_on_commit_callbacks):
    content = make_csv([flatten(signal_payload(1))], columns=(*COLUMNS, "klant.bsn"))

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(creditor_client, content)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Het bestand is niet geïmporteerd" in page
    assert "Onbekende kolom &quot;klant.bsn&quot;" in page
    assert 'href="#id_file"' in page  # the error summary links to the field
    assert not CsvImport.objects.exists() and not Signal.objects.exists()


def test_a_file_that_is_too_large_is_refused(creditor_client, settings):
    settings.CSV_IMPORT_MAX_BYTES = 100

    response = upload(creditor_client, make_csv([flatten(signal_payload(1))]))

    assert "Het bestand is te groot" in response.content.decode()
    assert not CsvImport.objects.exists()


def test_a_functional_administrator_picks_the_creditor(client, creditor, municipality,
                                                      django_capture_on_commit_callbacks):
    login(client, UserFactory(role=Role.FUNCTIONEEL_BEHEERDER, municipalities=[municipality]))
    content = make_csv([flatten(signal_payload(1))])

    without = upload(client, content)
    assert "Kies de vastelastenpartner waarvoor u importeert." in without.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, content, creditor=creditor.pk)

    assert Signal.objects.get().creditor == creditor
    assert reverse("csv_import") in client.get(reverse("home")).content.decode()


def test_roles(client, creditor, municipality):
    other_import = csv_import_create(creditor=CreditorFactory(name="Verhuurder Anders"), file_name="x.csv",
                                     content=make_csv([flatten(signal_payload(1))]), enqueue=False)
    other_urls = [reverse(name, args=[other_import.pk])
                  for name in ("csv_import_detail", "csv_import_status", "csv_import_results_csv")]

    assert client.get(reverse("csv_import")).status_code == 302  # to the login page

    login(client, UserFactory(role=Role.VROEGSIGNALEERDER, municipalities=[municipality]))
    assert client.get(reverse("csv_import")).status_code == 403
    assert upload(client, make_csv([flatten(signal_payload(1))])).status_code == 403
    assert client.get(other_urls[0]).status_code == 403
    assert reverse("csv_import") not in client.get(reverse("home")).content.decode()

    login(client, UserFactory(role=Role.VASTELASTENPARTNER, creditor=creditor))
    assert client.get(reverse("csv_import")).status_code == 200
    assert [client.get(url).status_code for url in other_urls] == [404, 404, 404]
    assert "x.csv" not in client.get(reverse("csv_import")).content.decode()


def test_the_example_files_import_without_refusals(creditor_client, creditor, settings):
    """The download on the upload page and the examples in docs/csv-formaat.md stay valid."""
    examples = [creditor_client.get(reverse("csv_import_example")).content]
    docs = (settings.BASE_DIR / "docs" / "csv-formaat.md").read_text(encoding="utf-8")
    examples += [block.split("```", 1)[0].encode() for block in docs.split("```csv\n")[1:]]
    assert len(examples) == 3

    for number, content in enumerate(examples):
        csv_import = run_import(CreditorFactory(name=f"Verhuurder {number}"), content)
        assert csv_import.count_refused == 0, csv_import.results
        assert csv_import.count_received == csv_import.rows_total > 0
