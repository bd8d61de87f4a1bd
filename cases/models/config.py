"""A municipality's case configuration: the case policy, trays (bakjes), the routing rules
(afwegingskader), tray allocations, and the record of each period close."""
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from vroegsignalering.common.tenancy import MunicipalityScopedQuerySet
from vroegsignalering.common.vocab import RECORDABLE_CONTACT_CHOICES, CreditorKind, Outcome, ShvStatus

from ..deadlines import DEFAULT_REOPEN_TERM_MONTHS


class MatchType(models.TextChoices):
    """Divosa match type: one arrear at the address in the period, or two or more."""

    ENKELVOUDIG = "enkelvoudig", "Enkelvoudig"
    MEERVOUDIG = "meervoudig", "Meervoudig"


class Urgency(models.IntegerChoices):
    NORMAAL = 0, "Normaal"
    HOOG = 1, "Hoog (eindeleveringssignaal)"
    ACUUT = 2, "Acuut (afsluiting of ontruiming)"


class Priority(models.IntegerChoices):
    HOOG = 1, "Hoog"
    NORMAAL = 2, "Normaal"
    LAAG = 3, "Laag"


class ContactRequirement(models.TextChoices):
    GEEN = "", "Geen"
    TELEFOON = "telefoon", "Telefoonnummer"
    EMAIL = "email", "E-mailadres"
    TELEFOON_OF_EMAIL = "telefoon_of_email", "Telefoonnummer of e-mailadres"


# --- configuration per municipality ---------------------------------------------------------------


class CasePolicy(models.Model):
    """A municipality's settings for cases that are not routing rules."""

    municipality = models.OneToOneField(
        "accounts.Municipality", verbose_name="gemeente", on_delete=models.CASCADE, related_name="case_policy"
    )
    reopen_term_months = models.PositiveSmallIntegerField(
        "termijn heropenen (maanden)",
        default=DEFAULT_REOPEN_TERM_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="Zo lang na sluiting kan een melding worden heropend voor late hulpacceptatie.",
    )
    repeat_window_months = models.PositiveSmallIntegerField(
        "termijn herhaalde melding (maanden)",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=(
            "Een signaal van dezelfde vastelastenpartner over dezelfde achterstand (contractnummer) dat "
            "binnen deze termijn al is opgepakt en niet hoger is, wordt niet opgepakt (herhaalde melding)."
        ),
    )
    default_tray = models.ForeignKey(
        "Tray", verbose_name="standaardbakje", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Voor meldingen waarop geen regel van toepassing is.",
    )

    class Meta:
        verbose_name = "meldingenbeleid"
        verbose_name_plural = "meldingenbeleid"

    def __str__(self) -> str:
        return f"Meldingenbeleid {self.municipality}"

    def clean(self) -> None:
        errors = {}
        if self.default_tray_id and self.default_tray.municipality_id != self.municipality_id:
            errors["default_tray"] = "Kies een bakje van deze gemeente."
        try:
            municipality = self.municipality  # as the form left it (the admin page edits both at once)
        except ObjectDoesNotExist:
            municipality = None
        if municipality is not None:
            errors |= retention_too_short(self, municipality.retention_months)
        if errors:
            raise ValidationError(errors)


def retention_too_short(policy: CasePolicy, retention_months: int | None) -> dict[str, str]:
    """The policy's terms that reach past the municipality's retention term (ADR 0011), as Dutch errors
    on the policy's fields: the repeat rule and reopening read signals and cases that the purge would
    already have destroyed. Empty when the retention term covers both."""
    if not retention_months:
        return {}
    errors = {}
    if policy.repeat_window_months and policy.repeat_window_months > retention_months:
        errors["repeat_window_months"] = (
            f"De termijn herhaalde melding ({policy.repeat_window_months} maanden) kan niet langer zijn dan de "
            f"bewaartermijn van de gemeente ({retention_months} maanden): de eerdere signalen zijn dan al "
            "vernietigd. Kies een kortere termijn of verleng eerst de bewaartermijn.")
    if policy.reopen_term_months and policy.reopen_term_months > retention_months:
        errors["reopen_term_months"] = (
            f"De termijn heropenen ({policy.reopen_term_months} maanden) kan niet langer zijn dan de "
            f"bewaartermijn van de gemeente ({retention_months} maanden): een gesloten melding is dan al "
            "vernietigd. Kies een kortere termijn of verleng eerst de bewaartermijn.")
    return errors


