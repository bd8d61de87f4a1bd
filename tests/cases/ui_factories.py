"""Builders for the worker's screens: cases straight in the database (queue tests) and cases made
by a real period close (case page tests), relative to the real clock (the views use it)."""
from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from cases import deadlines, services
from cases.models import Case, CaseSignal, CaseStatus, MatchType, SignalRole, Tray
from signals.models import SignalStatus
from tests.cases.factories import make_signal
from vroegsignalering.common.vocab import CreditorKind

_serial = itertools.count(1)


def today() -> dt.date:
    return deadlines.local_date(timezone.now())


def make_tray(municipality, code: str, name: str | None = None, **kwargs) -> Tray:
    return Tray.objects.create(municipality=municipality, code=code, name=name or code.capitalize(), **kwargs)


def make_case(municipality, *, last_day_in: int = 20, tray: Tray | None = None, priority: int = 2, urgency: int = 0,
              match_type: str = MatchType.ENKELVOUDIG, recidive: bool = False, is_crisis: bool = False,
              assigned_to=None, amount: str = "250.00", status: str = CaseStatus.OPEN, kinds=(),
              address_key: str | None = None, opened_days_ago: int | None = None, outcome: str = "",
              save: bool = True) -> Case:
    """A case whose last day of the 28-day window is ``last_day_in`` days from today."""
    n = next(_serial)
    now = timezone.now()
    closes = today() + dt.timedelta(days=last_day_in + 1)
    opened = deadlines.start_of_day(closes - dt.timedelta(days=28)) + dt.timedelta(hours=9)
    if opened_days_ago is not None:
        opened = now - dt.timedelta(days=opened_days_ago)
    case = Case(
        municipality=municipality, address_key=address_key or f"UI{n:08d}",
        address=f"Proefstraat {n}, 1000 AB Proefdorp",
        period_start=today().replace(day=1), period_end=today(), match_type=match_type, recidive=recidive,
        is_crisis=is_crisis, urgency=urgency, amount=Decimal(amount), tray=tray, priority=priority,
        routing_explanation="Regel 1: test", opened_at=min(opened, now), deadline_at=deadlines.start_of_day(closes),
        deadline_basis="test", assigned_to=assigned_to, outcome=outcome,
    )
    if not save:
        return case
    case.save()
    if status != CaseStatus.OPEN:
        Case.objects.filter(pk=case.pk).update(status=status, closed_at=now if status == CaseStatus.GESLOTEN else None)
        case.refresh_from_db()
    for kind in kinds:
        signal = make_signal(municipality, at=n, kind=kind, status=SignalStatus.IN_MELDING)
        CaseSignal.objects.create(case=case, signal=signal, role=SignalRole.INITIAL, joined_at=now)
    return case


def open_cases(municipality, *, signals_per_address: list[int], kind: str = CreditorKind.HUUR,
               signal_kwargs: dict | None = None) -> list[Case]:
    """Signals of last month at one address per entry (with that many signals each), matched into cases
    by a real period close an hour ago; the cases in address order."""
    first = today().replace(day=1)
    signal_date = (first - dt.timedelta(days=1)).replace(day=5)
    keys = []
    for count in signals_per_address:
        at = 9000 + next(_serial)
        for _ in range(count):
            signal = make_signal(municipality, at=at, kind=kind, signal_date=signal_date, **(signal_kwargs or {}))
        keys.append(signal.address_key)
    services.period_close(municipality=municipality, now=timezone.now() - dt.timedelta(hours=1))
    by_key = {case.address_key: case for case in Case.objects.filter(municipality=municipality, address_key__in=keys)}
    return [by_key[key] for key in keys]
