"""The texts outreach sends: per municipality, channel and target group, versioned (an edit saves a new
version; a letter keeps the version it was made from). ``outreach.texts`` renders and validates them."""
from django.conf import settings
from django.db import models
from django.db.models import Q

from vroegsignalering.common.tenancy import MunicipalityScopedQuerySet


class Channel(models.TextChoices):
    BRIEF = "brief", "Brief"
    SMS = "sms", "SMS"
    EMAIL = "email", "E-mail"


class TargetGroup(models.TextChoices):
    JONGEREN = "jongeren", "Jongeren (je-vorm)"
    ALGEMEEN = "algemeen", "Algemeen (u-vorm)"
    AOW = "aow", "AOW-gerechtigden (met Informatiepunt Digitale Overheid)"


class MessageTemplate(models.Model):
    municipality = models.ForeignKey("accounts.Municipality", verbose_name="gemeente", on_delete=models.CASCADE,
                                     related_name="message_templates")
    channel = models.CharField("kanaal", max_length=8, choices=Channel.choices)
    target_group = models.CharField("doelgroep", max_length=10, choices=TargetGroup.choices)
    version = models.PositiveIntegerField("versie", default=1)
    subject = models.CharField("onderwerp", max_length=200, blank=True)
    body = models.TextField("tekst")
    is_active = models.BooleanField("in gebruik", default=True)
    edited_at = models.DateTimeField("gewijzigd op")
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="gewijzigd door", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    objects = MunicipalityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "tekst"
        verbose_name_plural = "teksten"
        ordering = ["municipality", "channel", "target_group", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "channel", "target_group", "version"],
                                    name="message_template_version"),
            models.UniqueConstraint(fields=["municipality", "channel", "target_group"], condition=Q(is_active=True),
                                    name="message_template_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.get_target_group_display().lower()} (versie {self.version})"
