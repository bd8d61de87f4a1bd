"""Municipalities, users and the municipal API's user tokens."""
import factory
from rest_framework.test import APIClient

from accounts.models import Municipality, Role, User, UserAPIKey
from accounts.services import user_token_issue


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("cbs_code",)

    cbs_code = "0363"
    name = "Amsterdam"
    inhabitants = 931_298


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"gebruiker{n}")
    role = Role.VROEGSIGNALEERDER
    password = factory.PostGenerationMethodCall("set_password", "geheim-wachtwoord-42")

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create and extracted:
            self.municipalities.set(extracted)
        if create:
            self.save()


def token_for(user) -> str:
    """A token for any user (also roles that may not get one: as if the role changed after issuing)."""
    if user.role in (Role.VROEGSIGNALEERDER, Role.TEAMLEIDER, Role.SERVICE_ACCOUNT) and user.is_active:
        return user_token_issue(user=user, name="test")[1]
    return UserAPIKey.objects.create_key(name="test", user=user)[1]


def client_for(user) -> APIClient:
    """An API client authenticated with a token of ``user`` (the municipal API)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    client.user = user
    return client
