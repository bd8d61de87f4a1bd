"""Every DDAS end result issues the one feedback code of DESIGN.md's table, in the transaction that
ends the signal or closes the case, to each signal's own creditor, with nothing else in it."""
import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import transaction

from cases import services as case_services
from cases.exceptions import CaseActionError
from cases.models import Case, CasePolicy, CaseStatus, Tray
from feedback.models import FeedbackCode, FeedbackEvent
from feedback.services import feedback_code
from signals import checks, transitions
from signals.fallout import fallout_decide
from signals.models import FalloutDecision, SignalStatus
from tests.auth import login
from tests.factories import creditor_for, make_signal, open_case, reach
from tests.feedback.helpers import DAY_28, NOW
from vroegsignalering.common.vocab import CreditorKind, Outcome

pytestmark = pytest.mark.django_db

# DESIGN.md's table, written out independently of the code's table.
EXPECTED = {
    Outcome.HERHAALDE_MELDING: "niet_opgepakt_herhaalde_melding",
    Outcome.ONTERECHT_SIGNAAL: "niet_opgepakt_onterecht_signaal",
    Outcome.ANDERE_REDEN: "niet_opgepakt",
    Outcome.OVERLEDEN: "overleden",
    Outcome.GEEN_INWONER: "geen_inwoner",
    Outcome.BEKEND_BIJ_SHV: "bekend_bij_schuldhulpverlening",
    Outcome.QUICK_FIX: "hulp_geaccepteerd",
    Outcome.VERVOLGHULP: "hulp_geaccepteerd",  # new in DDAS v1.2
    Outcome.VERVOLGHULP_FINANCIEEL: "hulp_geaccepteerd",
    Outcome.VERVOLGHULP_NIET_FINANCIEEL: "hulp_geaccepteerd",
    Outcome.GEEN_HULP_GEWENST: "afgesloten",  # without the resident's recorded consent (see test_closing_details)
    Outcome.ZELF_BETAALD: "afgesloten",
    Outcome.GEEN_REACTIE_NA_CONTACT: "afgesloten",
    Outcome.ANDER_TRAJECT: "afgesloten",
    Outcome.GEEN_CONTACT: "afgesloten",
    Outcome.VERWIJZING_ZONDER_CONTACT: "afgesloten",
}
SIGNAL_ENDS = [Outcome.HERHAALDE_MELDING, Outcome.ONTERECHT_SIGNAAL, Outcome.ANDERE_REDEN, Outcome.OVERLEDEN,
               Outcome.GEEN_INWONER]
CASE_CLOSES = [o for o in Outcome if o not in SIGNAL_ENDS and o != Outcome.BEKEND_BIJ_SHV]
FIELDS = {"id", "public_id", "signal", "creditor_signal_id", "creditor", "municipality", "code", "issued_at", "date",
          "collection_pause_until", "seq"}


def test_the_table_covers_all_16_end_results_and_only_contract_codes():
    assert set(EXPECTED) == set(Outcome)
    assert {feedback_code(o) for o in Outcome} <= set(FeedbackCode.values)
    assert len(FeedbackCode.values) == 9
    assert feedback_code(Outcome.GEEN_HULP_GEWENST, consent=True) == "geen_hulp_gewenst"
    for outcome in Outcome:
        if outcome != Outcome.GEEN_HULP_GEWENST:
            assert feedback_code(outcome, consent=True) == EXPECTED[outcome]


def test_an_event_holds_nothing_but_the_whitelist():
    assert {f.name for f in FeedbackEvent._meta.concrete_fields} | {"public_id"} == FIELDS | {"id"}


