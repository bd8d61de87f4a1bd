"""E-mail over SMTP (OUTREACH_EMAIL_VIA=smtp): Django's mail backend (locmem here, a real SMTP server on
loopback for the refusals and the dropped connection). Nothing can be asked afterwards, so an e-mail that
may have gone out is ONZEKER and never resent."""
from __future__ import annotations

import datetime as dt
import socket
import threading

import pytest
from django.core import mail

from cases.models import ContactField, UnusableContact
from contacts.models import ContactAttempt, ContactKind
from outreach.models import StepKind, StepStatus
from outreach.sending import LEASE, message_send
from tests.outreach.gateway_support import NOW, discreet_case, message_step, texts_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    settings.OUTREACH_EMAIL_VIA = "smtp"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "vroegsignalering@proefdorp.example"


@pytest.fixture
def case(municipality):
    texts_for(municipality)
    return discreet_case(municipality)


def test_an_email_goes_out_once_through_django_mail(smtp, case):
    step = message_send(message_step(case, StepKind.EMAIL).pk, now=NOW)
    assert step.status == StepStatus.VERZONDEN
    [sent] = mail.outbox
    assert sent.to == ["test@example.com"] and sent.subject == "Hulp bij uw vaste lasten"
    assert step.contact_reference in sent.body and sent.reply_to == ["vroegsignalering@proefdorp.example"]
    assert sent.extra_headers["Message-ID"] == f"<{step.message_id}@proefdorp.example>"
    assert sent.alternatives and "<p>" in sent.alternatives[0][0]
    assert ContactAttempt.objects.get(case=case).kind == ContactKind.MAIL
    message_send(step.pk, now=NOW + LEASE * 2)
    assert len(mail.outbox) == 1


def test_sms_still_goes_through_notify(smtp, case, settings):
    settings.NOTIFY_BASE_URL = "http://127.0.0.1:9"
    step = message_send(message_step(case, StepKind.SMS).pk, now=NOW)
    assert step.status == StepStatus.GEPLAND and mail.outbox == []


def test_a_step_whose_lease_ran_out_after_the_call_is_uncertain_and_never_resent(smtp, case):
    step = message_step(case, StepKind.EMAIL)
    type(step).objects.filter(pk=step.pk).update(gateway_called_at=NOW, recipient="test@example.com")
    assert message_send(step.pk, now=NOW + dt.timedelta(minutes=1)).status == StepStatus.BEZIG
    step = message_send(step.pk, now=NOW + LEASE)
    assert step.status == StepStatus.ONZEKER and mail.outbox == []
    assert not ContactAttempt.objects.exists()


class _Smtp(threading.Thread):
    """A minimal SMTP server on loopback: refuses the recipient (550) or drops the connection after DATA."""

    def __init__(self, mode: str):
        super().__init__(daemon=True)
        self.mode = mode
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]

    def run(self):
        conn, _ = self.sock.accept()
        with conn, conn.makefile("rb") as lines:
            conn.sendall(b"220 proef ESMTP\r\n")
            for line in lines:
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    conn.sendall(b"250 proef\r\n")
                elif verb == b"MAIL":
                    conn.sendall(b"250 ok\r\n")
                elif verb == b"RCPT":
                    conn.sendall(b"550 no such user\r\n" if self.mode == "refuse" else b"250 ok\r\n")
                elif verb == b"DATA":
                    if self.mode == "drop":
                        return  # the message may have been taken: we will never know
                    conn.sendall(b"354 go on\r\n")
                elif verb == b"RSET":
                    conn.sendall(b"250 ok\r\n")
                elif verb == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return


def _real_smtp(settings, mode):
    server = _Smtp(mode)
    server.start()
    settings.OUTREACH_EMAIL_VIA = "smtp"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 2
    settings.EMAIL_USE_TLS = False
    return server


def test_a_refused_address_fails_and_is_marked_unusable(settings, case):
    _real_smtp(settings, "refuse")
    step = message_send(message_step(case, StepKind.EMAIL).pk, now=NOW)
    assert step.status == StepStatus.MISLUKT
    assert UnusableContact.objects.get(case=case).field == ContactField.EMAIL


def test_a_dropped_connection_is_uncertain_at_once(settings, case):
    _real_smtp(settings, "drop")
    step = message_send(message_step(case, StepKind.EMAIL).pk, now=NOW)
    assert step.status == StepStatus.ONZEKER and "niet opnieuw" in step.error
    assert message_send(step.pk, now=NOW + LEASE * 2).status == StepStatus.ONZEKER
