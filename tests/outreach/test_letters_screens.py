"""The text editor and the print batch screens: Dutch field errors, a preview that reads no case, a new
version on save, the PDF preview, tenancy (another municipality's texts and batches are 404), roles."""
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Role
from audit.models import AuditEvent
from contacts.models import ContactAttempt
from outreach.letters import letter_prepare
from outreach.models import Channel, MessageTemplate, PrintBatch, PrintBatchState, TargetGroup
from outreach.print_batches import print_batch_run
from tests.auth import login
from tests.factories import MunicipalityFactory, UserFactory

from .letters_support import cases_with_steps, outreach_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def towns():
    a = MunicipalityFactory(cbs_code="0100", name="Proefdorp")
    b = MunicipalityFactory(cbs_code="0200", name="Beedorp")
    outreach_ready(a)
    outreach_ready(b)
    return a, b


@pytest.fixture
def admin_client(client, towns):
    login(client, UserFactory(role=Role.FUNCTIONEEL_BEHEERDER, municipalities=[towns[0]]))
    return client


def _text(town, channel=Channel.BRIEF, group=TargetGroup.ALGEMEEN):
    return MessageTemplate.objects.get(municipality=town, channel=channel, target_group=group, is_active=True)


def test_the_list_shows_every_channel_and_group(admin_client, towns):
    response = admin_client.get(reverse("outreach:texts"))
    assert response.status_code == 200
    assert response.content.decode().count("Wijzigen<span") == 9
    assert "Beedorp" not in response.content.decode()


def test_defaults_are_seeded_for_a_municipality_without_texts(admin_client, towns):
    MessageTemplate.objects.filter(municipality=towns[0]).delete()
    response = admin_client.post(reverse("outreach:texts_defaults"), {"gemeente": towns[0].pk})
    assert response.status_code == 302
    assert MessageTemplate.objects.filter(municipality=towns[0], is_active=True).count() == 9
    assert admin_client.post(reverse("outreach:texts_defaults"), {"gemeente": towns[1].pk}).status_code == 404


@pytest.mark.parametrize(("channel", "body", "message"), [
    (Channel.BRIEF, "Beste {{ voornam }}, {{ kenmerk }}", "Onbekend veld {{ voornam }}"),
    (Channel.SMS, "Hoi {{ voornaam }}, u heeft {{ bedrag }} open. {{ kenmerk }}", "{{ bedrag }} mag niet in een sms"),
    (Channel.EMAIL, "Beste {{ naam }}, bel ons.", "Neem {{ kenmerk }} op"),
])
def test_save_refuses_an_invalid_text_with_a_dutch_field_error(admin_client, towns, channel, body, message):
    text = _text(towns[0], channel)
    response = admin_client.post(reverse("outreach:text_edit", args=[text.pk]),
                                 {"onderwerp": "Hulp", "tekst": body})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_tekst_helptext tekst-fouten"' in html
    assert MessageTemplate.objects.filter(municipality=towns[0], channel=channel).count() == 3


def test_save_makes_a_new_version(admin_client, towns):
    text = _text(towns[0])
    response = admin_client.post(reverse("outreach:text_edit", args=[text.pk]),
                                 {"onderwerp": "Even bellen?", "tekst": "Beste {{ naam }},\n\nBel ons. {{ kenmerk }}"})
    assert response.status_code == 302
    new = _text(towns[0])
    assert (new.version, new.subject) == (2, "Even bellen?")
    text.refresh_from_db()
    assert not text.is_active and text.version == 1
    assert response["Location"] == reverse("outreach:text_edit", args=[new.pk])