@pytest.mark.parametrize("outcome", SIGNAL_ENDS, ids=lambda o: o.name)
def test_signal_ended_by_the_checks(outcome, municipality, creditor):
    signal = make_signal(municipality, status=SignalStatus.IN_CONTROLE, creditor=creditor)
    with transaction.atomic():
        transitions.signal_end(signal, outcome, NOW, params={"reason": "test"})
    event = FeedbackEvent.objects.get()
    assert (event.signal_id, event.creditor_id, event.municipality_id) == (signal.pk, creditor.pk, municipality.pk)
    assert event.code == EXPECTED[outcome]
    assert event.date == dt.date(2026, 6, 10) and event.collection_pause_until is None


@pytest.mark.parametrize(("choice", "outcome"), [(FalloutDecision.Choice.NOT_RESIDENT, Outcome.GEEN_INWONER),
                                                 (FalloutDecision.Choice.NOT_PICKED_UP, Outcome.ANDERE_REDEN)])
def test_signal_ended_by_a_fallout_reviewer(choice, outcome, municipality, creditor, worker):
    signal = make_signal(municipality, status=SignalStatus.UITVAL, creditor=creditor)
    fallout_decide(signal_id=signal.pk, decided_by=worker, decision=choice, reason="Gedetineerd", now=NOW)
    assert list(FeedbackEvent.objects.values_list("signal_id", "code")) == [(signal.pk, EXPECTED[outcome])]


def test_forwarded_signal_is_geen_inwoner_and_its_copy_never_reports(municipality, creditor):
    signal = make_signal(municipality, status=SignalStatus.IN_CONTROLE, creditor=creditor)
    decision = SimpleNamespace(municipality_code="9999", new_address=None, bsn="")
    with transaction.atomic():
        checks._forward(signal, None, decision, NOW)
    assert list(FeedbackEvent.objects.values_list("signal_id", "code")) == [(signal.pk, "geen_inwoner")]


def test_a_forwarded_copy_ending_issues_nothing(municipality, creditor):
    original = make_signal(municipality, status=SignalStatus.DOORGESTUURD, creditor=creditor)
    copy = make_signal(municipality, status=SignalStatus.IN_CONTROLE, creditor=creditor)
    copy.forwarded_from = original
    copy.save(update_fields=["forwarded_from"])
    with transaction.atomic():
        transitions.signal_end(copy, Outcome.OVERLEDEN, NOW, params={"reason": "test"})
    assert not FeedbackEvent.objects.exists()


@pytest.mark.parametrize("outcome", CASE_CLOSES, ids=lambda o: o.name)
def test_case_closed_by_a_worker(outcome, municipality, worker):
    case = open_case(municipality, {"kind": CreditorKind.HUUR}, {"kind": CreditorKind.ZORGVERZEKERING})
    reach(case, worker)
    assert not FeedbackEvent.objects.exists()
    case_services.case_close(case=case, outcome=outcome, by=worker, now=NOW)
    events = list(FeedbackEvent.objects.select_related("signal").order_by("pk"))
    assert len(events) == 2  # one per signal, each to that signal's own creditor
    assert {e.creditor_id for e in events} == {creditor_for(CreditorKind.HUUR).pk,
                                                creditor_for(CreditorKind.ZORGVERZEKERING).pk}
    for event in events:
        assert event.creditor_id == event.signal.creditor_id
        assert event.code == EXPECTED[outcome]
        assert event.date == dt.date(2026, 6, 10)
        expected_pause = dt.date(2026, 7, 10) if EXPECTED[outcome] == "hulp_geaccepteerd" else None
        assert event.collection_pause_until == expected_pause


def test_shv_tray_closes_at_routing_with_bekend_bij_schuldhulpverlening(municipality):
    tray = Tray.objects.create(municipality=municipality, code="shv", name="SHV",
                               end_outcome=Outcome.BEKEND_BIJ_SHV)
    CasePolicy.objects.create(municipality=municipality, default_tray=tray)
    case = open_case(municipality, {"kind": CreditorKind.HUUR}, {"kind": CreditorKind.GAS})
    assert case.status == CaseStatus.GESLOTEN
    events = FeedbackEvent.objects.all()
    assert sorted(events.values_list("code", flat=True)) == ["bekend_bij_schuldhulpverlening"] * 2
    assert {e.signal_id for e in events} == set(case.case_signals.values_list("signal_id", flat=True))


