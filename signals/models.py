"""Intake: creditors (vastelastenpartners), their API keys, deliveries and signals."""
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from rest_framework_api_key.models import AbstractAPIKey, APIKeyManager

from vroegsignalering.common.models import AppendOnlyModel
from vroegsignalering.common.tenancy import CreditorScopedQuerySet, MunicipalityScopedQuerySet
from vroegsignalering.common.vocab import CRISIS_SIGNAL_KINDS, CreditorKind, Outcome, SignalKind


class Creditor(models.Model):
    """A vastelastenpartner: landlord, health insurer, water or energy company, …"""

    name = models.CharField("naam", max_length=200, unique=True)
    kinds = models.JSONField(
        "soorten vaste last",
        default=list,
        blank=True,
        help_text='Welke soorten signalen deze partij levert, bv. ["huur"]. Leeg = alle soorten.',
    )
    contact_name = models.CharField("contactpersoon", max_length=200, blank=True)
    contact_email = models.EmailField("e-mailadres contactpersoon", blank=True)
    contact_phone = models.CharField("telefoon contactpersoon", max_length=40, blank=True)
    is_active = models.BooleanField("actief", default=True)
    created_at = models.DateTimeField("aangemaakt", auto_now_add=True)

    class Meta:
        verbose_name = "vastelastenpartner"
        verbose_name_plural = "vastelastenpartners"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CreditorAPIKeyManager(APIKeyManager):
    def get_usable_keys(self):
        return super().get_usable_keys().select_related("creditor")


class CreditorAPIKey(AbstractAPIKey):
    """A hashed, revocable API key identifying one creditor (header ``X-Api-Key``)."""

    objects = CreditorAPIKeyManager()

    creditor = models.ForeignKey(Creditor, on_delete=models.CASCADE, related_name="api_keys")

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "API-sleutel"
        verbose_name_plural = "API-sleutels"


class Source(models.TextChoices):
    API = "api", "API"
    CSV = "csv", "CSV-bestand"


