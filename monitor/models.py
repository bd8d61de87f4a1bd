"""The statistics store: per municipality and month, the anonymised facts the Divosa monitor and the
DDAS v1.2 export need, written when things happen (``monitor.recording``) and never recomputed from
personal data, so they outlive the purge of the signals, cases and attempts they describe.

No name, BSN, address, phone, e-mail, contract number or free text is stored here. A ``*_ref`` is the
primary key the row had in its own table: after the purge it points at nothing. The ``export_id`` is
the DDAS ``ID`` of the signal or zaak: a random UUID, stable across exports, that reveals nothing.
"""
import uuid

from django.db import models

from vroegsignalering.common.vocab import ContactKind, CreditorKind, Dagdeel, Outcome, Reached


class AmountClass(models.TextChoices):
    """The monitor's amount classes (DOMAIN.md, Monitoring)."""

    TOT_100 = "<100", "Minder dan € 100"
    TOT_250 = "100-250", "€ 100 tot € 250"
    TOT_500 = "250-500", "€ 250 tot € 500"
    TOT_1000 = "500-1000", "€ 500 tot € 1.000"
    VANAF_1000 = ">=1000", "€ 1.000 of meer"


class ArrearAgeClass(models.TextChoices):
    """How old the arrear was when signalled (signal date minus the oldest unpaid due date)."""

    TOT_30 = "<30", "Korter dan 30 dagen"
    TOT_60 = "30-60", "30 tot 60 dagen"
    TOT_100 = "60-100", "60 tot 100 dagen"
    TOT_180 = "100-180", "100 tot 180 dagen"
    VANAF_180 = ">=180", "180 dagen of langer"


class AgeClass(models.TextChoices):
    """The resident's age class on the signal date (from the BRP, else the delivered birth date)."""

    ONBEKEND = "onbekend", "Onbekend"
    JONGER_DAN_18 = "<18", "Jonger dan 18"
    VAN_18_TOT_25 = "18-25", "18 tot en met 25"
    VAN_26_TOT_45 = "26-45", "26 tot en met 45"
    VANAF_46 = ">=46", "46 of ouder"


class NotPickedUpReason(models.TextChoices):
    """Why a signal was not picked up (no case): the monitor's reasons, a little finer."""

    DREMPELBEDRAG = "drempelbedrag", "Onterecht: bedrag onder het drempelbedrag"
    TERMIJN = "termijn", "Onterecht: ouderdom achterstand buiten de termijn"
    RECHTSPERSOON = "rechtspersoon", "Onterecht: rechtspersoon"
    ONTERECHT = "onterecht", "Onterecht: andere reden"
    HERHAALD = "herhaald", "Herhaalde melding"
    NIET_IN_BRP = "niet_in_brp", "Niet bekend in de BRP van de gemeente"
    VERHUISD = "verhuisd", "Verhuisd: doorgestuurd naar andere gemeente"
    BEKEND_SHV = "bekend_shv", "Bekend bij schuldhulpverlening"
    OVERLEDEN = "overleden", "Overleden"
    ANDERE_REDEN = "andere_reden", "Andere reden"


