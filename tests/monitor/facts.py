"""Statistics facts for tests, written straight from the live rows.

A stand-in for ``monitor.recording`` (record_signals / record_cases, written when things happen): when that
exists, ``record_facts`` becomes a call to it and the tests stay as they are.
"""
from __future__ import annotations

import datetime as dt

from cases.models import Case
from contacts.models import ContactAttempt
from monitor.models import AmountClass, ArrearAgeClass, AttemptFact, CaseFact, SignalFact
from signals.models import Signal
from vroegsignalering.common import dates


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _amount_class(euros: int) -> str:
    for limit, value in ((100, AmountClass.TOT_100), (250, AmountClass.TOT_250), (500, AmountClass.TOT_500),
                         (1000, AmountClass.TOT_1000)):
        if euros < limit:
            return value
    return AmountClass.VANAF_1000


def _age_class(days: int) -> str:
    for limit, value in ((30, ArrearAgeClass.TOT_30), (60, ArrearAgeClass.TOT_60), (100, ArrearAgeClass.TOT_100),
                         (180, ArrearAgeClass.TOT_180)):
        if days < limit:
            return value
    return ArrearAgeClass.VANAF_180


def record_facts(municipality) -> None:
    """(Re)write the facts of every signal, case and attempt of ``municipality``."""
    for signal in Signal.objects.filter(municipality=municipality).select_related("case_link"):
        received = dates.local_date(signal.received_at)
        euros = int(signal.amount.to_integral_value())
        link = getattr(signal, "case_link", None)
        SignalFact.objects.update_or_create(signal_ref=signal.pk, defaults=dict(
            municipality=municipality, month=_month(received), received_on=received, creditor_id=signal.creditor_id,
            creditor_kind=signal.creditor_kind, signal_kind=signal.signal_kind, is_crisis=signal.is_crisis,
            warm_handover=signal.warm_handover, amount_euros=euros, amount_class=_amount_class(euros),
            arrear_age_class=_age_class((signal.signal_date - signal.oldest_due_date).days),
            signal_date=signal.signal_date, arrear_start=signal.oldest_due_date, status=signal.status,
            outcome=signal.outcome, is_forwarded_copy=signal.forwarded_from_id is not None,
            case_ref=link.case_id if link else None))
    for case in Case.objects.filter(municipality=municipality).select_related("tray"):
        opened = dates.local_date(case.opened_at)
        at_routing = bool(case.tray_id and case.tray.end_outcome and case.outcome == case.tray.end_outcome)
        attempts = ContactAttempt.objects.filter(case=case)
        CaseFact.objects.update_or_create(case_ref=case.pk, defaults=dict(
            municipality=municipality, month=_month(opened), opened_on=opened, period_start=case.period_start,
            period_end=case.period_end, match_type=case.match_type, recidive=case.recidive, is_crisis=case.is_crisis,
            amount_class=_amount_class(int(case.amount)), signal_count=case.case_signals.count(),
            closed_at_routing=at_routing, status=case.status, outcome=case.outcome,
            closed_on=dates.local_date(case.closed_at) if case.closed_at else None, attempts=attempts.count(),
            reached=attempts.filter(reached="ja").exists()))
        for attempt in attempts:
            on = dates.local_date(attempt.at)
            AttemptFact.objects.update_or_create(attempt_ref=attempt.pk, defaults=dict(
                case_ref=case.pk, municipality=municipality, month=_month(on), on=on, kind=attempt.kind,
                dagdeel=attempt.dagdeel, reached=attempt.reached, replied=attempt.reply_received_at is not None))
