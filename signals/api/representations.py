"""The contract's response shapes (documented in the OpenAPI document) and their builders."""
import datetime as dt
from typing import Literal

from django.utils import timezone
from pydantic import BaseModel, Field

from ..models import Delivery, Signal
from ..schemas import Signaal
from ..selectors import signal_public_status


class Fout(BaseModel):
    naam: str = Field(description="Het veld, bv. `adres.postcode`.")
    code: str
    reden: str


class Waarschuwing(BaseModel):
    """An optional value that could not be used: the signal is stored without it."""

    naam: str = Field(description="Het veld, bv. `klant.telefoonnummers[0]`.")
    code: str
    reden: str


WAARSCHUWINGEN = (
    "Optionele waarden die niet bruikbaar zijn (bv. een onmogelijk telefoonnummer of een geboortedatum in de "
    "toekomst). Het signaal is wel opgeslagen, zonder deze waarden; de gemeente ziet ze zoals aangeleverd. "
    "Ontbreekt als er geen zijn."
)


class SignaalResultaat(BaseModel):
    signaalId: str | None
    status: Literal["ontvangen", "al_ontvangen", "geweigerd"]
    fouten: list[Fout] | None = None
    waarschuwingen: list[Waarschuwing] | None = Field(default=None, description=WAARSCHUWINGEN)


class LeveringAntwoord(BaseModel):
    leveringId: str
    ontvangenOp: dt.datetime
    aantalOntvangen: int
    aantalAlOntvangen: int
    aantalGeweigerd: int
    aantalMetWaarschuwingen: int = Field(
        description="Hoeveel ontvangen of al ontvangen signalen een of meer `waarschuwingen` hebben."
    )
    resultaten: list[SignaalResultaat]


class SignaalResource(Signaal):
    """The signal as received (normalised), with the status the creditor may see."""

    status: str = Field(
        description="`ontvangen` tot er een terugkoppeling is; daarna de laatste terugkoppelingscode."
    )
    leveringId: str
    ontvangenOp: dt.datetime
    waarschuwingen: list[Waarschuwing] | None = Field(default=None, description=WAARSCHUWINGEN)


def delivery_representation(delivery: Delivery) -> dict:
    return {
        "leveringId": str(delivery.pk),
        "ontvangenOp": timezone.localtime(delivery.received_at).isoformat(),
        "aantalOntvangen": delivery.count_received,
        "aantalAlOntvangen": delivery.count_already_received,
        "aantalGeweigerd": delivery.count_refused,
        "aantalMetWaarschuwingen": sum(
            1 for result in delivery.results if result.get("waarschuwingen") and result.get("status") != "geweigerd"
        ),
        "resultaten": delivery.results,
    }


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _drop_empty(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", [])}


def signal_representation(signal: Signal) -> dict:
    """What was delivered, normalised, in the contract's field names."""
    return _drop_empty({
        "signaalId": signal.signal_id,
        "gemeentecode": signal.municipality.cbs_code,
        "soortVasteLast": signal.creditor_kind,
        "soortSignaal": signal.signal_kind,
        "warmeOverdracht": signal.warm_handover,
        "klant": _drop_empty({
            "geslachtsnaam": signal.surname,
            "voorvoegsel": signal.surname_prefix,
            "voornamen": signal.first_names,
            "voorletters": signal.initials,
            "bedrijfsnaam": signal.trade_name,
            "geboortedatum": _date(signal.birth_date),
            "telefoonnummers": signal.phone_numbers,
            "emailadres": signal.email,
        }),
        "adres": _drop_empty({
            "straatnaam": signal.street,
            "huisnummer": signal.house_number,
            "huisletter": signal.house_letter,
            "huisnummertoevoeging": signal.house_number_addition,
            "postcode": signal.postcode,
            "woonplaats": signal.city,
        }),
        "achterstand": _drop_empty({
            "bedrag": f"{signal.amount:.2f}",
            "vervaldatumOudsteFactuur": _date(signal.oldest_due_date),
            "aantalTermijnen": signal.instalments_unpaid,
            "termijnbedrag": f"{signal.instalment_amount:.2f}" if signal.instalment_amount is not None else None,
        }),
        "contractnummer": signal.contract_number,
        "datumEindeLevering": _date(signal.end_of_supply_date),
        "datumAfsluiting": _date(signal.disconnection_date),
        "datumOntruiming": _date(signal.eviction_date),
        "signaaldatum": _date(signal.signal_date),
        "status": signal_public_status(signal),
        "leveringId": str(signal.delivery_id),
        "ontvangenOp": timezone.localtime(signal.received_at).isoformat(),
        "waarschuwingen": [
            {"naam": w["naam"], "code": w["code"], "reden": w["reden"]} for w in signal.intake_warnings or []
        ],
    })
