"""Authentication of the municipal API: ``Authorization: Token <token>`` makes the token's user the principal.

A token (``accounts.UserAPIKey``) acts as its user, with the user's role and municipalities. Creditor keys
(header ``X-Api-Key``, ``signals.CreditorAPIKey``) are not read here, and user tokens are not read by the
creditor API: the two live in separate tables and headers.
"""
import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.permissions import BasePermission

from accounts import permissions
from accounts.models import Role, UserAPIKey
from vroegsignalering.common.ratelimit import AtomicRateThrottle

KEYWORD = "Token"
_KEY = re.compile(r"[A-Za-z0-9]{1,16}\.[A-Za-z0-9]{1,128}")
SCHEME_NAME = "gemeenteToken"

TOKEN_INVALID = "Het token is ongeldig, verlopen of ingetrokken, of de gebruiker is niet (meer) actief."
TOKEN_REQUIRED = "Geef een geldig token in de header Authorization, als: Authorization: Token <token>."


class TokenInvalid(exceptions.AuthenticationFailed):
    default_detail = TOKEN_INVALID
    default_code = "token_ongeldig"


class TokenRequired(exceptions.NotAuthenticated):
    default_detail = TOKEN_REQUIRED
    default_code = "token_vereist"


class UserTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        if not header.strip():
            return None
        keyword, _, key = header.strip().partition(" ")
        key = key.strip()
        if keyword.lower() != KEYWORD.lower() or not key:
            raise TokenInvalid(TOKEN_REQUIRED)
        if not _KEY.fullmatch(key):  # never hand odd bytes (NUL, …) to the database
            raise TokenInvalid()
        try:
            api_key = UserAPIKey.objects.get_from_key(key)
        except UserAPIKey.DoesNotExist:
            raise TokenInvalid() from None
        if api_key.has_expired or not api_key.user.is_active:
            raise TokenInvalid()
        return api_key.user, api_key

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="gemeente"'


class HasApiRole(BasePermission):
    """Workers, team leads and service accounts; every other role gets 403 (its token may still exist)."""

    code = "rol_geen_toegang"

    def has_permission(self, request, view):
        user = request.user
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        if not permissions.uses_municipal_api(user):
            self.message = (f"Uw rol ({Role(user.role).label}) heeft geen toegang tot de gemeentelijke API; "
                            "alleen vroegsignaleerders, teamleiders en serviceaccounts.")
            return False
        return True


class UserTokenRateThrottle(AtomicRateThrottle):
    """Requests per user (all their tokens) per period, the same limit as for a creditor (``API_RATE_LIMIT``);
    an atomic counter (``vroegsignalering.common.ratelimit``)."""

    scope = "gemeente_token"

    def ident(self, request) -> str:
        return f"user-{request.user.pk}"


class UserTokenScheme(OpenApiAuthenticationExtension):
    target_class = UserTokenAuthentication
    name = SCHEME_NAME

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "Een token per gebruiker of serviceaccount, met het woord Token ervoor: "
                "`Authorization: Token <token>`. Uitgeven met `manage.py issue_user_token <gebruikersnaam>`, "
                "intrekken met `manage.py revoke_user_token <prefix>` of in het beheer."
            ),
        }
