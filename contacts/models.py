"""Contact attempts (contactpogingen) on a case, with DDAS contact kind, reached and dagdeel, and the
home visits a team lead plans. (The follow-up after accepted help is ``cases.models.FollowUp``.)"""
from django.conf import settings
from django.db import models

from vroegsignalering.common.tenancy import CaseScopedQuerySet
from vroegsignalering.common.vocab import (  # noqa: F401 (re-exported: the contact vocabulary)
    REPLY_KINDS,
    Arranged,
    ContactKind,
    Dagdeel,
    Reached,
    dagdeel_for,
)


class Origin(models.TextChoices):
    """Who made an attempt: a worker typed it in, the system sent it (an outreach plan's SMS, e-mail or
    letter), or an external call centre reported it (the call list's results)."""

    MEDEWERKER = "medewerker", "Medewerker"
    SYSTEEM = "systeem", "Systeem (benaderingsplan)"
    EXTERN_KCC = "extern_kcc", "Extern klantcontactcentrum"


class Delivery(models.TextChoices):
    """What the gateway reported about a sent SMS or e-mail (delivery callbacks)."""

    ONBEKEND = "", "Geen bericht"
    VERZONDEN = "verzonden", "Verzonden"
    AFGELEVERD = "afgeleverd", "Afgeleverd"
    MISLUKT = "mislukt", "Niet afgeleverd"
    TIJDELIJK_MISLUKT = "tijdelijk_mislukt", "Tijdelijk niet afgeleverd"


class ContactAttempt(models.Model):
    """One attempt to reach the household of a case. A reply to a letter (or card, mail, text) is
    registered on that attempt (``reply_received_at``), not as a new attempt."""

    case = models.ForeignKey("cases.Case", verbose_name="melding", on_delete=models.CASCADE,
                             related_name="contact_attempts")
    kind = models.CharField("soort contact", max_length=24, choices=ContactKind.choices)
    at = models.DateTimeField("tijdstip")
    dagdeel = models.CharField("dagdeel", max_length=8, choices=Dagdeel.choices)
    reached = models.CharField("bereikt", max_length=8, choices=Reached.choices, default=Reached.ONBEKEND)
    note = models.TextField("notitie", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="door", null=True, blank=True,
                           on_delete=models.PROTECT, related_name="contact_attempts")
    registered_at = models.DateTimeField("geregistreerd op")
    reply_received_at = models.DateTimeField("reactie ontvangen op", null=True, blank=True)
    reply_note = models.TextField("notitie bij reactie", blank=True)
    reply_registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="reactie geregistreerd door",
                                            null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    origin = models.CharField("herkomst", max_length=12, choices=Origin.choices, default=Origin.MEDEWERKER)
    # The per-case reference the message carried ("VS-7K3M2QX-2": the case's contact_reference and the plan
    # step), so a reply quoting it is credited to this attempt.
    reference = models.CharField("kenmerk in bericht", max_length=24, blank=True, db_index=True)
    delivery = models.CharField("bezorging", max_length=20, choices=Delivery.choices, blank=True,
                                default=Delivery.ONBEKEND)
    delivery_at = models.DateTimeField("bezorgstatus op", null=True, blank=True)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "contactpoging"
        verbose_name_plural = "contactpogingen"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "reached"], name="contact_case_reached")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} op {self.at:%d-%m-%Y %H:%M}"


class PlannedVisit(models.Model):
    """A home visit planned by a team lead: which worker, which date and part of the day. When the
    visit is made, the worker registers it as a contact attempt (``attempt``)."""

    case = models.ForeignKey("cases.Case", verbose_name="melding", on_delete=models.CASCADE,
                             related_name="planned_visits")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="medewerker", on_delete=models.PROTECT,
                               related_name="planned_visits")
    date = models.DateField("datum")
    dagdeel = models.CharField("dagdeel", max_length=8, choices=Dagdeel.choices)
    note = models.CharField("notitie voor het bezoek", max_length=300, blank=True)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="gepland door", on_delete=models.PROTECT,
                                   related_name="+")
    planned_at = models.DateTimeField("gepland op")
    cancelled_at = models.DateTimeField("geannuleerd op", null=True, blank=True)
    attempt = models.OneToOneField(ContactAttempt, verbose_name="contactpoging", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="planned_visit")

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "gepland huisbezoek"
        verbose_name_plural = "geplande huisbezoeken"
        ordering = ["date", "dagdeel", "id"]
        indexes = [models.Index(fields=["worker", "date"], name="visit_worker_date")]

    def __str__(self) -> str:
        return f"Huisbezoek melding {self.case_id} op {self.date:%d-%m-%Y} ({self.get_dagdeel_display().lower()})"


class TaskKind(models.TextChoices):
    BELLEN = "bellen", "Inwoner bellen"
    HUISBEZOEK = "huisbezoek", "Huisbezoek plannen"
    TERUGBELLEN = "terugbellen", "Inwoner belde: terugbellen"


class TaskSource(models.TextChoices):
    PLAN = "plan", "Benaderingsplan"
    KCC = "kcc", "Klantcontactcentrum"


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    GEDAAN = "gedaan", "Gedaan"
    VERVALLEN = "vervallen", "Vervallen"


class CaseTask(models.Model):
    """Work for a person on a case: a plan's phone step or home visit to plan, or a call back the call
    centre (KCC) took. Done by the attempt that answers it (a phone attempt, a planned visit); lapses
    when the case closes."""

    case = models.ForeignKey("cases.Case", verbose_name="melding", on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField("soort taak", max_length=12, choices=TaskKind.choices)
    source = models.CharField("bron", max_length=8, choices=TaskSource.choices)
    status = models.CharField("status", max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="voor", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="case_tasks")
    due_date = models.DateField("uiterlijk op")
    # The external call centre's list (a plan step marked external), instead of the worker's queue.
    external = models.BooleanField("extern klantcontactcentrum", default=False)
    callback_phone = models.CharField("terugbelnummer", max_length=20, blank=True)
    dagdeel = models.CharField("voorkeur dagdeel", max_length=8, choices=Dagdeel.choices, blank=True)
    note = models.CharField("notitie", max_length=500, blank=True)
    created_at = models.DateTimeField("aangemaakt op")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="aangemaakt door", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField("afgehandeld op", null=True, blank=True)
    attempt = models.ForeignKey(ContactAttempt, verbose_name="contactpoging", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="tasks")

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "taak"
        verbose_name_plural = "taken"
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["case", "status"], name="task_case_status"),
                   models.Index(fields=["status", "due_date"], name="task_status_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (melding {self.case_id}, uiterlijk {self.due_date:%d-%m-%Y})"
