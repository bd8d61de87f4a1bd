"""The debt-assistance (schuldhulpverlening, SHV) register the SHV check consults.

One row per product a resident receives (or received) from the municipality's debt-assistance
service, as exported from the SHV system (usually monthly, ``manage.py import_shv``). It holds
only what the check needs: BSN, product, start date and the date of the end decision
(eindbeschikking). Names, addresses or case notes are never imported (data minimisation).

Each municipality has its own register; the check only ever reads the register of the
municipality that received the signal (Leidraad §3.2.6: other municipal files may not be consulted).
"""
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

from vroegsignalering.common.tenancy import MunicipalityScopedQuerySet

BSN_VALIDATOR = RegexValidator(r"^\d{9}$", "Een BSN bestaat uit 9 cijfers.")

# Products of the basisdienstverlening as SHV systems commonly name them, for reference and
# display; the register accepts other names too (each SHV system has its own list), because every
# product with an admission decision counts for the check.
KNOWN_PRODUCTS: tuple[str, ...] = (
    "stabilisatie",
    "budgetcoaching",
    "budgetbeheer",
    "schuldbemiddeling",
    "schuldregeling",
    "saneringskrediet",
    "herfinanciering",
    "moratorium",
    "wsnp",
    "begeleiding",
    "nazorg",
    "beschermingsbewind",
)

# Protective administration (beschermingsbewind) is a court measure, not a municipal product with
# an admission decision: the offer must still be made to the resident (Leidraad §3.3), so these
# rows never make a resident "bekend" (the check reports them, for the worker's information).
PROTECTIVE_ADMINISTRATION_PRODUCTS = frozenset({"beschermingsbewind", "bewindvoering", "beschermingsbewindvoering"})


def normalise_product(value: object) -> str:
    """A product name as stored: trimmed, inner whitespace collapsed, lower case."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("empty product")
    return " ".join(value.split()).lower()


class ShvRegistration(models.Model):
    """One debt-assistance product of one resident, as the SHV system reported it."""

    municipality = models.ForeignKey(
        "accounts.Municipality",
        verbose_name="gemeente",
        on_delete=models.PROTECT,
        related_name="shv_registrations",
        db_index=False,  # covered by the unique constraint (municipality, bsn, …)
    )
    bsn = models.CharField("BSN", max_length=9, validators=[BSN_VALIDATOR])
    # Free text as the SHV system names it (normalised to lower case): schuldregeling,
    # budgetbeheer, budgetcoaching, nazorg, stabilisatie, … (see shv.services.KNOWN_PRODUCTS).
    product = models.CharField("product", max_length=100)
    start_date = models.DateField("startdatum")
    end_decision_date = models.DateField(
        "datum eindbeschikking",
        null=True,
        blank=True,
        help_text="Leeg: het product loopt nog.",
    )
    imported_at = models.DateTimeField("geïmporteerd op")
    source = models.CharField("bron", max_length=255, help_text="Bijvoorbeeld de naam van het geïmporteerde bestand.")

    objects = MunicipalityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "registratie schuldhulpverlening"
        verbose_name_plural = "registraties schuldhulpverlening"
        ordering = ["municipality", "bsn", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "bsn", "product", "start_date"], name="shv_registration_unique"
            ),
            models.CheckConstraint(
                condition=Q(end_decision_date__isnull=True) | Q(end_decision_date__gte=F("start_date")),
                name="shv_registration_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} sinds {self.start_date:%d-%m-%Y}"
