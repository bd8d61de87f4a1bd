"""Reads of outreach: the plans a functional administrator edits, a case's run for its page, and a
worker's open tasks. Scoped to the user's municipalities and role through ``.visible_to`` (ADR 0009)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from accounts.permissions import CASEWORK_ROLES, is_functional_admin, is_team_lead
from cases.models import ACTIVE_STATUSES, Case, CaseStatus, Tray
from contacts.models import CaseTask, TaskStatus
from vroegsignalering.common.dates import TZ

from .models import CaseOutreach, CaseOutreachStep, OutreachPlan, StepStatus
from .planning import describe_conditions

_WEEKDAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")
_MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def moment_short(moment: dt.datetime | None) -> str:
    """'di 5 mei 09:00' in Dutch local time."""
    if moment is None:
        return ""
    local = moment.astimezone(TZ)
    return f"{_WEEKDAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local:%H:%M}"


def day_short(day: dt.date) -> str:
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


# --- the plan editor ---------------------------------------------------------------------------------


def plans_for_user(user) -> QuerySet[OutreachPlan]:
    """The plans of a functional administrator's municipalities, in order (nothing for other roles)."""
    return (OutreachPlan.objects.visible_to(user, roles=is_functional_admin).select_related("municipality")
            .prefetch_related("steps", "trays").order_by("municipality__name", "position", "pk"))


def plan_get_for_user(user, pk: int) -> OutreachPlan | None:
    return plans_for_user(user).filter(pk=pk).first()


def trays_for_user(user) -> QuerySet[Tray]:
    """The trays a plan of this administrator may name (their municipalities', active or not)."""
    return Tray.objects.visible_to(user, roles=is_functional_admin).select_related("municipality").order_by(
        "municipality__name", "name")


def plan_summary(plan: OutreachPlan) -> str:
    return describe_conditions(plan, [tray.name for tray in plan.trays.all()])


# --- the case page fragment --------------------------------------------------------------------------


def case_for_user(user, pk: int) -> Case | None:
    """A case a worker or team lead may see (the case page's rule)."""
    return Case.objects.visible_to(user, roles=CASEWORK_ROLES).filter(pk=pk).select_related("tray").first()


@dataclass
class CaseOutreachView:
    case: Case
    run: CaseOutreach | None
    steps: list[CaseOutreachStep] = field(default_factory=list)
    conditions: str = ""
    next_step: CaseOutreachStep | None = None
    next_text: str = ""
    open_tasks: list[CaseTask] = field(default_factory=list)
    no_run_reason: str = ""

    @property
    def running(self) -> bool:
        return self.run is not None and self.run.stopped_at is None


def _no_run_reason(case: Case) -> str:
    if case.status == CaseStatus.HEROPEND:
        return "Een heropende melding krijgt geen benaderingsplan."
    if case.tray_id is not None and case.tray.end_outcome:
        return "Deze melding is bij plaatsing in het bakje gesloten; er is geen benadering nodig."
    if case.status not in ACTIVE_STATUSES:
        return "Deze melding is gesloten zonder benaderingsplan."
    return ("Er loopt geen benaderingsplan: geen actief plan van de gemeente past bij deze melding, of de melding "
            "werd geplaatst voordat er een plan was.")


def case_outreach(case: Case) -> CaseOutreachView:
    """What the case page shows of the outreach: the plan and why, every step, what is next, open tasks."""
    open_tasks = list(CaseTask.objects.filter(case=case, status=TaskStatus.OPEN).select_related("assigned_to")
                      .order_by("due_date", "pk"))
    run = CaseOutreach.objects.filter(case=case).select_related("plan", "stopped_by").first()
    if run is None:
        return CaseOutreachView(case=case, run=None, open_tasks=open_tasks, no_run_reason=_no_run_reason(case))
    steps = list(run.steps.select_related("attempt", "task", "task__assigned_to").order_by("position"))
    planned = sorted((s for s in steps if s.status == StepStatus.GEPLAND), key=lambda s: (s.due_at, s.position))
    next_step = planned[0] if planned and run.stopped_at is None else None
    next_text = (f"Volgende stap: {next_step.get_kind_display()} op {moment_short(next_step.due_at)}"
                 if next_step else "")
    return CaseOutreachView(case=case, run=run, steps=steps, conditions=plan_summary(run.plan), next_step=next_step,
                            next_text=next_text, open_tasks=open_tasks)


# --- my tasks ----------------------------------------------------------------------------------------


def tasks_for_user(user) -> QuerySet[CaseTask]:
    """Open tasks of active cases the user may see: their own, and for a team lead also the unassigned
    ones of their municipalities. Oldest due first."""
    qs = CaseTask.objects.visible_to(user, roles=CASEWORK_ROLES).filter(status=TaskStatus.OPEN,
                                                                         case__status__in=ACTIVE_STATUSES)
    mine = Q(assigned_to=user)
    if is_team_lead(user):
        mine |= Q(assigned_to__isnull=True)
    return qs.filter(mine).select_related("case", "assigned_to").order_by("due_date", "pk")
