"""The gateways that send SMS and e-mail (``base``: the protocol and its errors; ``notify``: NotifyNL;
``smtp``: Django mail), and :func:`gateway_for`, which picks one per channel from the settings."""
from __future__ import annotations

from django.conf import settings

from outreach.models import Channel

from .base import (
    RATE_LIMITED,
    REFUSED,
    UNAVAILABLE,
    UNCERTAIN,
    Gateway,
    GatewayError,
    OutgoingMessage,
    SendResult,
)
from .notify import NotifyGateway
from .smtp import SmtpGateway

__all__ = ["RATE_LIMITED", "REFUSED", "UNAVAILABLE", "UNCERTAIN", "Gateway", "GatewayError", "OutgoingMessage",
           "SendResult", "gateway_for"]


def gateway_for(channel: str) -> Gateway:
    """The gateway for ``channel`` (SMS always Notify; e-mail Notify or SMTP, ``OUTREACH_EMAIL_VIA``).
    ``GatewayError(unavailable)`` when it is not configured (production has no default)."""
    if channel == Channel.EMAIL and settings.OUTREACH_EMAIL_VIA == "smtp":
        return SmtpGateway()
    return NotifyGateway(
        base_url=settings.NOTIFY_BASE_URL, api_key=settings.NOTIFY_API_KEY, timeout=settings.NOTIFY_TIMEOUT,
        sms_template_id=settings.NOTIFY_SMS_TEMPLATE_ID, email_template_id=settings.NOTIFY_EMAIL_TEMPLATE_ID,
        sms_sender_id=settings.NOTIFY_SMS_SENDER_ID, email_reply_to_id=settings.NOTIFY_EMAIL_REPLY_TO_ID)
