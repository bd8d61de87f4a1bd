"""Signals that join cases outside the period grouping: crisis signals (at once), late signals
(after the close) and updated signals (same arrear, higher amount)."""
import datetime as dt
from decimal import Decimal

import pytest

from cases import selectors, services
from cases.history import case_history_text
from cases.models import Case, CaseSignal, CaseStatus, SignalRole, Urgency
from cases.presets import routing_preset_install
from cases.taking import repeat_decision_for
from contacts.models import Reached
from contacts.services import contact_attempt_register
from signals.models import Signal, SignalHistory, SignalStatus
from tests.factories import MunicipalityFactory, UserFactory, aware, make_signal
from vroegsignalering.common.vocab import ContactKind, CreditorKind, Outcome, SignalKind

pytestmark = pytest.mark.django_db
CLOSE = aware(2026, 6, 1, 6)


@pytest.fixture
def gemeente(db):
    municipality = MunicipalityFactory(cbs_code="0100", name="Proefdorp")
    routing_preset_install(municipality=municipality, preset="gemeente4")
    return municipality


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def role_of(signal):
    return CaseSignal.objects.get(signal=signal).role


# --- crisis ---------------------------------------------------------------------------------------


def test_crisis_signal_opens_a_case_at_once_with_its_deadline_across_easter(gemeente):
    signal = make_signal(gemeente, at=1, kind=CreditorKind.DRINKWATER, amount="85", signal_kind=SignalKind.AFSLUITING,
                         signal_date=dt.date(2026, 4, 2), received_at=aware(2026, 4, 2, 15))
    case = services.case_open_for_crisis(signal=signal, now=aware(2026, 4, 2, 15, 1))
    assert case.status == CaseStatus.OPEN and case.is_crisis and case.urgency == Urgency.ACUUT
    # Thursday 2 April 2026: Good Friday and Easter Monday do not count → Tue 7, Wed 8, Thu 9.
    assert case.crisis_due_at == aware(2026, 4, 10, 0)
    assert "uiterlijk donderdag 9 april 2026" in case.crisis_due_basis
    assert (case.period_start, case.period_end) == (dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert case.deadline_at == aware(2026, 4, 30, 0)
    assert case.tray.code == "crisis"
    signal = reload(signal)
    assert signal.status == SignalStatus.IN_MELDING and role_of(signal) == SignalRole.INITIAL
    assert SignalHistory.objects.get(signal=signal).to_status == SignalStatus.IN_MELDING
    # Idempotent: the same signal again returns its case.
    assert services.case_open_for_crisis(signal=signal, now=aware(2026, 4, 2, 16)).pk == case.pk
    assert Case.objects.count() == 1


def test_crisis_deadline_across_kings_day(gemeente):
    signal = make_signal(gemeente, at=1, kind=CreditorKind.HUUR, amount="2400", signal_kind=SignalKind.ONTRUIMING,
                         signal_date=dt.date(2026, 4, 24), received_at=aware(2026, 4, 24, 16))
    case = services.case_open_for_crisis(signal=signal, now=aware(2026, 4, 24, 16))
    assert case.crisis_due_at == aware(2026, 5, 1, 0)  # Tue 28, Wed 29, Thu 30 (Mon 27 is Koningsdag)


def test_crisis_signal_joins_the_open_case_raises_urgency_and_moves_it_to_the_crisis_tray(gemeente):
    make_signal(gemeente, at=1, kind=CreditorKind.ZORGVERZEKERING, amount="250")
    services.period_close(municipality=gemeente, now=CLOSE)
    case = Case.objects.get()
    assert (case.tray.code, case.urgency, case.match_type) == ("brief", Urgency.NORMAAL, "enkelvoudig")
    crisis = make_signal(gemeente, at=1, kind=CreditorKind.GAS, amount="300", signal_kind=SignalKind.EINDELEVERING,
                         signal_date=dt.date(2026, 6, 3), received_at=aware(2026, 6, 3, 9))
    joined = services.case_open_for_crisis(signal=crisis, now=aware(2026, 6, 3, 9, 5))
    assert joined.pk == case.pk and Case.objects.count() == 1
    case = reload(case)
    assert case.is_crisis and case.urgency == Urgency.HOOG and case.crisis_due_at == aware(2026, 6, 9, 0)
    assert (case.match_type, case.amount) == ("meervoudig", Decimal("550.00"))
    assert case.tray.code == "crisis"
    assert role_of(crisis) == SignalRole.CRISIS
    assert case.deadline_at == aware(2026, 6, 29, 0)  # the window does not restart
    reasons = [case_history_text(row) for row in case.history.all()]
    assert any("Urgentie verhoogd naar 'Hoog (eindeleveringssignaal)'" in r for r in reasons)
    assert any(r.startswith("Van bakje Brief naar Crisis.") for r in reasons)


def test_crisis_joining_a_case_in_progress_keeps_its_tray(gemeente):
    make_signal(gemeente, at=1, kind=CreditorKind.ZORGVERZEKERING, amount="250")
    services.period_close(municipality=gemeente, now=CLOSE)
    case = Case.objects.get()
    contact_attempt_register(case=case, kind=ContactKind.BRIEF, at=aware(2026, 6, 2, 10), by=None,
                             now=aware(2026, 6, 2, 10))
    crisis = make_signal(gemeente, at=1, kind=CreditorKind.GAS, amount="300", signal_kind=SignalKind.AFSLUITING,
                         signal_date=dt.date(2026, 6, 3), received_at=aware(2026, 6, 3, 9))
    services.case_open_for_crisis(signal=crisis, now=aware(2026, 6, 3, 9))
    case = reload(case)
    assert case.tray.code == "brief" and case.urgency == Urgency.ACUUT and case.status == CaseStatus.IN_BEHANDELING


def test_crisis_overdue_selector(gemeente):
    signal = make_signal(gemeente, at=1, kind=CreditorKind.HUUR, signal_kind=SignalKind.ONTRUIMING,
                         received_at=aware(2026, 4, 24, 16))
    case = services.case_open_for_crisis(signal=signal, now=aware(2026, 4, 24, 16))
    assert not selectors.cases_crisis_overdue(now=aware(2026, 4, 30, 23, 59)).exists()
    assert list(selectors.cases_crisis_overdue(now=aware(2026, 5, 1, 0))) == [case]
    contact_attempt_register(case=case, kind=ContactKind.HUISBEZOEK, at=aware(2026, 5, 1, 10), by=None,
                             reached=Reached.NEE, now=aware(2026, 5, 1, 10))
    assert not selectors.cases_crisis_overdue(now=aware(2026, 5, 2)).exists()


# --- late signals -----------------------------------------------------------------------------------


def test_late_signal_joins_the_open_case_at_its_address(gemeente):
    make_signal(gemeente, at=1, kind=CreditorKind.ZORGVERZEKERING, amount="250")
    services.period_close(municipality=gemeente, now=CLOSE)
    late = make_signal(gemeente, at=1, kind=CreditorKind.HUUR, amount="400", signal_date=dt.date(2026, 5, 29),
                       received_at=aware(2026, 6, 4, 10))
    case = services.case_join_late_signal(signal=late, now=aware(2026, 6, 4, 10))
    assert case is not None and role_of(late) == SignalRole.LATE
    case = reload(case)
    assert (case.match_type, case.amount) == ("meervoudig", Decimal("650.00"))
    assert case.tray.code == "brief"  # a late signal does not move the case: work may have started
    assert "Later toegevoegd: huur, € 400,00" in case_history_text(case.history.last())


def test_late_signal_without_an_open_case_waits_for_the_next_close(gemeente):
    make_signal(gemeente, at=1)
    services.period_close(municipality=gemeente, now=CLOSE)
    late = make_signal(gemeente, at=2, signal_date=dt.date(2026, 5, 30), received_at=aware(2026, 6, 4))
    assert services.case_join_late_signal(signal=late, now=aware(2026, 6, 4)) is None
    assert reload(late).status == SignalStatus.GECONTROLEERD
    services.period_close(municipality=gemeente, now=aware(2026, 7, 1, 6))
    case = Case.objects.get(case_signals__signal=late)
    assert case.period_end == dt.date(2026, 6, 30)


def test_a_signal_before_its_period_is_closed_is_not_late(gemeente):
    make_signal(gemeente, at=1, kind=CreditorKind.HUUR, signal_kind=SignalKind.ONTRUIMING,
                signal_date=dt.date(2026, 5, 4), received_at=aware(2026, 5, 4))
    services.signals_attach_late(now=aware(2026, 5, 4, 12))  # the sweeper opens the crisis case
    regular = make_signal(gemeente, at=1, signal_date=dt.date(2026, 5, 6))
    assert services.case_join_late_signal(signal=regular, now=aware(2026, 5, 6)) is None
    services.period_close(municipality=gemeente, now=CLOSE)  # joins the crisis case at the close
    assert role_of(regular) == SignalRole.LATE
    assert Case.objects.count() == 1


def test_sweeper_attaches_late_signals_and_forgotten_crisis_signals(gemeente):
    make_signal(gemeente, at=1)
    services.period_close(municipality=gemeente, now=CLOSE)
    make_signal(gemeente, at=1, kind=CreditorKind.HUUR, signal_date=dt.date(2026, 5, 28))
    make_signal(gemeente, at=2, signal_date=dt.date(2026, 5, 28))
    make_signal(gemeente, at=3, signal_date=dt.date(2026, 6, 2))  # June: not late, waits
    make_signal(gemeente, at=4, kind=CreditorKind.GAS, signal_kind=SignalKind.EINDELEVERING,
                signal_date=dt.date(2026, 6, 2))
    counts = services.signals_attach_late(now=aware(2026, 6, 3))
    assert counts == {"crisis": 1, "joined": 1, "waiting": 1}
    assert services.signals_attach_late(now=aware(2026, 6, 3, 1)) == {"waiting": 1}


# --- updated signals and the repeat rule ------------------------------------------------------------


def test_repeat_rule_against_the_database(gemeente):
    first = make_signal(gemeente, at=1, kind=CreditorKind.ZORGVERZEKERING, amount="250", contract="POL-9")
    services.period_close(municipality=gemeente, now=CLOSE)
    case = Case.objects.get()
    same = make_signal(gemeente, at=1, kind=CreditorKind.ZORGVERZEKERING, amount="250", contract="POL-9",
                       signal_date=dt.date(2026, 6, 8), creditor=first.creditor)
    decision = repeat_decision_for(same)
    assert decision.outcome == Outcome.HERHAALDE_MELDING and decision.case_id == case.pk
    higher = make_signal(gemeente, at=1, kind=CreditorKind.ZORGVERZEKERING, amount="310", contract="POL-9",
                         signal_date=dt.date(2026, 6, 9), creditor=first.creditor)
    decision = repeat_decision_for(higher)
    assert decision.outcome is None and decision.case.pk == case.pk
    updated = services.case_update_with_signal(case=decision.case, signal=higher, now=aware(2026, 6, 9, 10))
    assert updated.pk == case.pk and role_of(higher) == SignalRole.UPDATE
    case = reload(case)
    assert (case.match_type, case.amount) == ("enkelvoudig", Decimal("310.00"))
    # Another creditor's contract with the same number is another arrear.
    other = make_signal(gemeente, at=1, kind=CreditorKind.HUUR, amount="100", contract="POL-9")
    assert repeat_decision_for(other) is None


def test_update_for_a_case_that_closed_meanwhile_waits_as_a_new_signal(gemeente):
    first = make_signal(gemeente, at=1, contract="POL-9", amount="200")
    services.period_close(municipality=gemeente, now=CLOSE)
    case = Case.objects.get()
    services.cases_close_expired(now=aware(2026, 6, 29))
    higher = make_signal(gemeente, at=1, contract="POL-9", amount="300", creditor=first.creditor,
                         signal_date=dt.date(2026, 6, 30))
    assert repeat_decision_for(higher) is None  # higher, but its case is closed: a new signal
    assert services.case_update_with_signal(case=case, signal=higher, now=aware(2026, 6, 30)) is None
    assert reload(higher).status == SignalStatus.GECONTROLEERD


def test_period_close_routes_updates_and_address_signals_into_active_cases(gemeente):
    first = make_signal(gemeente, at=1, contract="POL-1", amount="200")
    services.period_close(municipality=gemeente, now=CLOSE)
    worker = UserFactory(municipalities=[gemeente])
    case = Case.objects.get()
    services.cases_close_expired(now=aware(2026, 6, 29))
    services.case_reopen(case=case, reason="Alsnog hulp", by=worker, now=aware(2026, 6, 30))
    update = make_signal(gemeente, at=1, contract="POL-1", amount="260", creditor=first.creditor,
                         signal_date=dt.date(2026, 6, 12))
    other = make_signal(gemeente, at=1, kind=CreditorKind.HUUR, amount="500", signal_date=dt.date(2026, 6, 15))
    result = services.period_close(municipality=gemeente, now=aware(2026, 7, 1, 6))
    assert result.counts["signals_update"] == 1 and result.counts["signals_late"] == 1
    assert (role_of(update), role_of(other)) == (SignalRole.UPDATE, SignalRole.LATE)
    case = reload(case)
    assert (case.match_type, case.amount, case.status) == ("meervoudig", Decimal("760.00"), CaseStatus.HEROPEND)
    assert Case.objects.count() == 1
    assert Signal.objects.filter(status=SignalStatus.GECONTROLEERD).count() == 0


# --- selectors --------------------------------------------------------------------------------------


def test_case_list_is_scoped_to_the_users_municipalities_and_role(gemeente):
    make_signal(gemeente, at=1)
    elders = MunicipalityFactory(cbs_code="0200", name="Elders")
    make_signal(elders, at=2)
    services.period_close(municipality=gemeente, now=CLOSE)
    services.period_close(municipality=elders, now=CLOSE)
    worker = UserFactory(municipalities=[gemeente])
    assert list(selectors.case_list_for_user(worker)) == list(Case.objects.filter(municipality=gemeente))
    both = UserFactory(municipalities=[gemeente, elders], role="teamleider")
    assert selectors.case_list_for_user(both).count() == 2
    for role in ("functioneel_beheerder", "auditor", "vastelastenpartner"):
        assert not selectors.case_list_for_user(UserFactory(municipalities=[gemeente], role=role)).exists()
    other_case = Case.objects.get(municipality=elders)
    assert selectors.case_get_for_user(worker, other_case.pk) is None
