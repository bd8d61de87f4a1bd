"""API tokens in the admin: a functional administrator issues, sees and revokes tokens only for users who work
for their own municipalities only (a token acts as its user in /api/v1/gemeente/, so a user shared with another
municipality is out of reach: security review D1); every issue and revoke is logged, never the key."""
import logging

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from accounts.models import Role, UserAPIKey
from accounts.services import user_token_issue, user_token_revoke
from tests.auth import login
from tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db
ADD = "/beheer/accounts/userapikey/add/"
LIST = "/beheer/accounts/userapikey/"


@pytest.fixture
def towns(db):
    return MunicipalityFactory(cbs_code="0100", name="Proefdorp"), MunicipalityFactory(cbs_code="0200", name="Elders")


@pytest.fixture
def people(towns):
    here, there = towns
    return {
        "admin": UserFactory(username="fb-proefdorp", role=Role.FUNCTIONEEL_BEHEERDER, is_staff=True,
                             municipalities=[here]),
        "worker": UserFactory(username="werker-hier", municipalities=[here]),
        "lead": UserFactory(username="leider-hier", role=Role.TEAMLEIDER, municipalities=[here]),
        "both": UserFactory(username="leider-beide", role=Role.TEAMLEIDER, municipalities=[here, there]),
        "stranger": UserFactory(username="werker-elders", municipalities=[there]),
        "lead_elsewhere": UserFactory(username="leider-elders", role=Role.TEAMLEIDER, municipalities=[there]),
        "nowhere": UserFactory(username="kcc-zonder-gemeente", role=Role.SERVICE_ACCOUNT),
    }


def can_call_the_api(key: str) -> bool:
    return APIClient().get("/api/v1/gemeente/meldingen", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_only_users_of_the_admins_municipalities_can_be_chosen(client, people):
    login(client, people["admin"])
    page = client.get(ADD).content.decode()
    assert "werker-hier" in page and "leider-hier" in page
    assert "werker-elders" not in page and "leider-elders" not in page and "kcc-zonder-gemeente" not in page
    # A user shared with another municipality is not offered: the token would act in the other one too.
    assert "leider-beide" not in page


def test_issuing_for_a_user_of_another_municipality_is_refused_with_a_dutch_message(client, people, caplog):
    login(client, people["admin"])
    for target in ("stranger", "lead_elsewhere", "nowhere", "both"):
        refused = client.post(ADD, {"name": "overname", "user": people[target].pk})
        assert refused.status_code == 200
        assert "die alleen voor uw gemeenten werkt" in refused.content.decode()
    assert not UserAPIKey.objects.exists()
    # The service refuses too, whoever calls it.
    with caplog.at_level(logging.WARNING, logger="accounts.services"), pytest.raises(ValidationError) as refused:
        user_token_issue(user=people["stranger"], name="x", by=people["admin"])
    assert "werkt niet (alleen) voor uw gemeenten" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        user_token_issue(user=people["both"], name="x", by=people["admin"])
    assert "refused" in caplog.text and "werker-elders" in caplog.text
    assert not UserAPIKey.objects.exists()


def test_issuing_for_an_own_user_works_shows_the_token_once_and_logs_without_the_key(client, people, caplog):
    login(client, people["admin"])
    with caplog.at_level(logging.INFO, logger="accounts.services"):
        response = client.post(ADD, {"name": "kcc", "user": people["lead"].pk}, follow=True)
    assert response.status_code == 200
    api_key = UserAPIKey.objects.get()
    assert api_key.user == people["lead"] and api_key.name == "kcc"
    page = response.content.decode()
    key = page.split("is: ", 1)[1].split(" ", 1)[0]
    assert key.startswith(api_key.prefix + ".") and "niet nog eens getoond" in page
    assert can_call_the_api(key)
    (record,) = [r for r in caplog.records if "issued" in r.getMessage()]
    line = record.getMessage()
    assert "fb-proefdorp" in line and "leider-hier" in line and api_key.prefix in line
    assert key not in caplog.text and key.split(".", 1)[1] not in caplog.text


def test_the_list_shows_only_tokens_of_own_users_and_others_cannot_be_opened_or_revoked(client, people, caplog):
    own, _ = user_token_issue(user=people["worker"], name="eigen")
    shared, _ = user_token_issue(user=people["lead"], name="gedeeld")
    foreign, foreign_key = user_token_issue(user=people["stranger"], name="vreemd")
    both, both_key = user_token_issue(user=people["both"], name="beide")
    login(client, people["admin"])
    response = client.get(LIST)
    listing = response.content.decode()
    assert own.prefix in listing and shared.prefix in listing and foreign.prefix not in listing
    assert both.prefix not in listing  # the token of a user shared with another municipality: not theirs
    assert response.context["cl"].result_count == 2
    assert client.get(f"{LIST}{foreign.pk}/change/").status_code == 302  # "does not exist" → back to the list
    # A crafted action on a foreign token touches nothing.
    client.post(LIST, {"action": "revoke", "_selected_action": [foreign.pk, own.pk]})
    assert not UserAPIKey.objects.get(pk=foreign.pk).revoked and can_call_the_api(foreign_key)
    assert UserAPIKey.objects.get(pk=own.pk).revoked
    # Ticking 'revoked' on an own token revokes it as well, and is logged.
    with caplog.at_level(logging.INFO, logger="accounts.services"):
        client.post(f"{LIST}{shared.pk}/change/", {"name": "gedeeld", "revoked": "on"})
    assert UserAPIKey.objects.get(pk=shared.pk).revoked
    (record,) = [r for r in caplog.records if "revoked" in r.getMessage() and shared.prefix in r.getMessage()]
    assert "by=fb-proefdorp" in record.getMessage() and "for=leider-hier" in record.getMessage()


def test_a_superuser_sees_and_issues_for_everyone(client, people):
    root = UserFactory(username="root", role=Role.FUNCTIONEEL_BEHEERDER, is_staff=True, is_superuser=True)
    foreign, _ = user_token_issue(user=people["stranger"], name="vreemd")
    login(client, root)
    assert foreign.prefix in client.get(LIST).content.decode()
    page = client.get(ADD).content.decode()
    assert "werker-elders" in page and "kcc-zonder-gemeente" in page
    client.post(ADD, {"name": "kcc", "user": people["nowhere"].pk})
    assert UserAPIKey.objects.filter(user=people["nowhere"]).exists()


def test_the_management_commands_path_is_unscoped_and_revoke_is_logged(people, caplog):
    """``issue_user_token`` runs on the server (no administrator): it may issue for anyone, logged as such."""
    with caplog.at_level(logging.INFO, logger="accounts.services"):
        api_key, key = user_token_issue(user=people["stranger"], name="cli")
        assert user_token_revoke(api_key=api_key)
        assert not user_token_revoke(api_key=api_key)  # already revoked: nothing logged twice
    messages = [r.getMessage() for r in caplog.records]
    assert [m.split(":", 1)[0] for m in messages] == ["API token issued", "API token revoked"]
    assert all("beheercommando" in m and api_key.prefix in m for m in messages)
    assert key not in caplog.text
