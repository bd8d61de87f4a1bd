"""One municipality with a case, a fallout signal, a visit, a CSV import and every kind of principal; the
persons' BSNs and names are markers that must never reach the audit trail in clear."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from accounts.services import user_token_issue
from audit.models import AuditEvent
from cases.models import Case, FollowUp
from contacts.models import ContactAttempt, PlannedVisit
from feedback.models import FeedbackEvent
from signals.models import CsvImport, Delivery, Signal, SignalStatus
from tests.auth import login
from tests.factories import CreditorFactory, MunicipalityFactory, UserFactory, issued_key, make_case, make_signal
from vroegsignalering.common.vocab import ContactKind, CreditorKind

RESIDENT_BSN, CHILD_BSN, CANDIDATE_BSN = "999990019", "999990020", "999990032"
BSNS = (RESIDENT_BSN, CHILD_BSN, CANDIDATE_BSN)
NAMES = ("Auditsma", "Kindje", "Kandidaatsma", "Auditsteeg")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    municipality: object
    users: dict
    creditor: object
    creditor_key: str
    tokens: dict
    case: object
    signal: object
    fallout: object
    attempt: object
    visit: object
    follow_up: object
    feedback: object
    csv_import: object
    delivery: object

    def client(self, role: str, *, kind: str = "session") -> Client:
        if kind == "key":
            return Client(HTTP_X_API_KEY=self.creditor_key)
        if kind == "token":
            return Client(HTTP_AUTHORIZATION=f"Token {self.tokens[role]}")
        client = Client()
        login(client, self.users[role])
        return client


ROLES = {"worker": Role.VROEGSIGNALEERDER, "lead": Role.TEAMLEIDER, "admin": Role.FUNCTIONEEL_BEHEERDER,
         "auditor": Role.AUDITOR, "service": Role.SERVICE_ACCOUNT, "creditor": Role.VASTELASTENPARTNER,
         "installer": Role.INSTALLATIEBEHEERDER, "kcc": Role.KCC}


def build_world() -> World:
    municipality = MunicipalityFactory(cbs_code="0363", name="Amsterdam")
    creditor = CreditorFactory(name="Zorgpartij Audit", kinds=[CreditorKind.ZORGVERZEKERING])
    users = {}
    for name, role in ROLES.items():
        extra = {"creditor": creditor} if name == "creditor" else {"municipalities": [municipality]}
        if name == "installer":
            extra = {}
        users[name] = UserFactory(username=f"{name}_audit", first_name=name.capitalize(), role=role,
                                  is_staff=name in ("admin", "installer"), **extra)
    users["super"] = UserFactory(username="super_audit", role=Role.FUNCTIONEEL_BEHEERDER, is_staff=True,
                                 is_superuser=True, municipalities=[municipality])
    tokens = {name: user_token_issue(user=users[name], name="audit")[1] for name in ("worker", "lead", "service")}
    case = make_case(municipality, kinds=[CreditorKind.ZORGVERZEKERING], assigned_to=users["worker"])
    Case.objects.filter(pk=case.pk).update(address="Auditsteeg 12, 1011 AB Amsterdam")
    signal = Signal.objects.get(case_link__case=case)
    delivery = Delivery.objects.create(creditor=creditor)
    Signal.objects.filter(pk=signal.pk).update(
        surname="Auditsma", bsn=RESIDENT_BSN, creditor=creditor, delivery=delivery, signal_id="AUDIT-1",
        brp_evidence={"bsn": RESIDENT_BSN, "naam": "A. Auditsma",
                      "huishouden": [{"bsn": CHILD_BSN, "naam": "Kindje Auditsma", "leeftijd": 8}]})
    signal.refresh_from_db()
    fallout = make_signal(municipality, status=SignalStatus.UITVAL, creditor=creditor, at=77)
    Signal.objects.filter(pk=fallout.pk).update(surname="Auditsma", brp_evidence={
        "uitkomst": "meerdere_kandidaten", "uitkomst_omschrijving": "Meerdere personen op het adres",
        "kandidaten": [{"bsn": CANDIDATE_BSN, "naam": "K. Kandidaatsma", "voornamen": "Karel",
                        "geslachtsnaam": "Kandidaatsma", "geboortedatum": "1980-04-01", "score": 50,
                        "redenen": [], "op_adres": True}],
        "bevragingen": []})
    fallout.refresh_from_db()
    now = timezone.now()
    attempt = ContactAttempt.objects.create(case=case, kind=ContactKind.BRIEF, at=now, dagdeel="Ochtend",
                                            registered_at=now, by=users["worker"])
    visit = PlannedVisit.objects.create(case=case, worker=users["worker"], date=timezone.localdate(),
                                        dagdeel="Ochtend", planned_by=users["lead"], planned_at=now)
    follow_up = FollowUp.objects.create(case=case, due_on=now.date(), created_at=now)
    feedback = FeedbackEvent.objects.create(signal=signal, creditor=creditor, municipality=municipality,
                                            code="hulp_geaccepteerd", issued_at=now, date=now.date(), seq=1)
    csv_import = CsvImport.objects.create(
        creditor=creditor, uploaded_by=users["creditor"], file_name="audit.csv", content=b"",
        state=CsvImport.State.KLAAR, results=[{"regel": 2, "signaalId": "AUDIT-1", "status": "ontvangen"}])
    return World(municipality, users, creditor, issued_key(creditor), tokens, case, signal, fallout, attempt, visit,
                 follow_up, feedback, csv_import, delivery)


@pytest.fixture
def world(db) -> World:
    return build_world()


def new_events(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=since).order_by("id"))


def last_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
