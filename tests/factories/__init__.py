"""Test data builders (factory_boy). Persons are synthetic."""
import factory

from accounts.models import Municipality, Role, User
from signals.models import Creditor
from signals.services import api_key_issue


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("cbs_code",)

    cbs_code = "0363"
    name = "Amsterdam"
    inhabitants = 931_298


class CreditorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Creditor

    name = factory.Sequence(lambda n: f"Zorgverzekeraar {n}")
    kinds: list = []


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


def issued_key(creditor: Creditor) -> str:
    return api_key_issue(creditor=creditor, name="test")[1]


def signal_payload(n: int = 1, **overrides) -> dict:
    """A valid contract `<Signaal>` for a synthetic person in Amsterdam."""
    payload = {
        "signaalId": f"ZV-{n:06d}",
        "gemeentecode": "0363",
        "soortVasteLast": "zorgverzekering",
        "soortSignaal": "vroegsignaal",
        "klant": {
            "voornamen": "Test",
            "voorvoegsel": "van der",
            "geslachtsnaam": "Proefpersoon",
            "geboortedatum": "1980-04-01",
            "telefoonnummers": ["06 12345678"],
            "emailadres": "t.proef@example.nl",
        },
        "adres": {"straatnaam": "Proefstraat", "huisnummer": 10 + n, "postcode": "1011 ab", "woonplaats": "Amsterdam"},
        "achterstand": {"bedrag": "312.50", "vervaldatumOudsteFactuur": "2026-09-01"},
        "contractnummer": f"POL-{n}",
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(payload.get(key), dict):
            payload[key] = {**payload[key], **value}
        else:
            payload[key] = value
    return payload
