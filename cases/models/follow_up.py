"""The follow-up after accepted help (vervolgcontact): part of closing a case, recorded later."""
import datetime as dt

from django.conf import settings
from django.db import models

from vroegsignalering.common.tenancy import CaseScopedQuerySet
from vroegsignalering.common.vocab import RECORDABLE_CONTACT_CHOICES, Arranged, Dagdeel, Reached

# A follow-up shows in the worker's list, and may be recorded, from this long before it is due.
FOLLOW_UP_EARLY = dt.timedelta(days=7)


class FollowUp(models.Model):
    """A follow-up item after accepted help: when the creditor's 30-day collection pause ends, the
    case's worker checks that the arrangement is in place ("is acceptance real acceptance?"). Done by
    recording it like a contact attempt (kind, moment, reached, note) with the answer.

    Created by ``cases.services.case_close`` in the closing transaction; recorded by
    ``contacts.services.follow_up_record``. The table keeps its original name (the model moved from
    contacts to cases without a database change)."""

    case = models.ForeignKey("cases.Case", verbose_name="melding", on_delete=models.CASCADE,
                             related_name="follow_ups")
    due_on = models.DateField("te doen vanaf", help_text="De dag waarop de incassorust van 30 dagen afloopt.")
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="medewerker", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="follow_ups")
    created_at = models.DateTimeField("aangemaakt op")
    done_at = models.DateTimeField("uitgevoerd op", null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="uitgevoerd door", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("soort contact", max_length=24, choices=RECORDABLE_CONTACT_CHOICES, blank=True)
    at = models.DateTimeField("tijdstip contact", null=True, blank=True)
    dagdeel = models.CharField("dagdeel", max_length=8, choices=Dagdeel.choices, blank=True)
    reached = models.CharField("bereikt", max_length=8, choices=Reached.choices, blank=True)
    arranged = models.CharField("afspraak loopt", max_length=8, choices=Arranged.choices, blank=True)
    note = models.TextField("notitie", blank=True)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        db_table = "contacts_followup"
        verbose_name = "vervolgcontact"
        verbose_name_plural = "vervolgcontacten"
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "due_on"], name="one_follow_up_per_case_day")]
        indexes = [models.Index(fields=["done_at", "due_on"], name="follow_up_open_due")]

    def __str__(self) -> str:
        return f"Vervolgcontact melding {self.case_id} vanaf {self.due_on:%d-%m-%Y}"
