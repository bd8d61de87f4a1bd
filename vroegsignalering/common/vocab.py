"""Shared vocabularies (one source of truth each). Values are the public API's Dutch terms."""
import datetime as dt

from django.db import models

from .dates import TZ


class CreditorKind(models.TextChoices):
    """Kind of fixed cost (soortVasteLast); the first six are the legal signal kinds."""

    HUUR = "huur", "Huur"
    HYPOTHEEK = "hypotheek", "Hypotheek"
    ZORGVERZEKERING = "zorgverzekering", "Zorgverzekering"
    DRINKWATER = "drinkwater", "Drinkwater"
    ELEKTRICITEIT = "elektriciteit", "Elektriciteit"
    GAS = "gas", "Gas"
    WARMTE = "warmte", "Warmte"
    DUO = "duo", "DUO"
    BELASTINGDIENST = "belastingdienst", "Belastingdienst"
    TOESLAGEN = "toeslagen", "Toeslagen"
    CAK_EIGEN_BIJDRAGE = "cak_eigen_bijdrage", "CAK eigen bijdrage"
    OVERIG = "overig", "Overig"


ENERGY_KINDS = frozenset({CreditorKind.ELEKTRICITEIT, CreditorKind.GAS, CreditorKind.WARMTE})


class SignalKind(models.TextChoices):
    """Kind of signal (soortSignaal); all but vroegsignaal are crisis signals."""

    VROEGSIGNAAL = "vroegsignaal", "Vroegsignaal"
    EINDELEVERING = "eindelevering", "Eindeleveringssignaal"
    AFSLUITING = "afsluiting", "Afsluitsignaal"
    ONTRUIMING = "ontruiming", "Ontruimingssignaal"


CRISIS_SIGNAL_KINDS = frozenset(
    {SignalKind.EINDELEVERING, SignalKind.AFSLUITING, SignalKind.ONTRUIMING}
)

# Arrear-age windows of the Landelijk Convenant, in days since the oldest unpaid invoice's due
# date: (minimum, maximum or None). Since December 2022 energy and water may also signal after
# 100 days. A municipality may agree other windows (Municipality.arrear_age_windows).
DEFAULT_ARREAR_AGE_WINDOWS: dict[str, list[int | None]] = {
    CreditorKind.HUUR: [30, None],
    CreditorKind.ZORGVERZEKERING: [30, 100],
    CreditorKind.DRINKWATER: [30, None],
    CreditorKind.ELEKTRICITEIT: [30, None],
    CreditorKind.GAS: [30, None],
    CreditorKind.WARMTE: [30, None],
}


class Outcome(models.TextChoices):
    """The national DDAS end results (EnumEindresultaat), the only end results a case or signal has."""

    HERHAALDE_MELDING = "Niet opgepakt: herhaalde melding", "Niet opgepakt: herhaalde melding"
    ONTERECHT_SIGNAAL = "Niet opgepakt: onterecht signaal", "Niet opgepakt: onterecht signaal"
    ANDERE_REDEN = "Niet opgepakt: andere reden", "Niet opgepakt: andere reden"
    OVERLEDEN = "Inwoner is overleden", "Inwoner is overleden"
    GEEN_INWONER = "Persoon is geen inwoner (meer) in de gemeente", "Persoon is geen inwoner (meer) in de gemeente"
    BEKEND_BIJ_SHV = "Inwoner al bekend bij schuldhulpverlening", "Inwoner al bekend bij schuldhulpverlening"
    QUICK_FIX = "(Budget)advies en/of quick fix", "(Budget)advies en/of quick fix"
    VERVOLGHULP_FINANCIEEL = "Vervolghulp en/of verwijzing financieel", "Vervolghulp en/of verwijzing financieel"
    VERVOLGHULP_NIET_FINANCIEEL = (
        "Vervolghulp en/of verwijzing niet financieel",
        "Vervolghulp en/of verwijzing niet financieel",
    )
    VERVOLGHULP = "Vervolghulp en/of verwijzing", "Vervolghulp en/of verwijzing"
    GEEN_HULP_GEWENST = (
        "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering",
        "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering",
    )
    ZELF_BETAALD = (
        "Inwoner heeft zelf al betaald/betalingsregeling getroffen",
        "Inwoner heeft zelf al betaald/betalingsregeling getroffen",
    )
    GEEN_REACTIE_NA_CONTACT = "Geen reactie na eerder contact", "Geen reactie na eerder contact"
    ANDER_TRAJECT = "Inwoner heeft al een ander lopend traject", "Inwoner heeft al een ander lopend traject"
    GEEN_CONTACT = "Definitief geen contact kunnen krijgen", "Definitief geen contact kunnen krijgen"
    VERWIJZING_ZONDER_CONTACT = "Verwijzing zonder tussenkomst inwoner", "Verwijzing zonder tussenkomst inwoner"


