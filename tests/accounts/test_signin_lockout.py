"""Login lockout (issue 11 D9): after LOGIN_FAILURE_LIMIT wrong passwords the account and the address are
locked for LOGIN_LOCKOUT_MINUTES (Dutch page, 429); an installation administrator unlocks in /beheer/."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client

from accounts.models import Role
from tests.accounts.signin_support import PASSWORD, post_password
from tests.auth import login, totp_device
from tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db

ATTACKER, OFFICE = "198.51.100.66", "192.0.2.20"


@pytest.fixture
def people(db):
    gemeente = MunicipalityFactory(cbs_code="0100", name="Proefdorp")
    users = {name: UserFactory(username=name, municipalities=[gemeente], role=Role.TEAMLEIDER)
             for name in ("teamleider", "collega")}
    for user in users.values():
        totp_device(user)
    return users


def password_accepted(response) -> bool:
    """The password step passed: the code step is on screen."""
    return response.status_code == 200 and 'name="token-otp_token"' in response.text


def fail(client, user, times, ip=ATTACKER):
    for _ in range(times):
        response = post_password(client, user, "fout-wachtwoord-123", ip=ip)
    return response


@pytest.mark.parametrize("limit", [3, 5])
def test_wrong_passwords_then_the_right_one_is_refused(client, people, settings, limit):
    settings.AXES_FAILURE_LIMIT = limit
    user = people["teamleider"]
    for attempt in range(1, limit):
        response = post_password(client, user, f"fout-{attempt}-wachtwoord", ip=ATTACKER)
        assert response.status_code == 200 and "Gebruikersnaam of wachtwoord is onjuist" in response.text
    response = fail(client, user, 1)
    assert response.status_code == 429 and "tijdelijk geblokkeerd" in response.text
    # The right password now: refused, from the attacker's address and from the office.
    for ip in (ATTACKER, OFFICE):
        response = post_password(client, user, PASSWORD, ip=ip)
        assert response.status_code == 429 and not password_accepted(response)
        assert SESSION_KEY not in client.session


def test_another_account_from_another_address_still_signs_in(client, people):
    fail(client, people["teamleider"], 5)
    assert password_accepted(post_password(client, people["collega"], ip=OFFICE))
    # The attacker's address is locked for every account.
    assert post_password(client, people["collega"], ip=ATTACKER).status_code == 429


def test_the_lock_ends_after_the_cool_off(client, people):
    fail(client, people["teamleider"], 5)
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=16)):
        assert password_accepted(post_password(client, people["teamleider"], ip=ATTACKER))


def test_an_installation_administrator_unlocks_in_the_admin(client, people):
    user = people["teamleider"]
    fail(client, user, 5)
    assert post_password(client, user, ip=OFFICE).status_code == 429
    staff = installation_admin_client()
    attempts = AccessAttempt.objects.filter(username=user.username)
    page = staff.get("/beheer/axes/accessattempt/")
    assert page.status_code == 200 and user.username in page.text
    response = staff.post("/beheer/axes/accessattempt/", {"action": "unlock",
                                                          "_selected_action": [a.pk for a in attempts]})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    client.logout()
    assert password_accepted(post_password(client, user, ip=ATTACKER))


def test_a_functional_administrator_cannot_unlock(client, people):
    fail(client, people["teamleider"], 5)
    admin = UserFactory(role=Role.FUNCTIONEEL_BEHEERDER, is_staff=True,
                        municipalities=[MunicipalityFactory(cbs_code="0100")])
    login(client, admin)
    attempt = AccessAttempt.objects.first()
    assert client.get("/beheer/axes/accessattempt/").status_code == 403
    client.post("/beheer/axes/accessattempt/", {"action": "unlock", "_selected_action": [attempt.pk]})
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def installation_admin_client():
    staff = Client()
    login(staff, UserFactory(role=Role.INSTALLATIEBEHEERDER, is_staff=True))
    return staff


def test_wrong_passwords_at_reauthentication_count_too(client, people, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = people["teamleider"]
    login(client, user)
    for _ in range(3):
        response = client.post("/opnieuw-inloggen", {"password": "fout-wachtwoord-xyz", "otp_token": "000000"},
                               REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429
