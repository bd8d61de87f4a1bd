"""Municipalities (with their policy), users, roles and memberships."""
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from rest_framework_api_key.models import AbstractAPIKey, APIKeyManager

from vroegsignalering.common.vocab import DEFAULT_ARREAR_AGE_WINDOWS, CreditorKind


def _default_exempt_kinds() -> list[str]:
    return [CreditorKind.DRINKWATER.value]


def _default_windows() -> dict:
    return {str(k): v for k, v in DEFAULT_ARREAR_AGE_WINDOWS.items()}


class Municipality(models.Model):
    """A gemeente served by this installation, with its own early-warning policy."""

    cbs_code = models.CharField(
        "CBS-code",
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^\d{4}$", "Een CBS-gemeentecode bestaat uit 4 cijfers.")],
    )
    name = models.CharField("naam", max_length=100)
    inhabitants = models.PositiveIntegerField("aantal inwoners", default=0)
    # Policy
    threshold_amount = models.DecimalField(
        "drempelbedrag",
        max_digits=8,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text="Signalen met een lager bedrag worden niet opgepakt (0 = geen drempel).",
    )
    threshold_exempt_kinds = models.JSONField(
        "soorten vaste last zonder drempel",
        default=_default_exempt_kinds,
        blank=True,
        help_text='Bijvoorbeeld ["drinkwater"].',
    )
    arrear_age_windows = models.JSONField(
        "termijnen achterstand (dagen)",
        default=_default_windows,
        blank=True,
        help_text='Per soort vaste last [minimum, maximum of null], bv. {"zorgverzekering": [30, 100]}.',
    )
    period_closing_day = models.PositiveSmallIntegerField(
        "afsluitdag periode",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text="Dag van de maand waarop de periode sluit; leeg = laatste dag van de maand.",
    )
    retention_months = models.PositiveSmallIntegerField(
        "bewaartermijn (maanden)",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Zoveel maanden nadat de melding sloot (of het signaal zonder melding eindigde) worden de "
                  "persoonsgegevens vernietigd. De cijfers voor de monitor blijven.",
    )
    retention_months_help_accepted = models.PositiveSmallIntegerField(
        "bewaartermijn bij aanvaarde hulp (maanden)",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Voor meldingen waarin de inwoner hulp aanvaardde; minstens de gewone bewaartermijn.",
    )
    # DDAS v1.2: the delivering organisation (aanleverendeOrganisatie); CBS sends its report to the contact.
    kvk_number = models.CharField(
        "KvK-nummer", max_length=8, blank=True,
        validators=[RegexValidator(r"^\d{8}$", "Een KvK-nummer bestaat uit 8 cijfers.")],
    )
    ddas_contact_name = models.CharField("DDAS-contactpersoon", max_length=200, blank=True)
    ddas_contact_phone = models.CharField("DDAS-contactpersoon telefoon", max_length=40, blank=True)
    ddas_contact_email = models.EmailField("DDAS-contactpersoon e-mail", blank=True)
    ddas_contact_function = models.CharField("DDAS-contactpersoon functie", max_length=200, blank=True)

    class Meta:
        verbose_name = "gemeente"
        verbose_name_plural = "gemeenten"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.cbs_code})"

    def clean(self) -> None:
        errors = {}
        kinds = set(CreditorKind.values)
        if self.threshold_amount is not None and self.threshold_amount < 0:
            errors["threshold_amount"] = "Het drempelbedrag kan niet negatief zijn (0 = geen drempel)."
        exempt = self.threshold_exempt_kinds or []
        if not isinstance(exempt, list) or not all(isinstance(k, str) for k in exempt) or not set(exempt) <= kinds:
            errors["threshold_exempt_kinds"] = (
                f"Geef een lijst van bekende soorten vaste last: {', '.join(CreditorKind.values)}.")
        windows = self.arrear_age_windows or {}
        if not isinstance(windows, dict) or not _valid_windows(windows, kinds):
            errors["arrear_age_windows"] = (
                "Geef per bekende soort vaste last [minimum, maximum] in dagen; maximum mag null zijn."
            )
        if (self.retention_months and self.retention_months_help_accepted
                and self.retention_months_help_accepted < self.retention_months):
            errors["retention_months_help_accepted"] = (
                "De bewaartermijn bij aanvaarde hulp kan niet korter zijn dan de gewone bewaartermijn.")
        if errors:
            raise ValidationError(errors)


