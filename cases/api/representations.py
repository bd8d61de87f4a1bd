"""The municipal API's response shapes (pydantic, documented in the OpenAPI document) and their builders;
the request bodies are in ``requests``.

Field names are Dutch and camelCase (API Design Rules); values from the shared vocabularies. Personal data is
shown as far as a municipal worker needs it to reach the household: names, contact data, amounts, the BRP
household (names, ages; no BSNs).
"""
from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils import timezone
from pydantic import BaseModel, Field

from cases import deadlines
from cases.models import Case, CaseStatus, FirstReaction, MatchType, Priority, Urgency
from vroegsignalering.common.vocab import ContactKind, CreditorKind, Dagdeel, Outcome, Reached, SignalKind

StatusValue = Literal[tuple(CaseStatus.values)]  # type: ignore[valid-type]
OutcomeValue = Literal[tuple(Outcome.values)]  # type: ignore[valid-type]
ContactKindValue = Literal[tuple(ContactKind.values)]  # type: ignore[valid-type]
ReachedValue = Literal[tuple(Reached.values)]  # type: ignore[valid-type]
FirstReactionValue = Literal[tuple(FirstReaction.values)]  # type: ignore[valid-type]

PRIORITY = {Priority.HOOG: "hoog", Priority.NORMAAL: "normaal", Priority.LAAG: "laag"}
URGENCY = {Urgency.NORMAAL: "normaal", Urgency.HOOG: "hoog", Urgency.ACUUT: "acuut"}


# --- responses ----------------------------------------------------------------------------------------


class BakjeVerwijzing(BaseModel):
    code: str
    naam: str


class Medewerker(BaseModel):
    gebruikersnaam: str
    naam: str = Field(description="Volledige naam; de gebruikersnaam als die ontbreekt.")


class MeldingSamenvatting(BaseModel):
    meldingId: int
    gemeentecode: str
    gemeente: str
    status: StatusValue
    bakje: BakjeVerwijzing | None
    prioriteit: Literal["hoog", "normaal", "laag"]
    urgentie: Literal["normaal", "hoog", "acuut"] = Field(
        description="`hoog`: eindeleveringssignaal; `acuut`: afsluiting of ontruiming.")
    crisis: bool
    soortMelding: Literal[tuple(MatchType.values)]  # type: ignore[valid-type]
    opeenvolgend: bool
    totaalbedrag: str = Field(description="Som van de achterstanden in euro's, bv. \"312.50\".")
    soortenVasteLast: list[Literal[tuple(CreditorKind.values)]]  # type: ignore[valid-type]
    adres: str
    periodeVanaf: dt.date
    periodeTotEnMet: dt.date
    geopendOp: dt.datetime
    sluitAutomatischOp: dt.datetime = Field(description="Einde van de termijn van 28 dagen (00:00 van dag 29).")
    laatsteDag: dt.date = Field(description="De laatste dag van de termijn van 28 dagen.")
    crisisEersteActieVoor: dt.datetime | None = Field(
        description="Bij een crisismelding: de eerste actie uiterlijk vóór dit moment (3 werkdagen).")
    toegewezenAan: Medewerker | None
    eindresultaat: OutcomeValue | None
    geslotenOp: dt.datetime | None
    aantalSignalen: int
    aantalContactpogingen: int


class MeldingenPagina(BaseModel):
    meldingen: list[MeldingSamenvatting]
    pagina: int
    limiet: int
    totaal: int = Field(description="Het aantal meldingen dat aan de filters voldoet.")
    aantalPaginas: int
    volgende: str | None = Field(description="Pad en query van de volgende pagina; null op de laatste pagina.")
    vorige: str | None = Field(description="Pad en query van de vorige pagina; null op de eerste pagina.")


class MeldingKlant(BaseModel):  # not `Klant`: that is the creditor API's request shape (one name, one schema)
    geslachtsnaam: str | None = None
    voorvoegsel: str | None = None
    voornamen: str | None = None
    voorletters: str | None = None
    bedrijfsnaam: str | None = None
    geboortedatum: dt.date | None = None
    telefoonnummers: list[str] = Field(default_factory=list)
    emailadres: str | None = None


class MeldingSignaal(BaseModel):
    signaalId: str
    vastelastenpartner: str
    soortVasteLast: Literal[tuple(CreditorKind.values)]  # type: ignore[valid-type]
    soortSignaal: Literal[tuple(SignalKind.values)]  # type: ignore[valid-type]
    klant: MeldingKlant
    bedrag: str = Field(description="De achterstand in euro's, bv. \"312.50\".")
    vervaldatumOudsteFactuur: dt.date
    aantalTermijnen: int | None = None
    termijnbedrag: str | None = None
    contractnummer: str | None = None
    signaaldatum: dt.date
    datumEindeLevering: dt.date | None = None
    datumAfsluiting: dt.date | None = None
    datumOntruiming: dt.date | None = None
    ontvangenOp: dt.datetime


class Huisgenoot(BaseModel):
    naam: str | None = None
    geboortedatum: str | None = Field(None, description="Zoals in de BRP, JJJJ-MM-DD (kan onvolledig zijn).")
    leeftijd: int | None = None
    minderjarig: bool | None = None


