"""The statistics store follows each signal as users and the checks move it: intake through the
creditor API, the checks against the fake BRP on loopback, the not-picked-up rules, fallout review,
forwarding and the repeat rule. After each event the signal's fact is exactly what the monitor and
DDAS need, and nothing more."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Municipality
from monitor.models import AgeClass, AmountClass, ArrearAgeClass, NotPickedUpReason, SignalFact
from monitor.recording import record_signals
from signals.checks import run_checks
from signals.fallout import fallout_decide
from signals.models import Signal, SignalStatus
from signals.services import delivery_create
from tests.factories import CreditorFactory, MunicipalityFactory, UserFactory, issued_key
from vroegsignalering.common.vocab import CreditorKind, Outcome

pytestmark = pytest.mark.django_db

S = SignalStatus
EVELIEN = {"klant": {"voornamen": "Eleonora", "voorvoegsel": "de", "geslachtsnaam": "Crooy",
                     "geboortedatum": "1969-12-28"},
           "adres": {"postcode": "2516 BD", "huisnummer": 32, "huisletter": "A"}}


@pytest.fixture
def municipalities(db):
    return {
        "0518": MunicipalityFactory(cbs_code="0518", name="'s-Gravenhage", inhabitants=566_221,
                                    threshold_amount=Decimal("50.00")),
        "0363": MunicipalityFactory(cbs_code="0363", name="Amsterdam", inhabitants=931_298),
        "0344": MunicipalityFactory(cbs_code="0344", name="Utrecht", inhabitants=374_238),
    }


@pytest.fixture
def insurer(db):
    return CreditorFactory(name="Zorgverzekeraar Monitor")


def payload(signal_id="S-1", **fields) -> dict:
    today = timezone.localdate()
    return {
        "signaalId": signal_id,
        "gemeentecode": fields.pop("gemeentecode", "0518"),
        "soortVasteLast": fields.pop("soortVasteLast", "zorgverzekering"),
        "klant": fields.pop("klant", EVELIEN["klant"]),
        "adres": fields.pop("adres", EVELIEN["adres"]),
        "achterstand": fields.pop("achterstand", {
            "bedrag": "250.50", "vervaldatumOudsteFactuur": (today - dt.timedelta(days=45)).isoformat()}),
        **fields,
    }


def deliver(creditor, signal_id="S-1", **fields) -> Signal:
    _, results = delivery_create(creditor=creditor, items=[payload(signal_id, **fields)])
    assert results[0].status == "ontvangen", results[0].errors
    return Signal.objects.get(creditor=creditor, signal_id=signal_id, forwarded_from__isnull=True)


def fact(signal) -> SignalFact:
    return SignalFact.objects.get(signal_ref=signal.pk)


def checked(creditor, signal_id="S-1", **fields) -> tuple[Signal, SignalFact]:
    signal = deliver(creditor, signal_id, **fields)
    run_checks(signal_id=signal.pk)
    signal.refresh_from_db()
    return signal, fact(signal)


def test_a_signal_received_through_the_api_is_recorded_with_its_classes(municipalities, insurer):
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=issued_key(insurer))
    today = timezone.localdate()
    body = {"signalen": [payload("API-1", soortSignaal="vroegsignaal", warmeOverdracht=True, achterstand={
        "bedrag": "999.50", "vervaldatumOudsteFactuur": (today - dt.timedelta(days=60)).isoformat()})]}
    response = client.post("/api/v1/leveringen", body, format="json")
    assert response.status_code in (200, 201), response.content
    signal = Signal.objects.get(signal_id="API-1")
    row = fact(signal)
    assert (row.municipality, row.creditor, row.creditor_kind, row.signal_kind) == (
        municipalities["0518"], insurer, CreditorKind.ZORGVERZEKERING, "vroegsignaal")
    assert (row.is_crisis, row.warm_handover) == (False, True)
    # 999.50 rounds half up to 1000 whole euros, but the class is the exact amount's: below 1000.
    assert (row.amount_euros, row.amount_class) == (1000, AmountClass.TOT_1000)
    assert row.arrear_age_class == ArrearAgeClass.TOT_100  # 60 days: the bound belongs to 60-100
    assert (row.signal_date, row.arrear_start) == (signal.signal_date, signal.oldest_due_date)
    assert (row.month, row.received_on) == (timezone.localdate(signal.received_at).replace(day=1),
                                            timezone.localdate(signal.received_at))
    # Born 28 December 1969: 46 or older on the signal date (the delivered birth date, no BRP yet).
    assert row.age_class == AgeClass.VANAF_46
    assert (row.status, row.outcome, row.not_picked_up, row.ended_on, row.case_ref) == (S.ONTVANGEN, "", "", None,
                                                                                        None)
    assert row.is_forwarded_copy is False and row.export_id is not None


def test_a_batch_of_signals_is_recorded_in_one_go(municipalities, insurer, django_assert_max_num_queries):
    items = [payload(f"B-{n}", adres={"postcode": "2516 BD", "huisnummer": 100 + n}) for n in range(50)]
    delivery, results = delivery_create(creditor=insurer, items=items)
    assert {r.status for r in results} == {"ontvangen"}
    assert SignalFact.objects.filter(creditor=insurer).count() == 50
    assert set(SignalFact.objects.values_list("signal_ref", flat=True)) == set(
        Signal.objects.filter(delivery=delivery).values_list("pk", flat=True))
    # Recording the batch again reads it back in a few queries, whatever its size, and writes nothing.
    with django_assert_max_num_queries(4):
        assert record_signals(Signal.objects.values_list("pk", flat=True)) == 0


def test_a_resident_who_passes_the_checks_gets_the_age_class_of_the_brp(brp, municipalities, insurer):
    signal, row = checked(insurer, klant={**EVELIEN["klant"], "geboortedatum": "2000-01-01"})
    assert signal.status == S.GECONTROLEERD
    # The creditor did not know the birth date (1 January 2000); the BRP found her, born in 1969.
    assert signal.brp_evidence["uitkomst"] == "gevonden"
    assert (row.status, row.age_class, row.not_picked_up) == (S.GECONTROLEERD, AgeClass.VANAF_46, "")


def test_without_brp_or_a_real_birth_date_the_age_class_is_unknown(municipalities, insurer):
    signal = deliver(insurer, klant={**EVELIEN["klant"], "geboortedatum": "2000-01-01"})
    assert fact(signal).age_class == AgeClass.ONBEKEND


@pytest.mark.parametrize(("fields", "outcome", "reason"), [
    ({"gemeentecode": "0344", "klant": {"voornamen": "Jan", "voorvoegsel": "de", "geslachtsnaam": "Vries",
                                        "geboortedatum": "1935-05-05"},
      "adres": {"postcode": "3512 JB", "huisnummer": 4}}, Outcome.OVERLEDEN, NotPickedUpReason.OVERLEDEN),
    ({"gemeentecode": "0363", "klant": {"voornamen": "Philippe", "voorvoegsel": "de", "geslachtsnaam": "Zeeuw",
                                        "geboortedatum": "1992-05-06"},
      "adres": {"postcode": "1011 AB", "huisnummer": 1}}, Outcome.GEEN_INWONER, NotPickedUpReason.NIET_IN_BRP),
    ({"achterstand": {"bedrag": "20.00", "vervaldatumOudsteFactuur": "2026-01-01"}, "signaaldatum": "2026-02-15"},
     Outcome.ONTERECHT_SIGNAAL, NotPickedUpReason.DREMPELBEDRAG),
    ({"achterstand": {"bedrag": "250.00", "vervaldatumOudsteFactuur": "2026-01-01"}, "signaaldatum": "2026-01-10"},
     Outcome.ONTERECHT_SIGNAAL, NotPickedUpReason.TERMIJN),
    ({"klant": {"geslachtsnaam": "Huurdersvereniging De Toekomst"}}, Outcome.ANDERE_REDEN,
     NotPickedUpReason.RECHTSPERSOON),
], ids=["overleden", "geemigreerd", "drempelbedrag", "termijn", "rechtspersoon"])
def test_a_signal_ended_by_the_checks_records_why_it_was_not_picked_up(brp, municipalities, insurer, fields,
                                                                       outcome, reason):
    signal, row = checked(insurer, **fields)
    assert (signal.status, signal.outcome) == (S.AFGEHANDELD, outcome)
    assert (row.status, row.outcome, row.not_picked_up) == (S.AFGEHANDELD, outcome, reason)
    assert row.ended_on == timezone.localdate(signal.outcome_at)


def test_a_forwarded_signal_is_moved_and_its_copy_is_the_other_municipalitys(brp, municipalities, insurer):
    signal, row = checked(insurer, gemeentecode="0363", adres={"postcode": "1011 AB", "huisnummer": 1})
    assert signal.status == S.DOORGESTUURD
    assert (row.status, row.outcome, row.not_picked_up) == (S.DOORGESTUURD, Outcome.GEEN_INWONER,
                                                            NotPickedUpReason.VERHUISD)
    assert row.municipality == municipalities["0363"]
    copy = Signal.objects.get(forwarded_from=signal)
    copied = fact(copy)
    assert (copied.municipality, copied.is_forwarded_copy, copied.status) == (municipalities["0518"], True,
                                                                              S.ONTVANGEN)
    assert copied.export_id != row.export_id
    run_checks(signal_id=copy.pk)
    assert fact(copy).status == S.GECONTROLEERD


def test_fallout_decisions_record_not_in_brp_or_another_reason(brp, municipalities, insurer):
    reviewer = UserFactory(municipalities=[municipalities["0518"]])
    first, row = checked(insurer, "F-1", klant={"geslachtsnaam": "Onbekend"})
    assert (first.status, row.status, row.not_picked_up) == (S.UITVAL, S.UITVAL, "")
    fallout_decide(signal_id=first.pk, decided_by=reviewer, decision="geen_inwoner")
    assert (fact(first).outcome, fact(first).not_picked_up) == (Outcome.GEEN_INWONER, NotPickedUpReason.NIET_IN_BRP)
    second, _ = checked(insurer, "F-2", klant={"geslachtsnaam": "Onbekend"}, adres={"postcode": "2516 BD",
                                                                                     "huisnummer": 33})
    fallout_decide(signal_id=second.pk, decided_by=reviewer, decision="niet_opgepakt", reason="Garagebox")
    assert (fact(second).outcome, fact(second).not_picked_up) == (Outcome.ANDERE_REDEN,
                                                                 NotPickedUpReason.ANDERE_REDEN)


def test_a_repeated_signal_is_recorded_as_herhaald(brp, db, insurer):
    Municipality.objects.create(cbs_code="0518", name="'s-Gravenhage", inhabitants=566_221,
                                threshold_amount=Decimal("0"),
                                arrear_age_windows={kind: [0, None] for kind in CreditorKind.values})
    first, row = checked(insurer, "R-1", contractnummer="POLIS-1")
    again, repeated = checked(insurer, "R-2", contractnummer="POLIS-1")
    assert (first.status, row.not_picked_up) == (S.GECONTROLEERD, "")
    assert (again.outcome, repeated.not_picked_up) == (Outcome.HERHAALDE_MELDING, NotPickedUpReason.HERHAALD)


def test_recording_twice_changes_nothing_and_keeps_the_export_id(brp, municipalities, insurer):
    signal, row = checked(insurer)
    assert record_signals([signal.pk]) == 0
    again = fact(signal)
    assert (again.export_id, again.updated_at) == (row.export_id, row.updated_at)
    assert SignalFact.objects.count() == 1


@pytest.mark.parametrize("closing_day, signal_date, month", [
    (None, dt.date(2026, 4, 20), dt.date(2026, 4, 1)),  # calendar months
    (15, dt.date(2026, 4, 15), dt.date(2026, 4, 1)),  # the closing day itself: still April's period
    (15, dt.date(2026, 4, 16), dt.date(2026, 5, 1)),  # 16 April - 15 May is May's period
    (28, dt.date(2025, 12, 29), dt.date(2026, 1, 1)),
])
def test_a_signal_counts_in_the_month_its_period_ends_in_as_its_melding_does(municipalities, insurer, closing_day,
                                                                             signal_date, month):
    municipalities["0518"].period_closing_day = closing_day
    municipalities["0518"].save(update_fields=["period_closing_day"])
    signal = deliver(insurer, signaaldatum=signal_date.isoformat(), achterstand={
        "bedrag": "250.50", "vervaldatumOudsteFactuur": (signal_date - dt.timedelta(days=45)).isoformat()})
    assert signal.signal_date == signal_date
    assert fact(signal).month == month
    record_signals([signal.pk])  # and the same when recorded again from the stored row
    assert fact(signal).month == month
