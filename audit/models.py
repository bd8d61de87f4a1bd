"""The audit trail: one row per read or write of personal data, never changed.

No BSN, name or free text of a person is stored: persons as keyed hashes (``audit.hashing``), objects by
their internal ids, the route without its query string. The user, municipality and creditor are kept as
ids without a database constraint (and a copy of the username): deleting a user or municipality must
neither change nor delete an event, and the table refuses both (PostgreSQL trigger, migration 0002).
"""
from django.conf import settings
from django.db import models

from vroegsignalering.common.models import AppendOnlyModel

from .vocab import Action, Principal


def _frozen_fk(to, verbose_name):
    return models.ForeignKey(to, verbose_name=verbose_name, null=True, blank=True, on_delete=models.DO_NOTHING,
                             db_constraint=False, related_name="+")


class AuditEvent(AppendOnlyModel):
    at = models.DateTimeField("tijdstip")
    # who
    principal = models.CharField("soort", max_length=16, choices=Principal.choices)
    user = _frozen_fk(settings.AUTH_USER_MODEL, "gebruiker")
    username = models.CharField("gebruikersnaam", max_length=150, blank=True)
    role = models.CharField("rol", max_length=32, blank=True)
    key_prefix = models.CharField("sleutel (prefix)", max_length=16, blank=True)
    creditor_id = models.PositiveBigIntegerField("vastelastenpartner (id)", null=True, blank=True)
    creditor_name = models.CharField("vastelastenpartner", max_length=200, blank=True)
    municipality = _frozen_fk("accounts.Municipality", "gemeente")
    # what
    action = models.CharField("handeling", max_length=16, choices=Action.choices)
    object_type = models.CharField("soort object", max_length=40, blank=True)
    object_id = models.CharField("object (id)", max_length=64, blank=True)
    object_ids = models.JSONField("objecten (ids)", default=list, blank=True)
    count = models.PositiveIntegerField("aantal", null=True, blank=True)
    persons = models.JSONField("personen (sleutelhashes van BSN's)", default=list, blank=True)
    search_hash = models.CharField("zoekterm (sleutelhash)", max_length=64, blank=True)
    # where and why
    route = models.CharField("route", max_length=100, blank=True)
    method = models.CharField("methode", max_length=8)
    path = models.CharField("pad", max_length=300)
    status = models.PositiveSmallIntegerField("status", null=True, blank=True)
    purpose = models.CharField("doel", max_length=40, blank=True)
    request_id = models.CharField("request-id", max_length=64, blank=True)

    class Meta:
        verbose_name = "auditgebeurtenis"
        verbose_name_plural = "audittrail"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["municipality", "at"], name="audit_muni_at"),
            models.Index(fields=["username", "at"], name="audit_user_at"),
            models.Index(fields=["object_type", "object_id", "at"], name="audit_object_at",
                         condition=~models.Q(object_id="")),
        ]
        # persons: a GIN index on PostgreSQL (migration 0002); the person filter uses jsonb @>.

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username or self.key_prefix} {self.action} {self.object_type}"

    @property
    def actor_label(self) -> str:
        if self.principal == Principal.CREDITOR_KEY:
            return f"{self.creditor_name} (API-sleutel {self.key_prefix})"
        if self.principal == Principal.TOKEN:
            return f"{self.username} (API-token {self.key_prefix})"
        return self.username