class Huishouden(BaseModel):
    """The household at the address as the BRP check found it (the latest signal with a BRP answer)."""

    signaalId: str = Field(description="Het signaal bij welke BRP-bevraging dit huishouden hoort.")
    gecontroleerdOp: dt.date | None = None
    leeftijd: int | None = Field(None, description="Leeftijd van de klant van dat signaal.")
    aantalMinderjarigen: int | None = None
    leden: list[Huisgenoot]


class RegelVerwijzing(BaseModel):
    volgorde: int
    naam: str
    toelichting: str


class Routering(BaseModel):
    regel: RegelVerwijzing | None = Field(description="De regel van het afwegingskader die besliste.")
    uitleg: str = Field(description="Waarom de melding in dit bakje staat.")
    gerouteerdOp: dt.datetime | None


class Contactpoging(BaseModel):
    contactpogingId: int
    soortContact: ContactKindValue
    tijdstip: dt.datetime
    dagdeel: Literal[tuple(Dagdeel.values)]  # type: ignore[valid-type]
    bereikt: ReachedValue
    notitie: str
    geregistreerdDoor: str | None = Field(description="Gebruikersnaam.")
    geregistreerdOp: dt.datetime
    reactieOntvangenOp: dt.datetime | None
    reactieNotitie: str


class Afsluiting(BaseModel):
    eindresultaat: OutcomeValue
    geslotenOp: dt.datetime
    eersteReactie: FirstReactionValue | None
    welkeHulp: str
    redenGeenHulp: str
    toestemmingGeenHulpGewenstOp: dt.datetime | None = Field(
        description="Wanneer de toestemming van de inwoner om 'geen hulp gewenst' te melden is vastgelegd.")


class Melding(MeldingSamenvatting):
    termijnGrondslag: str = Field(description="Hoe de termijn van 28 dagen is berekend.")
    crisisTermijnGrondslag: str | None
    eersteContactpogingOp: dt.datetime | None
    signalen: list[MeldingSignaal]
    huishouden: Huishouden | None
    routering: Routering
    contactpogingen: list[Contactpoging]
    afsluiting: Afsluiting | None = Field(description="De gegevens van de (laatste) sluiting; null als de melding "
                                                      "niet gesloten is.")
    heropendOp: dt.datetime | None
    redenHeropenen: str | None


class Bakje(BaseModel):
    code: str
    naam: str
    omschrijving: str
    gemeentecode: str
    soortContact: ContactKindValue | None
    capaciteitPerPeriode: int | None
    actief: bool
    aantalActief: int = Field(description="Meldingen in dit bakje die open, in behandeling of heropend zijn.")
    aantalCrisis: int
    aantalNietToegewezen: int
    aantalAanMij: int = Field(description="Actieve meldingen die aan de vrager zijn toegewezen.")


class Bakjes(BaseModel):
    bakjes: list[Bakje]


# --- builders ---------------------------------------------------------------------------------------


def _moment(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value, deadlines.TZ).isoformat() if value else None


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"gebruikersnaam": user.username, "naam": user.get_full_name() or user.username}


def case_summary(case: Case, kinds: set[str]) -> dict:
    """A list item; ``case`` carries the counts ``signal_count`` and ``attempt_count`` (see the selector)."""
    return {
        "meldingId": case.pk,
        "gemeentecode": case.municipality.cbs_code,
        "gemeente": case.municipality.name,
        "status": case.status,
        "bakje": {"code": case.tray.code, "naam": case.tray.name} if case.tray_id else None,
        "prioriteit": PRIORITY.get(case.priority, "normaal"),
        "urgentie": URGENCY.get(case.urgency, "normaal"),
        "crisis": case.is_crisis,
        "soortMelding": case.match_type,
        "opeenvolgend": case.recidive,
        "totaalbedrag": f"{case.amount:.2f}",
        "soortenVasteLast": sorted(kinds),
        "adres": case.address,
        "periodeVanaf": _date(case.period_start),
        "periodeTotEnMet": _date(case.period_end),
        "geopendOp": _moment(case.opened_at),
        "sluitAutomatischOp": _moment(case.deadline_at),
        "laatsteDag": _date(deadlines.last_day(case.deadline_at)),
        "crisisEersteActieVoor": _moment(case.crisis_due_at),
        "toegewezenAan": _person(case.assigned_to),
        "eindresultaat": (case.outcome or None) if case.status == CaseStatus.GESLOTEN else None,
        "geslotenOp": _moment(case.closed_at) if case.status == CaseStatus.GESLOTEN else None,
        "aantalSignalen": getattr(case, "signal_count", 0),
        "aantalContactpogingen": getattr(case, "attempt_count", 0),
    }


