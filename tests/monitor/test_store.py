"""The statistics store as a whole: a generated month of residents leaves no personal data in any
fact; the backfill records an installation's existing data once (and a second run changes nothing);
the creditor's efforts stay the same after the signals and cases they count are deleted."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import models

from accounts.models import Municipality
from cases import deadlines, services
from cases.models import Case, CaseHistory, CaseSignal
from contacts.models import ContactAttempt
from demo import deliveries, generator
from monitor.models import AttemptFact, CaseFact, SignalFact
from signals.checks import run_checks
from signals.models import Signal, SignalHistory
from signals.services import delivery_create
from tests.factories import TEAM_NOW, UserFactory, aware, make_cases, make_signal, reach
from vroegsignalering.common.vocab import CreditorKind, Outcome, Reached

pytestmark = pytest.mark.django_db

FACTS = (SignalFact, CaseFact, AttemptFact)


@pytest.fixture
def the_hague(db):
    return Municipality.objects.create(
        cbs_code="0518", name="'s-Gravenhage", inhabitants=566_221, threshold_amount=Decimal("0"),
        arrear_age_windows={kind: [0, None] for kind in CreditorKind.values},
    )


def _fact_values() -> list:
    return [value for model in FACTS for row in model.objects.values() for value in row.values()]


def _personal_data(payloads, signals) -> set[str]:
    """What identifies the generated residents: names, BSNs, postcodes, streets, phones, e-mail
    addresses and contract numbers, as delivered and as stored (normalised)."""
    values = set()
    for payload in payloads:
        klant, adres = payload["klant"], payload["adres"]
        values |= {klant.get("geslachtsnaam", ""), klant.get("voornamen", ""), klant.get("emailadres", ""),
                   adres.get("postcode", ""), adres.get("straatnaam", ""), payload.get("contractnummer", ""),
                   *klant.get("telefoonnummers", [])}
    for signal in signals:
        values |= {signal.bsn, signal.postcode, signal.street, signal.surname, signal.first_names, signal.email,
                   signal.contract_number, signal.address_key, *signal.phone_numbers}
    return {value for value in values if len(value) >= 4}


def test_a_generated_month_leaves_no_personal_data_in_any_fact(brp, the_hague):
    payloads = generator.generate_month("0518", 566_221, "2026-05", seed=0, scale=0.01, place="'s-Gravenhage")
    creditors = deliveries.demo_creditors()
    for creditor in {creditors[p["soortVasteLast"]] for p in payloads}:
        delivery_create(creditor=creditor, items=[p for p in payloads if creditors[p["soortVasteLast"]] == creditor])
    for pk in Signal.objects.values_list("pk", flat=True):
        run_checks(signal_id=pk)
    period = deadlines.period_for(dt.date(2026, 5, 15))
    services.period_close(municipality=the_hague, period=period, now=aware(2026, 6, 1, 6))
    worker = UserFactory(municipalities=[the_hague])
    for number, case in enumerate(Case.objects.filter(status="open").order_by("pk")[:6]):
        attempt = reach(case, worker, reached=Reached.JA if number % 2 else Reached.NEE)
        ContactAttempt.objects.filter(pk=attempt.pk).update(note="Sprak mevrouw aan de deur")
        if number % 2:
            services.case_close(case=case, outcome=Outcome.QUICK_FIX, by=worker, now=TEAM_NOW,
                                help_description="Betalingsregeling afgesproken")
    signals = list(Signal.objects.all())
    assert len(signals) >= 20 and CaseFact.objects.exists() and AttemptFact.objects.exists()
    assert SignalFact.objects.count() == len(signals)
    assert {s.bsn for s in signals} - {""}, "the checks found residents in the BRP"

    personal = _personal_data(payloads, signals)
    assert {s.bsn for s in signals} - {""} <= personal and {s.street for s in signals} - {""} <= personal
    texts = [str(value) for value in _fact_values() if value is not None]
    leaked = {value for value in personal for text in texts if value in text}
    assert not leaked
    # Every text in a fact is a word of a vocabulary, never something a person or a creditor wrote.
    for model in FACTS:
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField):
                stored = set(model.objects.values_list(field.name, flat=True)) - {""}
                allowed = {value for value, _ in field.choices} if field.choices else None
                if allowed is not None:
                    assert stored <= allowed, (model.__name__, field.name, stored - allowed)
                else:
                    assert all(len(value) <= 16 and value.replace("_", "").isalpha() for value in stored), stored


def _forget_the_facts():
    for model in FACTS:
        model.objects.all().delete()


def test_the_backfill_records_existing_data_once(gemeente, worker):
    cases = make_cases(gemeente, 3)
    reach(cases[0], worker)
    services.case_close(case=cases[0], outcome=Outcome.VERVOLGHULP_NIET_FINANCIEEL, by=worker, now=TEAM_NOW)
    expected = {model: list(_ordered(model)) for model in FACTS}
    _forget_the_facts()  # as on an installation from before the store

    out = io.StringIO()
    call_command("monitor_backfill", "--batch", "2", stdout=out)
    assert out.getvalue().strip() == ("Statistiekenopslag bijgewerkt: 3 signalen en 3 meldingen gelezen, "
                                      "7 feiten vastgelegd of bijgewerkt.")
    for model in FACTS:
        assert list(_ordered(model)) == expected[model]
    export_ids = set(SignalFact.objects.values_list("export_id", flat=True))

    again = io.StringIO()
    call_command("monitor_backfill", stdout=again)
    assert "0 feiten vastgelegd of bijgewerkt" in again.getvalue()
    assert set(SignalFact.objects.values_list("export_id", flat=True)) == export_ids


def test_the_backfill_refuses_a_bad_batch_size(db):
    with pytest.raises(Exception, match="van 1 tot en met 10.000"):
        call_command("monitor_backfill", "--batch", "0")


def _compared(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.name not in ("id", "export_id", "updated_at")]


def _ordered(model):
    return model.objects.order_by(_compared(model)[0]).values(*_compared(model))


def test_the_creditors_efforts_survive_deleting_the_signals_and_cases(api, municipality, worker):
    for n in range(12):
        make_signal(municipality, at=100 + n, creditor=api.creditor)
    services.period_close(municipality=municipality, now=TEAM_NOW.replace(day=1))
    for case in Case.objects.order_by("pk")[:10]:
        reach(case, worker)
    params = {"gemeentecode": municipality.cbs_code, "maand": "2026-05"}
    before = api.get("/api/v1/inspanningen", params).json()
    assert before["meldingenMetContact"] == {"aantal": 10, "onderdrukt": False}

    # What the purge will do: the personal data goes, child tables first.
    ContactAttempt.objects.all().delete()
    CaseHistory.objects.all()._raw_delete(CaseHistory.objects.db)
    CaseSignal.objects.all().delete()
    Case.objects.all().delete()
    SignalHistory.objects.all()._raw_delete(SignalHistory.objects.db)
    Signal.objects.all().delete()
    assert api.get("/api/v1/inspanningen", params).json() == before
