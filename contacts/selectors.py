"""Reads of contacts: follow-ups due after accepted help, planned home visits. Scoped to the user's
municipalities and role through ``.visible_to`` (ADR 0009) like every case read."""
from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.permissions import CASEWORK_ROLES, TEAM_LEAD_ROLES, is_team_lead
from cases.models import ACTIVE_STATUSES, FOLLOW_UP_EARLY, FollowUp
from cases.selectors import case_signals_by_case, team_cases_for_user
from vroegsignalering.common.vocab import ContactKind

from .models import CaseTask, PlannedVisit, TaskKind, TaskStatus


def follow_ups_due_for_user(user, *, today: dt.date, mine_only: bool = False) -> QuerySet[FollowUp]:
    """Open follow-up items whose collection pause has ended (or ends within a week), of cases the
    user may see. A worker sees their own and unassigned ones; a team lead all, unless ``mine_only``."""
    qs = FollowUp.objects.visible_to(user, roles=CASEWORK_ROLES).filter(done_at__isnull=True,
                                                                          due_on__lte=today + FOLLOW_UP_EARLY)
    if mine_only:
        qs = qs.filter(assigned_to=user)
    elif not is_team_lead(user):
        qs = qs.filter(Q(assigned_to=user) | Q(assigned_to__isnull=True))
    return qs.select_related("case", "assigned_to").order_by("due_on", "id")


# --- planned home visits (team lead) ---------------------------------------------------------------


def visits_for_user(user, *, start: dt.date, end: dt.date, worker_id: int | None = None) -> QuerySet:
    """Planned (not cancelled) home visits from ``start`` up to and including ``end`` of the cases a
    team lead plans (their municipalities'; nothing for other roles), by date and part of the day."""
    qs = PlannedVisit.objects.visible_to(user, roles=TEAM_LEAD_ROLES).filter(cancelled_at__isnull=True,
                                                                               date__gte=start, date__lte=end)
    if worker_id is not None:
        qs = qs.filter(worker_id=worker_id)
    return qs.select_related("case", "worker").order_by("date", "dagdeel", "worker__username", "id")


def visit_get_for_user(user, pk: int):
    return (PlannedVisit.objects.visible_to(user, roles=TEAM_LEAD_ROLES).filter(pk=pk)
            .select_related("case", "worker").first())


def _postcode_order(address_key: str) -> tuple:
    postcode, number, letter, addition = (address_key.split("|") + ["", "", "", ""])[:4]
    return (postcode, int(number) if number.isdigit() else 0, letter, addition)


def visit_print_list(user, *, start: dt.date, end: dt.date, worker_id: int | None = None) -> list[dict]:
    """The printable visit list: per visit only what the visit needs (address, resident name(s),
    phone numbers, case number, date, part of the day, note), sorted by postcode and house number.
    Never amounts, creditors or BSN. Two queries, whatever the number of visits."""
    visits = list(visits_for_user(user, start=start, end=end, worker_id=worker_id))
    signals = case_signals_by_case({visit.case_id for visit in visits})
    rows = []
    for visit in visits:
        names, phones = [], []
        for signal in signals.get(visit.case_id, []):
            given = signal.first_names or signal.initials
            name = " ".join(part for part in (given, signal.surname_prefix, signal.surname) if part) or \
                signal.trade_name
            if name and name not in names:
                names.append(name)
            for phone in signal.phone_numbers or []:
                if phone and phone not in phones:
                    phones.append(phone)
        rows.append({"visit": visit, "case_id": visit.case_id, "address": visit.case.address, "names": names,
                     "phones": phones, "date": visit.date, "dagdeel": visit.get_dagdeel_display(),
                     "worker": visit.worker, "note": visit.note})
    rows.sort(key=lambda row: (_postcode_order(row["visit"].case.address_key), row["date"],
                               _DAGDEEL_ORDER.get(row["visit"].dagdeel, 9), row["case_id"]))
    return rows


_DAGDEEL_ORDER = {"Ochtend": 0, "Middag": 1, "Avond": 2}


def cases_awaiting_visit_for_user(user, *, today: dt.date, limit: int = 50):
    """Active cases in a home-visit tray (of a team lead's municipalities) without a planned visit
    from ``today`` on: the planner's "still to plan" list, most urgent first."""
    planned = PlannedVisit.objects.filter(case=OuterRef("pk"), cancelled_at__isnull=True, date__gte=today)
    # An outreach plan's home-visit step (issue 13) puts a case on the list wherever its tray is.
    task = CaseTask.objects.filter(case=OuterRef("pk"), kind=TaskKind.HUISBEZOEK, status=TaskStatus.OPEN)
    return (team_cases_for_user(user).filter(status__in=ACTIVE_STATUSES)
            .filter(Q(tray__contact_kind=ContactKind.HUISBEZOEK) | Exists(task))
            .filter(~Exists(planned))[:limit])
