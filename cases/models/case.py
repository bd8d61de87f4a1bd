"""The case (melding), its signals and its history.

``Case.status`` is a protected state field; only the transitions below change it, always through
``cases.transitions`` (called by ``cases.services``), which lock the row and append a
:class:`CaseHistory` row.
"""
from django.conf import settings
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from vroegsignalering.common.models import AppendOnlyModel
from vroegsignalering.common.tenancy import MunicipalityScopedQuerySet
from vroegsignalering.common.vocab import Outcome

from .config import MatchType, Priority, RoutingRule, Tray, Urgency
from .contact_data import new_contact_reference

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

    ``status`` is protected: change it only through ``cases.services``, which use the transitions
    below through ``cases.transitions`` (one case) or ``vroegsignalering.common.fsm.bulk_transition``
    (many). Concurrent transitions lose cleanly: a stale instance's save raises
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
    # The reference the resident sees in every letter, SMS and e-mail and quotes when answering (issue 13):
    # random, never the internal number (that one is enumerable and reveals the volume).
    contact_reference = models.CharField("kenmerk voor de inwoner", max_length=12, unique=True,
                                         default=new_contact_reference, editable=False)

    objects = MunicipalityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "melding"
        verbose_name_plural = "meldingen"
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["municipality", "address_key"], name="case_muni_address"),
            # The call centre's search by postcode and house number: address_key LIKE '1234AB|7|%' (kcc.selectors);
            # on PostgreSQL a prefix LIKE needs the pattern operator class (other databases ignore it).
            models.Index(fields=["municipality", "address_key"], name="case_muni_address_prefix",
                         opclasses=["int8_ops", "varchar_pattern_ops"]),
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
    CONTACT_DATA = "contactgegevens", "Contactgegevens gecorrigeerd (AVG art. 16)"
    OUTREACH = "benadering", "Benaderingsplan"
    TASK = "taak", "Taak"


class CaseHistory(AppendOnlyModel):
    """Append-only log of a case: who, when, from, to, what (``event`` + ``params``) and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField("tijdstip")
    event = models.CharField("gebeurtenis", max_length=16, choices=CaseEvent.choices, default=CaseEvent.STATUS)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="door (gebruiker)", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField("door", max_length=200)
    from_status = models.CharField("van", max_length=32, blank=True)
    to_status = models.CharField("naar", max_length=32, blank=True)
    reason = models.TextField("reden", blank=True)
    # History as data: what happened (``event``) with its parameters; ``cases.history`` words the
    # Dutch sentence when shown. ``reason`` holds only a person's own words on new rows; rows
    # written before history was data have no params and show their ``reason``.
    params = models.JSONField("gegevens", default=dict, blank=True)

    class Meta:
        verbose_name = "gebeurtenis melding"
        verbose_name_plural = "geschiedenis meldingen"
        ordering = ["at", "id"]
