"""Builders for the engine's tests: a plan with steps, and a routed case at a fixed moment with one signal
(phone, e-mail and age as asked)."""
from __future__ import annotations

import datetime as dt
import itertools

from cases import deadlines
from cases.models import CaseSignal, SignalRole
from outreach.models import OutreachPlan, OutreachStep, StepKind
from signals.models import SignalStatus
from tests.factories import make_case, make_signal, make_tray

_serial = itertools.count(500)


def make_plan(municipality, steps, *, position: int | None = None, name: str = "Standaard", trays=(), **kwargs):
    """``steps``: [(day_offset, kind), …] or [(day_offset, kind, external)]."""
    plan = OutreachPlan.objects.create(municipality=municipality, position=position or next(_serial), name=name,
                                       **kwargs)
    plan.trays.set(trays)
    for i, spec in enumerate(steps, start=1):
        day, kind, *rest = spec
        OutreachStep.objects.create(plan=plan, position=i, day_offset=day, kind=kind,
                                    external=bool(rest and rest[0]))
    return plan


def routed_case(municipality, *, routed_at: dt.datetime, tray=None, phone: bool = True, email: bool = True,
                age: int | None = 40, is_crisis: bool = False, recidive: bool = False, assigned_to=None):
    """A case routed (and opened) at ``routed_at`` into ``tray`` (a fresh one by default)."""
    n = next(_serial)
    tray = tray or make_tray(municipality, f"bak{n}", f"Bakje {n}")
    case = make_case(municipality, tray=tray, save=False, is_crisis=is_crisis, recidive=recidive,
                     assigned_to=assigned_to)
    case.opened_at = case.routed_at = routed_at
    deadline = deadlines.window_deadline(routed_at)
    case.deadline_at, case.deadline_basis = deadline.at, deadline.basis
    case.save()
    signal = make_signal(municipality, at=n, phone=phone, email=email, age=age, status=SignalStatus.IN_MELDING)
    CaseSignal.objects.create(case=case, signal=signal, role=SignalRole.INITIAL, joined_at=routed_at)
    return case


STANDARD = [(0, StepKind.SMS), (1, StepKind.EMAIL), (1, StepKind.BRIEF), (4, StepKind.BELLEN),
            (8, StepKind.HUISBEZOEK)]