class Delivery(models.Model):
    """One batch of signals from one creditor (a `levering`), with its per-signal results."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    creditor = models.ForeignKey(Creditor, on_delete=models.PROTECT, related_name="deliveries")
    source = models.CharField("bron", max_length=8, choices=Source.choices, default=Source.API)
    received_at = models.DateTimeField("ontvangen", auto_now_add=True, db_index=True)
    count_received = models.PositiveIntegerField("aantal ontvangen", default=0)
    count_already_received = models.PositiveIntegerField("aantal al ontvangen", default=0)
    count_refused = models.PositiveIntegerField("aantal geweigerd", default=0)
    # [{"signaalId": …, "status": …, "fouten": [{"naam", "code", "reden"}]}] in delivery order
    results = models.JSONField("resultaten", default=list)

    class Meta:
        verbose_name = "levering"
        verbose_name_plural = "leveringen"
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"Levering {self.id} van {self.creditor}"


class SignalStatus(models.TextChoices):
    ONTVANGEN = "ontvangen", "Ontvangen"
    IN_CONTROLE = "in_controle", "In controle"
    WACHT_OP_BRP = "wacht_op_brp", "Wacht op BRP of SHV-register"
    UITVAL = "uitval", "Uitval: wacht op beoordeling"
    GECONTROLEERD = "gecontroleerd", "Gecontroleerd, wacht op koppeling"
    IN_MELDING = "in_melding", "In melding"
    AFGEHANDELD = "afgehandeld", "Afgehandeld zonder melding"
    DOORGESTUURD = "doorgestuurd", "Doorgestuurd naar andere gemeente"


S = SignalStatus


class Signal(ConcurrentTransitionMixin, models.Model):
    """One payment arrear reported by one creditor about one customer, normalised.

    ``status`` is a protected state field: only transitions change it
    (``signals.transitions.signal_transition``), and each change appends a :class:`SignalHistory`
    row. Saving a signal whose status changed in the database since it was read fails
    (``ConcurrentTransition``): concurrent edits lose cleanly.
    """

    # The single-column indexes on municipality and creditor are covered by the composite
    # indexes below; fewer indexes keep the intake fast.
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="signals", db_index=False
    )
    creditor = models.ForeignKey(Creditor, on_delete=models.PROTECT, related_name="signals", db_index=False)
    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="signals")
    source = models.CharField("bron", max_length=8, choices=Source.choices, default=Source.API)
    signal_id = models.CharField("signaalId", max_length=64)
    content_hash = models.CharField("inhoudshash", max_length=64)
    received_at = models.DateTimeField("ontvangen")
    status = FSMField("status", default=SignalStatus.ONTVANGEN, choices=SignalStatus.choices, protected=True)

    creditor_kind = models.CharField("soort vaste last", max_length=24, choices=CreditorKind.choices)
    signal_kind = models.CharField(
        "soort signaal", max_length=16, choices=SignalKind.choices, default=SignalKind.VROEGSIGNAAL
    )
    warm_handover = models.BooleanField("warme overdracht", null=True, blank=True)

    # Customer (klant)
    surname = models.CharField("geslachtsnaam", max_length=200, blank=True)
    surname_prefix = models.CharField("voorvoegsel", max_length=20, blank=True)
    first_names = models.CharField("voornamen", max_length=200, blank=True)
    initials = models.CharField("voorletters", max_length=40, blank=True)
    trade_name = models.CharField("bedrijfsnaam", max_length=200, blank=True)
    birth_date = models.DateField("geboortedatum", null=True, blank=True)
    phone_numbers = models.JSONField("telefoonnummers", default=list, blank=True)
    email = models.CharField("e-mailadres", max_length=254, blank=True)

    # Address (adres), normalised
    postcode = models.CharField("postcode", max_length=6)
    house_number = models.PositiveIntegerField("huisnummer")
    house_letter = models.CharField("huisletter", max_length=1, blank=True)
    house_number_addition = models.CharField("huisnummertoevoeging", max_length=4, blank=True)
    street = models.CharField("straatnaam", max_length=200, blank=True)
    city = models.CharField("woonplaats", max_length=200, blank=True)
    address_key = models.CharField("adressleutel", max_length=24)

    # Arrear (achterstand)
    amount = models.DecimalField("bedrag", max_digits=10, decimal_places=2)
    oldest_due_date = models.DateField("vervaldatum oudste factuur")
    instalments_unpaid = models.PositiveIntegerField("aantal termijnen", null=True, blank=True)
    instalment_amount = models.DecimalField(
        "termijnbedrag", max_digits=10, decimal_places=2, null=True, blank=True
    )
    contract_number = models.CharField("contractnummer", max_length=64, blank=True)

    end_of_supply_date = models.DateField("datum einde levering", null=True, blank=True)
    disconnection_date = models.DateField("datum afsluiting", null=True, blank=True)
    eviction_date = models.DateField("datum ontruiming", null=True, blank=True)
    signal_date = models.DateField("signaaldatum")
    # Optional values that could not be used, kept as delivered and left out of the fields above:
    # [{"naam": "klant.telefoonnummers[0]", "code": …, "reden": …, "waarde": <as delivered>}]
    intake_warnings = models.JSONField("waarschuwingen bij ontvangst", default=list, blank=True)

    # Checks (BRP, SHV, rules): what was decided and the evidence.
    bsn = models.CharField("BSN", max_length=9, blank=True)
    brp_evidence = models.JSONField("BRP-bevindingen", default=dict, blank=True)
    shv_evidence = models.JSONField("SHV-bevindingen", default=dict, blank=True)
    check_attempts = models.PositiveSmallIntegerField("controlepogingen", default=0)
    next_check_at = models.DateTimeField("volgende controle", null=True, blank=True)
    outcome = models.CharField("eindresultaat", max_length=64, choices=Outcome.choices, blank=True)
    outcome_at = models.DateTimeField("eindresultaat op", null=True, blank=True)
    forwarded_to = models.ForeignKey(
        "accounts.Municipality", verbose_name="doorgestuurd naar", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    # A copy made for the municipality where the person lives (Awb 2:3). The creditor never sees
    # copies: its API shows the original only, ending as "geen inwoner". ``forwarded_copy`` says so for
    # good: the purge destroys the original on its own municipality's term and empties
    # ``forwarded_from``; the copy follows its own municipality's term (docs/retention.md).
    forwarded_from = models.OneToOneField(
        "self", verbose_name="doorgestuurd vanuit", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="forwarded_copy_of",
    )
    forwarded_copy = models.BooleanField("doorgestuurde kopie", default=False)

    objects = MunicipalityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "signaal"
        verbose_name_plural = "signalen"
        constraints = [
            models.UniqueConstraint(
                fields=["creditor", "signal_id"], condition=models.Q(forwarded_copy=False),
                name="signal_unique_per_creditor",
            )
        ]
        indexes = [
            models.Index(fields=["municipality", "address_key"], name="signal_muni_address"),
            models.Index(fields=["status", "next_check_at"], name="signal_status_due"),
            # The repeat rule (cases.selectors.prior_arrears): a creditor's earlier signals of the same
            # contract, or of the same customer.
            models.Index(fields=["creditor", "contract_number"], name="signal_creditor_contract",
                         condition=~models.Q(contract_number="")),
            models.Index(fields=["creditor", "bsn"], name="signal_creditor_bsn", condition=~models.Q(bsn="")),
            # The call centre's search by BSN (kcc.selectors.household_status), within the user's municipalities.
            models.Index(fields=["municipality", "bsn"], name="signal_muni_bsn", condition=~models.Q(bsn="")),
        ]

    def __str__(self) -> str:
        return f"Signaal {self.signal_id} ({self.creditor_id})"

    def _update_initial_state(self) -> None:
        # ConcurrentTransitionMixin remembers the status as read. A signal read without it (``only``,
        # ``defer``, ``refresh_from_db(fields=…)``) must not fetch it here, a query per row; such a
        # signal is never saved.
        if "status" not in self.get_deferred_fields():
            super()._update_initial_state()

    @property
    def is_crisis(self) -> bool:
        return self.signal_kind in CRISIS_SIGNAL_KINDS

    # --- state machine (services call these and append SignalHistory) ------------------------
    @transition(field=status, source=[S.ONTVANGEN, S.WACHT_OP_BRP], target=S.IN_CONTROLE)
    def start_checks(self):
        """The checks begin (or resume after the BRP was unavailable)."""

    @transition(field=status, source=S.IN_CONTROLE, target=S.WACHT_OP_BRP)
    def wait_for_brp(self):
        """The BRP could not be asked; the signal waits and is retried."""

    @transition(field=status, source=S.IN_CONTROLE, target=S.UITVAL)
    def to_fallout(self):
        """The checks could not decide: a person must look (AVG art. 22)."""

    @transition(field=status, source=S.UITVAL, target=S.IN_CONTROLE)
    def resume_after_review(self):
        """A reviewer picked the person; the remaining checks run."""

    @transition(field=status, source=S.IN_CONTROLE, target=S.GECONTROLEERD)
    def pass_checks(self):
        """All checks passed: the signal waits for matching into a case."""

    @transition(field=status, source=[S.IN_CONTROLE, S.UITVAL], target=S.AFGEHANDELD)
    def end(self, outcome: str):
        """Not picked up (or not a resident): ends with a DDAS end result, without a case."""
        self.outcome = outcome

    @transition(field=status, source=[S.IN_CONTROLE, S.UITVAL], target=S.DOORGESTUURD)
    def forward(self, municipality):
        """The person lives elsewhere: forwarded (Awb 2:3); ends here as not a resident."""
        self.forwarded_to = municipality
        self.outcome = Outcome.GEEN_INWONER

    @transition(field=status, source=S.GECONTROLEERD, target=S.IN_MELDING)
    def attach_to_case(self):
        """Matched into a case (melding); from here the case carries the work."""


class SignalEvent(models.TextChoices):
    """What happened to a signal (``SignalHistory.event``); ``signals.history`` words it in Dutch."""

    RECEIVED = "ontvangen", "Ontvangen"
    CHECKS_STARTED = "controle_gestart", "Controle gestart"
    REGISTER_DOWN = "register_onbereikbaar", "Register niet bereikbaar"
    BRP_FOUND = "brp_gevonden", "Gevonden in de BRP"
    FALLOUT = "uitval", "Uitval"
    REVIEWED = "beoordeeld", "Uitval beoordeeld"
    ENDED = "afgehandeld", "Afgehandeld zonder melding"
    FORWARDED = "doorgestuurd", "Doorgestuurd"
    FORWARDED_HERE = "doorgestuurd_vanuit", "Doorgestuurd vanuit andere gemeente"
    HELD = "wacht_op_eerder_signaal", "Wacht op eerder signaal"
    PASSED = "gecontroleerd", "Gecontroleerd"
    ATTACHED = "gekoppeld", "Gekoppeld aan melding"


class SignalHistory(AppendOnlyModel):
    """Append-only log of a signal's status changes: who, when, from, to, what happened.

    ``event`` and ``params`` say what happened as data; ``signals.history.signal_history_text``
    words it in Dutch when shown. ``reason`` is empty on new rows (rows from before ``event``
    existed have only ``reason``, rows from before the rules were data have it in ``params``)."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField("tijdstip")
    actor = models.CharField("door", max_length=200)
    from_status = models.CharField("van", max_length=32, blank=True)
    to_status = models.CharField("naar", max_length=32)
    event = models.CharField("gebeurtenis", max_length=32, choices=SignalEvent.choices, blank=True)
    params = models.JSONField("gegevens", default=dict, blank=True)
    reason = models.CharField("reden", max_length=500, blank=True)

    class Meta:
        verbose_name = "statuswijziging signaal"
        verbose_name_plural = "statuswijzigingen signalen"
        ordering = ["at", "id"]


