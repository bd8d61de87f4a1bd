"""The team lead's dashboard figures: pure reads, scoped to the lead's municipalities, a fixed
number of aggregate queries whatever the number of cases.

Definitions (shown on the page too):

- **open per tray**: active cases (open, in behandeling, heropend) per tray;
- **due this week**: active cases within the 28-day window whose last day falls from today up to
  and including this Sunday;
- **at risk of expiring**: active cases within the window whose last day is at most
  ``AT_RISK_DAYS`` days away and that have no contact attempt yet;
- **reach this month**: of the cases with a contact attempt made this calendar month, the share
  with such an attempt where the resident was reached (DDAS ``bereikt``);
- **acceptance this month**: of those reached cases, the share closed with accepted help.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from vroegsignalering.common.vocab import HELP_ACCEPTED, Reached

from . import deadlines
from .models import ACTIVE_STATUSES, WINDOW_STATUSES, Case
from .selectors import team_cases_for_user

AT_RISK_DAYS = 5


@dataclass(frozen=True)
class TrayCount:
    name: str
    municipality: str
    count: int


@dataclass
class Dashboard:
    today: dt.date
    week_end: dt.date
    month_start: dt.date
    per_tray: list[TrayCount] = field(default_factory=list)
    open_total: int = 0
    due_this_week: int = 0
    at_risk: int = 0
    attempted: int = 0
    reached: int = 0
    accepted: int = 0

    @property
    def reach_pct(self) -> int | None:
        return round(100 * self.reached / self.attempted) if self.attempted else None

    @property
    def acceptance_pct(self) -> int | None:
        return round(100 * self.accepted / self.reached) if self.reached else None

def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def dashboard_for_user(user, *, now: dt.datetime) -> Dashboard:
    """The figures for a team lead (all zero for anyone else). Three queries."""
    today = deadlines.local_date(now)
    week_end = today + dt.timedelta(days=6 - today.weekday())
    month_start = _month_start(today)
    next_month = deadlines.add_months(month_start, 1)
    board = Dashboard(today=today, week_end=week_end, month_start=month_start)
    cases = team_cases_for_user(user).order_by()

    # 1. open cases per tray
    rows = (cases.filter(status__in=ACTIVE_STATUSES)
            .values("tray_id", "tray__name", "municipality__name")
            .annotate(n=Count("pk")).order_by("municipality__name", "tray__name"))
    for row in rows:
        board.per_tray.append(TrayCount(name=row["tray__name"] or "Zonder bakje",
                                        municipality=row["municipality__name"], count=row["n"]))
    board.open_total = sum(row.count for row in board.per_tray)

    # 2. due this week and at risk: the window's last day is the day before ``deadline_at``.
    due_by = deadlines.start_of_day(week_end + dt.timedelta(days=1))
    risk_by = deadlines.start_of_day(today + dt.timedelta(days=AT_RISK_DAYS + 1))
    attempts = Case.objects.filter(pk=OuterRef("pk"), contact_attempts__isnull=False)  # any attempt
    figures = (cases.filter(status__in=WINDOW_STATUSES, deadline_at__gt=now)
               .annotate(attempted=Exists(attempts))
               .aggregate(due=Count("pk", filter=Q(deadline_at__lte=due_by)),
                          risk=Count("pk", filter=Q(deadline_at__lte=risk_by, attempted=False))))
    board.due_this_week, board.at_risk = figures["due"], figures["risk"]

    # 3. this month's reach and acceptance, over the cases with an attempt this month
    start, end = deadlines.start_of_day(month_start), deadlines.start_of_day(next_month)
    # One filter() per subquery: the conditions then hold for the same attempt (reverse relation).
    in_month = Case.objects.filter(pk=OuterRef("pk"), contact_attempts__at__gte=start, contact_attempts__at__lt=end)
    reached = Case.objects.filter(pk=OuterRef("pk"), contact_attempts__at__gte=start, contact_attempts__at__lt=end,
                                  contact_attempts__reached=Reached.JA)
    figures = (cases.annotate(attempted=Exists(in_month), was_reached=Exists(reached))
               .filter(attempted=True)
               .aggregate(attempted=Count("pk"), reached=Count("pk", filter=Q(was_reached=True)),
                          accepted=Count("pk", filter=Q(was_reached=True, outcome__in=list(HELP_ACCEPTED)))))
    board.attempted, board.reached, board.accepted = figures["attempted"], figures["reached"], figures["accepted"]
    return board
