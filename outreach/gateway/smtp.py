"""E-mail over SMTP (``OUTREACH_EMAIL_VIA=smtp``): Django's configured mail backend, one message each.

There is nothing to ask afterwards (no lookup, no delivery callbacks), so the sender never resends an
e-mail that may have gone out: an uncertain failure makes the step ONZEKER for a person to check.
"""
from __future__ import annotations

import smtplib
import socket

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.html import linebreaks

from .base import REFUSED, UNAVAILABLE, UNCERTAIN, GatewayError, OutgoingMessage, SendResult


def message_id(reference: str) -> str:
    domain = (settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "vroegsignalering.local")
    return f"<{reference}@{domain}>"


class SmtpGateway:
    can_lookup = False

    def send(self, message: OutgoingMessage) -> SendResult:
        mail = EmailMultiAlternatives(
            subject=message.subject, body=message.body, from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient], reply_to=[message.reply_to] if message.reply_to else None,
            headers={"Message-ID": message_id(message.reference), "X-Vroegsignalering-Kenmerk":
                     message.contact_reference},
            connection=get_connection(fail_silently=False))
        mail.attach_alternative(linebreaks(message.body, autoescape=True), "text/html")
        try:
            mail.send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise GatewayError(REFUSED, "De mailserver weigert het adres.", recipient=True) from exc
        except (smtplib.SMTPSenderRefused, smtplib.SMTPNotSupportedError) as exc:
            raise GatewayError(REFUSED, f"De mailserver weigert het bericht: {exc}"[:250]) from exc
        except (smtplib.SMTPConnectError, ConnectionRefusedError, socket.gaierror) as exc:
            raise GatewayError(UNAVAILABLE, "Geen verbinding met de mailserver.") from exc
        except (smtplib.SMTPException, OSError) as exc:  # disconnected or timed out during the transaction
            raise GatewayError(UNCERTAIN, f"Onderbroken bij de mailserver: {type(exc).__name__}") from exc
        return SendResult(message_id(message.reference), "sent")

    def lookup(self, reference: str) -> SendResult | None:  # pragma: no cover - never called (can_lookup)
        raise GatewayError(UNCERTAIN, "Bij SMTP is niets na te vragen.")
