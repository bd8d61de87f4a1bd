"""Which plan a case gets, and starting its run: every step record is made at the start, with the moment
it is due, so the case page shows exactly what will happen and a later plan edit reaches only later runs.

Day 0 is the local date the case was routed (``Case.routed_at``; else the day it opened). A step is planned
on day 0 + ``day_offset`` at the plan's ``send_from``. An SMS or e-mail is then moved out of the quiet hours
(``quiet_hours.next_allowed``); a phone or home-visit task falling on a weekend or public holiday moves to
the next working day; a letter goes into the print batch after its day. A step that would be due at or after
the end of the 28-day window is made skipped ("na de termijn"). A case whose tray closes it at placement (an
end result) and a reopened case never get a run.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cases.deadlines import is_working_day
from cases.models import WINDOW_STATUSES, Case, CaseEvent, ContactField, UnusableContact
from cases.routing import CaseFacts, age_in_range, age_range_text
from cases.selectors import case_signals_by_case
from cases.services import case_history_append
from vroegsignalering.common.dates import TZ, format_date, local_date

from .models import (
    MESSAGE_KINDS,
    TASK_KINDS,
    CaseOutreach,
    CaseOutreachStep,
    ContactCondition,
    OutreachPlan,
    SkipReason,
    StepStatus,
)
from .quiet_hours import next_allowed, plan_window


@dataclass(frozen=True)
class PlanFacts:
    """What a plan's conditions look at (from the case and its signals, contact data less the unusable)."""

    tray_id: int | None
    age: int | None = None
    crisis: bool = False
    recidive: bool = False
    has_phone: bool = False
    has_email: bool = False


def plan_facts(case: Case, signals: Sequence[Any], unusable: Iterable[tuple[str, str]] = ()) -> PlanFacts:
    """The facts of ``case`` from its signals (oldest first); ``unusable``: (field, value) pairs that do not
    reach the resident (``cases.UnusableContact``)."""
    facts = CaseFacts.of(match_type=case.match_type, recidive=case.recidive, amount=case.amount, signals=signals)
    bad = set(unusable)
    phones = {p for s in signals for p in (s.phone_numbers or []) if p and (ContactField.TELEFOON, p) not in bad}
    emails = {s.email for s in signals if s.email and (ContactField.EMAIL, s.email) not in bad}
    return PlanFacts(tray_id=case.tray_id, age=facts.age, crisis=bool(case.is_crisis or facts.crisis),
                     recidive=bool(case.recidive), has_phone=bool(phones), has_email=bool(emails))


def plan_matches(plan: OutreachPlan, facts: PlanFacts, tray_ids: Iterable[int] = ()) -> bool:
    """Whether all of a plan's conditions hold; ``tray_ids``: the plan's trays (empty: every tray)."""
    trays = set(tray_ids)
    if trays and facts.tray_id not in trays:
        return False
    usable = plan.contact_usable
    if usable == ContactCondition.TELEFOON and not facts.has_phone:
        return False
    if usable == ContactCondition.EMAIL and not facts.has_email:
        return False
    if usable == ContactCondition.TELEFOON_OF_EMAIL and not (facts.has_phone or facts.has_email):
        return False
    if not age_in_range(facts.age, plan.age_min, plan.age_max):
        return False
    if plan.crisis is not None and plan.crisis != facts.crisis:
        return False
    if plan.recidive is not None and plan.recidive != facts.recidive:
        return False
    return True


def describe_conditions(plan: OutreachPlan, tray_names: Sequence[str] = ()) -> str:
    """A plan's conditions in Dutch, e.g. 'bakje Bellen of SMS, leeftijd 18 t/m 27, bruikbaar telefoonnummer'."""
    parts = []
    if tray_names:
        parts.append(("bakje " if len(tray_names) == 1 else "bakjes ") + " of ".join(tray_names))
    if plan.contact_usable:
        parts.append(ContactCondition(plan.contact_usable).label.lower())
    if plan.age_min is not None or plan.age_max is not None:
        parts.append(age_range_text(plan.age_min, plan.age_max))
    if plan.crisis is not None:
        parts.append("crisismelding" if plan.crisis else "geen crisismelding")
    if plan.recidive is not None:
        parts.append("opeenvolgend" if plan.recidive else "niet opeenvolgend")
    return ", ".join(parts) or "alle meldingen"