class CsvImport(models.Model):
    """A CSV file of signals uploaded through the web UI, processed in the background."""

    class State(models.TextChoices):
        WACHTEND = "wachtend", "Wachtend"
        BEZIG = "bezig", "Bezig"
        KLAAR = "klaar", "Klaar"
        MISLUKT = "mislukt", "Mislukt"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    creditor = models.ForeignKey(Creditor, on_delete=models.PROTECT, related_name="csv_imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="csv_imports"
    )
    file_name = models.CharField("bestandsnaam", max_length=255)
    content = models.BinaryField("inhoud")
    created_at = models.DateTimeField("geüpload", auto_now_add=True)
    # The upload or the last processed step; an open import without progress for long has stalled.
    progress_at = models.DateTimeField("laatste voortgang", default=timezone.now)
    state = models.CharField("stand", max_length=16, choices=State.choices, default=State.WACHTEND)
    rows_total = models.PositiveIntegerField("aantal regels", default=0)
    rows_done = models.PositiveIntegerField("verwerkte regels", default=0)
    count_received = models.PositiveIntegerField("aantal ontvangen", default=0)
    count_already_received = models.PositiveIntegerField("aantal al ontvangen", default=0)
    count_refused = models.PositiveIntegerField("aantal geweigerd", default=0)
    # [{"regel": n, "signaalId": …, "status": …, "fouten": […]}]
    results = models.JSONField("resultaten per regel", default=list)
    error = models.CharField("foutmelding", max_length=500, blank=True)
    deliveries = models.ManyToManyField(Delivery, blank=True, related_name="csv_imports")
    # A functional administrator's upload: only rows for these municipalities are imported (the others are
    # refused per row), and only administrators of all of them see it (security review D5). Empty: a
    # creditor's own upload, which may hold rows for any municipality (signals.csv_selectors).
    municipalities = models.ManyToManyField("accounts.Municipality", verbose_name="beperkt tot gemeenten",
                                            blank=True, related_name="+")

    objects = CreditorScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "CSV-import"
        verbose_name_plural = "CSV-imports"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"CSV-import {self.file_name} ({self.get_state_display()})"


