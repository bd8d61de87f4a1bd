"""Recurrence facts (ADR 0011): one per stored signal on every intake path, pseudonymous (a keyed hash,
no clear address), expired after their own term, and hashed again after a new key."""
import datetime as dt
import hashlib
import hmac
import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from signals import recurrence
from signals.checks import run_checks
from signals.csv_services import csv_import_create, csv_import_run
from signals.models import RecurrenceFact, Signal
from signals.services import delivery_create, recurrence_facts_expire, recurrence_facts_rehash
from tests.factories import CreditorFactory, MunicipalityFactory, make_signal, signal_payload
from tests.signals.csvfiles import flatten, make_csv

pytestmark = pytest.mark.django_db


def facts_of(signals) -> dict[int, RecurrenceFact]:
    return {f.signal_ref: f for f in RecurrenceFact.objects.filter(signal_ref__in=[s.pk for s in signals])}


def assert_one_fact_each(signals):
    facts = facts_of(signals)
    assert RecurrenceFact.objects.filter(signal_ref__in=[s.pk for s in signals]).count() == len(signals)
    for signal in signals:
        fact = facts[signal.pk]
        assert fact.municipality_id == signal.municipality_id
        assert fact.address_hash == recurrence.address_hash(signal.address_key)
        assert fact.signal_date == signal.signal_date
        assert fact.expires_on == recurrence.fact_expires_on(signal.signal_date)


def test_the_api_intake_writes_one_fact_per_new_signal_and_none_for_a_redelivery(api, municipality):
    payloads = [signal_payload(n, signaaldatum="2026-11-20") for n in range(1, 4)]
    response = api.post("/api/v1/leveringen", {"signalen": payloads}, format="json")
    assert response.status_code == 201, response.content
    signals = list(Signal.objects.filter(creditor=api.creditor))
    assert len(signals) == 3
    assert_one_fact_each(signals)
    assert facts_of(signals)[signals[0].pk].expires_on == dt.date(2027, 6, 20) + dt.timedelta(days=14)

    again = api.post("/api/v1/leveringen", {"signalen": payloads}, format="json")
    assert again.json()["aantalAlOntvangen"] == 3
    assert RecurrenceFact.objects.count() == 3


def test_a_refused_signal_leaves_no_fact(creditor, municipality):
    _, results = delivery_create(creditor=creditor, items=[signal_payload(1, gemeentecode="9999")])
    assert results[0].status == "geweigerd"
    assert RecurrenceFact.objects.count() == 0


def test_the_csv_intake_writes_one_fact_per_signal(creditor, municipality):
    content = make_csv([flatten(signal_payload(n)) for n in range(1, 5)])
    csv_import = csv_import_create(creditor=creditor, file_name="huur.csv", content=content, enqueue=False)
    csv_import_run(import_id=csv_import.pk)
    signals = list(Signal.objects.filter(creditor=creditor))
    assert len(signals) == 4
    assert_one_fact_each(signals)


def test_a_forwarded_copy_gets_its_own_fact_in_the_other_municipality_at_the_new_address(brp):
    MunicipalityFactory(cbs_code="0518", name="'s-Gravenhage", inhabitants=566_221)
    MunicipalityFactory(cbs_code="0363", name="Amsterdam", inhabitants=931_298)
    insurer = CreditorFactory(name="Zorgverzekeraar Test")
    today = timezone.localdate()
    # Eleonora de Crooy lives in 's-Gravenhage; the creditor sent the signal to Amsterdam.
    payload = {"signaalId": "S-1", "gemeentecode": "0363", "soortVasteLast": "zorgverzekering",
               "klant": {"voornamen": "Eleonora", "voorvoegsel": "de", "geslachtsnaam": "Crooy",
                         "geboortedatum": "1969-12-28"},
               "adres": {"postcode": "1011 AB", "huisnummer": 1},
               "achterstand": {"bedrag": "250.00",
                               "vervaldatumOudsteFactuur": (today - dt.timedelta(days=45)).isoformat()}}
    _, results = delivery_create(creditor=insurer, items=[payload])
    assert results[0].status == "ontvangen"
    original = Signal.objects.get(creditor=insurer, forwarded_from__isnull=True)
    run_checks(signal_id=original.pk)
    copy = Signal.objects.get(forwarded_from=original)
    assert copy.municipality.cbs_code == "0518" and copy.address_key != original.address_key
    assert_one_fact_each([original, copy])  # each in its own municipality, at its own address


