"""Recidive keeps working after the purge (ADR 0011): the period close and a crisis signal find the
address's earlier signals in the recurrence facts, also when the signals themselves are destroyed;
and the retention term may not be shorter than the terms of the repeat rule and of reopening."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Municipality
from cases import deadlines, services
from cases.admin import MunicipalityRoutingForm
from cases.models import Case, CasePolicy
from cases.presets import routing_preset_install
from signals.models import Signal, SignalStatus
from signals.services import recurrence_facts_expire
from tests.auth import login
from tests.factories import MunicipalityFactory, UserFactory, aware, make_signal
from vroegsignalering.common.vocab import SignalKind

pytestmark = pytest.mark.django_db

MAY = deadlines.Period(dt.date(2026, 5, 1), dt.date(2026, 5, 31))
CLOSE = aware(2026, 6, 1, 6)  # the close of May; recidive window 1 November 2025 – 30 April 2026


@pytest.fixture
def gemeente(db):
    return MunicipalityFactory(cbs_code="0100", name="Proefdorp", inhabitants=40_000)


def purge(*signals):
    """What the purge does to the signals themselves (their facts stay)."""
    Signal.objects.filter(pk__in=[s.pk for s in signals]).delete()


def earlier(municipality, at, day):
    """An earlier signal at address ``at`` that ended at intake (not picked up)."""
    return make_signal(municipality, at=at, signal_date=day, status=SignalStatus.AFGEHANDELD)


def case_at(municipality, at) -> Case:
    signal = make_signal(municipality, at=at, signal_date=dt.date(2026, 5, 12))
    services.period_close(municipality=municipality, now=CLOSE)
    return Case.objects.get(case_signals__signal=signal)


def test_recidive_is_found_from_the_facts_after_the_earlier_signals_are_purged(gemeente):
    history = [earlier(gemeente, 1, dt.date(2026, 1, 15)), earlier(gemeente, 1, dt.date(2025, 12, 2))]
    purge(*history)
    assert not Signal.objects.filter(pk__in=[s.pk for s in history]).exists()
    assert case_at(gemeente, 1).recidive is True


def test_an_expired_fact_no_longer_makes_a_case_recidive(gemeente):
    # On the window's first day: kept through 15 June 2026 (7 months and 14 days); a day later: through the 16th.
    purge(earlier(gemeente, 1, dt.date(2025, 11, 1)), earlier(gemeente, 2, dt.date(2025, 11, 2)))
    assert recurrence_facts_expire(dt.date(2026, 6, 15)) == 0
    assert recurrence_facts_expire(dt.date(2026, 6, 16)) == 1
    signals = [make_signal(gemeente, at=n, signal_date=dt.date(2026, 5, 12)) for n in (1, 2)]
    services.period_close(municipality=gemeente, now=aware(2026, 6, 16, 6))  # a close of May that ran very late
    assert [Case.objects.get(case_signals__signal=s).recidive for s in signals] == [False, True]


def test_a_fact_of_another_municipality_or_another_address_does_not_count(gemeente):
    elders = MunicipalityFactory(cbs_code="0200", name="Elders")
    purge(earlier(elders, 1, dt.date(2026, 2, 10)), earlier(gemeente, 2, dt.date(2026, 2, 10)),
          earlier(gemeente, 3, dt.date(2026, 2, 10)))
    # Address 1 had a signal in another municipality; address 4 had none (2 and 3 are neighbours in the facts).
    signals = [make_signal(gemeente, at=n, signal_date=dt.date(2026, 5, 12)) for n in (1, 4)]
    services.period_close(municipality=gemeente, now=CLOSE)
    assert [Case.objects.get(case_signals__signal=s).recidive for s in signals] == [False, False]


@pytest.mark.parametrize(("day", "recidive"), [
    (dt.date(2025, 10, 31), False),  # the day before the window
    (dt.date(2025, 11, 1), True),    # the window's first day: the period's first day minus six months
    (dt.date(2026, 4, 30), True),    # the window's last day: the day before the period
    (dt.date(2026, 5, 1), False),    # the period itself
])
def test_the_window_boundaries_hold_when_read_from_the_facts(gemeente, day, recidive):
    purge(earlier(gemeente, 1, day))
    assert case_at(gemeente, 1).recidive is recidive


def test_a_cases_own_signals_never_count_even_from_their_facts(gemeente):
    # A checked signal from April waited (no case to join) and is matched at the close of May,
    # together with May's: its own fact lies in the window, and must not make its case recidive.
    april = make_signal(gemeente, at=1, signal_date=dt.date(2026, 4, 20))
    case = case_at(gemeente, 1)
    assert set(case.case_signals.values_list("signal_id", flat=True)) >= {april.pk}
    assert case.recidive is False


def test_a_crisis_signal_opens_a_recidive_case_after_the_purge(gemeente):
    routing_preset_install(municipality=gemeente, preset="gemeente4")
    purge(earlier(gemeente, 1, dt.date(2026, 3, 3)))
    crisis = make_signal(gemeente, at=1, signal_date=dt.date(2026, 6, 10), signal_kind=SignalKind.AFSLUITING)
    case = services.case_open_for_crisis(signal=crisis, now=aware(2026, 6, 10, 10))
    assert case.recidive is True
    other = make_signal(gemeente, at=2, signal_date=dt.date(2026, 6, 10), signal_kind=SignalKind.AFSLUITING)
    assert services.case_open_for_crisis(signal=other, now=aware(2026, 6, 10, 10)).recidive is False


# --- the retention term covers the repeat rule and reopening -------------------------------------------------


def test_the_case_policy_page_refuses_a_repeat_window_longer_than_the_retention_term(client, gemeente):
    gemeente.retention_months = 4
    gemeente.save()
    policy = CasePolicy.objects.create(municipality=gemeente)
    login(client, UserFactory(role="functioneel_beheerder", municipalities=[gemeente]))
    url = f"/beheer/cases/casepolicy/{policy.pk}/change/"
    data = {"municipality": gemeente.pk, "repeat_window_months": 5, "reopen_term_months": 6, "default_tray": ""}
    page = client.post(url, data).content.decode()
    assert ("De termijn herhaalde melding (5 maanden) kan niet langer zijn dan de bewaartermijn van de gemeente "
            "(4 maanden)") in page
    assert "De termijn heropenen (6 maanden) kan niet langer zijn" in page
    assert client.post(url, {**data, "repeat_window_months": 4, "reopen_term_months": 4}).status_code == 302
    policy.refresh_from_db()
    assert (policy.repeat_window_months, policy.reopen_term_months) == (4, 4)


def municipality_form(municipality, **changes):
    data = {"cbs_code": municipality.cbs_code, "name": municipality.name, "inhabitants": municipality.inhabitants,
            "period_closing_day": "", "threshold_amount": "0", "threshold_exempt_kinds": [],
            "arrear_age_windows": "{}", "retention_months": municipality.retention_months,
            "retention_months_help_accepted": municipality.retention_months_help_accepted, **changes}
    return MunicipalityRoutingForm(data=data, instance=municipality)


def test_the_municipality_page_refuses_a_retention_term_shorter_than_the_policys_terms(gemeente):
    CasePolicy.objects.create(municipality=gemeente, repeat_window_months=5, reopen_term_months=2)
    form = municipality_form(gemeente, retention_months=4)
    assert not form.is_valid()
    assert form.errors["retention_months"] == [
        "De bewaartermijn kan niet korter zijn dan de termijn herhaalde melding (5 maanden) in het meldingenbeleid: "
        "die lezen signalen en meldingen die dan al vernietigd zijn. Verkort eerst die termijn(en) en sla op, of "
        "kies een langere bewaartermijn."]
    assert municipality_form(gemeente, retention_months=5).is_valid()


def test_without_a_policy_the_default_terms_count(gemeente):
    form = municipality_form(gemeente, retention_months=2)  # the defaults: 3 months each
    assert not form.is_valid()
    assert "de termijn herhaalde melding (3 maanden) en de termijn heropenen (3 maanden)" in \
        form.errors["retention_months"][0]


def test_the_operator_commands_refuse_and_change_nothing(gemeente):
    with pytest.raises(CommandError, match="termijn herhaalde melding"):
        call_command("configure_municipality", "0100", "--bewaartermijn-maanden", "2")
    assert Municipality.objects.get(pk=gemeente.pk).retention_months == 6
    with pytest.raises(CommandError, match="termijn heropenen"):
        call_command("configure_municipality", "0100", "--termijn-heropenen", "9")
    with pytest.raises(CommandError, match="termijn heropenen"):
        call_command("create_municipality", "0300", "Nieuwdorp", "--bewaartermijn-maanden", "2")
    assert not Municipality.objects.filter(cbs_code="0300").exists()


def test_the_policy_service_checks_the_term_as_stored_now(gemeente):
    services.case_policy_update(municipality=gemeente, repeat_window_months=6)
    Municipality.objects.filter(pk=gemeente.pk).update(retention_months=5)
    with pytest.raises(ValidationError) as refused:
        services.case_policy_update(municipality=gemeente, reopen_term_months=2)  # gemeente is stale: 6 months
    assert "repeat_window_months" in refused.value.message_dict
