"""The resident's contact data as the case knows it: the reference the resident quotes, and the phone
numbers and e-mail addresses that proved unusable (a failed delivery, a worker's note)."""
import secrets

from django.db import models

from vroegsignalering.common.tenancy import CaseScopedQuerySet

# Crockford's base32: no I, L, O or U, so a reference read out on the phone is not misheard.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "VS-"


def _check_character(body: str) -> str:
    # Odd weights are coprime to 32, so any one wrong character changes the check character.
    return ALPHABET[sum((2 * i + 1) * ALPHABET.index(c) for i, c in enumerate(body)) % len(ALPHABET)]


def new_contact_reference() -> str:
    """'VS-7K3M2QX': six random characters and a check character (a typo in one character is caught)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(6))
    return f"{PREFIX}{body}{_check_character(body)}"


def contact_reference_valid(value: str) -> bool:
    """Whether ``value`` (already upper-cased, without a step suffix) is a well-formed reference."""
    body = value.removeprefix(PREFIX)
    return (value.startswith(PREFIX) and len(body) == 7 and all(c in ALPHABET for c in body)
            and _check_character(body[:6]) == body[6])


class ContactField(models.TextChoices):
    TELEFOON = "telefoon", "Telefoonnummer"
    EMAIL = "email", "E-mailadres"


class UnusableContact(models.Model):
    """A phone number or e-mail address of a case that does not reach the resident: an outreach message
    to it failed for good, or a worker found it wrong. Plans and screens skip it."""

    case = models.ForeignKey("cases.Case", verbose_name="melding", on_delete=models.CASCADE,
                             related_name="unusable_contacts")
    field = models.CharField("gegeven", max_length=10, choices=ContactField.choices)
    value = models.CharField("waarde", max_length=254)
    reason = models.CharField("reden", max_length=300)
    at = models.DateTimeField("vastgesteld op")

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "onbruikbaar contactgegeven"
        verbose_name_plural = "onbruikbare contactgegevens"
        constraints = [models.UniqueConstraint(fields=["case", "field", "value"], name="unusable_contact_once")]

    def __str__(self) -> str:
        return f"{self.get_field_display()} onbruikbaar (melding {self.case_id})"
