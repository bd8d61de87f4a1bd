"""Which plan a case gets and the step records its run starts with (``outreach.planning``)."""
import datetime as dt

import pytest

from cases.models import Case, CaseStatus, ContactField, UnusableContact
from outreach import planning, services
from outreach.models import CaseOutreach, OutreachPlan, SkipReason, StepKind, StepStatus
from tests.factories import aware, make_tray
from tests.outreach.engine_support import STANDARD, make_plan, routed_case
from vroegsignalering.common.vocab import Outcome

MONDAY = aware(2026, 5, 4, 6, 30)  # routed at the period close; day 0 is Monday 4 May 2026


# --- matching (pure) ----------------------------------------------------------------------------------


def _plan(**kwargs):
    return OutreachPlan(municipality_id=1, position=1, name="p", **kwargs)


@pytest.mark.parametrize("plan_kwargs, facts_kwargs, expected", [
    ({}, {}, True),
    ({"contact_usable": "telefoon"}, {"has_phone": True}, True),
    ({"contact_usable": "telefoon"}, {"has_email": True}, False),
    ({"contact_usable": "email"}, {"has_email": True}, True),
    ({"contact_usable": "telefoon_of_email"}, {"has_email": True}, True),
    ({"contact_usable": "telefoon_of_email"}, {}, False),
    ({"age_min": 18, "age_max": 27}, {"age": 27}, True),
    ({"age_min": 18, "age_max": 27}, {"age": 28}, False),
    ({"age_min": 67}, {"age": None}, False),
    ({"crisis": True}, {"crisis": False}, False),
    ({"crisis": False}, {"crisis": False}, True),
    ({"recidive": True}, {"recidive": True}, True),
    ({"recidive": False}, {"recidive": True}, False),
])
def test_plan_conditions(plan_kwargs, facts_kwargs, expected):
    facts = planning.PlanFacts(tray_id=1, **facts_kwargs)
    assert planning.plan_matches(_plan(**plan_kwargs), facts) is expected


def test_plan_trays_limit_the_cases():
    facts = planning.PlanFacts(tray_id=2)
    assert planning.plan_matches(_plan(), facts, [2, 3])
    assert not planning.plan_matches(_plan(), facts, [1])
    assert planning.plan_matches(_plan(), facts, [])  # no trays: every tray


def test_conditions_in_dutch():
    plan = _plan(contact_usable="telefoon", age_min=18, age_max=27, crisis=False)
    assert planning.describe_conditions(plan, ["SMS", "Bellen"]) == (
        "bakjes SMS of Bellen, bruikbaar telefoonnummer, leeftijd 18 t/m 27, geen crisismelding")
    assert planning.describe_conditions(_plan()) == "alle meldingen"


# --- starting a run ------------------------------------------------------------------------------------


@pytest.fixture
def gemeente_plan(gemeente):
    return make_plan(gemeente, STANDARD, name="Standaard")


def _run(case):
    return CaseOutreach.objects.filter(case=case).first()


def _steps(case):
    return {s.position: s for s in _run(case).steps.all()}


def test_a_run_makes_every_step_with_its_time(gemeente, gemeente_plan):
    case = routed_case(gemeente, routed_at=MONDAY)
    assert services.runs_start(now=MONDAY + dt.timedelta(minutes=5)) == 1
    steps = _steps(case)
    assert [(s.kind, s.day_offset) for s in steps.values()] == [
        (StepKind.SMS, 0), (StepKind.EMAIL, 1), (StepKind.BRIEF, 1), (StepKind.BELLEN, 4), (StepKind.HUISBEZOEK, 8)]
    assert steps[1].due_at == aware(2026, 5, 4, 8)
    assert steps[2].planned_at == aware(2026, 5, 5, 8)
    assert steps[2].due_at == aware(2026, 5, 6, 8)  # 5 May is Liberation Day: the e-mail waits
    assert steps[3].due_at == aware(2026, 5, 5, 8)  # a letter goes into the print batch
    assert steps[4].due_at == aware(2026, 5, 8, 8)
    assert steps[5].due_at == aware(2026, 5, 12, 8)
    assert all(s.status == StepStatus.GEPLAND for s in steps.values())
    assert _run(case).plan_name == "Standaard"
    history = case.history.filter(params__kind="outreach").get()
    assert "Benaderingsplan 'Standaard' gestart (alle meldingen): 5 stappen" in history.params["text"]
    assert services.runs_start(now=MONDAY + dt.timedelta(minutes=10)) == 0  # one run per case


