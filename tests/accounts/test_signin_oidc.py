"""Single sign-on with the municipality's identity provider (issue 11 D15), against a real OpenID Connect
provider on loopback (tests/oidc_provider.py): roles and municipalities from claims, no access for unknown
roles, never a superuser by claims, the provider's MFA counts only when asserted."""
from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import SESSION_KEY

from accounts.models import Role, User
from accounts.oidc import _discovery
from tests.auth import totp_code, totp_device
from tests.factories import CreditorFactory, MunicipalityFactory, UserFactory
from tests.oidc_provider import FakeOidcProvider

pytestmark = pytest.mark.django_db

MFA = {"amr": ["pwd", "otp"]}


@pytest.fixture
def provider(settings):
    with FakeOidcProvider() as fake:
        settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = fake.client_id, fake.client_secret
        settings.OIDC_OP_ISSUER = fake.issuer
        settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "accounts.oidc.MunicipalOIDCBackend"]
        yield fake
    _discovery.cache_clear()


@pytest.fixture
def gemeenten(db):
    return MunicipalityFactory(cbs_code="0100", name="Proefdorp"), MunicipalityFactory(cbs_code="0200",
                                                                                       name="Anderstad")


def person(username="s.jansen", role="teamleider", codes=("0100",), **extra):
    return {"sub": f"id-{username}", "preferred_username": username, "given_name": "Sanne", "family_name": "Jansen",
            "email": f"{username}@proefdorp.nl", "vroegsignalering_rol": role, "gemeentecodes": list(codes), **extra}


def sso(client, provider, claims, id_claims=None, next_url="/werkvoorraad", extra=""):
    """The browser's round trip: our start page → the provider's authorize → back to our callback."""
    provider.claims, provider.id_claims = claims, id_claims or {}
    start = client.get(f"/inloggen/sso?next={next_url}{extra}")
    assert start.status_code == 302 and start["Location"].startswith(f"{provider.issuer}/authorize?"), start
    at_provider = httpx.get(start["Location"], follow_redirects=False)  # real HTTP to the provider
    back = urlsplit(at_provider.headers["location"])
    assert back.path == "/inloggen/sso/terug"
    return client.get(f"{back.path}?{back.query}")


def test_off_unless_configured(client):
    assert client.get("/inloggen/sso").status_code == 404
    assert "Inloggen via uw organisatie" not in client.get("/inloggen").text


def test_a_new_team_lead_with_mfa_at_the_provider(client, provider, gemeenten):
    assert "Inloggen via uw organisatie" in client.get("/inloggen").text
    response = sso(client, provider, person(), MFA)
    assert response.status_code == 302 and response["Location"] == "/werkvoorraad"
    user = User.objects.get(username="s.jansen")
    assert (user.role, [m.cbs_code for m in user.municipalities.all()]) == (Role.TEAMLEIDER, ["0100"])
    assert not user.is_superuser and not user.is_staff and not user.has_usable_password()
    assert client.get("/team/").status_code == 200  # the provider's second factor counts
    request = provider.authorize_requests[-1]
    assert request["code_challenge_method"] == "S256" and request["nonce"] and "prompt" not in request


def test_without_mfa_at_the_provider_the_own_second_factor_applies(client, provider, gemeenten):
    sso(client, provider, person(), {"amr": ["pwd"]})
    assert client.get("/werkvoorraad")["Location"] == "/tweestapsverificatie/instellen"
    # With a device already: the code from the app, then in.
    client.logout()
    device = totp_device(User.objects.get(username="s.jansen"))
    sso(client, provider, person(), {"acr": "laag"})
    assert client.get("/werkvoorraad")["Location"] == "/inloggen/code?next=%2Fwerkvoorraad"
    done = client.post("/inloggen/code", {"otp_token": totp_code(device), "next": "/werkvoorraad"})
    assert done["Location"] == "/werkvoorraad" and client.get("/werkvoorraad").status_code == 200


def test_an_acr_value_can_count_as_mfa(client, provider, gemeenten, settings):
    settings.OIDC_MFA_ACR_VALUES = ["urn:etoegang:core:assurance-class:loa3"]
    sso(client, provider, person(), {"acr": "urn:etoegang:core:assurance-class:loa3"})
    assert client.get("/werkvoorraad").status_code == 200


