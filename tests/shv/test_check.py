"""The SHV check: bekend (a running product), nazorg (end decision < 6 months ago), onbekend."""
import datetime as dt
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from shv.adapters import HttpAdapter, RegisterAdapter, ShvProductRecord, get_adapter
from shv.models import ShvRegistration
from shv.services import ShvStatus, shv_check, shv_decide
from vroegsignalering.common.dates import add_months
from vroegsignalering.common.vocab import Outcome

TODAY = dt.date(2026, 11, 22)
BSN = "999997646"  # a test person of the official BRP mock (passes the elfproef)


def record(product="budgetbeheer", start=dt.date(2025, 1, 6), end=None) -> ShvProductRecord:
    return ShvProductRecord(product, start, end)


def decide(*records, today=TODAY):
    return shv_decide(records, today=today, source="register")


# --- The decision (pure) ---------------------------------------------------------------------


@pytest.mark.parametrize("product", ["budgetbeheer", "schuldregeling", "budgetcoaching", "nazorg", "stabilisatie"])
def test_a_running_product_is_bekend(product):
    result = decide(record(product))
    assert result.status == ShvStatus.BEKEND
    assert result.product == product
    assert result.outcome == Outcome.BEKEND_BIJ_SHV


def test_an_end_decision_still_ahead_is_running():
    assert decide(record(end=TODAY + dt.timedelta(days=1))).status == ShvStatus.BEKEND


def test_a_product_starting_later_is_bekend():
    assert decide(record(start=TODAY + dt.timedelta(days=10))).status == ShvStatus.BEKEND


def test_end_decision_five_months_ago_is_nazorg():
    result = decide(record("schuldregeling", end=dt.date(2026, 6, 22)))
    assert result.status == ShvStatus.NAZORG
    assert (result.product, result.end_decision_date) == ("schuldregeling", dt.date(2026, 6, 22))
    assert result.outcome is None  # the aftercare professional makes the offer; no end result yet


def test_end_decision_seven_months_ago_is_onbekend():
    result = decide(record(end=dt.date(2026, 4, 22)))
    assert result.status == ShvStatus.ONBEKEND
    assert result.product == "" and result.outcome is None


@pytest.mark.parametrize(
    ("end", "status"),
    [
        (dt.date(2026, 5, 22), ShvStatus.ONBEKEND),  # exactly 6 months: not "less than"
        (dt.date(2026, 5, 23), ShvStatus.NAZORG),
        (TODAY, ShvStatus.NAZORG),  # ended today
    ],
)
def test_six_month_edge(end, status):
    assert decide(record(end=end)).status == status


def test_six_months_before_the_end_of_a_month_is_clamped():
    assert add_months(dt.date(2026, 8, 31), -6) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2028, 8, 31), -6) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 3, 15), -6) == dt.date(2025, 9, 15)
    today = dt.date(2026, 8, 31)
    assert decide(record(end=dt.date(2026, 2, 28)), today=today).status == ShvStatus.ONBEKEND
    assert decide(record(end=dt.date(2026, 3, 1)), today=today).status == ShvStatus.NAZORG


def test_a_running_product_wins_over_a_recent_end_and_the_latest_start_is_reported():
    result = decide(
        record("schuldregeling", start=dt.date(2024, 1, 1), end=dt.date(2026, 9, 1)),
        record("budgetcoaching", start=dt.date(2025, 3, 1)),
        record("budgetbeheer", start=dt.date(2025, 9, 1)),
    )
    assert (result.status, result.product) == (ShvStatus.BEKEND, "budgetbeheer")


def test_the_most_recent_end_decision_is_reported_for_nazorg():
    result = decide(
        record("budgetcoaching", start=dt.date(2025, 1, 1), end=dt.date(2026, 7, 1)),
        record("schuldregeling", start=dt.date(2023, 1, 1), end=dt.date(2026, 9, 1)),
    )
    assert (result.status, result.product) == (ShvStatus.NAZORG, "schuldregeling")


