"""The feedback outbox: one row per signal per issued status (the AVG whitelist's only output).

A row holds only what the contract lets leave the system: which of the creditor's own signals,
the municipality it was delivered for, one of the nine feedback codes, the date, and the end of
the collection pause. Never a help type, a reason, an address or another creditor.
"""
import uuid

from django.db import models

from vroegsignalering.common.tenancy import MunicipalityScopedQuerySet


class FeedbackCode(models.TextChoices):
    """The contract's complete list of feedback codes (signaalpartner-api.md); nothing else leaves."""

    NIET_OPGEPAKT_HERHAALDE_MELDING = "niet_opgepakt_herhaalde_melding", "Niet opgepakt: herhaalde melding"
    NIET_OPGEPAKT_ONTERECHT_SIGNAAL = "niet_opgepakt_onterecht_signaal", "Niet opgepakt: onterecht signaal"
    NIET_OPGEPAKT = "niet_opgepakt", "Niet opgepakt"
    OVERLEDEN = "overleden", "Inwoner is overleden"
    GEEN_INWONER = "geen_inwoner", "Geen inwoner (meer) van de gemeente"
    BEKEND_BIJ_SCHULDHULPVERLENING = "bekend_bij_schuldhulpverlening", "Inwoner is al bekend bij schuldhulpverlening"
    HULP_GEACCEPTEERD = "hulp_geaccepteerd", "Inwoner heeft hulp geaccepteerd"
    GEEN_HULP_GEWENST = "geen_hulp_gewenst", "Inwoner wil geen hulp (met toestemming teruggemeld)"
    AFGESLOTEN = "afgesloten", "Melding afgesloten"


class FeedbackEvent(models.Model):
    """One issued status for one signal, to that signal's own creditor.

    ``seq`` is the feed's cursor: NULL when written, assigned later by ``feedback_publish`` in commit
    order under a lock, so the feed is ordered, complete and exactly-once (docs/adr/0005).
    """

    public_id = models.UUIDField("id", default=uuid.uuid4, unique=True, editable=False)
    # The signal while it exists; the purge destroys it when its term ends (docs/retention.md) and the
    # event stays, with the creditor's own signaalId copied below: the feed never changes.
    signal = models.ForeignKey("signals.Signal", verbose_name="signaal", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="feedback_events")
    creditor_signal_id = models.CharField(
        "signaalId", max_length=64, blank=True,
        help_text="Het signaalId van de vastelastenpartner (zijn eigen kenmerk), bewaard na vernietiging van het "
                  "signaal.")
    creditor = models.ForeignKey("signals.Creditor", verbose_name="vastelastenpartner", on_delete=models.PROTECT,
                                 related_name="feedback_events", db_index=False)
    municipality = models.ForeignKey("accounts.Municipality", verbose_name="gemeente", on_delete=models.PROTECT,
                                     related_name="feedback_events")
    code = models.CharField("code", max_length=40, choices=FeedbackCode.choices)
    issued_at = models.DateTimeField("uitgegeven op")
    date = models.DateField("datum")
    collection_pause_until = models.DateField("incassorust tot", null=True, blank=True)
    seq = models.BigIntegerField("volgnummer in de feed", null=True, blank=True, unique=True, editable=False)

    objects = MunicipalityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "terugkoppeling"
        verbose_name_plural = "terugkoppelingen"
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["creditor", "seq"], name="feedback_creditor_seq"),
            models.Index(fields=["seq"], name="feedback_unpublished", condition=models.Q(seq__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(code__in=FeedbackCode.values), name="feedback_code_whitelist"),
        ]

    def __str__(self) -> str:
        return f"{self.code} voor signaal {self.creditor_signal_id}"

    def save(self, *args, **kwargs):
        # The services pass the signaalId; an event made another way copies it from its signal.
        if not self.creditor_signal_id and self.signal_id is not None:
            self.creditor_signal_id = self.signal.signal_id
        super().save(*args, **kwargs)


class FeedCounter(models.Model):
    """A single row: the highest ``seq`` handed out. Its row lock serialises publishing."""

    last_seq = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "feedteller"
        verbose_name_plural = "feedteller"

    def __str__(self) -> str:
        return f"Feed tot en met {self.last_seq}"


class WebhookEndpoint(models.Model):
    """A creditor's optional push receiver: every feed item of that creditor is POSTed to ``url``,
    signed with ``secret`` (HMAC-SHA256, docs/webhooks.md). The feed stays the source of truth.

    ``failures`` and ``retry_at`` are the endpoint's backoff: deliveries go out in feed order, so
    after a failure the whole endpoint waits (``retry_at``) before the oldest pending item is tried
    again. ``lease_until`` marks a delivery run in progress (one run per endpoint at a time)."""

    creditor = models.ForeignKey("signals.Creditor", verbose_name="vastelastenpartner", on_delete=models.CASCADE,
                                 related_name="webhook_endpoints")
    url = models.URLField("URL", max_length=500, help_text="https://… (http alleen in een test- of "
                                                           "ontwikkelomgeving).")
    description = models.CharField("omschrijving", max_length=200, blank=True)
    # Stored as is: signing needs the secret itself (a hash would not do). Shown once, at creation
    # or rotation; the admin shows only its first characters.
    secret = models.CharField("geheim", max_length=100, editable=False)
    active = models.BooleanField("actief", default=True)
    created_at = models.DateTimeField("aangemaakt", auto_now_add=True)
    failures = models.PositiveIntegerField("mislukte pogingen op rij", default=0, editable=False)
    retry_at = models.DateTimeField("volgende poging na storing", null=True, blank=True, editable=False)
    lease_until = models.DateTimeField("bezig tot", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "webhook"
        verbose_name_plural = "webhooks"
        ordering = ["creditor__name", "pk"]

    def __str__(self) -> str:
        return f"{self.creditor}: {self.url}"

    @property
    def secret_hint(self) -> str:
        return f"{self.secret[:10]}…" if self.secret else ""


class DeliveryStatus(models.TextChoices):
    PENDING = "wachtend", "Wachtend"
    DELIVERED = "bezorgd", "Bezorgd"
    FAILED = "mislukt", "Mislukt (opgegeven)"


class WebhookDelivery(models.Model):
    """One feed item to one endpoint: created when the item is published, while the endpoint is active."""

    endpoint = models.ForeignKey(WebhookEndpoint, verbose_name="webhook", on_delete=models.CASCADE,
                                 related_name="deliveries")
    event = models.ForeignKey(FeedbackEvent, verbose_name="terugkoppeling", on_delete=models.CASCADE,
                              related_name="webhook_deliveries")
    seq = models.BigIntegerField("volgnummer in de feed")
    status = models.CharField("status", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    created_at = models.DateTimeField("aangemaakt")
    attempts = models.PositiveIntegerField("pogingen", default=0)
    next_attempt_at = models.DateTimeField("volgende poging")
    last_attempt_at = models.DateTimeField("laatste poging", null=True, blank=True)
    last_http_status = models.PositiveSmallIntegerField("laatste HTTP-status", null=True, blank=True)
    last_error = models.CharField("laatste fout", max_length=500, blank=True)
    delivered_at = models.DateTimeField("bezorgd op", null=True, blank=True)

    class Meta:
        verbose_name = "webhookbezorging"
        verbose_name_plural = "webhookbezorgingen"
        ordering = ["endpoint", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once"),
        ]
        indexes = [
            models.Index(fields=["endpoint", "seq"], name="webhook_pending",
                         condition=models.Q(status="wachtend")),
        ]

    def __str__(self) -> str:
        return f"{self.event.public_id} → {self.endpoint}"
