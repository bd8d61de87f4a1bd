"""message_send against the fake Notify on loopback: one message per step, never twice; 429, 5xx, timeouts,
refusals; quiet hours, closed and reached cases; the attempt the system registers."""
from __future__ import annotations

import datetime as dt
import time

import pytest

from cases.models import CaseStatus, ContactField, UnusableContact
from contacts.models import ContactAttempt, ContactKind, Delivery, Origin, Reached
from demo.notify_fake.server import PERMANENT_FAILURE_NUMBER
from outreach.models import MessageTemplate, SkipReason, StepKind, StepStatus
from outreach.sending import LEASE, message_send
from signals.models import Signal
from tests.factories import aware, reach
from tests.outreach.gateway_support import NOW, discreet_case, message_step, notify_fixture, texts_for  # noqa: F401
from tests.test_production_guard import SOUND, start

pytestmark = pytest.mark.django_db


def signals_of(case):
    return Signal.objects.filter(case_link__case=case)


@pytest.fixture
def case(municipality):
    texts_for(municipality)
    return discreet_case(municipality)


def test_an_sms_is_sent_once_and_registered_as_a_system_attempt(notify, case):
    step = message_step(case, StepKind.SMS)
    step = message_send(step.pk, now=NOW)
    assert step.status == StepStatus.VERZONDEN and step.notification_id and step.recipient == "+31612345678"
    [sent] = notify.messages()
    assert sent["reference"] == str(step.message_id) and sent["phone_number"] == "+31612345678"
    assert step.contact_reference in sent["body"] and "14 0123" in sent["body"]
    attempt = ContactAttempt.objects.get(case=case)
    assert (attempt.kind, attempt.origin, attempt.by, attempt.reached) == (
        ContactKind.SMS, Origin.SYSTEEM, None, Reached.ONBEKEND)
    assert attempt.reference == step.contact_reference and attempt.delivery == Delivery.VERZONDEN
    assert step.attempt == attempt
    history = case.history.filter(params__kind="contact_attempt").get()
    assert history.params["plan"] == "Standaard" and history.params["step"] == 1 and history.actor is None
    # Called again (a redelivered task): nothing more goes out.
    assert message_send(step.pk, now=NOW + dt.timedelta(hours=1)).status == StepStatus.VERZONDEN
    assert len(notify.messages()) == 1 and notify.requests["send"] == 1
    assert ContactAttempt.objects.filter(case=case).count() == 1


def test_an_email_carries_our_subject_and_text_through_the_shell_template(notify, case):
    step = message_send(message_step(case, StepKind.EMAIL).pk, now=NOW)
    assert step.status == StepStatus.VERZONDEN
    [sent] = notify.messages()
    assert sent["email_address"] == "test@example.com" and sent["subject"] == "Hulp bij uw vaste lasten"
    assert step.contact_reference in sent["body"] and "14 0123" in sent["body"]
    assert ContactAttempt.objects.get(case=case).kind == ContactKind.MAIL


def test_a_dropped_answer_is_found_by_reference_and_not_sent_again(notify, case):
    notify.accept_then_drop(1)
    step = message_send(message_step(case).pk, now=NOW)
    assert step.status == StepStatus.BEZIG and step.gateway_called_at == NOW and not step.notification_id
    assert len(notify.messages()) == 1  # it was taken
    # Within the lease: nothing at all (another worker may still be waiting for its answer).
    assert message_send(step.pk, now=NOW + dt.timedelta(minutes=2)).status == StepStatus.BEZIG
    assert notify.requests["lookup"] == 0
    step = message_send(step.pk, now=NOW + LEASE + dt.timedelta(minutes=1))
    assert step.status == StepStatus.VERZONDEN and notify.requests["lookup"] == 1
    assert len(notify.messages(reference=str(step.message_id))) == 1
    assert step.notification_id == notify.messages()[0]["id"]
    assert [entry["path"] for entry in notify.log if entry["method"] == "POST"] == ["/v2/notifications/sms"]
    assert ContactAttempt.objects.filter(case=case).count() == 1


def test_a_server_error_before_storing_is_looked_up_then_sent(notify, case):
    notify.fail_next(1, 500)
    step = message_send(message_step(case).pk, now=NOW)
    assert step.status == StepStatus.BEZIG and "nagevraagd" in step.error and notify.messages() == []
    step = message_send(step.pk, now=NOW + LEASE)
    assert step.status == StepStatus.VERZONDEN and len(notify.messages()) == 1
    assert notify.requests["lookup"] == 1


def test_a_timeout_is_uncertain_and_the_retry_adopts_the_stored_message(notify, case, settings):
    settings.NOTIFY_TIMEOUT = 0.3
    notify.latency = 1.0
    step = message_send(message_step(case).pk, now=NOW)
    assert step.status == StepStatus.BEZIG and step.gateway_called_at is not None
    deadline = time.monotonic() + 5
    while not notify.messages() and time.monotonic() < deadline:  # the fake stores after its latency
        time.sleep(0.05)
    notify.latency = 0
    step = message_send(step.pk, now=NOW + LEASE)
    assert step.status == StepStatus.VERZONDEN and len(notify.messages()) == 1