class FalloutDecision(AppendOnlyModel):
    """A person's decision on a signal the automatic checks could not decide (uitval)."""

    class Choice(models.TextChoices):
        PERSON = "persoon", "Dit is de persoon: verder met de controles"
        NOT_RESIDENT = "geen_inwoner", "Geen inwoner van de gemeente"
        NOT_PICKED_UP = "niet_opgepakt", "Niet oppakken"

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="fallout_decisions")
    decision = models.CharField("besluit", max_length=16, choices=Choice.choices)
    bsn = models.CharField("gekozen BSN", max_length=9, blank=True)
    reason = models.CharField("reden", max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("besloten op")

    class Meta:
        verbose_name = "besluit over uitval"
        verbose_name_plural = "besluiten over uitval"
        ordering = ["decided_at", "id"]


class RecurrenceFact(models.Model):
    """What recidive (opeenvolgend) needs of a signal once the purge destroyed the signal (ADR 0011):
    the municipality, a keyed hash of the address, the signal date and the signal's id (so that a
    case's own signals never count). No clear address, no person. Written with the signal; deleted
    on ``expires_on`` (``signals.recurrence.recurrence_facts_expire``), whatever became of the signal."""

    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    address_hash = models.CharField("adreshash", max_length=64)
    signal_date = models.DateField("signaaldatum")
    # The signal's id, not a foreign key: the fact outlives the signal.
    signal_ref = models.PositiveBigIntegerField("signaal")
    expires_on = models.DateField("vervalt na", db_index=True)

    objects = MunicipalityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "herhalingsfeit"
        verbose_name_plural = "herhalingsfeiten"
        indexes = [models.Index(fields=["municipality", "address_hash", "signal_date"], name="recurrence_lookup")]

    def __str__(self) -> str:
        return f"Herhalingsfeit {self.signal_date} ({self.municipality_id})"
