"""Signing in through the real login wizard in tests (issue 11): password, then the app's code."""
from __future__ import annotations

from tests.auth import totp_code

PASSWORD = "geheim-wachtwoord-42"  # UserFactory's
STEP = "sign_in_view-current_step"


def post_password(client, user, password: str = PASSWORD, *, ip: str = "192.0.2.10", next_url: str = ""):
    url = "/inloggen" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {STEP: "auth", "auth-username": user.username, "auth-password": password},
                       REMOTE_ADDR=ip)


def post_code(client, code: str, *, ip: str = "192.0.2.10", next_url: str = ""):
    url = "/inloggen" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {STEP: "token", "token-otp_token": code}, REMOTE_ADDR=ip)


def sign_in(client, user, device, *, ip: str = "192.0.2.10"):
    """The whole login: password, then the current code of ``device``; returns the last response."""
    response = post_password(client, user, ip=ip)
    assert response.status_code == 200 and 'name="token-otp_token"' in response.text, response.text[:500]
    return post_code(client, totp_code(device), ip=ip)
