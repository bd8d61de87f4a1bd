"""When personal data are destroyed (cases.retention), and the case page saying so (issue 12, items 4 and 6)."""
import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Role
from cases.models import CaseStatus, FollowUp
from cases.retention import (
    case_destroy_on,
    cases_expired,
    last_expired_day,
    signal_destroy_on,
    signals_expired_ended,
    signals_expired_never_ended,
)
from signals.models import SignalStatus
from tests.auth import login
from tests.factories import MunicipalityFactory, UserFactory, make_case, make_signal
from tests.factories.dates import aware
from vroegsignalering.common.vocab import Outcome

pytestmark = pytest.mark.django_db


def _closed(municipality, *, at, outcome=Outcome.GEEN_CONTACT, status=CaseStatus.GESLOTEN):
    case = make_case(municipality, status=status, outcome=outcome)
    type(case).objects.filter(pk=case.pk).update(closed_at=at)
    case.refresh_from_db()
    return case


def test_a_closed_case_is_destroyed_on_its_closing_day_plus_the_term():
    town = MunicipalityFactory(retention_months=6, retention_months_help_accepted=12)
    case = _closed(town, at=aware(2026, 3, 10, 15))
    assert case_destroy_on(case) == dt.date(2026, 9, 10)


def test_accepted_help_keeps_the_longer_term():
    town = MunicipalityFactory(retention_months=6, retention_months_help_accepted=12)
    case = _closed(town, at=aware(2026, 3, 10, 15), outcome=Outcome.VERVOLGHULP_FINANCIEEL)
    assert case_destroy_on(case) == dt.date(2027, 3, 10)


@pytest.mark.parametrize("status", [CaseStatus.OPEN, CaseStatus.IN_BEHANDELING, CaseStatus.HEROPEND])
def test_an_active_or_reopened_case_has_no_day(status):
    town = MunicipalityFactory()
    case = _closed(town, at=aware(2025, 1, 10), status=status)
    assert case_destroy_on(case) is None
    assert not cases_expired(town, dt.date(2027, 1, 1)).exists()


def test_a_follow_up_not_yet_due_holds_the_case_until_the_day_after_it_is_due():
    town = MunicipalityFactory(retention_months=1, retention_months_help_accepted=1)
    case = _closed(town, at=aware(2026, 2, 1, 10), outcome=Outcome.QUICK_FIX)
    FollowUp.objects.create(case=case, due_on=dt.date(2026, 3, 3), created_at=case.closed_at)
    assert case_destroy_on(case, [dt.date(2026, 3, 3)]) == dt.date(2026, 3, 4)
    assert not cases_expired(town, dt.date(2026, 3, 3)).exists()
    assert list(cases_expired(town, dt.date(2026, 3, 4))) == [case]


def test_the_boundary_day_nothing_before_it():
    town = MunicipalityFactory(retention_months=6)
    case = _closed(town, at=aware(2026, 3, 10, 23, 30))  # late in the evening, local time
    assert not cases_expired(town, dt.date(2026, 9, 9)).exists()
    assert list(cases_expired(town, dt.date(2026, 9, 10))) == [case]


def test_month_ends_clamp_like_the_calendar():
    assert last_expired_day(dt.date(2026, 2, 28), 1) == dt.date(2026, 1, 31)
    assert last_expired_day(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert last_expired_day(dt.date(2026, 9, 10), 6) == dt.date(2026, 3, 10)


def test_a_signal_ended_without_a_case_follows_its_outcome_date():
    town = MunicipalityFactory(retention_months=6)
    signal = make_signal(town, status=SignalStatus.AFGEHANDELD)
    type(signal).objects.filter(pk=signal.pk).update(outcome_at=aware(2026, 4, 2), outcome=Outcome.ONTERECHT_SIGNAAL)
    signal.refresh_from_db()
    assert signal_destroy_on(signal) == dt.date(2026, 10, 2)
    assert not signals_expired_ended(town, dt.date(2026, 10, 1)).exists()
    assert list(signals_expired_ended(town, dt.date(2026, 10, 2))) == [signal]


def test_a_signal_in_a_case_goes_with_its_case():
    town = MunicipalityFactory()
    case = make_case(town, kinds=["energie"])
    signal = case.case_signals.get().signal
    assert signal_destroy_on(signal, None, in_case=True) is None
    assert signal_destroy_on(signal, dt.date(2026, 9, 1), in_case=True) == dt.date(2026, 9, 1)
    assert not signals_expired_ended(town, dt.date(2030, 1, 1)).exists()
    assert not signals_expired_never_ended(town, dt.date(2030, 1, 1)).exists()


@pytest.mark.parametrize("status", [SignalStatus.ONTVANGEN, SignalStatus.UITVAL, SignalStatus.WACHT_OP_BRP,
                                    SignalStatus.GECONTROLEERD])
def test_a_signal_that_never_ended_has_a_backstop_from_receipt(status):
    town = MunicipalityFactory(retention_months=6)
    signal = make_signal(town, status=status, received_at=aware(2026, 1, 15))
    assert signal_destroy_on(signal) == dt.date(2026, 7, 15)
    assert not signals_expired_never_ended(town, dt.date(2026, 7, 14)).exists()
    assert list(signals_expired_never_ended(town, dt.date(2026, 7, 15))) == [signal]


def test_the_backstop_is_never_shorter_than_three_months():
    town = MunicipalityFactory(retention_months=1, retention_months_help_accepted=1)
    signal = make_signal(town, status=SignalStatus.GECONTROLEERD, received_at=aware(2026, 1, 15))
    assert signal_destroy_on(signal) == dt.date(2026, 4, 15)


def test_a_forwarded_copy_follows_its_own_municipalitys_term():
    here = MunicipalityFactory(retention_months=6)
    there = MunicipalityFactory(cbs_code="0599", name="Rotterdam", retention_months=12,
                                retention_months_help_accepted=12)
    original = make_signal(here, status=SignalStatus.DOORGESTUURD)
    copy = make_signal(there, status=SignalStatus.AFGEHANDELD)
    type(copy).objects.filter(pk=copy.pk).update(forwarded_from=original, forwarded_copy=True)
    type(original).objects.filter(pk__in=[original.pk, copy.pk]).update(outcome_at=aware(2026, 4, 2))
    original.refresh_from_db()
    copy.refresh_from_db()
    assert signal_destroy_on(original) == dt.date(2026, 10, 2)
    assert signal_destroy_on(copy) == dt.date(2027, 4, 2)


# --- the case page ---------------------------------------------------------------------------------


def _page(client, case):
    worker = UserFactory(role=Role.VROEGSIGNALEERDER, municipalities=[case.municipality])
    login(client, worker)
    response = client.get(reverse("case_detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_case_page_of_a_closed_case_says_the_day(client):
    town = MunicipalityFactory(retention_months=6, retention_months_help_accepted=12)
    case = _closed(town, at=aware(2026, 3, 10, 15), outcome=Outcome.QUICK_FIX)
    assert "Persoonsgegevens worden vernietigd op 10 maart 2027." in _page(client, case)


def test_the_case_page_of_an_open_case_says_how_long_after_closing(client):
    town = MunicipalityFactory(retention_months=6, retention_months_help_accepted=12)
    case = make_case(town)
    html = _page(client, case)
    assert ("Wordt vernietigd 6 maanden nadat de melding sluit (12 maanden als de inwoner hulp aanvaardt)."
            in html)
