"""The team lead's start page (/team/): per municipality the trays with their running and unassigned
cases and the capacity used in the current capacity period, the overdue crisis cases, and who has
home visits planned this week. Pure reads, scoped to the lead's municipalities (empty for anyone
else), a fixed number of queries per municipality whatever the number of cases."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q

from accounts import permissions

from . import deadlines, selectors
from .models import ACTIVE_STATUSES


@dataclass
class TrayRow:
    tray_id: int | None  # None: running cases without a tray
    name: str
    contact_kind: str
    running: int = 0
    unassigned: int = 0
    capacity: int | None = None
    used: int = 0

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.used, 0)

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.used >= self.capacity


@dataclass
class MunicipalityOverview:
    municipality_id: int
    name: str
    period: deadlines.Period
    rows: list[TrayRow] = field(default_factory=list)

    @property
    def running(self) -> int:
        return sum(row.running for row in self.rows)

    @property
    def unassigned(self) -> int:
        return sum(row.unassigned for row in self.rows)


@dataclass
class TeamOverview:
    today: dt.date
    municipalities: list[MunicipalityOverview] = field(default_factory=list)
    crisis_overdue: int = 0

    @property
    def running(self) -> int:
        return sum(m.running for m in self.municipalities)

    @property
    def unassigned(self) -> int:
        return sum(m.unassigned for m in self.municipalities)


def team_overview_for_user(user, *, now: dt.datetime) -> TeamOverview:
    """The overview for a team lead; an empty one for anyone else."""
    today = deadlines.local_date(now)
    overview = TeamOverview(today=today)
    trays = list(selectors.trays_for_user(user))
    cases = selectors.team_cases_for_user(user).order_by()
    counts = {
        (row["municipality_id"], row["tray_id"]): row
        for row in cases.filter(status__in=ACTIVE_STATUSES).values("municipality_id", "tray_id")
        .annotate(running=Count("pk"), unassigned=Count("pk", filter=Q(assigned_to__isnull=True)))
    }
    municipalities = {m.pk: m for m in user.municipalities.order_by("name")} if permissions.is_team_lead(user) else {}
    by_municipality: dict[int, list] = {pk: [] for pk in municipalities}
    for tray in trays:
        by_municipality.setdefault(tray.municipality_id, []).append(tray)
    for pk, municipality in municipalities.items():
        end = selectors.capacity_period_end(municipality, today)
        usage = selectors.tray_usage(pk, end)
        block = MunicipalityOverview(municipality_id=pk, name=municipality.name,
                                     period=deadlines.period_for(end, municipality.period_closing_day))
        for tray in by_municipality[pk]:
            row = counts.get((pk, tray.pk), {})
            block.rows.append(TrayRow(tray_id=tray.pk, name=tray.name, contact_kind=tray.get_contact_kind_display(),
                                      running=row.get("running", 0), unassigned=row.get("unassigned", 0),
                                      capacity=tray.monthly_capacity, used=usage.get(tray.pk, 0)))
        loose = counts.get((pk, None))
        if loose:
            block.rows.append(TrayRow(tray_id=None, name="Zonder bakje", contact_kind="",
                                      running=loose["running"], unassigned=loose["unassigned"]))
        overview.municipalities.append(block)
    overview.crisis_overdue = (selectors.cases_crisis_overdue(now=now)
                               .filter(pk__in=cases.values("pk")).count()) if municipalities else 0
    return overview