def _valid_windows(windows: dict, kinds: set[str]) -> bool:
    for kind, window in windows.items():
        if kind not in kinds or not isinstance(window, list) or len(window) != 2:
            return False
        low, high = window
        if not isinstance(low, int) or low < 0:
            return False
        if high is not None and (not isinstance(high, int) or high < low):
            return False
    return True


class Role(models.TextChoices):
    VROEGSIGNALEERDER = "vroegsignaleerder", "Vroegsignaleerder"
    TEAMLEIDER = "teamleider", "Teamleider"
    FUNCTIONEEL_BEHEERDER = "functioneel_beheerder", "Functioneel beheerder"
    # The installation's administrator (the hosting party or region): municipalities, creditors, their API keys
    # and webhooks, and the municipalities' functional administrators. Sees no case data.
    INSTALLATIEBEHEERDER = "installatiebeheerder", "Installatiebeheerder"
    AUDITOR = "auditor", "Auditor"
    # Policy staff: the monitor's figures of their municipalities (/monitor/), nothing else (issue 12).
    BELEIDSMEDEWERKER = "beleidsmedewerker", "Beleidsmedewerker"
    VASTELASTENPARTNER = "vastelastenpartner", "Medewerker vastelastenpartner"
    # The call centre (issue 13): whether a household has an active case, whom to reach, "inwoner belde";
    # no case screen, no case API (not in CASEWORK_ROLES or API_ROLES).
    KCC = "kcc", "Medewerker klantcontactcentrum"
    SERVICE_ACCOUNT = "service_account", "Serviceaccount (koppeling)"


# The roles that work on signals and cases (fallout review, the queue): their municipalities' only.
CASEWORK_ROLES = frozenset({Role.VROEGSIGNALEERDER, Role.TEAMLEIDER})
# The roles that may use the municipal API (/api/v1/gemeente/…): a service account is an integration
# (a call centre's system) that works on its municipalities' cases like a worker.
API_ROLES = CASEWORK_ROLES | {Role.SERVICE_ACCOUNT}


class User(AbstractUser):
    """A person or integration using the web UI or the municipal API.

    Municipal staff belong to one or more municipalities (one team may serve two); a creditor's
    staff member belongs to one creditor and sees nothing of the municipalities' work.
    """

    role = models.CharField("rol", max_length=32, choices=Role.choices, default=Role.VROEGSIGNALEERDER)
    municipalities = models.ManyToManyField(
        Municipality, verbose_name="gemeenten", blank=True, related_name="members"
    )
    creditor = models.ForeignKey(
        "signals.Creditor",
        verbose_name="vastelastenpartner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    class Meta:
        verbose_name = "gebruiker"
        verbose_name_plural = "gebruikers"

    def clean(self) -> None:
        super().clean()
        if self.role == Role.VASTELASTENPARTNER and self.creditor_id is None:
            raise ValidationError({"creditor": "Kies de vastelastenpartner van deze medewerker."})
        if self.role != Role.VASTELASTENPARTNER and self.creditor_id is not None:
            raise ValidationError(
                {"creditor": "Alleen medewerkers van een vastelastenpartner horen bij een vastelastenpartner."}
            )

    @property
    def is_functional_admin(self) -> bool:
        return self.role == Role.FUNCTIONEEL_BEHEERDER or self.is_superuser


class UserAPIKeyManager(APIKeyManager):
    def get_usable_keys(self):
        return super().get_usable_keys().select_related("user")


class UserAPIKey(AbstractAPIKey):
    """A hashed, revocable token for the municipal API (header ``Authorization: Token <key>``).

    The token acts as its user: the same role and municipalities as in the web screens. Creditor keys
    (``signals.CreditorAPIKey``) live in their own table and never authenticate here, nor the other way round.
    """

    objects = UserAPIKeyManager()

    user = models.ForeignKey(User, verbose_name="gebruiker", on_delete=models.CASCADE, related_name="api_keys")

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "API-token"
        verbose_name_plural = "API-tokens"