def test_no_clear_address_in_any_column(api, municipality):
    payloads = [signal_payload(n, adres={"postcode": f"{2500 + n} XZ", "huisnummer": 700 + n, "huisletter": "Q",
                                          "straatnaam": f"Geheimstraat{n}"}) for n in range(1, 6)]
    assert api.post("/api/v1/leveringen", {"signalen": payloads}, format="json").status_code == 201
    signals = list(Signal.objects.filter(creditor=api.creditor))
    rows = [" | ".join(str(value) for value in row.values())
            for row in RecurrenceFact.objects.values(*[f.attname for f in RecurrenceFact._meta.concrete_fields])]
    assert len(rows) == 5
    for signal in signals:
        clear = {signal.address_key, signal.postcode, f"{signal.postcode[:4]} {signal.postcode[4:]}",
                 signal.street, f"{signal.house_number}Q"}
        for row in rows:
            assert not any(value and value in row for value in clear), (clear, row)


def test_the_hash_is_keyed_and_separate_from_the_audit_trails(settings):
    key = "1234AB|10||"
    settings.AUDIT_HASH_KEY = "een-sleutel-van-minstens-tweeendertig-tekens"
    keyed = recurrence.address_hash(key)
    unkeyed = hashlib.sha256(("adres:" + key).encode()).hexdigest()
    with_audit_key = hmac.new(settings.AUDIT_HASH_KEY.encode(), ("adres:" + key).encode(), hashlib.sha256).hexdigest()
    assert keyed not in (unkeyed, with_audit_key)  # not a lookup table away, not the trail's key
    assert recurrence.address_hash(key) == keyed  # stable under the same key
    settings.AUDIT_HASH_KEY = "een-andere-sleutel-van-minstens-tweeendertig-tekens"
    assert recurrence.address_hash(key) != keyed


def test_expire_deletes_the_facts_whose_term_ended_before_today(municipality):
    old = make_signal(municipality, at=1, signal_date=dt.date(2026, 1, 10))
    young = make_signal(municipality, at=2, signal_date=dt.date(2026, 2, 10))
    last_day = recurrence.fact_expires_on(old.signal_date)
    assert last_day == dt.date(2026, 8, 24)  # 7 months and 14 days
    assert recurrence_facts_expire(last_day) == 0  # kept through its last day
    assert recurrence_facts_expire(last_day + dt.timedelta(days=1)) == 1
    assert list(RecurrenceFact.objects.values_list("signal_ref", flat=True)) == [young.pk]
    # The signal itself is the purge's business, not this function's.
    assert Signal.objects.filter(pk=old.pk).exists()


def test_after_a_new_key_the_facts_of_stored_signals_are_hashed_again(settings, municipality):
    kept = make_signal(municipality, at=1)
    purged = make_signal(municipality, at=2)
    purged_key = purged.address_key
    Signal.objects.filter(pk=purged.pk).delete()
    settings.AUDIT_HASH_KEY = "een-nieuwe-sleutel-van-minstens-tweeendertig-tekens"
    assert recurrence_facts_rehash() == 1
    facts = {f.signal_ref: f.address_hash for f in RecurrenceFact.objects.all()}
    assert facts[kept.pk] == recurrence.address_hash(kept.address_key)
    assert facts[purged.pk] != recurrence.address_hash(purged_key)  # lost: it expires in its term


def test_the_migration_backfills_facts_for_stored_signals_not_yet_expired(municipality):
    today = timezone.localdate()
    recent = make_signal(municipality, at=1, signal_date=today - dt.timedelta(days=30))
    ancient = make_signal(municipality, at=2, signal_date=today - dt.timedelta(days=400))
    RecurrenceFact.objects.all().delete()  # as before the migration
    migration = importlib.import_module("signals.migrations.0012_recurrence_facts")
    migration.backfill(apps, None)
    assert list(RecurrenceFact.objects.values_list("signal_ref", flat=True)) == [recent.pk]
    assert_one_fact_each([recent])
    assert not RecurrenceFact.objects.filter(signal_ref=ancient.pk).exists()


def test_the_rehash_command_reports_in_dutch(settings, municipality):
    kept = make_signal(municipality, at=1)
    settings.AUDIT_HASH_KEY = "nog-een-nieuwe-sleutel-van-minstens-tweeendertig-tekens"
    out = io.StringIO()
    call_command("rehash_recurrence_facts", stdout=out)
    assert out.getvalue().strip() == "1 herhalingsfeiten opnieuw gehasht met de huidige sleutel."
    assert RecurrenceFact.objects.get(signal_ref=kept.pk).address_hash == recurrence.address_hash(kept.address_key)
