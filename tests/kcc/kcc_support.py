"""Shared builders of the KCC tests: two municipalities, a KCC employee and a worker of each, and an active
case at a known address with a resident whose BSN, creditor and amount must never reach the KCC."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Role
from cases.models import Case
from contacts.models import CaseTask, ContactAttempt, Origin, TaskKind, TaskSource
from outreach.models import OutreachSettings
from signals.models import Creditor, Signal
from tests.factories import MunicipalityFactory, UserFactory, make_case
from vroegsignalering.common.vocab import ContactKind, CreditorKind

BSN = "999990019"  # a test BSN (elfproef), synthetic
OTHER_BSN = "999990020"
CREDITOR = "Geheime Zorgverzekeraar Noord"
AMOUNT = "1234.56"
ADDRESS_KEY = "1234AB|7||"


@dataclass
class World:
    a: object
    b: object
    kcc_a: object
    kcc_b: object
    worker_a: object
    lead_a: object
    case: Case


def world() -> World:
    a = MunicipalityFactory(cbs_code="0111", name="Aadorp")
    b = MunicipalityFactory(cbs_code="0222", name="Beedorp")
    worker = UserFactory(username="wim", first_name="Wim", last_name="Werker", municipalities=[a])
    lead = UserFactory(username="tineke", role=Role.TEAMLEIDER, first_name="Tineke", last_name="Leider",
                       municipalities=[a])
    case = resident_case(a, ADDRESS_KEY, bsn=BSN, assigned_to=worker)
    OutreachSettings.objects.create(municipality=a, team_phone="020 123 4567", team_email="team@aadorp.example",
                                    contact_hours="ma-vr 9-17 uur")
    OutreachSettings.objects.create(municipality=b, team_phone="030 765 4321", team_email="team@beedorp.example",
                                    contact_hours="ma-do 9-12 uur")
    return World(a=a, b=b, kcc_a=UserFactory(username="kcc_a", role=Role.KCC, municipalities=[a]),
                 kcc_b=UserFactory(username="kcc_b", role=Role.KCC, municipalities=[b]), worker_a=worker,
                 lead_a=lead, case=case)


def resident_case(municipality, address_key: str, *, bsn: str = "", assigned_to=None, **kwargs) -> Case:
    """An active case (window open) at ``address_key`` with one signal of CREDITOR for the resident ``bsn``."""
    case = make_case(municipality, address_key=address_key, assigned_to=assigned_to, amount=AMOUNT,
                     kinds=[CreditorKind.ZORGVERZEKERING], **kwargs)
    creditor = Creditor.objects.filter(name=CREDITOR).first() or Creditor.objects.create(
        name=CREDITOR, kinds=[CreditorKind.ZORGVERZEKERING])
    Signal.objects.filter(case_link__case=case).update(bsn=bsn, creditor=creditor, first_names="Anna",
                                                       surname="Aadorpsma", phone_numbers=["+31612345678"])
    return case


def sent_sms(case: Case, position: int = 2, *, hours_ago: int = 2) -> ContactAttempt:
    """A plan's SMS to the resident carrying the reference '<case ref>-<position>'."""
    at = timezone.now() - dt.timedelta(hours=hours_ago)
    return ContactAttempt.objects.create(case=case, kind=ContactKind.SMS, at=at, dagdeel="Ochtend", registered_at=at,
                                         origin=Origin.SYSTEEM, reference=f"{case.contact_reference}-{position}")


def external_task(case: Case, *, due: dt.date | None = None, dagdeel: str = "Middag") -> CaseTask:
    return CaseTask.objects.create(case=case, kind=TaskKind.BELLEN, source=TaskSource.PLAN, external=True,
                                   due_date=due or timezone.localdate(), dagdeel=dagdeel, created_at=timezone.now())
