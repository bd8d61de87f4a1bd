"""Contact attempts (contactpogingen) on a case, with DDAS contact kind, reached and dagdeel."""
import datetime as dt

from django.conf import settings
from django.db import models

from cases.deadlines import TZ
from vroegsignalering.common.vocab import ContactKind

# Kinds of attempt a written reply can come back on (the reply is registered on the attempt).
REPLY_KINDS = frozenset({ContactKind.BRIEF, ContactKind.KAARTJE, ContactKind.MAIL, ContactKind.SMS})


class Reached(models.TextChoices):
    """DDAS ``bereikt``: the resident opened the door, picked up, or responded (even to refuse)."""

    JA = "ja", "Bereikt"
    NEE = "nee", "Niet bereikt"
    ONBEKEND = "onbekend", "Onbekend"


class Dagdeel(models.TextChoices):
    """DDAS dagdeel of an attempt, local time: Ochtend < 12:00, Middag 12–18, Avond ≥ 18:00."""

    OCHTEND = "Ochtend", "Ochtend"
    MIDDAG = "Middag", "Middag"
    AVOND = "Avond", "Avond"


def dagdeel_for(at: dt.datetime) -> Dagdeel:
    hour = at.astimezone(TZ).hour
    if hour < 12:
        return Dagdeel.OCHTEND
    if hour < 18:
        return Dagdeel.MIDDAG
    return Dagdeel.AVOND


class ContactAttempt(models.Model):
    """One attempt to reach the household of a case. A reply to a letter (or card, mail, text) is
    registered on that attempt (``reply_received_at``), not as a new attempt."""

    case = models.ForeignKey("cases.Case", verbose_name="melding", on_delete=models.CASCADE,
                             related_name="contact_attempts")
    kind = models.CharField("soort contact", max_length=16, choices=ContactKind.choices)
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

    class Meta:
        verbose_name = "contactpoging"
        verbose_name_plural = "contactpogingen"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "reached"], name="contact_case_reached")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} op {self.at:%d-%m-%Y %H:%M}"
