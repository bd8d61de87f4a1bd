"""Who may use the municipal API: a valid token of an active worker, team lead or service account. Everything
else is a problem+json 401 or 403, and creditor keys and user tokens never cross over."""
import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, UserAPIKey
from tests.auth import login
from tests.cases.api import API
from tests.factories import CreditorFactory, UserFactory, client_for, token_for

PROBLEM = "application/problem+json"


def _get(token_header: dict, path: str = "/meldingen"):
    return APIClient().get(f"{API}{path}", **token_header)


@pytest.mark.parametrize("header", [
    {},
    {"HTTP_AUTHORIZATION": ""},
    {"HTTP_AUTHORIZATION": "Token"},
    {"HTTP_AUTHORIZATION": "Bearer abc.def"},
    {"HTTP_AUTHORIZATION": "Token niet.bestaand"},
    {"HTTP_AUTHORIZATION": "Token " + "x" * 5000},
    {"HTTP_AUTHORIZATION": "Token a b"},
])
def test_no_or_a_malformed_token_is_a_401_problem(db, header):
    response = _get(header)
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"].startswith("Token")
    body = response.json()
    assert body["status"] == 401 and body["title"] == "Niet geauthenticeerd."
    assert "Authorization" in body["detail"] or "token" in body["detail"].lower()


def test_a_valid_token_works_and_the_same_token_after_revoking_does_not(worker, case):
    token = token_for(worker)
    header = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert _get(header).status_code == 200
    call_command("revoke_user_token", token.partition(".")[0])
    response = _get(header)
    assert response.status_code == 401
    assert response.json()["code"] == "token_ongeldig"


def test_an_expired_token_is_refused(worker):
    api_key, token = UserAPIKey.objects.create_key(name="oud", user=worker,
                                                   expiry_date=timezone.now() - dt.timedelta(minutes=1))
    assert _get({"HTTP_AUTHORIZATION": f"Token {token}"}).status_code == 401


def test_the_token_of_a_deactivated_user_is_refused(worker):
    header = {"HTTP_AUTHORIZATION": f"Token {token_for(worker)}"}
    worker.is_active = False
    worker.save()
    response = _get(header)
    assert response.status_code == 401
    assert "niet (meer) actief" in response.json()["detail"]


@pytest.mark.parametrize("role", [Role.FUNCTIONEEL_BEHEERDER, Role.AUDITOR, Role.VASTELASTENPARTNER])
def test_roles_that_do_not_work_on_cases_get_403_everywhere(gemeente, case, role):
    creditor = CreditorFactory() if role == Role.VASTELASTENPARTNER else None
    user = UserFactory(role=role, municipalities=[gemeente], creditor=creditor)
    client = client_for(user)
    for response in (client.get(f"{API}/meldingen"), client.get(f"{API}/meldingen/{case.pk}"),
                     client.get(f"{API}/bakjes"),
                     client.post(f"{API}/meldingen/{case.pk}/contactpogingen", {}, format="json")):
        assert response.status_code == 403, response.content
        assert response["Content-Type"] == PROBLEM
        assert response.json()["code"] == "rol_geen_toegang"
        assert "geen toegang tot de gemeentelijke API" in response.json()["detail"]


def test_a_creditor_key_does_not_open_the_municipal_api(creditor_key, case):
    for header in ({"HTTP_X_API_KEY": creditor_key}, {"HTTP_AUTHORIZATION": f"Token {creditor_key}"}):
        response = _get(header)
        assert response.status_code == 401
        assert response["Content-Type"] == PROBLEM


def test_a_user_token_does_not_open_the_creditor_api(worker):
    token = token_for(worker)
    for header in ({"HTTP_AUTHORIZATION": f"Token {token}"}, {"HTTP_X_API_KEY": token}):
        response = APIClient().get("/api/v1/terugkoppelingen", **header)
        assert response.status_code == 401
        assert response["Content-Type"] == PROBLEM


