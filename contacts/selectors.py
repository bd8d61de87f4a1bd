"""Reads of contacts: follow-ups due after accepted help. Scoped to the user's municipalities and
case-working roles (through ``cases.selectors``) like every case read."""
from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from accounts.models import Role
from cases.selectors import case_list_for_user

from .models import FollowUp


def follow_ups_due_for_user(user, *, today: dt.date, mine_only: bool = False) -> QuerySet[FollowUp]:
    """Open follow-up items whose collection pause has ended (or ends within a week), of cases the
    user may see. A worker sees their own and unassigned ones; a team lead all, unless ``mine_only``."""
    from .services import FOLLOW_UP_EARLY

    qs = FollowUp.objects.filter(done_at__isnull=True, due_on__lte=today + FOLLOW_UP_EARLY,
                                 case__in=case_list_for_user(user).values("pk"))
    if mine_only:
        qs = qs.filter(assigned_to=user)
    elif user.role != Role.TEAMLEIDER:
        qs = qs.filter(Q(assigned_to=user) | Q(assigned_to__isnull=True))
    return qs.select_related("case", "assigned_to").order_by("due_on", "id")
