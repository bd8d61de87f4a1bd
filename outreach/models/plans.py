"""Outreach plans: a municipality's ordered cadence of steps per tray or target group, and its settings."""
import datetime as dt

from django.conf import settings
from django.db import models

from vroegsignalering.common.tenancy import MunicipalityScopedQuerySet


class StepKind(models.TextChoices):
    SMS = "sms", "SMS"
    EMAIL = "email", "E-mail"
    BRIEF = "brief", "Brief"
    BELLEN = "bellen", "Bellen (taak voor de medewerker)"
    HUISBEZOEK = "huisbezoek", "Huisbezoek (te plannen door de teamleider)"


# Sent through the gateway (quiet hours apply), and the steps that become a person's task.
MESSAGE_KINDS = frozenset({StepKind.SMS, StepKind.EMAIL})
TASK_KINDS = frozenset({StepKind.BELLEN, StepKind.HUISBEZOEK})


class ContactCondition(models.TextChoices):
    """Which usable contact data a case must have for the plan (the same values as routing's)."""

    ALLE = "", "Geen voorwaarde"
    TELEFOON = "telefoon", "Bruikbaar telefoonnummer"
    EMAIL = "email", "Bruikbaar e-mailadres"
    TELEFOON_OF_EMAIL = "telefoon_of_email", "Bruikbaar telefoonnummer of e-mailadres"


class OutreachPlan(models.Model):
    """A cadence such as "day 0: SMS; day 1: letter; day 4: phone task; day 8: home visit", for the cases of
    some trays that meet its conditions. Plans are tried by ``position``; the first that fits a case wins.
    A plan that has been used is never deleted, only set inactive (its runs refer to it)."""

    municipality = models.ForeignKey("accounts.Municipality", verbose_name="gemeente", on_delete=models.CASCADE,
                                     related_name="outreach_plans")
    position = models.PositiveSmallIntegerField("volgorde")
    name = models.CharField("naam", max_length=100)
    is_active = models.BooleanField("actief", default=True)
    trays = models.ManyToManyField("cases.Tray", verbose_name="bakjes", blank=True, related_name="outreach_plans",
                                   help_text="Leeg: alle bakjes.")
    contact_usable = models.CharField("contactgegevens", max_length=20, choices=ContactCondition.choices,
                                      blank=True, default=ContactCondition.ALLE)
    age_min = models.PositiveSmallIntegerField("leeftijd vanaf", null=True, blank=True)
    age_max = models.PositiveSmallIntegerField("leeftijd tot en met", null=True, blank=True)
    crisis = models.BooleanField("crisismelding", null=True, blank=True, help_text="Leeg: maakt niet uit.")
    recidive = models.BooleanField("opeenvolgend", null=True, blank=True, help_text="Leeg: maakt niet uit.")
    # Quiet hours for SMS and e-mail, in Dutch local time; never on Sundays and public holidays.
    send_from = models.TimeField("berichten vanaf", default=dt.time(8, 0))
    send_until = models.TimeField("berichten tot", default=dt.time(20, 0))
    send_on_saturday = models.BooleanField("ook op zaterdag", default=True)
    updated_at = models.DateTimeField("gewijzigd op", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="gewijzigd door", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = MunicipalityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "benaderingsplan"
        verbose_name_plural = "benaderingsplannen"
        ordering = ["municipality", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["municipality", "position"], name="outreach_plan_position")]

    def __str__(self) -> str:
        return self.name


class OutreachStep(models.Model):
    """One step of a plan: on day ``day_offset`` of the 28-day window (day 0 = the day the case was routed)."""

    plan = models.ForeignKey(OutreachPlan, verbose_name="plan", on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField("stap")
    day_offset = models.PositiveSmallIntegerField("dag")
    kind = models.CharField("soort", max_length=12, choices=StepKind.choices)
    # A phone step for the external call centre's list instead of the worker's queue.
    external = models.BooleanField("via extern klantcontactcentrum", default=False)

    class Meta:
        verbose_name = "stap"
        verbose_name_plural = "stappen"
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "position"], name="outreach_step_position")]

    def __str__(self) -> str:
        return f"Dag {self.day_offset}: {self.get_kind_display()}"


class OutreachSettings(models.Model):
    """A municipality's outreach settings: what the texts and the call centre tell the resident, and the
    intermediate result for written attempts without an answer (off unless set)."""

    municipality = models.OneToOneField("accounts.Municipality", verbose_name="gemeente", on_delete=models.CASCADE,
                                        related_name="outreach_settings")
    # Item 5 of issue 13: a letter, card, e-mail or text still "unknown" after this many days without a reply
    # becomes "niet bereikt", by the system. Empty: off.
    written_no_reply_days = models.PositiveSmallIntegerField(
        "schriftelijke poging zonder reactie na … dagen niet bereikt", null=True, blank=True)
    team_phone = models.CharField("telefoonnummer team", max_length=20, blank=True)
    team_email = models.EmailField("e-mailadres team", blank=True)
    contact_hours = models.CharField("bereikbaar", max_length=200, blank=True,
                                     help_text="Bijvoorbeeld: maandag tot en met vrijdag van 9.00 tot 17.00 uur.")
    informatiepunt = models.CharField("Informatiepunt Digitale Overheid", max_length=300, blank=True)
    return_address = models.CharField("retouradres", max_length=200, blank=True,
                                      help_text="Eén regel boven het adres in het venster, zonder 'schulden'.")
    youth_age_max = models.PositiveSmallIntegerField("jongeren tot en met leeftijd", default=27)
    aow_age = models.PositiveSmallIntegerField("AOW-leeftijd", default=67)
    # The handler's name may be given by the call centre (else only the team's contact details).
    kcc_names_handler = models.BooleanField("KCC noemt de behandelaar", default=False)

    class Meta:
        verbose_name = "benaderingsinstellingen"
        verbose_name_plural = "benaderingsinstellingen"

    def __str__(self) -> str:
        return f"Benaderingsinstellingen {self.municipality_id}"