# DDAS v0.9 values renamed in v1.2 (the member names stayed). Stored rows were rewritten by migrations
# (signals 0010, cases 0008, monitor 0002); history rows are append-only and keep what was chosen then,
# so their readers map through ``outcome_from_stored``; the municipal API accepts the old strings as
# aliases for one release (see README, "DDAS v1.2").
LEGACY_OUTCOMES: dict[str, Outcome] = {
    "Inwoner hoeft geen hulp vanuit vroegsignalering": Outcome.GEEN_HULP_GEWENST,
    "Verwijzing zonder contact": Outcome.VERWIJZING_ZONDER_CONTACT,
}


def outcome_from_stored(value: str) -> Outcome:
    """An end result as stored anywhere, also a v0.9 value (history rows written before v1.2)."""
    return LEGACY_OUTCOMES.get(value) or Outcome(value)


class MonitorCategory(models.TextChoices):
    NIET_OPGEPAKT = "niet_opgepakt", "Niet opgepakt"
    BEKEND_BIJ_SHV = "bekend_bij_shv", "Bekend bij schuldhulpverlening"
    HULP_QUICK_FIX = "hulp_quick_fix", "Wil hulp: quick fix"
    HULP_FINANCIEEL = "hulp_financieel", "Wil hulp: verwijzing financiële hulp"
    HULP_NIET_FINANCIEEL = "hulp_niet_financieel", "Wil hulp: verwijzing niet-financiële hulp"
    HULP_VERWIJZING = "hulp_verwijzing", "Wil hulp: vervolghulp of verwijzing"
    BEREIKT_GEEN_HULP = "bereikt_geen_hulp", "Bereikt, wil geen hulp"
    NIET_BEREIKT = "niet_bereikt", "Niet bereikt"