def test_day_28_closure_issues_afgesloten_for_each_signal(municipality, worker):
    case = open_case(municipality, {"kind": CreditorKind.HUUR}, {"kind": CreditorKind.DRINKWATER})
    case_services.cases_close_expired(now=DAY_28 - dt.timedelta(minutes=1))
    assert not FeedbackEvent.objects.exists()
    case_services.cases_close_expired(now=DAY_28 + dt.timedelta(hours=2))
    assert Case.objects.get(pk=case.pk).outcome == Outcome.GEEN_CONTACT
    assert list(FeedbackEvent.objects.values_list("code", "date")) == [("afgesloten", dt.date(2026, 6, 29))] * 2
    case_services.cases_close_expired(now=DAY_28 + dt.timedelta(days=2))
    assert FeedbackEvent.objects.count() == 2  # idempotent


def test_a_reopened_case_closing_again_issues_a_superseding_event(municipality, worker):
    case = open_case(municipality, {"kind": CreditorKind.HUUR})
    reach(case, worker)
    case_services.case_close(case=case, outcome=Outcome.GEEN_HULP_GEWENST, by=worker, now=NOW)
    case_services.case_reopen(case=case, reason="Belde alsnog", by=worker, now=NOW + dt.timedelta(days=20))
    assert FeedbackEvent.objects.count() == 1
    case_services.case_close(case=case, outcome=Outcome.VERVOLGHULP_FINANCIEEL, by=worker,
                             now=NOW + dt.timedelta(days=21))
    assert list(FeedbackEvent.objects.order_by("pk").values_list("code", "collection_pause_until")) == [
        ("afgesloten", None), ("hulp_geaccepteerd", dt.date(2026, 7, 31))]  # 1 July + 30 days


def test_a_refused_close_issues_nothing(municipality, worker):
    case = open_case(municipality, {"kind": CreditorKind.HUUR})
    with pytest.raises(CaseActionError, match="bereikt"):
        case_services.case_close(case=case, outcome=Outcome.QUICK_FIX, by=worker, now=NOW)
    assert not FeedbackEvent.objects.exists()


def test_no_event_without_its_cause(municipality, worker):
    case = open_case(municipality, {"kind": CreditorKind.HUUR})
    reach(case, worker)
    with pytest.raises(RuntimeError), transaction.atomic():
        case_services.case_close(case=case, outcome=Outcome.QUICK_FIX, by=worker, now=NOW)
        raise RuntimeError("the closing transaction rolls back")
    assert not FeedbackEvent.objects.exists()
    assert Case.objects.get(pk=case.pk).status != CaseStatus.GESLOTEN


def test_admin_lists_only_the_administrators_municipalities(client, municipality, creditor):
    from accounts.models import Role
    from tests.factories import MunicipalityFactory, UserFactory

    utrecht = MunicipalityFactory(cbs_code="0344", name="Utrecht")
    here = make_signal(municipality, status=SignalStatus.IN_CONTROLE, creditor=creditor)
    there = make_signal(utrecht, status=SignalStatus.IN_CONTROLE, creditor=creditor)
    with transaction.atomic():
        transitions.signal_end(here, Outcome.OVERLEDEN, NOW, params={"reason": "test"})
        transitions.signal_end(there, Outcome.OVERLEDEN, NOW, params={"reason": "test"})
    login(client, UserFactory(role=Role.FUNCTIONEEL_BEHEERDER, is_staff=True, municipalities=[municipality]))
    page = client.get("/beheer/feedback/feedbackevent/")
    assert page.status_code == 200
    assert str(here) in page.content.decode() and str(there) not in page.content.decode()