def test_rate_limited_goes_back_a_minute_later_and_sends_then(notify, case):
    notify.fail_next(1, 429)
    step = message_send(message_step(case).pk, now=NOW)
    assert step.status == StepStatus.GEPLAND and step.due_at == NOW + dt.timedelta(minutes=1)
    assert step.gateway_called_at is None and step.claimed_at is None and notify.messages() == []
    step = message_send(step.pk, now=NOW + dt.timedelta(minutes=1))
    assert step.status == StepStatus.VERZONDEN and len(notify.messages()) == 1


def test_gateway_down_is_uncertain_until_it_can_be_asked(notify, case):
    notify.set_down()
    step = message_send(message_step(case).pk, now=NOW)
    assert step.status == StepStatus.BEZIG
    step = message_send(step.pk, now=NOW + LEASE)  # the lookup cannot reach it either
    assert step.status == StepStatus.BEZIG
    notify.set_down(False)
    step = message_send(step.pk, now=NOW + 2 * LEASE)
    assert step.status == StepStatus.VERZONDEN and len(notify.messages()) == 1


def test_no_connection_at_all_is_planned_again(settings, case):
    settings.NOTIFY_BASE_URL = "http://127.0.0.1:9"  # discard port: connection refused
    step = message_send(message_step(case).pk, now=NOW)
    assert step.status == StepStatus.GEPLAND and step.gateway_called_at is None
    assert step.due_at == NOW + dt.timedelta(minutes=5)


def test_a_refusal_not_about_the_recipient_fails_and_marks_nothing(notify, case):
    notify.templates = {}  # "Template not found": our configuration, not the resident's number
    step = message_send(message_step(case).pk, now=NOW)
    assert step.status == StepStatus.MISLUKT and "Template not found" in step.error
    assert not UnusableContact.objects.exists() and not ContactAttempt.objects.exists()


def test_a_refused_recipient_fails_and_is_marked_unusable(notify, case):
    notify.refused_recipients = {"+31612345678"}
    step = message_send(message_step(case).pk, now=NOW)
    assert step.status == StepStatus.MISLUKT and "phone_number" in step.error
    unusable = UnusableContact.objects.get(case=case)
    assert (unusable.field, unusable.value) == (ContactField.TELEFOON, "+31612345678")
    assert not ContactAttempt.objects.exists() and notify.messages() == []
    # The next SMS step has no usable number left.
    assert message_send(message_step(case, position=2).pk, now=NOW).skip_reason == SkipReason.GEEN_CONTACTGEGEVENS


def test_quiet_hours_hold_at_send_time(notify, case):
    sunday = aware(2026, 6, 14, 11)
    step = message_send(message_step(case).pk, now=sunday)
    assert step.status == StepStatus.GEPLAND and step.due_at == aware(2026, 6, 15, 8)
    night = aware(2026, 6, 10, 21, 30)
    step = message_send(message_step(case, position=2).pk, now=night)
    assert step.due_at == aware(2026, 6, 11, 8) and notify.messages() == []


def test_nothing_is_sent_after_the_case_closed(notify, case):
    case.__class__.objects.filter(pk=case.pk).update(status=CaseStatus.GESLOTEN)
    step = message_send(message_step(case).pk, now=NOW)
    assert (step.status, step.skip_reason) == (StepStatus.OVERGESLAGEN, SkipReason.GESTOPT)
    assert notify.messages() == [] and notify.requests["send"] == 0


def test_nothing_is_sent_once_the_resident_was_reached(notify, case):
    reach(case, None)
    step = message_send(message_step(case).pk, now=NOW)
    assert step.status == StepStatus.OVERGESLAGEN and notify.messages() == []


def test_no_text_or_no_contact_data_skips_the_step(notify, case):
    MessageTemplate.objects.filter(channel="sms").update(is_active=False)
    assert message_send(message_step(case).pk, now=NOW).skip_reason == SkipReason.GEEN_SJABLOON
    signals_of(case).update(email="")
    assert message_send(message_step(case, StepKind.EMAIL, position=2).pk,
                        now=NOW).skip_reason == SkipReason.GEEN_CONTACTGEGEVENS
    assert notify.messages() == []


def test_a_known_unusable_number_is_skipped_and_the_next_one_used(notify, case):
    UnusableContact.objects.create(case=case, field=ContactField.TELEFOON, value="+31612345678", reason="test", at=NOW)
    signals_of(case).update(phone_numbers=["0612345678", "06 98765432"])
    step = message_send(message_step(case).pk, now=NOW)
    assert step.status == StepStatus.VERZONDEN and step.recipient == "+31698765432"


def test_a_permanently_failing_number_is_still_sent(notify, case):
    signals_of(case).update(phone_numbers=[PERMANENT_FAILURE_NUMBER])
    assert message_send(message_step(case).pk, now=NOW).status == StepStatus.VERZONDEN


def test_an_unconfigured_gateway_fails_the_step_visibly(settings, case):
    settings.NOTIFY_BASE_URL, settings.NOTIFY_API_KEY = "", ""
    step = message_send(message_step(case).pk, now=NOW)
    assert step.status == StepStatus.MISLUKT and "niet ingesteld" in step.error


def test_production_has_no_gateway_defaults():
    """In production nothing points at the fake unless configured (the development defaults are not used)."""
    result = start({**SOUND}, "import django; django.setup(); from django.conf import settings as s; "
                              "print(repr((s.NOTIFY_BASE_URL, s.NOTIFY_API_KEY, s.NOTIFY_CALLBACK_TOKEN)))")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("('', '', '')")