# DESIGN.md's table, the single source of truth: end result → (monitor category, feedback code).
# Only the feedback code may ever leave the system. `geen_hulp_gewenst` replaces `afgesloten` for
# GEEN_HULP_GEWENST only with the resident's recorded consent (the feedback app decides that).
OUTCOMES: dict[Outcome, tuple[MonitorCategory | None, str]] = {
    Outcome.HERHAALDE_MELDING: (MonitorCategory.NIET_OPGEPAKT, "niet_opgepakt_herhaalde_melding"),
    Outcome.ONTERECHT_SIGNAAL: (MonitorCategory.NIET_OPGEPAKT, "niet_opgepakt_onterecht_signaal"),
    Outcome.ANDERE_REDEN: (MonitorCategory.NIET_OPGEPAKT, "niet_opgepakt"),
    Outcome.OVERLEDEN: (None, "overleden"),
    Outcome.GEEN_INWONER: (None, "geen_inwoner"),
    Outcome.BEKEND_BIJ_SHV: (MonitorCategory.BEKEND_BIJ_SHV, "bekend_bij_schuldhulpverlening"),
    Outcome.QUICK_FIX: (MonitorCategory.HULP_QUICK_FIX, "hulp_geaccepteerd"),
    Outcome.VERVOLGHULP: (MonitorCategory.HULP_VERWIJZING, "hulp_geaccepteerd"),
    Outcome.VERVOLGHULP_FINANCIEEL: (MonitorCategory.HULP_FINANCIEEL, "hulp_geaccepteerd"),
    Outcome.VERVOLGHULP_NIET_FINANCIEEL: (MonitorCategory.HULP_NIET_FINANCIEEL, "hulp_geaccepteerd"),
    Outcome.GEEN_HULP_GEWENST: (MonitorCategory.BEREIKT_GEEN_HULP, "afgesloten"),
    Outcome.ZELF_BETAALD: (MonitorCategory.BEREIKT_GEEN_HULP, "afgesloten"),
    Outcome.GEEN_REACTIE_NA_CONTACT: (MonitorCategory.BEREIKT_GEEN_HULP, "afgesloten"),
    Outcome.ANDER_TRAJECT: (MonitorCategory.BEREIKT_GEEN_HULP, "afgesloten"),
    Outcome.GEEN_CONTACT: (MonitorCategory.NIET_BEREIKT, "afgesloten"),
    Outcome.VERWIJZING_ZONDER_CONTACT: (MonitorCategory.NIET_BEREIKT, "afgesloten"),
}

NOT_PICKED_UP = frozenset({Outcome.HERHAALDE_MELDING, Outcome.ONTERECHT_SIGNAAL, Outcome.ANDERE_REDEN})
HELP_ACCEPTED = frozenset({Outcome.QUICK_FIX, Outcome.VERVOLGHULP, Outcome.VERVOLGHULP_FINANCIEEL,
                           Outcome.VERVOLGHULP_NIET_FINANCIEEL})


class ContactKind(models.TextChoices):
    """DDAS v1.2 EnumContactsoort. ``ONBEKEND`` is for attempts taken over from elsewhere without a kind: a
    person registering an attempt knows how it was made, so the screens and the API's new attempt do not
    offer it (``RECORDABLE_CONTACT_KINDS``)."""

    MAIL = "Mail", "Mail"
    BRIEF = "Brief", "Brief"
    SMS = "SMS/Whatsapp", "SMS/Whatsapp"
    TELEFOON = "Telefoon", "Telefoon"
    HUISBEZOEK = "Huisbezoek", "Huisbezoek"
    KAARTJE = "Kaartje", "Kaartje"
    OVERIGE = "Overige", "Overige"
    ADMINISTRATIEF = "Administratief", "Administratief"
    AFSPRAAK_OP_LOCATIE = "Afspraak op locatie", "Afspraak op locatie"
    ONBEKEND = "Onbekend", "Onbekend"


RECORDABLE_CONTACT_KINDS = tuple(kind for kind in ContactKind if kind != ContactKind.ONBEKEND)
RECORDABLE_CONTACT_CHOICES = [(kind.value, kind.label) for kind in RECORDABLE_CONTACT_KINDS]


class ShvStatus(models.TextChoices):
    """The SHV check's answer, as stored in ``Signal.shv_evidence["status"]`` and used by routing."""

    BEKEND = "bekend", "Bekend bij schuldhulpverlening"
    NAZORG = "nazorg", "Nazorg (eindbeschikking korter dan 6 maanden geleden)"
    ONBEKEND = "onbekend", "Onbekend bij schuldhulpverlening"


# --- contact attempts (DDAS bereikt, dagdeel) ----------------------------------------------------

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


class Arranged(models.TextChoices):
    """Follow-up answer: is the arrangement made when help was accepted actually in place?"""

    JA = "ja", "Ja, de afspraak loopt"
    NEE = "nee", "Nee, de afspraak loopt niet"
    ONBEKEND = "onbekend", "Onbekend (niet bereikt)"
