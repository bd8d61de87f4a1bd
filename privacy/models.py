"""The purge's own record: one row per run, with counts only (no ids, no personal data)."""
from django.db import models

# The key in ``PurgeRun.counts`` for what belongs to no one municipality (deliveries, CSV imports, the audit
# trail, the admin's log, sessions, login attempts).
INSTALLATION = "installatie"


class PurgeRun(models.Model):
    """One run of the daily purge (``privacy.purge.personal_data_purge``).

    ``counts``: ``{"<CBS code>" | "installatie": {"<table>": rows destroyed (or emptied)}}``; only tables with
    a row destroyed appear. The purge writes nothing else: no ids, no names, no dates of a person."""

    started_at = models.DateTimeField("gestart")
    finished_at = models.DateTimeField("klaar", null=True, blank=True)
    day = models.DateField("peildatum", help_text="De dag waarop de termijnen zijn getoetst.")
    counts = models.JSONField("aantallen per gemeente en tabel", default=dict, blank=True)
    never_ended = models.JSONField(
        "nooit afgeronde signalen per gemeente", default=dict, blank=True,
        help_text="Signalen die nooit eindigden en na de vangnettermijn zijn vernietigd (ook geteld in de tabellen).")
    # Empty when the run finished; else the kind of error that stopped it (the class name only: an error's
    # message may quote data). The counts are what it destroyed before it stopped; the next run does the rest.
    interrupted_by = models.CharField("afgebroken door", max_length=100, blank=True)

    class Meta:
        verbose_name = "opschoning"
        verbose_name_plural = "opschoningen"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Opschoning van {self.started_at:%d-%m-%Y %H:%M}"

    @property
    def total(self) -> int:
        return sum(sum(tables.values()) for tables in self.counts.values())