def test_issue_user_token_prints_a_working_token_once(worker, case, capsys):
    call_command("issue_user_token", "werker", "--naam", "klantcontactcentrum", "--geldig-tot", "2099-12-31")
    out = capsys.readouterr().out
    token = out.strip().splitlines()[-1].rsplit(" ", 1)[-1]
    api_key = UserAPIKey.objects.get(user=worker)
    assert token.startswith(api_key.prefix + ".") and api_key.name == "klantcontactcentrum"
    assert timezone.localtime(api_key.expiry_date).date() == dt.date(2100, 1, 1)
    assert api_key.hashed_key != token and token not in api_key.hashed_key  # only the hash is stored
    assert _get({"HTTP_AUTHORIZATION": f"Token {token}"}).status_code == 200


@pytest.mark.parametrize(("args", "message"), [
    (["niemand"], "Onbekende gebruiker"),
    (["beheerder"], "alleen vroegsignaleerders, teamleiders en serviceaccounts"),
    (["werker", "--geldig-tot", "31-12-2099"], "JJJJ-MM-DD"),
])
def test_issue_user_token_refuses_with_a_dutch_message(worker, args, message):
    UserFactory(username="beheerder", role=Role.FUNCTIONEEL_BEHEERDER)
    with pytest.raises(CommandError, match=message):
        call_command("issue_user_token", *args)
    assert not UserAPIKey.objects.exists()


def test_revoke_user_token_by_user_revokes_all_their_tokens(worker, lead, capsys):
    tokens = [token_for(worker), token_for(worker)]
    lead_token = token_for(lead)
    call_command("revoke_user_token", "--gebruiker", "werker")
    assert "2 token(s) van werker ingetrokken" in capsys.readouterr().out
    for token in tokens:
        assert _get({"HTTP_AUTHORIZATION": f"Token {token}"}).status_code == 401
    assert _get({"HTTP_AUTHORIZATION": f"Token {lead_token}"}).status_code == 200
    call_command("revoke_user_token", tokens[0])  # the whole token works too, and twice is harmless
    assert "was al ingetrokken" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Geen token met prefix"):
        call_command("revoke_user_token", "onbekend")


def test_the_admin_shows_a_users_tokens_and_revokes_them(client, worker, gemeente):
    admin = UserFactory(username="fb", role=Role.FUNCTIONEEL_BEHEERDER, is_staff=True, municipalities=[gemeente])
    login(client, admin)
    token = token_for(worker)
    api_key = UserAPIKey.objects.get(user=worker)
    page = client.get(f"/beheer/accounts/user/{worker.pk}/change/")
    assert page.status_code == 200 and api_key.prefix in page.content.decode()
    listing = client.get("/beheer/accounts/userapikey/")
    assert listing.status_code == 200 and "werker" in listing.content.decode()
    response = client.post("/beheer/accounts/userapikey/", {"action": "revoke", "_selected_action": [api_key.pk]})
    assert response.status_code == 302
    assert UserAPIKey.objects.get(pk=api_key.pk).revoked
    assert _get({"HTTP_AUTHORIZATION": f"Token {token}"}).status_code == 401


def test_the_admin_issues_a_token_only_to_api_roles_and_shows_it_once(client, worker, gemeente):
    admin = UserFactory(username="fb", role=Role.FUNCTIONEEL_BEHEERDER, is_staff=True, municipalities=[gemeente])
    auditor = UserFactory(username="auditor", role=Role.AUDITOR)
    login(client, admin)
    refused = client.post("/beheer/accounts/userapikey/add/", {"name": "x", "user": auditor.pk})
    assert refused.status_code == 200 and not UserAPIKey.objects.exists()
    response = client.post("/beheer/accounts/userapikey/add/", {"name": "kcc", "user": worker.pk}, follow=True)
    assert response.status_code == 200
    api_key = UserAPIKey.objects.get(user=worker)
    assert api_key.prefix in response.content.decode()
