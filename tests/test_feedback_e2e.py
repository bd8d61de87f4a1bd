"""End to end with a real Celery worker (Redis + PostgreSQL in CI, memory:// + SQLite otherwise):
creditors deliver → the checks run on the worker against the fake BRP → the period close makes
cases → a case worker closes one case with help accepted, the day-28 job closes another on the
worker (time travel) → the publish runs → each creditor reads exactly the right code per signal,
only about its own signals, and its webhook receiver got the same items.
"""
import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Municipality
from cases import deadlines
from cases import services as case_services
from cases.models import Case, CaseSignal, CaseStatus, FirstReaction, PeriodClose
from cases.presets import routing_preset_install
from contacts.models import Reached
from contacts.services import contact_attempt_register
from demo import population
from feedback import services as feedback_services
from feedback.models import DeliveryStatus, WebhookDelivery
from signals.models import Signal, SignalStatus
from tests.e2e_support import Receiver, wait_until
from tests.factories import CreditorFactory, UserFactory, issued_key
from vroegsignalering.celery import app
from vroegsignalering.common.vocab import ContactKind, Outcome

pytestmark = pytest.mark.django_db(transaction=True)

S = SignalStatus
CHECKS_END = {S.GECONTROLEERD, S.AFGEHANDELD, S.DOORGESTUURD, S.UITVAL}
THE_HAGUE = "0518"


def signal_date() -> dt.date:
    """A day in last month: the period the morning's period close takes."""
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=11)


def adult_households(count: int) -> list[population.Household]:
    """Households of the fake BRP's demo population in The Hague, each with an adult main occupant."""
    found = []
    for index in range(1000):
        home = population.household(THE_HAGUE, index)
        if home.persons[0].age_on(timezone.localdate()) >= 25:
            found.append(home)
        if len(found) == count:
            return found
    raise AssertionError("no households")


def payload(signal_id: str, *, kind: str, klant: dict, adres: dict, amount: str = "312.50",
            gemeentecode: str = THE_HAGUE) -> dict:
    day = signal_date()
    return {
        "signaalId": signal_id, "gemeentecode": gemeentecode, "soortVasteLast": kind, "klant": klant, "adres": adres,
        "achterstand": {"bedrag": amount, "vervaldatumOudsteFactuur": (day - dt.timedelta(days=45)).isoformat()},
        "contractnummer": f"C-{signal_id}", "signaaldatum": day.isoformat(),
    }


def resident(home: population.Household, signal_id: str, *, kind: str, amount: str = "312.50") -> dict:
    person = home.persons[0]
    klant = {"voornamen": person.voornamen, "geslachtsnaam": person.geslachtsnaam,
             "geboortedatum": person.geboortedatum.isoformat()}
    if person.voorvoegsel:
        klant["voorvoegsel"] = person.voorvoegsel
    adres = {"postcode": home.postcode, "huisnummer": home.huisnummer}
    if home.huisletter:
        adres["huisletter"] = home.huisletter
    if home.huisnummertoevoeging:
        adres["huisnummertoevoeging"] = home.huisnummertoevoeging
    return payload(signal_id, kind=kind, klant=klant, adres=adres, amount=amount)


def deceased(signal_id: str) -> dict:
    """An official BRP mock person who has died (Utrecht)."""
    return payload(signal_id, kind="huur", gemeentecode="0344",
                   klant={"voornamen": "Jan", "voorvoegsel": "de", "geslachtsnaam": "Vries",
                          "geboortedatum": "1935-05-05"},
                   adres={"postcode": "3512 JB", "huisnummer": 4})


def client_for(creditor) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=issued_key(creditor))
    return client


@pytest.fixture
def municipalities(db):
    the_hague = Municipality.objects.create(cbs_code=THE_HAGUE, name="'s-Gravenhage", inhabitants=566_221,
                                            threshold_amount=Decimal("50.00"))
    utrecht = Municipality.objects.create(cbs_code="0344", name="Utrecht", inhabitants=374_238)
    for municipality in (the_hague, utrecht):
        routing_preset_install(municipality=municipality, preset="gemeente4")
    return the_hague, utrecht