def test_beschermingsbewind_alone_still_gets_the_offer():
    result = decide(record("beschermingsbewind"))
    assert result.status == ShvStatus.ONBEKEND
    assert result.protective_administration is True
    assert decide(record("beschermingsbewind"), record("budgetbeheer")).status == ShvStatus.BEKEND


def test_no_products_is_onbekend():
    result = decide()
    assert (result.status, result.protective_administration) == (ShvStatus.ONBEKEND, False)


def test_evidence_is_json_with_the_status():
    evidence = decide(record("nazorg", start=dt.date(2025, 1, 6), end=dt.date(2026, 8, 1))).as_evidence()
    assert json.loads(json.dumps(evidence)) == {
        "status": "nazorg",
        "product": "nazorg",
        "startdatum": "2025-01-06",
        "einddatumBeschikking": "2026-08-01",
        "beschermingsbewind": False,
        "peildatum": "2026-11-22",
        "bron": "register",
    }
    assert decide().as_evidence()["product"] is None


# --- shv_check on the imported register ------------------------------------------------------


def register(municipality, bsn=BSN, product="budgetbeheer", start=dt.date(2025, 1, 6), end=None):
    return ShvRegistration.objects.create(
        municipality=municipality, bsn=bsn, product=product, start_date=start, end_decision_date=end,
        imported_at=timezone.now(), source="test.csv",
    )


@pytest.mark.django_db
def test_check_reads_the_municipality_s_register(municipality):
    register(municipality)
    result = shv_check(municipality=municipality, bsn=BSN, today=TODAY)
    assert (result.status, result.source, result.product) == (ShvStatus.BEKEND, "register", "budgetbeheer")
    assert shv_check(municipality=municipality, bsn="999997269", today=TODAY).status == ShvStatus.ONBEKEND


@pytest.mark.django_db
def test_another_municipality_s_register_is_not_consulted(municipality, other_municipality):
    register(other_municipality)  # known to Rotterdam's debt assistance, not to Amsterdam's
    assert shv_check(municipality=municipality, bsn=BSN, today=TODAY).status == ShvStatus.ONBEKEND
    assert shv_check(municipality=other_municipality, bsn=BSN, today=TODAY).status == ShvStatus.BEKEND


@pytest.mark.django_db
def test_check_with_register_rows_over_time(municipality):
    register(municipality, product="schuldregeling", start=dt.date(2023, 3, 1), end=dt.date(2026, 6, 22))
    assert shv_check(municipality=municipality, bsn=BSN, today=TODAY).status == ShvStatus.NAZORG
    assert shv_check(municipality=municipality, bsn=BSN, today=dt.date(2027, 1, 22)).status == ShvStatus.ONBEKEND


@pytest.mark.parametrize("bsn", ["", "12345678", "1234567890", "99999764A", None])
def test_check_needs_a_bsn_of_nine_digits(bsn):
    with pytest.raises(ValueError):
        shv_check(municipality=None, bsn=bsn, today=TODAY)


def test_default_adapter_is_the_register(settings):
    if hasattr(settings, "SHV_ADAPTER"):
        del settings.SHV_ADAPTER
    assert isinstance(get_adapter(), RegisterAdapter)


def test_adapter_from_the_setting(settings):
    settings.SHV_ADAPTER = "shv.adapters.HttpAdapter"
    settings.SHV_HTTP_URL = "http://127.0.0.1:9/shv"
    adapter = get_adapter()
    assert isinstance(adapter, HttpAdapter) and adapter.base_url == "http://127.0.0.1:9/shv"
    settings.SHV_HTTP_URL = ""
    with pytest.raises(ImproperlyConfigured, match="SHV_HTTP_URL"):
        get_adapter()
    settings.SHV_ADAPTER = "shv.adapters.DoesNotExist"
    with pytest.raises(ImproperlyConfigured, match="SHV_ADAPTER"):
        get_adapter()