def test_a_task_on_a_weekend_moves_to_the_next_working_day(gemeente):
    make_plan(gemeente, [(5, StepKind.BELLEN), (21, StepKind.HUISBEZOEK)])
    case = routed_case(gemeente, routed_at=MONDAY)
    services.runs_start(now=MONDAY)
    steps = _steps(case)
    assert steps[1].due_at == aware(2026, 5, 11, 8)  # Saturday 9 May → Monday 11 May
    assert steps[2].due_at == aware(2026, 5, 26, 8)  # Whit Monday 25 May → Tuesday


def test_steps_after_the_window_are_skipped_na_termijn(gemeente):
    make_plan(gemeente, [(26, StepKind.SMS), (26, StepKind.BELLEN), (27, StepKind.SMS), (27, StepKind.BRIEF)],
              send_on_saturday=False)
    case = routed_case(gemeente, routed_at=MONDAY)  # last day Sunday 31 May
    services.runs_start(now=MONDAY)
    steps = _steps(case)
    assert steps[1].status == StepStatus.OVERGESLAGEN  # Saturday 30 May not allowed → 1 June
    assert steps[1].skip_reason == SkipReason.NA_TERMIJN
    assert steps[2].status == StepStatus.OVERGESLAGEN  # a task on Saturday → Monday 1 June
    assert steps[3].skip_reason == SkipReason.NA_TERMIJN
    assert steps[4].status == StepStatus.GEPLAND  # the letter of Sunday 31 May 08:00 is inside the window
    assert "3 daarvan vallen na de termijn" in case.history.get(params__kind="outreach").params["text"]


def test_first_matching_plan_by_position_wins(gemeente):
    tray = make_tray(gemeente, "sms", "SMS")
    make_plan(gemeente, [(0, StepKind.SMS)], position=1, name="Jongeren", age_max=27)
    make_plan(gemeente, [(0, StepKind.EMAIL)], position=2, name="Met telefoon", contact_usable="telefoon",
              trays=[tray])
    make_plan(gemeente, [(0, StepKind.BRIEF)], position=3, name="Rest")
    young = routed_case(gemeente, routed_at=MONDAY, age=20, tray=tray)
    phone = routed_case(gemeente, routed_at=MONDAY, tray=tray)
    other_tray = routed_case(gemeente, routed_at=MONDAY)
    no_phone = routed_case(gemeente, routed_at=MONDAY, tray=tray, phone=False)
    unusable = routed_case(gemeente, routed_at=MONDAY, tray=tray)
    UnusableContact.objects.create(case=unusable, field=ContactField.TELEFOON, value="0612345678", reason="x",
                                   at=MONDAY)
    services.runs_start(now=MONDAY)
    assert {c.pk: _run(c).plan_name for c in (young, phone, other_tray, no_phone, unusable)} == {
        young.pk: "Jongeren", phone.pk: "Met telefoon", other_tray.pk: "Rest", no_phone.pk: "Rest",
        unusable.pk: "Rest"}


def test_no_run_for_an_end_result_tray_a_reopened_or_old_case_or_an_inactive_plan(gemeente, andere):
    make_plan(gemeente, STANDARD)
    make_plan(andere, STANDARD, is_active=False)
    shv = make_tray(gemeente, "shv", "SHV", end_outcome=Outcome.BEKEND_BIJ_SHV)
    in_shv = routed_case(gemeente, routed_at=MONDAY, tray=shv)
    reopened = routed_case(gemeente, routed_at=MONDAY)
    Case.objects.filter(pk=reopened.pk).update(status=CaseStatus.HEROPEND)
    old = routed_case(gemeente, routed_at=MONDAY - dt.timedelta(days=5))
    elsewhere = routed_case(andere, routed_at=MONDAY)
    assert services.runs_start(now=MONDAY) == 0
    assert not CaseOutreach.objects.filter(case__in=[in_shv, reopened, old, elsewhere]).exists()