@pytest.mark.parametrize("claims", [
    person(role="directeur"),  # unknown role
    person(role=None),
    person(role=["teamleider", "vroegsignaleerder"]),  # ambiguous
    person(role="vastelastenpartner"),  # never through the municipality's provider
    person(role="service_account"),
    person(role="installatiebeheerder"),  # only with OIDC_ALLOW_INSTALLATION_ADMIN
    person(codes=()),  # case work without a municipality
    person(codes=("9999",)),  # unknown municipality
    {**person(), "preferred_username": None},
], ids=["unknown", "none", "two", "creditor", "service", "installation", "no-municipality", "unknown-code",
        "no-username"])
def test_no_access_without_a_known_allowed_role_and_municipality(client, provider, gemeenten, claims):
    response = sso(client, provider, claims, MFA)
    assert response.status_code == 302 and response["Location"] == "/inloggen?sso=mislukt"
    assert SESSION_KEY not in client.session
    assert not User.objects.exists()
    assert "Inloggen via uw organisatie is niet gelukt" in client.get(response["Location"]).text


def test_installation_administrator_by_claims_only_when_allowed(client, provider, settings):
    settings.OIDC_ALLOW_INSTALLATION_ADMIN = True
    sso(client, provider, person(role="installatiebeheerder", codes=()), MFA)
    user = User.objects.get()
    assert user.role == Role.INSTALLATIEBEHEERDER and user.is_staff and not user.is_superuser


def test_an_existing_user_is_updated_from_the_claims(client, provider, gemeenten, settings):
    settings.OIDC_ROLE_MAP = {"VS-Medewerkers": "vroegsignaleerder"}
    existing = UserFactory(username="s.jansen", role=Role.TEAMLEIDER, municipalities=[gemeenten[0]])
    sso(client, provider, person(role=["Iedereen", "VS-Medewerkers"], codes=["0200", "0999"]), MFA)
    existing.refresh_from_db()
    assert existing.role == Role.VROEGSIGNALEERDER
    assert [m.cbs_code for m in existing.municipalities.all()] == ["0200"]
    assert existing.check_password("geheim-wachtwoord-42")  # the local password is not touched


@pytest.mark.parametrize("kind", ["superuser", "creditor"])
def test_a_superuser_or_creditor_account_cannot_sign_in_by_claims(client, provider, gemeenten, kind):
    if kind == "superuser":
        UserFactory(username="s.jansen", is_superuser=True, is_staff=True, role=Role.FUNCTIONEEL_BEHEERDER)
    else:
        UserFactory(username="s.jansen", role=Role.VASTELASTENPARTNER, creditor=CreditorFactory())
    response = sso(client, provider, person(role="functioneel_beheerder"), MFA)
    assert response["Location"] == "/inloggen?sso=mislukt" and SESSION_KEY not in client.session
    assert User.objects.get(username="s.jansen").role != Role.FUNCTIONEEL_BEHEERDER or kind == "superuser"


def test_an_id_token_for_another_client_is_refused(client, provider, gemeenten):
    provider.audience = "een-andere-toepassing"
    response = sso(client, provider, person(), MFA)
    assert response["Location"] == "/inloggen?sso=mislukt" and SESSION_KEY not in client.session


def test_an_id_token_with_a_wrong_signature_is_refused(client, provider, gemeenten):
    provider.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response = sso(client, provider, person(), MFA)
    assert response["Location"] == "/inloggen?sso=mislukt" and SESSION_KEY not in client.session
    assert not User.objects.exists()


def test_a_replayed_callback_is_refused(client, provider, gemeenten):
    provider.claims, provider.id_claims = person(), MFA
    start = client.get("/inloggen/sso")
    back = urlsplit(httpx.get(start["Location"], follow_redirects=False).headers["location"])
    assert client.get(f"{back.path}?{back.query}").status_code == 302
    client.logout()
    again = client.get(f"{back.path}?{back.query}")
    assert again["Location"] == "/inloggen?sso=mislukt" and SESSION_KEY not in client.session


def test_re_authentication_goes_back_to_the_provider_with_prompt_login(client, provider, gemeenten):
    sso(client, provider, person(), MFA)
    page = client.get("/opnieuw-inloggen?next=/team/huisbezoeken/afdrukken")
    assert "Opnieuw inloggen bij uw organisatie" in page.text and 'name="password"' not in page.text
    assert client.post("/opnieuw-inloggen", {"next": "/team/"}).status_code == 200  # nothing to prove: refused
    response = sso(client, provider, person(), MFA, next_url="/team/huisbezoeken/afdrukken", extra="&opnieuw=1")
    assert provider.authorize_requests[-1]["prompt"] == "login"
    assert response["Location"] == "/team/huisbezoeken/afdrukken"
