"""Cases (meldingen), their signals and history; trays (bakjes) and the routing rules (afwegingskader).

A case groups the signals at one household's address (see ``cases.matching``). Its ``status`` is a
protected state field; only the transitions below change it, always through ``cases.services``,
which lock the row, append a :class:`CaseHistory` row and store the deadlines with their basis.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from vroegsignalering.common.models import AppendOnlyModel
from vroegsignalering.common.tenancy import MunicipalityScopedQuerySet
from vroegsignalering.common.vocab import ContactKind, CreditorKind, Outcome, ShvStatus

from .deadlines import DEFAULT_REOPEN_TERM_MONTHS


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
        if self.default_tray_id and self.default_tray.municipality_id != self.municipality_id:
            raise ValidationError({"default_tray": "Kies een bakje van deze gemeente."})


class Tray(models.Model):
    """A bakje: where a case waits for a way of approaching the household, with a monthly capacity."""

    municipality = models.ForeignKey(
        "accounts.Municipality", verbose_name="gemeente", on_delete=models.CASCADE, related_name="trays"
    )
    code = models.SlugField("code", max_length=40)
    name = models.CharField("naam", max_length=100)
    description = models.CharField("omschrijving", max_length=300, blank=True)
    contact_kind = models.CharField(
        "soort contact", max_length=16, choices=ContactKind.choices, blank=True,
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


# --- the case -------------------------------------------------------------------------------------


class FirstReaction(models.TextChoices):
    """The resident's first reaction to the approach (a monitor extra, never sent to a creditor)."""

    POSITIEF = "positief", "Positief"
    NEUTRAAL = "neutraal", "Neutraal"
    NEGATIEF = "negatief", "Negatief"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_BEHANDELING = "in_behandeling", "In behandeling"
    GESLOTEN = "gesloten", "Gesloten"
    HEROPEND = "heropend", "Heropend"


C = CaseStatus
ACTIVE_STATUSES = (C.OPEN, C.IN_BEHANDELING, C.HEROPEND)
WINDOW_STATUSES = (C.OPEN, C.IN_BEHANDELING)  # the 28-day window applies


class Case(ConcurrentTransitionMixin, models.Model):
    """A melding: the signals at one household's address, approached once.

    ``status`` is protected: change it only through ``cases.services`` (which use the transitions
    below). Concurrent transitions lose cleanly: a stale instance's save raises
    ``django_fsm.ConcurrentTransition``.
    """

    municipality = models.ForeignKey(
        "accounts.Municipality", verbose_name="gemeente", on_delete=models.PROTECT, related_name="cases"
    )
    address_key = models.CharField("adressleutel", max_length=24)
    address = models.CharField("adres", max_length=300)
    period_start = models.DateField("periode vanaf")
    period_end = models.DateField("periode tot en met")

    match_type = models.CharField("soort melding", max_length=16, choices=MatchType.choices)
    recidive = models.BooleanField("opeenvolgend (recidive)", default=False)
    is_crisis = models.BooleanField("crisismelding", default=False)
    urgency = models.PositiveSmallIntegerField("urgentie", choices=Urgency.choices, default=Urgency.NORMAAL)
    amount = models.DecimalField("totaalbedrag", max_digits=12, decimal_places=2)

    tray = models.ForeignKey(Tray, verbose_name="bakje", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="cases")
    priority = models.PositiveSmallIntegerField("prioriteit", choices=Priority.choices, default=Priority.NORMAAL)
    routing_rule = models.ForeignKey(RoutingRule, verbose_name="regel", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="cases")
    routing_explanation = models.TextField("waarom in dit bakje", blank=True)
    routed_at = models.DateTimeField("gerouteerd op", null=True, blank=True)

    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="toegewezen aan", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="assigned_cases")

    opened_at = models.DateTimeField("geopend op")
    deadline_at = models.DateTimeField("sluit automatisch op")
    deadline_basis = models.CharField("grondslag termijn", max_length=300)
    crisis_at = models.DateTimeField("crisissignaal ontvangen", null=True, blank=True)
    crisis_due_at = models.DateTimeField("eerste actie uiterlijk voor", null=True, blank=True)
    crisis_due_basis = models.CharField("grondslag crisistermijn", max_length=300, blank=True)
    first_contact_at = models.DateTimeField("eerste contactpoging", null=True, blank=True)

    status = FSMField("status", default=C.OPEN, choices=CaseStatus.choices, protected=True)
    outcome = models.CharField("eindresultaat", max_length=64, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField("gesloten op", null=True, blank=True)
    first_closed_at = models.DateTimeField(
        "eerst gesloten op", null=True, blank=True, help_text="Hier begint de termijn om te heropenen."
    )
    # Recorded at closing (never sent to a creditor; the feedback code comes from ``outcome`` alone,
    # except that 'geen hulp gewenst' is sent only with the resident's recorded consent).
    first_reaction = models.CharField("eerste reactie", max_length=8, choices=FirstReaction.choices, blank=True)
    help_description = models.CharField(
        "welke hulp", max_length=300, blank=True,
        help_text="Bij aanvaarde hulp: wat er is afgesproken (bijvoorbeeld betalingsregeling, toeslag aangevraagd).",
    )
    decline_reason = models.CharField("reden geen hulp", max_length=500, blank=True)
    feedback_consent_at = models.DateTimeField(
        "toestemming 'geen hulp gewenst' op", null=True, blank=True,
        help_text="De inwoner gaf toestemming om de vastelastenpartner 'geen hulp gewenst' te melden.",
    )
    feedback_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="toestemming vastgelegd door", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    reopened_at = models.DateTimeField("heropend op", null=True, blank=True)
    reopen_reason = models.CharField("reden heropenen", max_length=500, blank=True)

    objects = MunicipalityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "melding"
        verbose_name_plural = "meldingen"
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["municipality", "address_key"], name="case_muni_address"),
            models.Index(fields=["status", "deadline_at"], name="case_status_deadline"),
            models.Index(fields=["municipality", "status", "tray"], name="case_muni_status_tray"),
            models.Index(fields=["tray", "period_end"], name="case_tray_period"),
            # The worker's queue: most urgent, then highest priority, then earliest deadline, of the
            # active cases; keyset paging compares (rank, deadline_at, id) (cases.selectors.queue_rank).
            models.Index(models.F("municipality"), models.F("priority") - 10 * models.F("urgency"),
                         models.F("deadline_at"), models.F("id"), name="case_queue_order",
                         condition=models.Q(status__in=["open", "in_behandeling", "heropend"])),
            # The queue's tray counts: an index-only scan of the active cases (cases.selectors.queue_trays).
            models.Index(fields=["municipality", "tray"], name="case_active_tray",
                         condition=models.Q(status__in=["open", "in_behandeling", "heropend"])),
            models.Index(fields=["municipality", "crisis_due_at"], name="case_crisis_due",
                         condition=models.Q(is_crisis=True, status__in=["open", "in_behandeling", "heropend"])),
        ]

    def __str__(self) -> str:
        return f"Melding {self.pk}"

    @property
    def period_label(self) -> str:
        return f"{self.period_end.year:04d}-{self.period_end.month:02d}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    # --- state machine (only cases.services call these) ------------------------------------------
    @transition(field=status, source=C.OPEN, target=C.IN_BEHANDELING)
    def start_work(self):
        """The first contact attempt was registered."""

    @transition(field=status, source=[C.OPEN, C.IN_BEHANDELING, C.HEROPEND], target=C.GESLOTEN)
    def close(self, outcome: str, at):
        """Closed by a person (or at routing) with a DDAS end result."""
        self.outcome = outcome
        self.closed_at = at

    @transition(field=status, source=[C.OPEN, C.IN_BEHANDELING], target=C.GESLOTEN)
    def expire(self, outcome: str, at):
        """Closed automatically after the 28-day window with the derived end result."""
        self.outcome = outcome
        self.closed_at = at

    @transition(field=status, source=C.GESLOTEN, target=C.HEROPEND)
    def reopen(self, reason: str, at):
        """Late help acceptance: the closed case is opened again to register it."""
        self.reopen_reason = reason
        self.reopened_at = at


