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
