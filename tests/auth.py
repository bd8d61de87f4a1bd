"""Signing in in tests as a real user does: with a confirmed second factor (issue 11).

``login(client, user)`` gives ``user`` a TOTP device (the one the set-up screen makes) and a session that
django-otp counts as verified with it; ``totp_code(device)`` is the code the user's app shows now.
"""
from __future__ import annotations

import time

from django.contrib.auth import SESSION_KEY
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device(user) -> TOTPDevice:
    """The user's confirmed authenticator-app device (named "default", as the set-up screen names it)."""
    device = TOTPDevice.objects.filter(user=user, name="default", confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def totp_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code the app shows at ``at`` (now); after a code of this 30-second step was used (django-otp
    refuses a code twice), the next step's code, which the device's drift tolerance accepts."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    if device.last_t is not None and totp.t() <= device.last_t:
        totp.drift = device.drift + (device.last_t - totp.t()) + 1
    return f"{totp.token():0{device.digits}d}"


def login(client, user, *, verified: bool = True):
    """``client.force_login(user)`` plus the second factor (``verified=False``: password only)."""
    client.force_login(user)
    if verified:
        session = client.session
        assert str(session[SESSION_KEY]) == str(user.pk)
        session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
        session.save()
    return client