class SignalRole(models.TextChoices):
    INITIAL = "initial", "Eerste signaal (bij opening)"
    LATE = "late", "Later toegevoegd"
    UPDATE = "update", "Bijgewerkt signaal (zelfde achterstand)"
    CRISIS = "crisis", "Crisissignaal toegevoegd"


class CaseSignal(models.Model):
    """A signal's place in exactly one case (a signal never joins two cases)."""

    case = models.ForeignKey(Case, verbose_name="melding", on_delete=models.CASCADE, related_name="case_signals")
    signal = models.OneToOneField("signals.Signal", verbose_name="signaal", on_delete=models.CASCADE,
                                  related_name="case_link")
    role = models.CharField("rol", max_length=8, choices=SignalRole.choices)
    joined_at = models.DateTimeField("gekoppeld op")

    class Meta:
        verbose_name = "signaal in melding"
        verbose_name_plural = "signalen in meldingen"
        ordering = ["joined_at", "id"]

    def __str__(self) -> str:
        return f"Signaal {self.signal_id} in melding {self.case_id}"


class CaseEvent(models.TextChoices):
    STATUS = "status", "Statuswijziging"
    OPENED = "geopend", "Geopend"
    ROUTED = "gerouteerd", "In bakje geplaatst"
    SIGNAL = "signaal", "Signaal toegevoegd"
    ASSIGNED = "toegewezen", "Toegewezen"
    CONTACT = "contact", "Contactpoging"
    VISIT = "huisbezoek", "Huisbezoek gepland of geannuleerd"
    FOLLOW_UP = "vervolgcontact", "Vervolgcontact na aanvaarde hulp"


class CaseHistory(AppendOnlyModel):
    """Append-only log of a case: who, when, from, to, why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField("tijdstip")
    event = models.CharField("gebeurtenis", max_length=16, choices=CaseEvent.choices, default=CaseEvent.STATUS)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="door (gebruiker)", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField("door", max_length=200)
    from_status = models.CharField("van", max_length=32, blank=True)
    to_status = models.CharField("naar", max_length=32, blank=True)
    reason = models.TextField("reden", blank=True)

    class Meta:
        verbose_name = "gebeurtenis melding"
        verbose_name_plural = "geschiedenis meldingen"
        ordering = ["at", "id"]