def test_from_delivery_to_the_right_code_per_signal_in_each_creditors_feed_and_webhook(e2e_worker, municipalities,
                                                                                        settings):
    the_hague, _ = municipalities
    settings.WEBHOOK_ALLOW_HTTP = True  # the receivers are plain http on loopback
    landlord = CreditorFactory(name="Woningcorporatie Haaglanden", kinds=["huur"])
    insurer = CreditorFactory(name="Zorgverzekeraar West", kinds=["zorgverzekering"])
    helped, expired, small = adult_households(3)
    deliveries = {
        landlord: [resident(helped, "HUUR-1", kind="huur"), deceased("HUUR-2")],
        insurer: [resident(helped, "ZORG-1", kind="zorgverzekering"),  # the same household as HUUR-1
                  resident(expired, "ZORG-2", kind="zorgverzekering"),
                  resident(small, "ZORG-3", kind="zorgverzekering", amount="20.00")],  # below the threshold
    }
    clients = {creditor: client_for(creditor) for creditor in deliveries}

    with Receiver() as landlord_rx, Receiver() as insurer_rx:
        feedback_services.webhook_endpoint_create(creditor=landlord, url=landlord_rx.url)
        feedback_services.webhook_endpoint_create(creditor=insurer, url=insurer_rx.url)

        # 1. Delivery through the API; the checks run on the worker against the fake BRP.
        for creditor, signals in deliveries.items():
            response = clients[creditor].post("/api/v1/leveringen", {"signalen": signals}, format="json")
            assert response.status_code == 201, response.content
            assert response.json()["aantalOntvangen"] == len(signals)
        wait_until(lambda: not Signal.objects.exclude(status__in=CHECKS_END).exists(), timeout=60)
        statuses = dict(Signal.objects.values_list("signal_id", "status"))
        assert statuses == {"HUUR-1": S.GECONTROLEERD, "HUUR-2": S.AFGEHANDELD, "ZORG-1": S.GECONTROLEERD,
                            "ZORG-2": S.GECONTROLEERD, "ZORG-3": S.AFGEHANDELD}

        # 2. The period close on the worker makes the cases: one per household.
        app.tasks["cases.tasks.periods_close"].delay()
        wait_until(lambda: PeriodClose.objects.filter(municipality=the_hague).exists(), timeout=60)
        case_of = dict(CaseSignal.objects.values_list("signal__signal_id", "case_id"))
        assert set(case_of) == {"HUUR-1", "ZORG-1", "ZORG-2"}
        assert case_of["HUUR-1"] == case_of["ZORG-1"] != case_of["ZORG-2"]
        helped_case, expired_case = Case.objects.get(pk=case_of["HUUR-1"]), Case.objects.get(pk=case_of["ZORG-2"])

        # 3. A case worker reaches the resident and closes with help accepted.
        case_worker = UserFactory(municipalities=[the_hague])
        contact_attempt_register(case=helped_case, kind=ContactKind.TELEFOON, at=timezone.now(), reached=Reached.JA,
                                 by=case_worker)
        case_services.case_close(case=helped_case, outcome=Outcome.QUICK_FIX, by=case_worker,
                                 first_reaction=FirstReaction.POSITIEF,
                                 help_description="Budgetgesprek en een betalingsregeling")
        helped_on = timezone.localdate()

        # 4. Day 28, on the worker: the job runs as of 29 days later (time travel).
        later = timezone.now() + dt.timedelta(days=29)
        app.tasks["cases.tasks.cases_close_expired"].delay(now=later.isoformat())
        wait_until(lambda: Case.objects.get(pk=expired_case.pk).status == CaseStatus.GESLOTEN, timeout=60)
        expired_case.refresh_from_db()
        assert expired_case.outcome == Outcome.GEEN_CONTACT

        # 5. The publish runs on the worker (the beat's feedback-sweep) and pushes to the webhooks.
        app.tasks["feedback.tasks.feedback_sweep"].delay()
        wait_until(lambda: WebhookDelivery.objects.count() == 5
                   and not WebhookDelivery.objects.exclude(status=DeliveryStatus.DELIVERED).exists(), timeout=60)

    # 6. Each creditor reads its feed with its own key: exactly the right code per signal.
    feeds = {creditor: clients[creditor].get("/api/v1/terugkoppelingen").json()["terugkoppelingen"]
             for creditor in deliveries}
    codes = {creditor: {item["signaalId"]: item["code"] for item in feed} for creditor, feed in feeds.items()}
    assert codes[landlord] == {"HUUR-1": "hulp_geaccepteerd", "HUUR-2": "overleden"}
    assert codes[insurer] == {"ZORG-1": "hulp_geaccepteerd", "ZORG-2": "afgesloten",
                              "ZORG-3": "niet_opgepakt_onterecht_signaal"}
    assert len(feeds[landlord]) == 2 and len(feeds[insurer]) == 3  # one item per signal, nothing else
    by_id = {item["signaalId"]: item for feed in feeds.values() for item in feed}
    for signal_id in ("HUUR-1", "ZORG-1"):
        assert by_id[signal_id]["datum"] == helped_on.isoformat()
        assert by_id[signal_id]["incassorustTot"] == (helped_on + dt.timedelta(days=30)).isoformat()
    assert by_id["ZORG-2"]["datum"] == deadlines.local_date(expired_case.deadline_at).isoformat()
    assert all(by_id[i]["incassorustTot"] is None for i in ("HUUR-2", "ZORG-2", "ZORG-3"))
    assert by_id["HUUR-2"]["gemeentecode"] == "0344"
    # The signal's status is its latest code; another creditor's signal does not exist for a key.
    assert clients[insurer].get("/api/v1/signalen/ZORG-2").json()["status"] == "afgesloten"
    assert clients[insurer].get("/api/v1/signalen/HUUR-1").status_code == 404
    # The webhook receivers got the same items, in the same order, each creditor only its own.
    assert [json.loads(r.body) for r in landlord_rx.requests] == feeds[landlord]
    assert [json.loads(r.body) for r in insurer_rx.requests] == feeds[insurer]
