"""Creditor authentication: the header ``X-Api-Key`` makes the key's creditor the principal."""
from dataclasses import dataclass

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from ..models import Creditor, CreditorAPIKey

HEADER = "X-Api-Key"


@dataclass(frozen=True)
class CreditorPrincipal:
    """``request.user`` for a creditor's API client."""

    creditor: Creditor
    is_authenticated = True
    is_anonymous = False

    @property
    def pk(self):
        return self.creditor.pk


class CreditorApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        key = request.headers.get(HEADER)
        if not key:
            return None
        try:
            api_key = CreditorAPIKey.objects.get_from_key(key.strip())
        except CreditorAPIKey.DoesNotExist:
            raise exceptions.AuthenticationFailed() from None
        if api_key.has_expired or not api_key.creditor.is_active:
            raise exceptions.AuthenticationFailed()
        return CreditorPrincipal(api_key.creditor), api_key

    def authenticate_header(self, request):
        return f'ApiKey header="{HEADER}"'


class CreditorApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = CreditorApiKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": HEADER}
