"""The team lead's call list for an external call centre: export (CSV, Excel; no creditor or amount; audited)
and the results import (per-row Dutch errors, idempotent on kenmerk + tijdstip); also through the API."""
import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from accounts.models import Role
from audit.hashing import person_hash
from audit.models import AuditEvent
from audit.vocab import Action, Purpose
from cases.models import ContactField, UnusableContact
from contacts.models import ContactAttempt, Origin, Reached, TaskStatus
from tests.auth import login
from tests.factories import UserFactory, client_for
from tests.kcc.kcc_support import AMOUNT, BSN, CREDITOR, external_task, resident_case

HEADER = ["kenmerk", "naam", "telefoonnummers", "voorkeur dagdeel", "uiterlijk op"]


def client_of(user) -> Client:
    client = Client()
    login(client, user)
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_no_creditor_or_amount(text: str) -> None:
    assert CREDITOR not in text and AMOUNT not in text and "1234,56" not in text and BSN not in text


@pytest.fixture
def listed(world):
    """A's case with an external phone task due today, one not yet due, and B's case with one."""
    external_task(world.case)
    later = resident_case(world.a, "1234AB|11||")
    external_task(later, due=timezone.localdate() + dt.timedelta(days=3))
    UnusableContact.objects.create(case=world.case, field=ContactField.TELEFOON, value="+31699999999",
                                   reason="test", at=timezone.now())
    b_case = resident_case(world.b, "9999ZZ|1||")
    external_task(b_case)
    return world


