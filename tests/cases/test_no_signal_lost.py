"""No configuration leaves a signal without its end (issue 9, point 5).

Every routing preset, an empty configuration and broken ones (capacity 0 everywhere, every tray
deactivated, rules that match nothing, the default tray deleted) run a generated month through the
whole path: intake → checks against the fake BRP (fallout decided by a person) → period close →
late signals → day 28 → next period close → day 28. Each signal ends with exactly one DDAS end
result and exactly one creditor feedback with the code of that end result; a resident known to
debt assistance always yields ``bekend_bij_schuldhulpverlening``.
"""
import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Municipality
from cases import deadlines, services
from cases.models import Case, CasePolicy, CaseStatus, RoutingRule, Tray
from cases.presets import PRESETS, routing_preset_install
from demo import deliveries, generator, population
from feedback.models import FeedbackEvent
from feedback.services import feedback_code
from shv.models import ShvRegistration
from signals.checks import run_checks
from signals.fallout import fallout_decide
from signals.models import FalloutDecision, Signal, SignalStatus
from signals.services import delivery_create
from tests.factories import UserFactory
from vroegsignalering.common.vocab import CreditorKind, Outcome, ShvStatus

pytestmark = pytest.mark.django_db
S = SignalStatus
MONTH = "2026-10"


def _empty(municipality):
    """No trays, no rules, no policy: a municipality created without routing."""


def _preset(key):
    def configure(municipality):
        routing_preset_install(municipality=municipality, preset=key)
    configure.__name__ = key
    return configure


def _capacity_zero(municipality):
    routing_preset_install(municipality=municipality, preset="gemeente4")
    Tray.objects.filter(municipality=municipality).update(monthly_capacity=0)


def _trays_deactivated(municipality):
    routing_preset_install(municipality=municipality, preset="gemeente6")
    Tray.objects.filter(municipality=municipality).update(is_active=False)


def _rules_match_nothing(municipality):
    tray = Tray.objects.create(municipality=municipality, code="nooit", name="Nooit")
    RoutingRule.objects.create(municipality=municipality, position=1, name="Niets", tray=tray,
                               amount_gt=10**6, amount_lt=1)


def _default_tray_deleted(municipality):
    routing_preset_install(municipality=municipality, preset="gemeente4")
    brief = Tray.objects.get(municipality=municipality, code="brief")
    RoutingRule.objects.filter(tray=brief).delete()
    brief.delete()
    assert CasePolicy.objects.get(municipality=municipality).default_tray is None


def _tray_codes_reused(municipality):
    """An operator gave the codes the routing uses on demand to trays of their own: ``schuldhulpverlening``
    is a plain intake tray every case goes to, ``algemeen`` closes at once as "andere reden"."""
    intake = Tray.objects.create(municipality=municipality, code="schuldhulpverlening", name="Intake schuldhulp")
    Tray.objects.create(municipality=municipality, code="algemeen", name="Algemeen afwijzen",
                        end_outcome=Outcome.ANDERE_REDEN)
    RoutingRule.objects.create(municipality=municipality, position=1, name="Alles naar intake", tray=intake)


CONFIGURATIONS = [_empty, _tray_codes_reused, *(_preset(key) for key in sorted(PRESETS)), _capacity_zero,
                  _trays_deactivated, _rules_match_nothing, _default_tray_deleted]


def _deliver(payloads):
    creditors = deliveries.demo_creditors()
    for payload in payloads:
        _, results = delivery_create(creditor=creditors[payload["soortVasteLast"]], items=[payload])
        assert results[0].status == "ontvangen", results[0]


