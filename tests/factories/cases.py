"""Cases: straight in the database (queue tests) or opened by a real period close, relative to the real
clock (the views use it) or to the team tests' fixed June 2026."""
from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone

from cases import deadlines, services
from cases.models import Case, CaseSignal, CaseStatus, MatchType, SignalRole, Tray
from signals.models import SignalStatus
from tests.factories.dates import aware, today
from tests.factories.signals import make_signal

_serial = itertools.count(1)

# The fixed clock of the team, visit and feedback tests: the May period closed on 1 June 2026 (the
# 28-day window is open up to and including 28 June), and now is Wednesday 10 June, week 24.
TEAM_OPENED = aware(2026, 6, 1, 6)
TEAM_NOW = aware(2026, 6, 10, 9)


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


def open_cases(municipality, addresses: Iterable[int | dict] = (), *, signals_per_address: Iterable[int] = (),
               opened: dt.datetime | None = None, period: deadlines.Period | None = None,
               signal_date: dt.date | None = None, **signal_kwargs) -> list[Case]:
    """Cases opened by a real period close at ``opened`` (default: two days ago, so the 28-day window is
    open and the services' own clock accepts work) of ``period`` (default: the last one ended then).

    One signal (``make_signal`` options) per entry of ``addresses`` (an address given twice gets two
    signals), then ``n`` signals at a fresh address per entry of ``signals_per_address``; signalled on the
    10th of the period unless ``signal_date``. The cases at those addresses in the order the period close
    opened them (by address key; the fresh addresses sort in the order given). A period closes once:
    a second batch for one municipality takes another period."""
    opened = opened or timezone.now() - dt.timedelta(days=2)
    if signal_date is None:
        signal_date = (period or deadlines.last_ended_period(deadlines.local_date(opened))).start + dt.timedelta(days=9)
    places = list(addresses)
    for count in signals_per_address:
        fresh = {"postcode": f"{9000 + next(_serial):04d}ZZ", "house_number": 1, "house_letter": "",
                 "house_number_addition": ""}
        places += [fresh] * count
    keys = {make_signal(municipality, at=at, signal_date=signal_date, **signal_kwargs).address_key for at in places}
    services.period_close(municipality=municipality, now=opened, period=period)
    return list(Case.objects.filter(municipality=municipality, address_key__in=keys).order_by("pk"))


def make_cases(municipality, n: int, start: int = 0, month: int = 5) -> list[Case]:
    """``n`` new cases at distinct addresses, opened at TEAM_OPENED by closing the period ``month`` of 2026
    (a period closes once: a second batch for one municipality takes another month)."""
    period = deadlines.period_for(dt.date(2026, month, 1))
    return open_cases(municipality, range(start, start + n), opened=TEAM_OPENED, period=period)


def open_case(municipality, *signal_kwargs: dict) -> Case:
    """A case (opened at the May period close) holding one signal per kwargs dict, same address."""
    for kwargs in signal_kwargs:
        make_signal(municipality, **{"at": 1, **kwargs})
    services.period_close(municipality=municipality, now=TEAM_OPENED)
    return Case.objects.order_by("-pk").first()
