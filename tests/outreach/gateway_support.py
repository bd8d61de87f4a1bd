"""Helpers of the gateway tests (tests/outreach/test_gateway_*.py): a message step of a real case in a
plan run, the municipality's texts (the defaults, saved as its active templates), and the fake Notify."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Municipality
from cases.models import Case
from demo.notify_fake.server import FakeNotifyServer
from outreach.default_texts import DEFAULT_TEXTS
from outreach.models import (
    CaseOutreach,
    CaseOutreachStep,
    MessageTemplate,
    OutreachPlan,
    OutreachSettings,
    OutreachStep,
    StepKind,
    StepStatus,
)
from tests.factories import TEAM_NOW, CreditorFactory, open_case

NOW = TEAM_NOW  # Wednesday 10 June 2026, 09:00: inside the default window (08:00–20:00)
CREDITOR = "Waterbedrijf Zuidrand B.V."
CONTRACT = "ZR-7781-Q"


@pytest.fixture(name="notify")
def notify_fixture(settings):
    """The fake Notify on a free port, with the settings pointing at it and short timeouts."""
    with FakeNotifyServer(port=0) as fake:
        settings.NOTIFY_BASE_URL = fake.url
        settings.NOTIFY_TIMEOUT = 2.0
        settings.OUTREACH_EMAIL_VIA = "notify"
        yield fake


def texts_for(municipality: Municipality) -> list[MessageTemplate]:
    """The default texts saved as the municipality's active templates, and its settings."""
    OutreachSettings.objects.get_or_create(municipality=municipality, defaults={
        "team_phone": "14 0123", "team_email": "vroegsignalering@proefdorp.example",
        "contact_hours": "maandag tot en met vrijdag van 9.00 tot 17.00 uur",
        "informatiepunt": "het Informatiepunt Digitale Overheid in de bibliotheek"})
    return [MessageTemplate.objects.get_or_create(
        municipality=municipality, channel=channel, target_group=group, is_active=True,
        defaults={"subject": subject, "body": body, "edited_at": timezone.now()})[0]
        for (channel, group), (subject, body) in DEFAULT_TEXTS.items()]


def discreet_case(municipality: Municipality, **signal_kwargs) -> Case:
    """A case whose signal carries a recognisable creditor, contract number and amount."""
    creditor = CreditorFactory(name=CREDITOR)
    return open_case(municipality, {"creditor": creditor, "contract": CONTRACT, "amount": "1234.56",
                                    **signal_kwargs})


def message_step(case: Case, kind: str = StepKind.SMS, *, position: int = 1, status: str = StepStatus.BEZIG,
                 now: dt.datetime = NOW, plan: OutreachPlan | None = None) -> CaseOutreachStep:
    """A message step of the case's plan run (made as the engine makes it, claimed by the sweeper)."""
    if plan is None:
        plan = OutreachPlan.objects.filter(municipality=case.municipality).first() or OutreachPlan.objects.create(
            municipality=case.municipality, position=1, name="Standaard")
    plan_step, _ = OutreachStep.objects.get_or_create(plan=plan, position=position,
                                                      defaults={"day_offset": 0, "kind": kind})
    run, _ = CaseOutreach.objects.get_or_create(case=case, defaults={"plan": plan, "plan_name": plan.name,
                                                                     "started_at": case.opened_at})
    return CaseOutreachStep.objects.create(
        run=run, case=case, step=plan_step, position=position, kind=kind, day_offset=0, planned_at=case.opened_at,
        due_at=now, status=status, claimed_at=now if status == StepStatus.BEZIG else None)
