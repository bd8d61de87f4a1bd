"""A small world of residents whose data the purge must (or must not yet) destroy; shared by the purge tests."""
from __future__ import annotations

import datetime as dt

from cases.models import CaseHistory, CaseStatus, FollowUp
from contacts.models import ContactAttempt, PlannedVisit
from feedback.models import FeedbackEvent
from monitor.models import AttemptFact, CaseFact, SignalFact
from shv.models import ShvRegistration
from signals.models import CsvImport, Delivery, FalloutDecision, Signal, SignalHistory, SignalStatus
from tests.factories import make_case, make_signal
from tests.factories.dates import aware
from vroegsignalering.common.vocab import ContactKind, Dagdeel, Outcome

# Closed 10 March 2026 (term 6 months: destroyed on 10 September 2026); the purge runs on these days.
CLOSED = aware(2026, 3, 10, 15)
BEFORE = aware(2026, 9, 9, 2, 30)  # the day before: nothing goes
DUE = aware(2026, 9, 10, 2, 30)  # the day itself


def close(case, *, at=CLOSED, outcome=Outcome.GEEN_CONTACT):
    type(case).objects.filter(pk=case.pk).update(status=CaseStatus.GESLOTEN, closed_at=at, outcome=outcome)
    case.refresh_from_db()
    return case


def furnish(case, worker, *, note: str = "Notitie over de inwoner"):
    """Everything that hangs from a case: an attempt, a visit, a follow-up, history, a fallout decision and
    signal history on its signal, and a feedback event for the signal."""
    at = case.closed_at or aware(2026, 3, 1)
    attempt = ContactAttempt.objects.create(case=case, kind=ContactKind.HUISBEZOEK, at=at, dagdeel=Dagdeel.OCHTEND,
                                            note=note, by=worker, registered_at=at)
    PlannedVisit.objects.create(case=case, worker=worker, date=at.date(), dagdeel=Dagdeel.OCHTEND, note=note,
                                planned_by=worker, planned_at=at, attempt=attempt)
    FollowUp.objects.create(case=case, due_on=at.date() + dt.timedelta(days=30), created_at=at, done_at=at,
                            note=note)
    CaseHistory.objects.create(case=case, at=at, actor=worker, actor_name="Medewerker", reason=note)
    for link in case.case_signals.select_related("signal"):
        furnish_signal(link.signal, worker, note=note)


def furnish_signal(signal, worker, *, note: str = "Reden", bsn: str = ""):
    at = signal.received_at
    SignalHistory.objects.create(signal=signal, at=at, to_status=signal.status, reason=note)
    FalloutDecision.objects.create(signal=signal, decision=FalloutDecision.Choice.PERSON, bsn=bsn or signal.bsn,
                                   reason=note, decided_by=worker, decided_at=at)
    FeedbackEvent.objects.create(signal=signal, creditor=signal.creditor, municipality=signal.municipality,
                                 code="afgesloten", issued_at=at, date=at.date(), seq=signal.pk)


def expired_case(town, worker, **signal_overrides):
    case = close(make_case(town, kinds=["energie"]))
    if signal_overrides:
        Signal.objects.filter(case_link__case=case).update(**signal_overrides)
    furnish(case, worker)
    return case


def ended_signal(town, *, at=CLOSED, status=SignalStatus.AFGEHANDELD, **fields):
    signal = make_signal(town, status=status, **fields)
    Signal.objects.filter(pk=signal.pk).update(outcome_at=at, outcome=Outcome.ONTERECHT_SIGNAAL)
    signal.refresh_from_db()
    return signal


def shv_row(town, bsn: str, *, ended: dt.date | None):
    return ShvRegistration.objects.create(municipality=town, bsn=bsn, product="schuldregeling",
                                          start_date=dt.date(2024, 1, 1), end_decision_date=ended,
                                          imported_at=aware(2025, 1, 1), source="shv-export.csv")


def old_import(creditor, *, at, results):
    imp = CsvImport.objects.create(creditor=creditor, file_name="leverancier-maart.csv", content=b"",
                                   state=CsvImport.State.KLAAR, results=results)
    CsvImport.objects.filter(pk=imp.pk).update(progress_at=at, created_at=at)
    return imp


def age_deliveries(at):
    Delivery.objects.update(received_at=at)


def facts(town, creditor, n: int = 2):
    """Statistics-store rows (no personal data) that must come through the purge unchanged."""
    for i in range(n):
        SignalFact.objects.create(
            signal_ref=900_000 + i, municipality=town, month=dt.date(2026, 2, 1), received_on=dt.date(2026, 2, 3),
            creditor=creditor, creditor_kind="energie", signal_kind="vroegsignaal", amount_euros=250,
            amount_class="250-500", arrear_age_class="30-60", signal_date=dt.date(2026, 2, 3),
            arrear_start=dt.date(2025, 12, 1), status="in_melding")
        CaseFact.objects.create(
            case_ref=900_000 + i, municipality=town, month=dt.date(2026, 2, 1), opened_on=dt.date(2026, 2, 1),
            period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 1, 31), match_type="enkelvoudig",
            amount_class="250-500", status="gesloten")


def fact_rows() -> list:
    return [list(model.objects.order_by("pk").values()) for model in (SignalFact, CaseFact, AttemptFact)]

