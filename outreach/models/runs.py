"""What a plan does for one case: the run (``CaseOutreach``) and its step records, all made when the run
starts, so the case page shows exactly what will happen and a plan edit reaches only later runs."""
import uuid

from django.conf import settings
from django.db import models

from vroegsignalering.common.tenancy import CaseScopedQuerySet

from .plans import OutreachPlan, OutreachStep, StepKind


class StopReason(models.TextChoices):
    BEREIKT = "bereikt", "Inwoner bereikt"
    GESLOTEN = "gesloten", "Melding gesloten"
    TERMIJN = "termijn", "Termijn van 28 dagen voorbij"
    GEEN_BERICHTEN = "geen_berichten", "Inwoner wil geen berichten"
    HANDMATIG = "handmatig", "Handmatig gestopt"


class StepStatus(models.TextChoices):
    GEPLAND = "gepland", "Gepland"
    BEZIG = "bezig", "Wordt verstuurd"
    VERZONDEN = "verzonden", "Verzonden"
    BRIEF_KLAAR = "brief_klaar", "Brief klaar voor de printbatch"
    TAAK = "taak", "Taak aangemaakt"
    GEDAAN = "gedaan", "Gedaan"
    OVERGESLAGEN = "overgeslagen", "Overgeslagen"
    MISLUKT = "mislukt", "Niet verzonden"
    ONZEKER = "onzeker", "Onzeker of verzonden: controleer"


# The step needs nothing more from the sweeper.
FINAL_STATUSES = frozenset({StepStatus.VERZONDEN, StepStatus.GEDAAN, StepStatus.OVERGESLAGEN, StepStatus.MISLUKT,
                            StepStatus.ONZEKER})


class SkipReason(models.TextChoices):
    GESTOPT = "gestopt", "Benadering gestopt"
    NA_TERMIJN = "na_termijn", "Valt na de termijn van 28 dagen"
    GEEN_CONTACTGEGEVENS = "geen_contactgegevens", "Geen bruikbaar telefoonnummer of e-mailadres"
    GEEN_SJABLOON = "geen_sjabloon", "Geen tekst voor dit kanaal"
    GEEN_ADRES = "geen_adres", "Geen bruikbaar adres"


class CaseOutreach(models.Model):
    """The run of one plan for one case. A case gets at most one run; a reopened case does not resume it."""

    case = models.OneToOneField("cases.Case", verbose_name="melding", on_delete=models.CASCADE,
                                related_name="outreach")
    plan = models.ForeignKey(OutreachPlan, verbose_name="plan", on_delete=models.PROTECT, related_name="runs")
    plan_name = models.CharField("plan (naam toen)", max_length=100)
    started_at = models.DateTimeField("gestart op")
    stopped_at = models.DateTimeField("gestopt op", null=True, blank=True)
    stop_reason = models.CharField("reden gestopt", max_length=16, choices=StopReason.choices, blank=True)
    stopped_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="gestopt door", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "benadering"
        verbose_name_plural = "benaderingen"

    def __str__(self) -> str:
        return f"Benadering melding {self.case_id} ({self.plan_name})"


class CaseOutreachStep(models.Model):
    """One step of a run: when it is due, what became of it (sent, a letter waiting for its print batch, a
    task, skipped and why) and the attempt it registered. A message step is also the message: its
    ``message_id`` is the gateway ``reference``, so a retry asks the gateway before it sends again."""

    run = models.ForeignKey(CaseOutreach, verbose_name="benadering", on_delete=models.CASCADE, related_name="steps")
    case = models.ForeignKey("cases.Case", verbose_name="melding", on_delete=models.CASCADE,
                             related_name="outreach_steps")
    step = models.ForeignKey(OutreachStep, verbose_name="stap in het plan", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    # A snapshot of the plan's step (the plan may change later).
    position = models.PositiveSmallIntegerField("stap")
    kind = models.CharField("soort", max_length=12, choices=StepKind.choices)
    day_offset = models.PositiveSmallIntegerField("dag")
    external = models.BooleanField("via extern klantcontactcentrum", default=False)
    planned_at = models.DateTimeField("gepland op")
    due_at = models.DateTimeField("uit te voeren op")
    status = models.CharField("status", max_length=12, choices=StepStatus.choices, default=StepStatus.GEPLAND)
    skip_reason = models.CharField("reden overgeslagen", max_length=24, choices=SkipReason.choices, blank=True)
    claimed_at = models.DateTimeField("opgepakt op", null=True, blank=True)
    done_at = models.DateTimeField("uitgevoerd op", null=True, blank=True)
    # Messages: our id is the gateway's ``reference``; set ``gateway_called_at`` (committed) before the call.
    message_id = models.UUIDField("berichtkenmerk", default=uuid.uuid4, unique=True, editable=False)
    gateway_called_at = models.DateTimeField("gateway aangeroepen op", null=True, blank=True)
    recipient = models.CharField("ontvanger", max_length=254, blank=True)
    notification_id = models.CharField("kenmerk gateway", max_length=64, blank=True, db_index=True)
    gateway_status = models.CharField("status gateway", max_length=32, blank=True)
    error = models.CharField("fout", max_length=300, blank=True)
    attempt = models.OneToOneField("contacts.ContactAttempt", verbose_name="contactpoging", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="outreach_step")
    task = models.OneToOneField("contacts.CaseTask", verbose_name="taak", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="outreach_step")

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "benaderingsstap"
        verbose_name_plural = "benaderingsstappen"
        ordering = ["run", "position"]
        constraints = [models.UniqueConstraint(fields=["run", "position"], name="outreach_step_once")]
        indexes = [models.Index(fields=["status", "due_at"], name="outreach_step_due")]

    def __str__(self) -> str:
        return f"Stap {self.position} ({self.get_kind_display()}) melding {self.case_id}"

    @property
    def contact_reference(self) -> str:
        """The reference this step's message carries ('VS-7K3M2QX-2'), stored on its attempt."""
        return f"{self.case.contact_reference}-{self.position}"
