"""Optional single sign-on with the municipality's identity provider (OpenID Connect; issue 11 D15).

Off unless ``OIDC_RP_CLIENT_ID`` is set. Endpoints come from ``OIDC_OP_ISSUER``'s discovery document
(``/.well-known/openid-configuration``) unless set one by one. mozilla-django-oidc runs the code flow (with
PKCE and a nonce); this module adds what it leaves to the site:

- the ID token's issuer and audience are checked (mozilla-django-oidc checks neither);
- the user is found by ``OIDC_USERNAME_CLAIM`` and created or updated at every sign-in: the role from
  ``OIDC_ROLE_CLAIM`` (a role value, or a name mapped by ``OIDC_ROLE_MAP``), the municipalities from the CBS
  codes in ``OIDC_MUNICIPALITIES_CLAIM``. An unknown or missing role, a role not in ``OIDC_ALLOWED_ROLES``,
  or a case-work role without a known municipality: no access. Claims never make a superuser, and an
  installation administrator only with ``OIDC_ALLOW_INSTALLATION_ADMIN``; an existing superuser, creditor
  staff member or service account cannot sign in this way;
- the IdP's sign-in counts as the second factor only when its ID token asserts it (``amr`` with a value in
  ``OIDC_MFA_AMR_VALUES``, or ``acr`` in ``OIDC_MFA_ACR_VALUES``); otherwise the user's own code still applies.
"""
from __future__ import annotations

import functools
import logging

import requests
from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .models import Municipality, Role
from .session import mark_signed_in_by_sso

logger = logging.getLogger(__name__)

_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
CASEWORK = {Role.VROEGSIGNALEERDER, Role.TEAMLEIDER}
NEVER_BY_CLAIMS = {Role.VASTELASTENPARTNER, Role.SERVICE_ACCOUNT}


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


@functools.lru_cache(maxsize=4)
def _discovery(issuer: str) -> dict:
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    response = requests.get(url, timeout=getattr(settings, "OIDC_TIMEOUT", 10))
    response.raise_for_status()
    document = response.json()
    if document.get("issuer", "").rstrip("/") != issuer.rstrip("/"):
        raise ImproperlyConfigured(f"OIDC discovery at {url} names another issuer: {document.get('issuer')!r}")
    return document


def oidc_setting(attr, *args):
    """A setting of mozilla-django-oidc, with the endpoints from discovery where not set."""
    value = import_from_settings(attr, *args) if args else getattr(settings, attr, None)
    if not value and attr in _DISCOVERED and getattr(settings, "OIDC_OP_ISSUER", ""):
        return _discovery(settings.OIDC_OP_ISSUER)[_DISCOVERED[attr]]
    if value is None and not args:
        return import_from_settings(attr)
    return value


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part for part in value.replace(",", " ").split() if part]
    return [str(part) for part in value]


def role_from_claims(claims: dict) -> str | None:
    """The one role the claims give, or None (no access) when none or more than one is recognised."""
    mapping = {**{role.value: role.value for role in Role}, **settings.OIDC_ROLE_MAP}
    roles = {mapping[value] for value in _as_list(claims.get(settings.OIDC_ROLE_CLAIM)) if value in mapping}
    if len(roles) != 1:
        return None
    role = roles.pop()
    allowed = set(settings.OIDC_ALLOWED_ROLES)
    if settings.OIDC_ALLOW_INSTALLATION_ADMIN:
        allowed.add(Role.INSTALLATIEBEHEERDER)
    if role in NEVER_BY_CLAIMS or role not in allowed:
        return None
    return role


def mfa_asserted(id_claims: dict) -> bool:
    amr = set(_as_list(id_claims.get("amr")))
    acr = id_claims.get("acr")
    return bool(amr & set(settings.OIDC_MFA_AMR_VALUES)) or (acr is not None and
                                                               str(acr) in settings.OIDC_MFA_ACR_VALUES)