def _drop_empty(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", [])}


def _signal(signal) -> dict:
    return _drop_empty({
        "signaalId": signal.signal_id,
        "vastelastenpartner": signal.creditor.name,
        "soortVasteLast": signal.creditor_kind,
        "soortSignaal": signal.signal_kind,
        "klant": {
            **_drop_empty({
                "geslachtsnaam": signal.surname,
                "voorvoegsel": signal.surname_prefix,
                "voornamen": signal.first_names,
                "voorletters": signal.initials,
                "bedrijfsnaam": signal.trade_name,
                "geboortedatum": _date(signal.birth_date),
                "emailadres": signal.email,
            }),
            "telefoonnummers": list(signal.phone_numbers or []),
        },
        "bedrag": f"{signal.amount:.2f}",
        "vervaldatumOudsteFactuur": _date(signal.oldest_due_date),
        "aantalTermijnen": signal.instalments_unpaid,
        "termijnbedrag": f"{signal.instalment_amount:.2f}" if signal.instalment_amount is not None else None,
        "contractnummer": signal.contract_number,
        "signaaldatum": _date(signal.signal_date),
        "datumEindeLevering": _date(signal.end_of_supply_date),
        "datumAfsluiting": _date(signal.disconnection_date),
        "datumOntruiming": _date(signal.eviction_date),
        "ontvangenOp": _moment(signal.received_at),
    })


def _int_or_none(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def household(signals: list) -> dict | None:
    """The household from the latest signal whose BRP evidence lists one (names and ages, never BSNs)."""
    for signal in reversed(signals):
        evidence = signal.brp_evidence if isinstance(signal.brp_evidence, dict) else {}
        members = evidence.get("huishouden")
        if not isinstance(members, list):
            continue
        checked = evidence.get("gecontroleerd_op")
        try:
            checked_on = dt.date.fromisoformat(checked) if isinstance(checked, str) else None
        except ValueError:
            checked_on = None
        minors = _int_or_none(evidence.get("minderjarigen_in_huishouden"))
        if minors is None:
            minors = sum(1 for m in members if isinstance(m, dict) and m.get("minderjarig") is True)
        return {
            "signaalId": signal.signal_id,
            "gecontroleerdOp": _date(checked_on),
            "leeftijd": _int_or_none(evidence.get("leeftijd")),
            "aantalMinderjarigen": minors,
            "leden": [
                {"naam": m.get("naam") or None, "geboortedatum": m.get("geboortedatum") or None,
                 "leeftijd": _int_or_none(m.get("leeftijd")),
                 "minderjarig": m.get("minderjarig") if isinstance(m.get("minderjarig"), bool) else None}
                for m in members if isinstance(m, dict)
            ],
        }
    return None


def attempt_representation(attempt) -> dict:
    """A contact attempt (``contacts.models.ContactAttempt``) as the contract's `Contactpoging`."""
    return {
        "contactpogingId": attempt.pk,
        "soortContact": attempt.kind,
        "tijdstip": _moment(attempt.at),
        "dagdeel": attempt.dagdeel,
        "bereikt": attempt.reached,
        "notitie": attempt.note,
        "geregistreerdDoor": attempt.by.username if attempt.by_id else None,
        "geregistreerdOp": _moment(attempt.registered_at),
        "reactieOntvangenOp": _moment(attempt.reply_received_at),
        "reactieNotitie": attempt.reply_note,
    }


def case_representation(case: Case, signals: list, attempts: list) -> dict:
    rule = case.routing_rule
    closing = None
    if case.status == CaseStatus.GESLOTEN and case.outcome:
        closing = {
            "eindresultaat": case.outcome,
            "geslotenOp": _moment(case.closed_at),
            "eersteReactie": case.first_reaction or None,
            "welkeHulp": case.help_description,
            "redenGeenHulp": case.decline_reason,
            "toestemmingGeenHulpGewenstOp": _moment(case.feedback_consent_at),
        }
    return {
        **case_summary(case, {s.creditor_kind for s in signals}),
        "aantalSignalen": len(signals),
        "aantalContactpogingen": len(attempts),
        "termijnGrondslag": case.deadline_basis,
        "crisisTermijnGrondslag": case.crisis_due_basis or None,
        "eersteContactpogingOp": _moment(case.first_contact_at),
        "signalen": [_signal(s) for s in signals],
        "huishouden": household(signals),
        "routering": {
            "regel": {"volgorde": rule.position, "naam": rule.name, "toelichting": rule.explanation} if rule else None,
            "uitleg": case.routing_explanation,
            "gerouteerdOp": _moment(case.routed_at),
        },
        "contactpogingen": [attempt_representation(a) for a in attempts],
        "afsluiting": closing,
        "heropendOp": _moment(case.reopened_at),
        "redenHeropenen": case.reopen_reason or None,
    }


def tray_representation(tray) -> dict:
    return {
        "code": tray.code,
        "naam": tray.name,
        "omschrijving": tray.description,
        "gemeentecode": tray.municipality.cbs_code,
        "soortContact": tray.contact_kind or None,
        "capaciteitPerPeriode": tray.monthly_capacity,
        "actief": tray.is_active,
        "aantalActief": tray.active_count,
        "aantalCrisis": tray.crisis_count,
        "aantalNietToegewezen": tray.unassigned_count,
        "aantalAanMij": tray.mine_count,
    }