def active_plans(municipality_id: int) -> list[OutreachPlan]:
    """A municipality's active plans in order, with their trays (``plan.tray_ids``) and steps."""
    plans = list(OutreachPlan.objects.filter(municipality_id=municipality_id, is_active=True)
                 .prefetch_related("trays", "steps").order_by("position", "pk"))
    for plan in plans:
        plan.tray_ids = [tray.pk for tray in plan.trays.all()]
    return plans


def first_plan(plans: Iterable[OutreachPlan], facts: PlanFacts) -> OutreachPlan | None:
    """The first plan (in order) whose conditions hold and that has steps."""
    for plan in plans:
        if plan_matches(plan, facts, getattr(plan, "tray_ids", ())) and list(plan.steps.all()):
            return plan
    return None


def can_have_run(case: Case, *, now: dt.datetime) -> bool:
    """Routed (in a tray without an end result), in its 28-day window, and not reopened."""
    return (case.tray_id is not None and not case.tray.end_outcome and case.status in WINDOW_STATUSES
            and now < case.deadline_at)


def day_zero(case: Case) -> dt.date:
    return local_date(case.routed_at or case.opened_at)


def step_moments(*, case: Case, plan: OutreachPlan, kind: str, day_offset: int,
                 started_at: dt.datetime) -> tuple[dt.datetime, dt.datetime, str, str]:
    """(planned_at, due_at, status, skip_reason) of one step of ``plan`` for ``case`` (see the module)."""
    day = day_zero(case) + dt.timedelta(days=day_offset)
    planned_at = dt.datetime.combine(day, plan.send_from, tzinfo=TZ)
    due_at = max(planned_at, started_at)
    if kind in MESSAGE_KINDS:
        due_at = next_allowed(due_at, **plan_window(plan))
    elif kind in TASK_KINDS:
        task_day = local_date(due_at)
        while not is_working_day(task_day):
            task_day += dt.timedelta(days=1)
        if task_day != local_date(due_at):
            due_at = dt.datetime.combine(task_day, plan.send_from, tzinfo=TZ)
    if due_at >= case.deadline_at:
        return planned_at, due_at, StepStatus.OVERGESLAGEN, SkipReason.NA_TERMIJN
    return planned_at, due_at, StepStatus.GEPLAND, ""


def run_start(case: Case, plan: OutreachPlan, *, now: dt.datetime, tray_names: Sequence[str] = ()) -> CaseOutreach:
    """Start ``plan`` for ``case`` (locked by the caller, without a run): the run, all its step records and
    a history row saying which plan and why."""
    run = CaseOutreach.objects.create(case=case, plan=plan, plan_name=plan.name, started_at=now)
    rows = []
    for step in sorted(plan.steps.all(), key=lambda s: s.position):
        planned_at, due_at, status, skip = step_moments(case=case, plan=plan, kind=step.kind,
                                                        day_offset=step.day_offset, started_at=now)
        rows.append(CaseOutreachStep(run=run, case=case, step=step, position=step.position, kind=step.kind,
                                     day_offset=step.day_offset, external=step.external, planned_at=planned_at,
                                     due_at=due_at, status=status, skip_reason=skip,
                                     done_at=now if status == StepStatus.OVERGESLAGEN else None))
    CaseOutreachStep.objects.bulk_create(rows)
    late = sum(1 for row in rows if row.skip_reason == SkipReason.NA_TERMIJN)
    text = (f"Benaderingsplan '{plan.name}' gestart ({describe_conditions(plan, tray_names)}): "
            f"{len(rows)} stappen vanaf {format_date(day_zero(case))}.")
    if late:
        text += f" {late} daarvan vallen na de termijn en worden overgeslagen."
    case_history_append(case, at=now, by=None, event=CaseEvent.OUTREACH, to_status=case.status,
                        params={"kind": "outreach", "text": text})
    return run


def plan_for_case(case: Case, plans: Sequence[OutreachPlan]) -> OutreachPlan | None:
    """The plan ``case`` gets from ``plans`` (``active_plans``), reading its signals and unusable contacts."""
    signals = case_signals_by_case([case.pk]).get(case.pk, [])
    unusable = UnusableContact.objects.filter(case=case).values_list("field", "value")
    return first_plan(plans, plan_facts(case, signals, unusable))