@pytest.mark.django_db
def test_the_csv_export_holds_the_list_and_never_a_creditor_or_amount(listed):
    response = client_of(listed.lead_a).get("/team/bellijst/export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = body(response).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == HEADER
    assert rows[1:] == [[listed.case.contact_reference, "Anna Aadorpsma", "+31612345678", "middag",
                         timezone.localdate().isoformat()]]
    assert_no_creditor_or_amount(text)
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.object_ids == [str(listed.case.pk)] and event.persons == [person_hash(BSN)]
    assert event.purpose == Purpose.KLANTCONTACT and event.municipality_id == listed.a.pk


@pytest.mark.django_db
def test_the_excel_export_and_a_later_date(listed):
    day = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client_of(listed.lead_a).get(f"/team/bellijst/export.xlsx?datum={day}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(body(response)))
    rows = [list(row) for row in book["Bellijst"].iter_rows(values_only=True)]
    assert rows[0] == HEADER and len(rows) == 3
    cells = " ".join(str(cell) for row in rows for cell in row) + " ".join(
        str(cell) for row in book["Toelichting"].iter_rows(values_only=True) for cell in row)
    assert_no_creditor_or_amount(cells)


@pytest.mark.django_db
def test_the_screen_lists_the_tasks_and_only_team_leads_get_it(listed):
    response = client_of(listed.lead_a).get("/team/bellijst")
    assert response.status_code == 200
    assert listed.case.contact_reference in response.content.decode()
    assert_no_creditor_or_amount(response.content.decode())
    for user in (listed.worker_a, listed.kcc_a):
        assert client_of(user).get("/team/bellijst").status_code == 403
        assert client_of(user).get("/team/bellijst/export.csv").status_code == 403


def results_csv(*rows) -> SimpleUploadedFile:
    text = "kenmerk;tijdstip;bereikt;notitie\r\n" + "".join(";".join(row) + "\r\n" for row in rows)
    return SimpleUploadedFile("resultaten.csv", text.encode("utf-8-sig"), content_type="text/csv")


@pytest.mark.django_db
def test_the_results_import_registers_attempts_with_dutch_errors_per_row_and_is_idempotent(listed):
    ref = listed.case.contact_reference
    at = timezone.localtime() - dt.timedelta(hours=1)
    b_ref = type(listed.case).objects.get(municipality=listed.b).contact_reference
    rows = [(ref, at.strftime("%Y-%m-%d %H:%M"), "ja", "Inwoner wil hulp"),
            ("VS-XXXXXXX", at.strftime("%Y-%m-%d %H:%M"), "nee", ""),
            (ref, "gisteren", "misschien", ""),
            (b_ref, at.strftime("%Y-%m-%d %H:%M"), "nee", "")]
    client = client_of(listed.lead_a)
    response = client.post("/team/bellijst/resultaten", {"bestand": results_csv(*rows)})
    text = response.content.decode()
    assert response.status_code == 200
    assert "1 geregistreerd, 0 al verwerkt, 3 met een fout" in text
    assert "geen geldig kenmerk" in text and "Onbekend tijdstip" in text and "Bereikt is" in text
    assert "Onbekend kenmerk: geen melding van uw gemeente." in text  # B's case is not found
    attempt = ContactAttempt.objects.get(case=listed.case)
    assert (attempt.kind, attempt.origin, attempt.by, attempt.reached) == ("Telefoon", Origin.EXTERN_KCC,
                                                                            listed.lead_a, Reached.JA)
    assert listed.case.tasks.get().status == TaskStatus.GEDAAN
    response = client.post("/team/bellijst/resultaten", {"bestand": results_csv(*rows)})
    assert "0 geregistreerd, 1 al verwerkt, 3 met een fout" in response.content.decode()
    assert ContactAttempt.objects.filter(case=listed.case).count() == 1
    assert not ContactAttempt.objects.filter(case__municipality=listed.b).exists()
    assert AuditEvent.objects.filter(action=Action.CREATE, purpose=Purpose.KLANTCONTACT).count() == 2


@pytest.mark.django_db
def test_the_results_import_reads_excel_and_refuses_a_bad_file(listed):
    book = Workbook()
    book.active.append(["Kenmerk", "Tijdstip", "Bereikt", "Notitie"])
    book.active.append([listed.case.contact_reference, (timezone.localtime() - dt.timedelta(hours=2)).replace(
        tzinfo=None, microsecond=0), "nee", None])
    out = io.BytesIO()
    book.save(out)
    client = client_of(listed.lead_a)
    upload = SimpleUploadedFile("resultaten.xlsx", out.getvalue())
    assert "1 geregistreerd" in client.post("/team/bellijst/resultaten", {"bestand": upload}).content.decode()
    assert ContactAttempt.objects.get(case=listed.case).reached == Reached.NEE
    bad = SimpleUploadedFile("x.csv", b"naam;adres\r\nA;B\r\n")
    response = client.post("/team/bellijst/resultaten", {"bestand": bad})
    assert response.status_code == 400 and "De kopregel mist de kolom(men) kenmerk, tijdstip, bereikt" in (
        response.content.decode())
    response = client.post("/team/bellijst/resultaten", {"bestand": SimpleUploadedFile("x.xlsx", b"PK\x03\x04 kapot")})
    assert response.status_code == 400 and "geen geldig Excel-bestand" in response.content.decode()


# --- the municipal API ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_call_list_for_a_service_account(listed):
    service = UserFactory(role=Role.SERVICE_ACCOUNT, municipalities=[listed.a])
    api = client_for(service)
    response = api.get("/api/v1/gemeente/bellijst")
    assert response.status_code == 200
    data = response.json()
    assert data["aantal"] == 1
    assert data["bellijst"] == [{"meldingId": listed.case.pk, "kenmerk": listed.case.contact_reference,
                                 "naam": "Anna Aadorpsma", "telefoonnummers": ["+31612345678"],
                                 "voorkeurDagdeel": "Middag", "uiterlijkOp": timezone.localdate().isoformat()}]
    assert_no_creditor_or_amount(response.content.decode())
    later = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    assert api.get(f"/api/v1/gemeente/bellijst?datum={later}").json()["aantal"] == 2
    assert api.get("/api/v1/gemeente/bellijst?datum=morgen").status_code == 400
    assert api.get("/api/v1/gemeente/bellijst?iets=1").status_code == 400
    event = AuditEvent.objects.filter(action=Action.API_READ).order_by("id").first()
    assert event.purpose == Purpose.KLANTCONTACT and event.persons == [person_hash(BSN)]
    # the result through the existing attempt endpoint, as the external call centre
    at = (timezone.localtime() - dt.timedelta(minutes=30)).isoformat()
    response = api.post(f"/api/v1/gemeente/meldingen/{listed.case.pk}/contactpogingen",
                        {"soortContact": "Telefoon", "tijdstip": at, "bereikt": "ja", "herkomst": "extern_kcc"},
                        format="json")
    assert response.status_code == 201
    assert ContactAttempt.objects.get(case=listed.case).origin == Origin.EXTERN_KCC
    assert api.get("/api/v1/gemeente/bellijst").json()["aantal"] == 0  # the task is done


@pytest.mark.django_db
def test_the_api_scopes_and_refuses_extern_kcc_for_a_worker(listed):
    service_b = UserFactory(role=Role.SERVICE_ACCOUNT, municipalities=[listed.b])
    rows = client_for(service_b).get("/api/v1/gemeente/bellijst").json()["bellijst"]
    assert [row["kenmerk"] for row in rows] != [listed.case.contact_reference] and len(rows) == 1
    worker = client_for(listed.worker_a)
    at = (timezone.localtime() - dt.timedelta(minutes=30)).isoformat()
    response = worker.post(f"/api/v1/gemeente/meldingen/{listed.case.pk}/contactpogingen",
                           {"soortContact": "Telefoon", "tijdstip": at, "herkomst": "extern_kcc"}, format="json")
    assert response.status_code == 400 and response.json()["invalidParams"][0]["name"] == "herkomst"
    assert not ContactAttempt.objects.exists()
    kcc = client_for(listed.kcc_a)
    assert kcc.get("/api/v1/gemeente/bellijst").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("moment", ["0001-01-01 00:00", "1999-12-31 23:59", "2101-01-01 00:00",
                                    "9999-12-31 23:59", "0001-01-01T00:00:00+14:00"])
def test_a_moment_out_of_range_is_a_row_error_not_a_500(listed, moment):
    rows = [(listed.case.contact_reference, moment, "ja", "")]
    response = client_of(listed.lead_a).post("/team/bellijst/resultaten", {"bestand": results_csv(*rows)})
    text = response.content.decode()
    assert response.status_code == 200 and "0 geregistreerd, 0 al verwerkt, 1 met een fout" in text
    assert "Tijdstip buiten de jaren 2000–2100" in text or "Onbekend tijdstip" in text
    assert not ContactAttempt.objects.filter(case=listed.case).exists()