class SignalFact(models.Model):
    """One signal received, anonymised. Counted in the month it was received."""

    signal_ref = models.BigIntegerField("signaal (intern nummer)", unique=True)
    export_id = models.UUIDField("DDAS-ID", default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("maand", help_text="De eerste dag van de maand van ontvangst.")
    received_on = models.DateField("ontvangen op")
    creditor = models.ForeignKey("signals.Creditor", on_delete=models.PROTECT, related_name="+")
    creditor_kind = models.CharField("soort vaste last", max_length=24, choices=CreditorKind.choices)
    signal_kind = models.CharField("soort signaal", max_length=16)
    is_crisis = models.BooleanField("crisissignaal", default=False)
    warm_handover = models.BooleanField("warme overdracht", null=True)
    # Exact while the signal's personal data exist (the DDAS export needs them); at the purge
    # ``monitor.services.facts_coarsen`` blanks the amount and moves the dates to the first of their month, so
    # that the creditor, who knows its customer's amount and dates, cannot find that customer's outcome here.
    amount_euros = models.PositiveIntegerField("bedrag (hele euro's)", null=True)
    amount_class = models.CharField("bedragklasse", max_length=8, choices=AmountClass.choices)
    arrear_age_class = models.CharField("ouderdom achterstand", max_length=8, choices=ArrearAgeClass.choices)
    signal_date = models.DateField("signaaldatum")
    arrear_start = models.DateField("ontstaansdatum", help_text="Vervaldatum van de oudste onbetaalde factuur.")
    age_class = models.CharField("leeftijdsklasse", max_length=8, choices=AgeClass.choices,
                                 default=AgeClass.ONBEKEND)
    status = models.CharField("status", max_length=16)
    outcome = models.CharField("eindresultaat", max_length=64, choices=Outcome.choices, blank=True)
    not_picked_up = models.CharField("reden niet opgepakt", max_length=16, choices=NotPickedUpReason.choices,
                                     blank=True)
    ended_on = models.DateField("afgehandeld op", null=True)
    is_forwarded_copy = models.BooleanField("doorgestuurd vanuit andere gemeente", default=False)
    case_ref = models.BigIntegerField("melding (intern nummer)", null=True, db_index=True)
    updated_at = models.DateTimeField("bijgewerkt", auto_now=True)

    class Meta:
        verbose_name = "signaalfeit"
        verbose_name_plural = "signaalfeiten"
        indexes = [models.Index(fields=["municipality", "month"], name="signalfact_muni_month")]

    def __str__(self) -> str:
        return f"Signaalfeit {self.signal_ref} ({self.month:%Y-%m})"


class CaseFact(models.Model):
    """One case (melding), anonymised. Counted in the month it was formed."""

    case_ref = models.BigIntegerField("melding (intern nummer)", unique=True)
    export_id = models.UUIDField("DDAS-ID", default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("maand", help_text="De eerste dag van de maand waarin de melding ontstond.")
    opened_on = models.DateField("geopend op")
    period_start = models.DateField("periode vanaf")
    period_end = models.DateField("periode tot en met")
    match_type = models.CharField("soort melding", max_length=16)
    recidive = models.BooleanField("opeenvolgend", default=False)
    is_crisis = models.BooleanField("crisismelding", default=False)
    amount_class = models.CharField("bedragklasse", max_length=8, choices=AmountClass.choices)
    signal_count = models.PositiveSmallIntegerField("aantal signalen", default=1)
    closed_at_routing = models.BooleanField("gesloten bij routering", default=False)
    status = models.CharField("status", max_length=16)
    outcome = models.CharField("eindresultaat", max_length=64, choices=Outcome.choices, blank=True)
    monitor_category = models.CharField("monitorcategorie", max_length=24, blank=True)
    first_reaction = models.CharField("eerste reactie", max_length=8, blank=True)
    closed_on = models.DateField("gesloten op", null=True)
    reopened = models.BooleanField("heropend", default=False)
    attempts = models.PositiveSmallIntegerField("aantal contactpogingen", default=0)
    reached = models.BooleanField("inwoner bereikt", default=False)
    updated_at = models.DateTimeField("bijgewerkt", auto_now=True)

    class Meta:
        verbose_name = "meldingfeit"
        verbose_name_plural = "meldingfeiten"
        indexes = [models.Index(fields=["municipality", "month"], name="casefact_muni_month")]

    def __str__(self) -> str:
        return f"Meldingfeit {self.case_ref} ({self.month:%Y-%m})"


class AttemptFact(models.Model):
    """One contact attempt, anonymised. Counted in the month it was made."""

    attempt_ref = models.BigIntegerField("contactpoging (intern nummer)", unique=True)
    case_ref = models.BigIntegerField("melding (intern nummer)", db_index=True)
    municipality = models.ForeignKey("accounts.Municipality", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("maand")
    on = models.DateField("datum")
    kind = models.CharField("soort contact", max_length=24, choices=ContactKind.choices)
    dagdeel = models.CharField("dagdeel", max_length=8, choices=Dagdeel.choices)
    reached = models.CharField("bereikt", max_length=8, choices=Reached.choices)
    replied = models.BooleanField("reactie ontvangen", default=False)
    # Made by a worker, sent by the system (an outreach plan) or reported by an external call centre:
    # which channel worked, automatic or by hand (issue 13).
    origin = models.CharField("herkomst", max_length=12, default="medewerker")
    updated_at = models.DateTimeField("bijgewerkt", auto_now=True)

    class Meta:
        verbose_name = "contactpogingfeit"
        verbose_name_plural = "contactpogingfeiten"
        indexes = [models.Index(fields=["municipality", "month"], name="attemptfact_muni_month")]

    def __str__(self) -> str:
        return f"Contactpogingfeit {self.attempt_ref} ({self.month:%Y-%m})"