def _check_all(reviewer, now):
    for signal_id in Signal.objects.filter(status=S.ONTVANGEN).order_by("pk").values_list("pk", flat=True):
        run_checks(signal_id=signal_id, now=now)
    # Fallout: a person decides (the first candidate, else not picked up); then the checks go on.
    for attempt in range(3):
        for signal in Signal.objects.filter(status=S.UITVAL).order_by("pk"):
            candidates = signal.brp_evidence.get("kandidaten") or []
            if candidates and attempt == 0:
                fallout_decide(signal_id=signal.pk, decided_by=reviewer, decision=FalloutDecision.Choice.PERSON,
                               bsn=candidates[0]["bsn"], now=now)
                run_checks(signal_id=signal.pk, now=now)
            else:
                fallout_decide(signal_id=signal.pk, decided_by=reviewer,
                               decision=FalloutDecision.Choice.NOT_PICKED_UP, reason="Niet te vinden.", now=now)
    assert not Signal.objects.filter(status__in=[S.ONTVANGEN, S.IN_CONTROLE, S.WACHT_OP_BRP, S.UITVAL]).exists()


def _register_shv(brp, municipality, payloads, every: int = 3):
    """Every ``every``-th signalled household is known to debt assistance (all its members)."""
    now = timezone.now()
    seen = []
    for payload in payloads:
        address = (payload["adres"]["postcode"], payload["adres"]["huisnummer"])
        if address not in seen:
            seen.append(address)
    known = set()
    for postcode, number in seen[::every]:
        home = population.household_at("0518", municipality.inhabitants, postcode, number)
        if home is None:
            continue
        for person in home.persons:
            ShvRegistration.objects.get_or_create(
                municipality=municipality, bsn=brp.bsn_for(person), product="schuldregeling",
                start_date=dt.date(2026, 1, 5), defaults={"imported_at": now, "source": "test"})
            known.add(brp.bsn_for(person))
    return known


@pytest.mark.parametrize("configure", CONFIGURATIONS, ids=lambda f: f.__name__.strip("_"))
def test_every_signal_ends_exactly_once_with_its_feedback(brp, configure):
    municipality = Municipality.objects.create(cbs_code="0518", name="'s-Gravenhage", inhabitants=566_221)
    configure(municipality)
    municipality.refresh_from_db()
    reviewer = UserFactory(municipalities=[municipality])
    payloads = generator.generate_month("0518", municipality.inhabitants, MONTH, seed=0, scale=0.02,
                                        place="'s-Gravenhage")
    period = deadlines.period_for(dt.date.fromisoformat(f"{MONTH}-15"), municipality.period_closing_day)
    late = payloads[-6:]  # these arrive after the period close, dated in the closed period
    known = _register_shv(brp, municipality, payloads)
    assert known

    _deliver(payloads[:-6])
    _check_all(reviewer, now=deadlines.start_of_day(period.end))
    close = deadlines.start_of_day(period.end + dt.timedelta(days=1)) + dt.timedelta(hours=6, minutes=30)
    services.period_close(municipality=municipality, now=close)

    _deliver(late)
    _check_all(reviewer, now=close + dt.timedelta(days=2))
    services.signals_attach_late(now=close + dt.timedelta(days=2, minutes=15))
    services.cases_close_expired(now=close + dt.timedelta(days=29))
    following = deadlines.period_for(period.end + dt.timedelta(days=1), municipality.period_closing_day)
    next_close = deadlines.start_of_day(following.end + dt.timedelta(days=1)) + dt.timedelta(hours=6, minutes=30)
    services.period_close(municipality=municipality, now=next_close)
    services.cases_close_expired(now=next_close + dt.timedelta(days=29))

    signals = list(Signal.objects.filter(forwarded_from__isnull=True).select_related("case_link__case"))
    assert len(signals) == len(payloads)
    shv_known = 0
    for case in Case.objects.filter(outcome=Outcome.BEKEND_BIJ_SHV):  # never said of a household not known
        assert any(link.signal.shv_evidence.get("status") == ShvStatus.BEKEND
                   for link in case.case_signals.select_related("signal")), case.pk
    if configure is _tray_codes_reused:  # the operator's trays are left as they were, and only they
        trays = {t.code: t for t in Tray.objects.filter(municipality=municipality)}
        assert (trays["schuldhulpverlening"].end_outcome, trays["algemeen"].end_outcome) == ("", Outcome.ANDERE_REDEN)
        assert trays["schuldhulpverlening-2"].end_outcome == Outcome.BEKEND_BIJ_SHV
        assert not Case.objects.filter(tray=trays["algemeen"]).exists()
    for signal in signals:
        if signal.status == S.IN_MELDING:
            case = signal.case_link.case
            assert case.status == CaseStatus.GESLOTEN and case.tray is not None, (signal.signal_id, case.status)
            assert case.tray.is_active, f"a case was routed to the deactivated tray {case.tray.name}"
            outcome = case.outcome
        else:
            assert signal.status in (S.AFGEHANDELD, S.DOORGESTUURD), (signal.signal_id, signal.status)
            outcome = signal.outcome
        assert outcome in Outcome.values
        codes = list(FeedbackEvent.objects.filter(signal=signal).values_list("code", flat=True))
        assert codes == [feedback_code(outcome)], (signal.signal_id, outcome, codes)
        if signal.shv_evidence.get("status") == ShvStatus.BEKEND and signal.status == S.IN_MELDING:
            assert codes == ["bekend_bij_schuldhulpverlening"], (signal.signal_id, signal.case_link.case.tray)
            shv_known += 1
    assert shv_known, "the generated month has residents known to debt assistance"


