"""Creditors, their API keys, contract payloads and checked signals at chosen addresses."""
from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import factory

from cases import deadlines
from signals import normalise
from signals.models import Creditor, Delivery, Signal, SignalStatus
from signals.services import api_key_issue, recurrence_facts_record
from vroegsignalering.common.vocab import CreditorKind, SignalKind


class CreditorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Creditor

    name = factory.Sequence(lambda n: f"Zorgverzekeraar {n}")
    kinds: list = []


def issued_key(creditor: Creditor) -> str:
    return api_key_issue(creditor=creditor, name="test")[1]


def signal_payload(n: int = 1, **overrides) -> dict:
    """A valid contract `<Signaal>` for a synthetic person in Amsterdam."""
    payload = {
        "signaalId": f"ZV-{n:06d}",
        "gemeentecode": "0363",
        "soortVasteLast": "zorgverzekering",
        "soortSignaal": "vroegsignaal",
        "klant": {
            "voornamen": "Test",
            "voorvoegsel": "van der",
            "geslachtsnaam": "Proefpersoon",
            "geboortedatum": "1980-04-01",
            "telefoonnummers": ["06 12345678"],
            "emailadres": "t.proef@example.nl",
        },
        "adres": {"straatnaam": "Proefstraat", "huisnummer": 10 + n, "postcode": "1011 ab", "woonplaats": "Amsterdam"},
        "achterstand": {"bedrag": "312.50", "vervaldatumOudsteFactuur": "2026-09-01"},
        "contractnummer": f"POL-{n}",
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(payload.get(key), dict):
            payload[key] = {**payload[key], **value}
        else:
            payload[key] = value
    return payload


_serial = itertools.count(1)


def creditor_for(kind: str) -> Creditor:
    """One creditor per creditor kind (per test database)."""
    name = f"Testpartij {kind}"
    creditor = Creditor.objects.filter(name=name).first()
    return creditor or CreditorFactory(name=name, kinds=[kind])


def _delivery(creditor: Creditor) -> Delivery:
    return Delivery.objects.filter(creditor=creditor).first() or Delivery.objects.create(creditor=creditor)


def address(n: int, letter: str = "", addition: str = "") -> dict:
    """A distinct synthetic address per ``n``."""
    postcode = f"{1000 + n // 500:04d}{'AB' if n % 2 else 'CD'}"
    return {"postcode": postcode, "house_number": 1 + n % 500, "house_letter": letter,
            "house_number_addition": addition}


def build_signal(municipality, *, at: int | dict = 0, kind: str = CreditorKind.ZORGVERZEKERING,
                 amount: str | Decimal = "250.00", signal_date: dt.date = dt.date(2026, 5, 10),
                 signal_kind: str = SignalKind.VROEGSIGNAAL, contract: str | None = None, phone: bool = True,
                 email: bool = True, status: str = SignalStatus.GECONTROLEERD, age: int | None = 40,
                 minors: bool = False, shv: str | None = "onbekend", received_at: dt.datetime | None = None,
                 creditor: Creditor | None = None) -> Signal:
    """An unsaved Signal as the checks leave it (status GECONTROLEERD by default)."""
    n = next(_serial)
    where = address(at) if isinstance(at, int) else at
    creditor = creditor or creditor_for(kind)
    brp = {}
    if age is not None:
        brp = {"leeftijd": age, "huishouden": [{"bsn": "", "naam": "Kind", "leeftijd": 8, "minderjarig": True}]
               if minors else []}
    received = received_at or deadlines.start_of_day(signal_date) + dt.timedelta(hours=9)
    return Signal(
        municipality=municipality, creditor=creditor, delivery=_delivery(creditor), signal_id=f"T-{n:07d}",
        content_hash=f"{n:064d}", received_at=received, status=status, creditor_kind=kind, signal_kind=signal_kind,
        surname="Proef", first_names="Test", phone_numbers=["0612345678"] if phone else [],
        email="test@example.com" if email else "", street="Proefstraat", city=municipality.name,
        address_key=normalise.address_key(where["postcode"], where["house_number"], where["house_letter"],
                                          where["house_number_addition"]),
        amount=Decimal(str(amount)), oldest_due_date=signal_date - dt.timedelta(days=45),
        contract_number=contract if contract is not None else f"C-{n}", signal_date=signal_date,
        bsn="", brp_evidence=brp, shv_evidence={"status": shv} if shv else {},
        **where,
    )


def make_signal(municipality, **kwargs) -> Signal:
    """A stored signal and its recurrence fact, as the intake stores them."""
    signal = build_signal(municipality, **kwargs)
    signal.save()
    recurrence_facts_record([signal])
    return signal


def make_signals(municipality, specs: list[dict]) -> list[Signal]:
    """Many signals at once (bulk insert)."""
    rows = Signal.objects.bulk_create([build_signal(municipality, **spec) for spec in specs], batch_size=500)
    recurrence_facts_record(rows)
    return rows