class Tray(models.Model):
    """A bakje: where a case waits for a way of approaching the household, with a monthly capacity."""

    municipality = models.ForeignKey(
        "accounts.Municipality", verbose_name="gemeente", on_delete=models.CASCADE, related_name="trays"
    )
    code = models.SlugField("code", max_length=40)
    name = models.CharField("naam", max_length=100)
    description = models.CharField("omschrijving", max_length=300, blank=True)
    contact_kind = models.CharField(
        "soort contact", max_length=24, choices=RECORDABLE_CONTACT_CHOICES, blank=True,
        help_text="De manier van benaderen in dit bakje (leeg = beoordelen per melding).",
    )
    monthly_capacity = models.PositiveIntegerField(
        "capaciteit per periode", null=True, blank=True, help_text="Leeg = onbeperkt."
    )
    capacity_fallback = models.ForeignKey(
        "self", verbose_name="bakje als de capaciteit op is", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    requires_contact = models.CharField(
        "vereiste contactgegevens", max_length=20, choices=ContactRequirement.choices, blank=True,
        default=ContactRequirement.GEEN,
    )
    missing_contact_fallback = models.ForeignKey(
        "self", verbose_name="bakje als contactgegevens ontbreken", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    end_outcome = models.CharField(
        "eindresultaat bij plaatsing", max_length=64, choices=Outcome.choices, blank=True,
        help_text="Meldingen in dit bakje worden direct gesloten met dit eindresultaat "
                  "(bijvoorbeeld 'bekend bij schuldhulpverlening': de betrokken hulpverlener pakt het op).",
    )
    is_active = models.BooleanField("actief", default=True)

    objects = MunicipalityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "bakje"
        verbose_name_plural = "bakjes"
        ordering = ["municipality", "name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "code"], name="tray_code_per_municipality")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        for name in ("capacity_fallback", "missing_contact_fallback"):
            other = getattr(self, name)
            if other is None:
                continue
            if other.municipality_id != self.municipality_id:
                errors[name] = "Kies een bakje van dezelfde gemeente."
            elif self.pk and other.pk == self.pk:
                errors[name] = "Een bakje kan niet naar zichzelf terugvallen."
        if errors:
            raise ValidationError(errors)


class RoutingRule(models.Model):
    """One line of the afwegingskader: conditions → tray and priority. Rules are tried by position;
    the first whose conditions all hold wins. An empty condition always holds."""

    municipality = models.ForeignKey(
        "accounts.Municipality", verbose_name="gemeente", on_delete=models.CASCADE, related_name="routing_rules"
    )
    position = models.PositiveSmallIntegerField("volgorde")
    name = models.CharField("naam", max_length=100)
    explanation = models.CharField(
        "toelichting", max_length=300, blank=True, help_text="Waarom deze regel bestaat; medewerkers zien dit."
    )
    is_active = models.BooleanField("actief", default=True)
    # Conditions
    match_type = models.CharField("soort melding", max_length=16, choices=MatchType.choices, blank=True)
    recidive = models.BooleanField("opeenvolgend (recidive)", null=True, blank=True)
    crisis = models.BooleanField("crisissignaal", null=True, blank=True)
    amount_gt = models.DecimalField("bedrag meer dan (>)", max_digits=10, decimal_places=2, null=True, blank=True)
    amount_gte = models.DecimalField("bedrag minstens (≥)", max_digits=10, decimal_places=2, null=True, blank=True)
    amount_lt = models.DecimalField("bedrag minder dan (<)", max_digits=10, decimal_places=2, null=True, blank=True)
    amount_lte = models.DecimalField("bedrag hoogstens (≤)", max_digits=10, decimal_places=2, null=True, blank=True)
    creditor_kinds = models.JSONField(
        "soorten vaste last", default=list, blank=True,
        help_text='Minstens één signaal van een van deze soorten, bv. ["huur"]. Leeg = alle.',
    )
    age_min = models.PositiveSmallIntegerField("leeftijd vanaf", null=True, blank=True)
    age_max = models.PositiveSmallIntegerField("leeftijd tot en met", null=True, blank=True)
    has_minors = models.BooleanField("minderjarigen in het huishouden", null=True, blank=True)
    has_phone = models.BooleanField("telefoonnummer bekend", null=True, blank=True)
    has_email = models.BooleanField("e-mailadres bekend", null=True, blank=True)
    shv_statuses = models.JSONField(
        "SHV-status", default=list, blank=True,
        help_text='Minstens één signaal met een van deze statussen, bv. ["bekend"]. Leeg = alle.',
    )
    # Result
    tray = models.ForeignKey(Tray, verbose_name="bakje", on_delete=models.PROTECT, related_name="rules")
    priority = models.PositiveSmallIntegerField("prioriteit", choices=Priority.choices, default=Priority.NORMAAL)

    class Meta:
        verbose_name = "routeringsregel"
        verbose_name_plural = "routeringsregels (afwegingskader)"
        ordering = ["municipality", "position"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "position"], name="rule_position_per_municipality")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"

    def clean(self) -> None:
        errors = {}
        if self.amount_gt is not None and self.amount_gte is not None:
            errors["amount_gte"] = "Vul 'meer dan' of 'minstens' in, niet allebei."
        if self.amount_lt is not None and self.amount_lte is not None:
            errors["amount_lte"] = "Vul 'minder dan' of 'hoogstens' in, niet allebei."
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            errors["age_max"] = "De bovengrens ligt onder de ondergrens."
        kinds = self.creditor_kinds or []
        if not isinstance(kinds, list) or not set(kinds) <= set(CreditorKind.values):
            errors["creditor_kinds"] = "Geef een lijst van bekende soorten vaste last."
        statuses = self.shv_statuses or []
        if not isinstance(statuses, list) or not set(statuses) <= set(ShvStatus.values):
            errors["shv_statuses"] = f"Geef een lijst met waarden uit {', '.join(ShvStatus.values)}."
        if self.tray_id and self.municipality_id and self.tray.municipality_id != self.municipality_id:
            errors["tray"] = "Kies een bakje van deze gemeente."
        if errors:
            raise ValidationError(errors)


class TrayAllocation(models.Model):
    """A period step after routing: fill the remaining capacity of ``target`` with cases from
    ``source``, highest summed amount first (municipality 6: letters upgraded to home visits)."""

    municipality = models.ForeignKey(
        "accounts.Municipality", verbose_name="gemeente", on_delete=models.CASCADE, related_name="tray_allocations"
    )
    position = models.PositiveSmallIntegerField("volgorde", default=1)
    target = models.ForeignKey(Tray, verbose_name="aanvullen: bakje", on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Tray, verbose_name="met meldingen uit bakje", on_delete=models.CASCADE,
                               related_name="+")
    is_active = models.BooleanField("actief", default=True)

    class Meta:
        verbose_name = "aanvulling restcapaciteit"
        verbose_name_plural = "aanvullingen restcapaciteit"
        ordering = ["municipality", "position"]

    def __str__(self) -> str:
        return f"Restcapaciteit {self.target} aanvullen uit {self.source} (hoogste bedrag eerst)"

    def clean(self) -> None:
        errors = {}
        for name in ("target", "source"):
            tray = getattr(self, f"{name}_id") and getattr(self, name)
            if tray and tray.municipality_id != self.municipality_id:
                errors[name] = "Kies een bakje van deze gemeente."
        if self.target_id and self.target_id == self.source_id:
            errors["source"] = "Kies een ander bakje dan het aan te vullen bakje."
        elif self.target_id and self.target.monthly_capacity is None:
            errors["target"] = "Dit bakje heeft geen capaciteit; aanvullen heeft geen betekenis."
        if errors:
            raise ValidationError(errors)


class PeriodClose(models.Model):
    """The record of one period close (matching and routing) of one municipality; makes it idempotent."""

    municipality = models.ForeignKey(
        "accounts.Municipality", verbose_name="gemeente", on_delete=models.PROTECT, related_name="period_closes"
    )
    period_start = models.DateField("periode vanaf")
    period_end = models.DateField("periode tot en met")
    closed_at = models.DateTimeField("afgesloten op")
    counts = models.JSONField("aantallen", default=dict)

    class Meta:
        verbose_name = "periodeafsluiting"
        verbose_name_plural = "periodeafsluitingen"
        ordering = ["-period_end"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "period_end"], name="one_close_per_period")
        ]

    def __str__(self) -> str:
        return f"Periode {self.period_start} t/m {self.period_end} ({self.municipality})"