class MunicipalOIDCBackend(OIDCAuthenticationBackend):
    """``AUTHENTICATION_BACKENDS`` entry for the single sign-on (added when OIDC is configured)."""

    get_settings = staticmethod(oidc_setting)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        audience = _as_list(payload.get("aud"))
        if self.OIDC_RP_CLIENT_ID not in audience:
            raise SuspiciousOperation("ID token for another client.")
        issuer = getattr(settings, "OIDC_OP_ISSUER", "")
        if issuer and str(payload.get("iss", "")).rstrip("/") != issuer.rstrip("/"):
            raise SuspiciousOperation("ID token of another issuer.")
        self._id_claims = payload
        return payload

    def _claims(self, userinfo: dict) -> dict:
        return {**getattr(self, "_id_claims", {}), **userinfo}

    def verify_claims(self, claims):
        return bool(self._claims(claims).get(settings.OIDC_USERNAME_CLAIM))

    def filter_users_by_claims(self, claims):
        username = self._claims(claims).get(settings.OIDC_USERNAME_CLAIM)
        return self.UserModel.objects.filter(username__iexact=username) if username else self.UserModel.objects.none()

    def create_user(self, claims):
        user = self.UserModel(username=self._claims(claims)[settings.OIDC_USERNAME_CLAIM])
        user.set_unusable_password()
        return self.update_user(user, claims, new=True)

    @transaction.atomic
    def update_user(self, user, claims, new=False):
        claims = self._claims(claims)
        role = role_from_claims(claims)
        codes = _as_list(claims.get(settings.OIDC_MUNICIPALITIES_CLAIM))
        municipalities = list(Municipality.objects.filter(cbs_code__in=codes))
        refusal = None
        if role is None:
            refusal = "no known, allowed role in the claims"
        elif role in CASEWORK and not municipalities:
            refusal = "a case-work role without a known municipality"
        elif not new and (user.is_superuser or user.role in NEVER_BY_CLAIMS):
            refusal = "a superuser, creditor staff member or service account signs in locally"
        if refusal:
            logger.warning("Single sign-on refused for a user: %s.", refusal)
            return None
        user.role = role
        user.first_name = str(claims.get("given_name", user.first_name))[:150]
        user.last_name = str(claims.get("family_name", user.last_name))[:150]
        user.email = str(claims.get("email", user.email))[:254]
        user.is_staff = role in (Role.FUNCTIONEEL_BEHEERDER, Role.INSTALLATIEBEHEERDER)
        user.is_superuser = False
        user.save()
        user.municipalities.set(municipalities)
        user.idp_mfa = mfa_asserted(getattr(self, "_id_claims", {}))
        return user

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        return user if user is not None and user.is_active else None


class SsoStartView(OIDCAuthenticationRequestView):
    """``/inloggen/sso``: to the identity provider (``?opnieuw=1``: it must ask again, for re-authentication)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        if not enabled():
            raise Http404
        super().__init__(*args, **kwargs)

    def get_extra_params(self, request):
        extra = dict(super().get_extra_params(request))
        if request.GET.get("opnieuw"):
            extra["prompt"] = "login"
            extra["max_age"] = "0"
        return extra


class SsoCallbackView(OIDCAuthenticationCallbackView):
    """``/inloggen/sso/terug``: the provider sends the browser back here with a code."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        if not enabled():
            raise Http404
        try:
            return super().get(request)
        except (SuspiciousOperation, requests.RequestException) as error:
            # A token for another client, a bad signature or nonce, an unknown state, the provider unreachable:
            # no sign-in, the login page says so.
            logger.warning("Single sign-on failed: %s", error.__class__.__name__)
            return self.login_failure()

    def login_success(self):
        response = super().login_success()
        mark_signed_in_by_sso(self.request.session, mfa=bool(getattr(self.user, "idp_mfa", False)))
        return response

    def login_failure(self):
        if self.request.user.is_authenticated:
            logout(self.request)
        return super().login_failure()
