"""Through the real checks (fake BRP on loopback): a signal ended by the checks reaches its
creditor's feed and status with the contract code, and nothing else."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from signals.checks import run_checks
from signals.models import Signal
from tests.factories import MunicipalityFactory, signal_payload

pytestmark = pytest.mark.django_db


def test_checks_end_signals_with_their_codes_in_the_feed(api, brp):
    MunicipalityFactory(cbs_code="0344", name="Utrecht", inhabitants=374_238)
    MunicipalityFactory(cbs_code="0518", name="'s-Gravenhage", inhabitants=566_221, threshold_amount=Decimal("50"))
    due = (timezone.localdate() - dt.timedelta(days=45)).isoformat()
    deceased = signal_payload(1, gemeentecode="0344", klant={"voornamen": "Jan", "voorvoegsel": "de",
                              "geslachtsnaam": "Vries", "geboortedatum": "1935-05-05"},
                              adres={"postcode": "3512 JB", "huisnummer": 4},
                              achterstand={"vervaldatumOudsteFactuur": due})
    small = signal_payload(2, gemeentecode="0518", achterstand={"bedrag": "20.00", "vervaldatumOudsteFactuur": due})
    company = signal_payload(3, gemeentecode="0518", achterstand={"vervaldatumOudsteFactuur": due})
    company["klant"] = {"bedrijfsnaam": "Proef Installatie B.V."}
    assert api.post("/api/v1/leveringen", {"signalen": [deceased, small, company]}, format="json").status_code == 201
    for signal in Signal.objects.order_by("pk"):
        run_checks(signal_id=signal.pk)
    body = api.get("/api/v1/terugkoppelingen").json()
    assert [(i["signaalId"], i["gemeentecode"], i["code"]) for i in body["terugkoppelingen"]] == [
        ("ZV-000001", "0344", "overleden"),
        ("ZV-000002", "0518", "niet_opgepakt_onterecht_signaal"),
        ("ZV-000003", "0518", "niet_opgepakt"),
    ]
    assert api.get("/api/v1/signalen/ZV-000003").json()["status"] == "niet_opgepakt"
