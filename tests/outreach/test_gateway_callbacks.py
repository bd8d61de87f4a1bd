"""Notify's delivery callback (POST /koppelingen/notify/afleverstatus): the bearer token, the body, and what
each status does to the attempt and the case. The bodies are the ones the fake Notify posts; one test lets
the fake post it to a live server."""
from __future__ import annotations

import json

import pytest
from django.test import Client

from cases.models import ContactField, UnusableContact
from contacts.models import ContactAttempt, Delivery, Reached
from demo.notify_fake.server import FakeNotifyServer
from outreach.models import StepKind
from outreach.sending import message_send
from signals.models import Signal
from tests.outreach.gateway_support import NOW, discreet_case, message_step, notify_fixture, texts_for  # noqa: F401

URL = "/koppelingen/notify/afleverstatus"
TOKEN = "een-token-van-minstens-tweeendertig-tekens-lang"


@pytest.fixture
def token(settings):
    settings.NOTIFY_CALLBACK_TOKEN = TOKEN
    return TOKEN


@pytest.fixture
def case(municipality):
    texts_for(municipality)
    return discreet_case(municipality)


def post(body, token=TOKEN, raw=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return Client().post(URL, data=raw if raw is not None else json.dumps(body), content_type="application/json",
                         **headers)


def sent(notify, case, kind=StepKind.SMS, position=1, number=None):
    if number:
        Signal.objects.filter(case_link__case=case).update(phone_numbers=[number], email=number)
    step = message_send(message_step(case, kind, position=position).pk, now=NOW)
    assert notify.wait_for_callbacks()
    return step, notify.callback_body(step.notification_id)


@pytest.mark.django_db
def test_delivered_marks_the_attempt_delivered_and_not_reached(notify, case, token):
    step, body = sent(notify, case)
    assert body["status"] == "delivered"
    assert post(body).status_code == 200
    attempt = ContactAttempt.objects.get(pk=step.attempt_id)
    assert attempt.delivery == Delivery.AFGELEVERD and attempt.reached == Reached.ONBEKEND
    assert post(body).status_code == 200  # a repeat changes nothing
    assert post({**body, "status": "sending"}).status_code == 200  # nor a late earlier status
    assert ContactAttempt.objects.get(pk=step.attempt_id).delivery == Delivery.AFGELEVERD


@pytest.mark.django_db
def test_permanent_failure_marks_the_number_unusable(notify, case, token):
    step, body = sent(notify, case, number="+31600000901")
    assert body["status"] == "permanent-failure"
    assert post(body).status_code == 200
    attempt = ContactAttempt.objects.get(pk=step.attempt_id)
    assert attempt.delivery == Delivery.MISLUKT and attempt.reached == Reached.NEE
    unusable = UnusableContact.objects.get(case=case)
    assert (unusable.field, unusable.value) == (ContactField.TELEFOON, "+31600000901")
    row = case.history.get(params__kind="delivery_failed")
    assert row.params["unusable"] == "telefoon" and row.actor is None
    assert post(body).status_code == 200 and case.history.filter(params__kind="delivery_failed").count() == 1


@pytest.mark.django_db
def test_a_second_temporary_failure_of_the_same_value_makes_it_unusable(notify, case, token):
    first, body = sent(notify, case, number="+31600000902")
    assert post(body).status_code == 200
    assert ContactAttempt.objects.get(pk=first.attempt_id).delivery == Delivery.TIJDELIJK_MISLUKT
    assert not UnusableContact.objects.exists()
    second, body = sent(notify, case, position=2)
    assert post(body).status_code == 200
    assert UnusableContact.objects.get(case=case).value == "+31600000902"


@pytest.mark.django_db
def test_technical_failure_leaves_the_attempt_as_it_was(notify, case, token):
    step, body = sent(notify, case, number="+31600000903")
    assert post(body).status_code == 200
    assert ContactAttempt.objects.get(pk=step.attempt_id).delivery == Delivery.VERZONDEN


@pytest.mark.django_db
def test_a_permanently_failing_email_address(notify, case, token):
    Signal.objects.filter(case_link__case=case).update(email="perm-fail@simulator.notify")
    step, body = sent(notify, case, kind=StepKind.EMAIL)
    assert post(body).status_code == 200
    assert UnusableContact.objects.get(case=case).field == ContactField.EMAIL


@pytest.mark.django_db
def test_a_bad_or_missing_token_is_401(notify, case, token):
    _, body = sent(notify, case)
    for bad in (None, "fout", TOKEN + "x", ""):
        response = post(body, token=bad)
        assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    assert Client().post(URL, data=json.dumps(body), content_type="application/json",
                         HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 401


@pytest.mark.django_db
def test_no_token_configured_refuses_everything(settings):
    settings.NOTIFY_CALLBACK_TOKEN = ""
    assert post({"id": "x", "status": "delivered"}, token="").status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["niet-json", "[]", "{}", '{"id": "x", "status": "onbekend"}', '{"id": 5}',
                                 "\udcff".encode("utf-8", "surrogatepass")])
def test_a_bad_body_is_400_problem_json(token, raw):
    response = post(None, raw=raw)
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 400


@pytest.mark.django_db
def test_an_unknown_message_is_404(token):
    body = {"id": "6b4bd1f5-7b0f-4a53-b2c7-2f1f0c1f4d1e", "reference": "4c1c7c2e-1a0b-4a6f-9c3b-6a9f5c0e7d21",
            "status": "delivered"}
    assert post(body).status_code == 404
    assert post({**body, "reference": None}).status_code == 404


@pytest.mark.django_db
def test_get_is_not_allowed(token):
    assert Client().get(URL, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_the_fake_posts_its_callback_to_the_server(live_server, settings, municipality, token):
    texts_for(municipality)
    case = discreet_case(municipality)
    with FakeNotifyServer(port=0, callback_url=live_server.url + URL, callback_token=TOKEN,
                          callback_retry_delay=0.1) as fake:
        settings.NOTIFY_BASE_URL = fake.url
        step = message_send(message_step(case).pk, now=NOW)
        assert fake.wait_for_callbacks(10)
        assert fake.callbacks[-1]["http_status"] == 200
    assert ContactAttempt.objects.get(pk=step.attempt_id).delivery == Delivery.AFGELEVERD