def test_the_preview_never_reads_a_case_and_shows_the_sample_resident(admin_client, towns):
    cases_with_steps(towns[0], [1])
    text = _text(towns[0])
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.post(reverse("outreach:text_preview", args=[text.pk]),
                                     {"onderwerp": "Hallo {{ voornaam }}", "tekst": "Beste {{ naam }}, {{ kenmerk }}"},
                                     HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hallo Sanne" in html and "Beste S. de Vries, VS-7K3M2QX-1" in html
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "cases_case" not in tables and "signals_signal" not in tables


def test_the_preview_returns_the_errors_out_of_band(admin_client, towns):
    text = _text(towns[0], Channel.SMS)
    response = admin_client.post(reverse("outreach:text_preview", args=[text.pk]),
                                 {"tekst": "Hoi {{ schuldeiser }} {{ kenmerk }}"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="tekst-fouten"' in html and 'hx-swap-oob="true"' in html and 'data-ongeldig="true"' in html
    assert "{{ schuldeiser }} mag niet in een sms of e-mail" in html


def test_the_pdf_preview_is_the_letter_for_the_sample_resident(admin_client, towns):
    text = _text(towns[0], Channel.BRIEF, TargetGroup.AOW)
    response = admin_client.post(reverse("outreach:text_preview_pdf", args=[text.pk]),
                                 {"onderwerp": text.subject, "tekst": text.body})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    page = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "S. de Vries" in page and "Voorbeeldstraat 1" in page and "VS-7K3M2QX-1" in page


def test_another_municipalitys_texts_and_batches_are_404(admin_client, towns):
    other = _text(towns[1])
    assert admin_client.get(reverse("outreach:text_edit", args=[other.pk])).status_code == 404
    assert admin_client.post(reverse("outreach:text_preview", args=[other.pk]), {"tekst": "x"}).status_code == 404
    batch = PrintBatch.objects.create(municipality=towns[1], progress_at=timezone.now(), created_at=timezone.now())
    for name in ("batch_detail", "batch_status", "batch_pdf"):
        assert admin_client.get(reverse(f"outreach:{name}", args=[batch.pk])).status_code == 404
    handover = reverse("outreach:batch_hand_over", args=[batch.pk])
    assert admin_client.post(handover, {"datum": "2026-01-01"}).status_code == 404
    assert admin_client.post(reverse("outreach:batch_start"), {"gemeente": towns[1].pk}).status_code == 404


def test_a_worker_may_not_edit_texts_and_a_team_lead_only_looks_at_batches(client, towns):
    text = _text(towns[0])
    login(client, UserFactory(role=Role.TEAMLEIDER, municipalities=[towns[0]]))
    assert client.get(reverse("outreach:text_edit", args=[text.pk])).status_code == 403
    assert client.get(reverse("outreach:batches")).status_code == 200
    assert client.post(reverse("outreach:batch_start"), {"gemeente": towns[0].pk}).status_code == 403


def test_a_batch_from_start_to_handover_on_screen(admin_client, towns, django_capture_on_commit_callbacks):
    now = timezone.now()
    for step in cases_with_steps(towns[0], [1, 2, 3]):
        letter_prepare(step.pk, now=now)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("outreach:batch_start"), {"gemeente": towns[0].pk})
    batch = PrintBatch.objects.get()
    assert response["Location"] == reverse("outreach:batch_detail", args=[batch.pk])
    status = admin_client.get(reverse("outreach:batch_status", args=[batch.pk])).json()
    assert (status["klaar"], status["regelsVerwerkt"], status["procent"]) == (True, 3, 100)
    detail = admin_client.get(reverse("outreach:batch_detail", args=[batch.pk])).content.decode()
    assert "Download de PDF" in detail and "Afgegeven aan de postkamer" in detail
    download = admin_client.get(reverse("outreach:batch_pdf", args=[batch.pk]))
    assert len(PdfReader(io.BytesIO(download.content)).pages) == 3
    assert AuditEvent.objects.filter(action="export", object_type="printbatch").exists()
    for _ in range(2):  # a double click
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(reverse("outreach:batch_hand_over", args=[batch.pk]),
                              {"datum": timezone.localdate().isoformat()})
    batch.refresh_from_db()
    assert batch.state == PrintBatchState.AFGEGEVEN and batch.letters_registered == 3
    assert ContactAttempt.objects.count() == 3


def test_handover_with_a_future_date_is_a_field_error(admin_client, towns):
    now = timezone.now()
    letter_prepare(cases_with_steps(towns[0], [4])[0].pk, now=now)
    admin_client.post(reverse("outreach:batch_start"), {"gemeente": towns[0].pk})
    batch = PrintBatch.objects.get()
    print_batch_run(batch.pk)
    response = admin_client.post(reverse("outreach:batch_hand_over", args=[batch.pk]), {"datum": "2999-01-01"})
    assert response.status_code == 400 and "Kies vandaag of een eerdere dag." in response.content.decode()
