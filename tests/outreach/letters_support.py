"""Helpers of the letters tests: a case with a plan's letter step, the municipality's texts and settings."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from outreach.models import CaseOutreach, CaseOutreachStep, OutreachPlan, OutreachSettings, StepKind
from outreach.text_editing import texts_seed
from tests.factories import open_cases


def outreach_ready(municipality, **settings) -> OutreachSettings:
    """The default texts and settings with the team's contact details."""
    texts_seed(municipality)
    values = {"team_phone": "14 0100", "team_email": "team@proefdorp.example", "contact_hours": "op werkdagen",
              "informatiepunt": "het Informatiepunt in de bibliotheek",
              "return_address": f"Gemeente {municipality.name}, Postbus 1, 1000 AA Proefdorp", **settings}
    return OutreachSettings.objects.update_or_create(municipality=municipality, defaults=values)[0]


def letter_step(case, *, position: int = 2, now: dt.datetime | None = None) -> CaseOutreachStep:
    """A plan run for ``case`` with a letter step due now."""
    now = now or timezone.now()
    plan = OutreachPlan.objects.filter(municipality=case.municipality).first() or OutreachPlan.objects.create(
        municipality=case.municipality, position=1, name="Standaardplan")
    run = CaseOutreach.objects.get_or_create(case=case, defaults={"plan": plan, "plan_name": plan.name,
                                                                   "started_at": now})[0]
    return CaseOutreachStep.objects.create(run=run, case=case, position=position, kind=StepKind.BRIEF, day_offset=1,
                                           planned_at=now, due_at=now)


def cases_with_steps(municipality, addresses, **signal_kwargs) -> list[CaseOutreachStep]:
    """Cases opened by a real period close (one per address) and a letter step each."""
    return [letter_step(case) for case in open_cases(municipality, addresses, **signal_kwargs)]
