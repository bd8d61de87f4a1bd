"""'Inwoner belde': a signed 15-minute token of this user names the case; the call becomes a call-back task
for the handler with a history row, and a quoted message reference credits the reply, in one transaction."""
import datetime as dt
import re

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from audit.vocab import Action, Purpose
from cases import deadlines
from cases.models import CaseHistory
from contacts.models import CaseTask, Reached, TaskKind, TaskSource, TaskStatus
from kcc.selectors import TOKEN_SALT
from tests.auth import login
from tests.kcc.kcc_support import sent_sms
from vroegsignalering.common.dates import local_date

TOKEN = re.compile(r'name="(r\d)-token" value="([^"]+)"')


def client_of(user) -> Client:
    client = Client()
    login(client, user)
    return client


def found_token(client) -> tuple[str, str]:
    response = client.post("/kcc/", {"postcode": "1234AB", "huisnummer": "7"})
    return TOKEN.search(response.content.decode()).groups()


def call(client, prefix: str, token: str, **data):
    return client.post("/kcc/belde", {"prefix": prefix, f"{prefix}-token": token, **{
        f"{prefix}-{name}": value for name, value in {"terugbelnummer": "06 87654321", "dagdeel": "Middag",
                                                       "notitie": "Vraag over de brief", "kenmerk": "",
                                                       **data}.items()}})


@pytest.mark.django_db
def test_an_inbound_call_becomes_a_task_for_the_handler_and_a_history_row(world):
    client = client_of(world.kcc_a)
    prefix, token = found_token(client)
    assert str(world.case.pk) not in token.split(":")[0]  # the token names the case by its random reference
    response = call(client, prefix, token)
    assert response.status_code == 302
    task = CaseTask.objects.get(case=world.case)
    assert (task.kind, task.source, task.status) == (TaskKind.TERUGBELLEN, TaskSource.KCC, TaskStatus.OPEN)
    assert task.assigned_to == world.worker_a and task.created_by == world.kcc_a
    assert task.callback_phone == "+31687654321" and task.dagdeel == "Middag" and task.note == "Vraag over de brief"
    assert task.due_date == deadlines.add_working_days(local_date(timezone.now()), 1)
    row = CaseHistory.objects.filter(case=world.case, params__kind="task").get()
    assert "belde het klantcontactcentrum" in row.params["text"] and "middag" in row.params["text"]
    event = AuditEvent.objects.get(action=Action.CREATE)
    assert (event.object_id, event.purpose, event.username) == (str(world.case.pk), Purpose.KLANTCONTACT, "kcc_a")
    page = client.get("/kcc/").content.decode()
    assert "Het terugbelverzoek staat klaar" in page


@pytest.mark.django_db
def test_a_quoted_reference_credits_the_reply_in_the_same_transaction(world):
    sms = sent_sms(world.case, 2)
    other = sent_sms(world.case, 3)
    client = client_of(world.kcc_a)
    prefix, token = found_token(client)
    spoken = sms.reference.lower().replace("-", " ")  # read out on the phone: "vs 7k3m2qx 2"
    assert call(client, prefix, token, kenmerk=spoken).status_code == 302
    sms.refresh_from_db()
    other.refresh_from_db()
    assert sms.reached == Reached.JA and sms.reply_received_at is not None and sms.reply_registered_by == world.kcc_a
    assert other.reached == Reached.ONBEKEND
    assert CaseHistory.objects.filter(case=world.case, params__kind="reply").count() == 1
    text = CaseHistory.objects.get(case=world.case, params__kind="task").params["text"]
    assert sms.reference in text
    assert CaseTask.objects.filter(case=world.case).count() == 1


@pytest.mark.django_db
def test_an_unknown_reference_records_nothing(world):
    sent_sms(world.case, 2)
    client = client_of(world.kcc_a)
    prefix, token = found_token(client)
    response = call(client, prefix, token, kenmerk=f"{world.case.contact_reference}-9")
    assert response.status_code == 400
    assert "geen bericht met dit kenmerk" in response.content.decode()
    response = call(client, prefix, token, kenmerk="geen kenmerk")
    assert response.status_code == 400 and "Dit is geen kenmerk" in response.content.decode()
    assert not CaseTask.objects.exists()
    assert not CaseHistory.objects.filter(case=world.case, params__kind__in=["task", "reply"]).exists()


@pytest.mark.django_db
def test_field_errors_are_dutch_and_keep_the_result(world):
    client = client_of(world.kcc_a)
    prefix, token = found_token(client)
    response = call(client, prefix, token, terugbelnummer="bel me", dagdeel="Nacht")
    text = response.content.decode()
    assert response.status_code == 400
    assert "Dit is geen geldig telefoonnummer" in text and "Er is een lopende melding" in text
    assert not CaseTask.objects.exists()


@pytest.mark.django_db
def test_an_expired_token_is_refused(world):
    client = client_of(world.kcc_a)
    prefix, token = found_token(client)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        login(client, world.kcc_a)
        response = call(client, prefix, token)
    assert response.status_code == 302
    assert not CaseTask.objects.exists()
    assert "verlopen" in client.get("/kcc/").content.decode()


@pytest.mark.django_db
def test_a_tampered_token_or_another_users_token_is_refused(world):
    client = client_of(world.kcc_a)
    prefix, token = found_token(client)
    body, signature = token.rsplit(":", 1)
    assert call(client, prefix, f"{body}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}").status_code == 302
    forged = signing.dumps({"r": world.case.contact_reference, "u": world.kcc_a.pk}, salt="iets-anders")
    assert call(client, prefix, forged).status_code == 302
    # B's KCC employee with A's token (same salt, but not theirs, nor their municipality)
    assert call(client_of(world.kcc_b), prefix, token).status_code == 302
    own_b = signing.dumps({"r": world.case.contact_reference, "u": world.kcc_b.pk}, salt=TOKEN_SALT)
    assert call(client_of(world.kcc_b), prefix, own_b).status_code == 302
    assert not CaseTask.objects.exists()


@pytest.mark.django_db
def test_a_case_closed_after_the_search_records_nothing(world):
    client = client_of(world.kcc_a)
    prefix, token = found_token(client)
    type(world.case).objects.filter(pk=world.case.pk).update(status="gesloten", closed_at=timezone.now())
    assert call(client, prefix, token).status_code == 302
    assert not CaseTask.objects.exists()


@pytest.mark.django_db
def test_only_the_kcc_posts_a_call(world):
    client = client_of(world.kcc_a)
    prefix, token = found_token(client)
    assert call(client_of(world.worker_a), prefix, token).status_code == 403
    assert client.get("/kcc/belde").status_code == 405
