"""Session lifetime and re-authentication (issue 11 D15, ASVS 3.3): signed out after SESSION_IDLE_TIMEOUT
without a request and SESSION_ABSOLUTE_LIFETIME after signing in; a cookie for this browser session only;
htmx gets a full-page redirect; admin changes and exports ask for the password and code again after
REAUTH_MAX_AGE. Time is moved with time-machine."""
from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY

from accounts.models import Role
from tests.accounts.signin_support import PASSWORD, sign_in
from tests.auth import login, totp_code, totp_device
from tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 12, 7, 8, 30, tzinfo=dt.UTC)
PRINT = "/team/huisbezoeken/afdrukken"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def lead(db):
    return UserFactory(role=Role.TEAMLEIDER, municipalities=[MunicipalityFactory(cbs_code="0100", name="Proefdorp")])


def signed_out(response, client) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/inloggen") and \
        SESSION_KEY not in client.session


@pytest.mark.parametrize("idle_minutes", [15, 5])
def test_idle_timeout(client, lead, clock, settings, idle_minutes):
    settings.SESSION_IDLE_TIMEOUT = dt.timedelta(minutes=idle_minutes)
    login(client, lead)
    for _ in range(4):  # active: each request within the timeout keeps the session
        clock.shift(dt.timedelta(minutes=idle_minutes - 1))
        assert client.get("/werkvoorraad").status_code == 200
    clock.shift(dt.timedelta(minutes=idle_minutes, seconds=31))
    response = client.get("/werkvoorraad")
    assert signed_out(response, client)
    assert response["Location"] == "/inloggen?next=%2Fwerkvoorraad"
    assert f"{idle_minutes} minuten niet actief" in client.get(response["Location"]).text


@pytest.mark.parametrize("hours", [9, 2])
def test_absolute_lifetime_however_active(client, lead, clock, settings, hours):
    settings.SESSION_ABSOLUTE_LIFETIME = dt.timedelta(hours=hours)
    login(client, lead)
    for _ in range(hours * 6 - 1):
        clock.shift(dt.timedelta(minutes=10))
        assert client.get("/werkvoorraad").status_code == 200
    clock.shift(dt.timedelta(minutes=11))
    response = client.get("/werkvoorraad")
    assert signed_out(response, client)
    assert f"langer dan {hours} uur ingelogd" in client.get(response["Location"]).text


def test_the_session_cookie_ends_with_the_browser(client, lead):
    sign_in(client, lead, totp_device(lead))
    cookie = client.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""


def test_htmx_after_the_timeout_gets_a_full_page_redirect(client, lead, clock):
    login(client, lead)
    clock.shift(dt.timedelta(minutes=16))
    response = client.get("/werkvoorraad?pagina=2", headers={"HX-Request": "true",
                                                             "HX-Current-URL": "http://testserver/werkvoorraad"})
    assert response.status_code == 200 and response.content == b""
    assert response["HX-Redirect"] == "/inloggen?next=%2Fwerkvoorraad"


def test_htmx_of_a_signed_out_visitor_gets_a_full_page_redirect(client):
    response = client.get("/werkvoorraad", headers={"HX-Request": "true"})
    assert response.status_code == 200 and response["HX-Redirect"].startswith("/inloggen?next=")


def _keep_active(client, clock, minutes):
    for _ in range(minutes // 5):
        clock.shift(dt.timedelta(minutes=5))
        assert client.get("/").status_code == 200
    clock.shift(dt.timedelta(minutes=1))


def test_an_export_shortly_after_signing_in_needs_nothing_more(client, lead, clock):
    login(client, lead)
    clock.shift(dt.timedelta(minutes=9))
    assert client.get(PRINT).status_code == 200


def test_an_export_later_asks_for_password_and_code_then_continues(client, lead, clock):
    login(client, lead)
    _keep_active(client, clock, 10)
    response = client.get(PRINT)
    assert response.status_code == 302 and response["Location"] == f"/opnieuw-inloggen?next={quote(PRINT, safe='')}"
    page = client.get(response["Location"])
    assert "Bevestig dat u het bent" in page.text
    # Wrong password, wrong code: refused in Dutch, still no export.
    wrong = client.post(response["Location"], {"password": "fout-wachtwoord-99", "otp_token": totp_code(
        totp_device(lead)), "next": PRINT})
    assert wrong.status_code == 200 and "Het wachtwoord is onjuist" in wrong.text
    wrong = client.post(response["Location"], {"password": PASSWORD, "otp_token": "000000", "next": PRINT})
    assert "Deze code is onjuist" in wrong.text
    assert client.get(PRINT).status_code == 302
    clock.shift(dt.timedelta(seconds=2))  # django-otp slows down the next try after a wrong code
    done = client.post(response["Location"], {"password": PASSWORD, "otp_token": totp_code(totp_device(lead)),
                                              "next": PRINT})
    assert done.status_code == 302 and done["Location"] == PRINT
    assert client.get(PRINT).status_code == 200


def test_the_csv_export_is_guarded_by_name(client, lead, clock, settings):
    assert "csv_import_results_csv" in settings.REAUTH_URL_NAMES
    settings.REAUTH_URL_NAMES = ["queue"]  # configurable: any named screen
    login(client, lead)
    _keep_active(client, clock, 10)
    assert client.get("/werkvoorraad")["Location"].startswith("/opnieuw-inloggen")
    assert client.get(PRINT).status_code == 200


def test_an_admin_change_later_asks_again_and_changes_nothing(client, clock):
    gemeente = MunicipalityFactory(cbs_code="0100", name="Proefdorp")
    root = UserFactory(role=Role.FUNCTIONEEL_BEHEERDER, is_staff=True, is_superuser=True, municipalities=[gemeente])
    login(client, root)
    change = f"/beheer/accounts/municipality/{gemeente.pk}/change/"
    assert client.get(change).status_code == 200
    _keep_active(client, clock, 10)
    assert client.get(change).status_code == 200  # reading needs nothing more
    response = client.post(change, {"name": "Gewijzigd", "cbs_code": "0100"}, HTTP_REFERER=f"http://testserver{change}")
    assert response.status_code == 302 and response["Location"] == f"/opnieuw-inloggen?next={quote(change, safe='')}"
    gemeente.refresh_from_db()
    assert gemeente.name == "Proefdorp"
    done = client.post("/opnieuw-inloggen", {"password": PASSWORD, "otp_token": totp_code(totp_device(root)),
                                             "next": change})
    assert done["Location"] == change  # back to the form
    # htmx under /beheer/ and an admin logout are not stopped
    assert client.post("/beheer/logout/").status_code in (200, 302)