# --- the pieces, without the BRP ------------------------------------------------------------------------

def _join_scenario(configure):
    from tests.factories import aware, make_signal

    municipality = Municipality.objects.create(cbs_code="0101", name="Proefstad")
    configure(municipality)
    worked = make_signal(municipality, at=1, amount="400")
    services.period_close(municipality=municipality, now=aware(2026, 6, 1, 6))
    case = worked.case_link.case
    # Late, at the same address: an updated signal of the same arrear and a housemate's signal, both of
    # residents known to debt assistance; and a crisis signal of such a resident.
    update = make_signal(municipality, at=1, amount="500", contract=worked.contract_number, creditor=worked.creditor,
                         shv="bekend", signal_date=dt.date(2026, 5, 30))
    housemate = make_signal(municipality, at=1, kind=CreditorKind.HUUR, shv="bekend",
                            signal_date=dt.date(2026, 5, 30))
    crisis = make_signal(municipality, at=1, kind=CreditorKind.GAS, shv="bekend", signal_kind="afsluiting",
                         signal_date=dt.date(2026, 6, 2))
    assert services.case_update_with_signal(case=case, signal=update, now=aware(2026, 6, 2)) is None
    assert services.case_join_late_signal(signal=housemate, now=aware(2026, 6, 2)) is None
    services.case_open_for_crisis(signal=crisis, now=aware(2026, 6, 2))
    services.period_close(municipality=municipality, now=aware(2026, 7, 1, 6))
    return case, [update, housemate, crisis]


@pytest.mark.parametrize("configure", [_empty, _preset("gemeente4"), _rules_match_nothing],
                         ids=["empty", "gemeente4", "rules_match_nothing"])
def test_a_resident_known_to_debt_assistance_never_joins_a_case_being_worked(configure):
    from cases.models import Case

    case, known = _join_scenario(configure)
    case = Case.objects.get(pk=case.pk)
    assert case.status == CaseStatus.OPEN and case.case_signals.count() == 1  # the household's work goes on
    for signal in known:
        signal = Signal.objects.select_related("case_link__case__tray").get(pk=signal.pk)
        other = signal.case_link.case
        assert other.pk != case.pk and other.outcome == Outcome.BEKEND_BIJ_SHV and other.tray.is_active
        assert list(FeedbackEvent.objects.filter(signal=signal).values_list("code", flat=True)) == [
            "bekend_bij_schuldhulpverlening"]


def test_a_rule_pointing_at_another_municipalitys_tray_does_not_stop_the_period_close():
    from tests.factories import aware, make_signal

    here = Municipality.objects.create(cbs_code="0102", name="Hier")
    there = Municipality.objects.create(cbs_code="0103", name="Daar")
    foreign = Tray.objects.create(municipality=there, code="daar", name="Daar")
    RoutingRule.objects.create(municipality=here, position=1, name="Verkeerd bakje", tray=foreign)
    signal = make_signal(here, at=1)
    result = services.period_close(municipality=here, now=aware(2026, 6, 1, 6))
    assert result.counts["cases_opened"] == 1
    signal.refresh_from_db()
    assert signal.case_link.case.tray.municipality_id == here.pk
