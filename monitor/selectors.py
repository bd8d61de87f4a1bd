"""Reads of the monitor: aggregated counts over signals, cases and contact attempts."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef

from cases.models import Case
from contacts.models import ContactAttempt
from signals.models import Signal
from vroegsignalering.common import dates
from vroegsignalering.common.vocab import HELP_ACCEPTED, ContactKind, Reached

SUPPRESS_BELOW = 10


def _count(value: int) -> dict:
    if value < SUPPRESS_BELOW:
        return {"aantal": None, "onderdrukt": True}
    return {"aantal": value, "onderdrukt": False}


def efforts_for_creditor(*, creditor, municipality_code: str, month: dt.date) -> dict:
    """Aggregated efforts for the creditor's signals received in ``month`` for one municipality:
    counts only, each below 10 suppressed (AVG: no individual can be singled out)."""
    start = dates.start_of_day(month.replace(day=1))
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    end = dates.start_of_day(following)
    signals = Signal.objects.filter(creditor=creditor, municipality__cbs_code=municipality_code,
                                    forwarded_from__isnull=True, received_at__gte=start, received_at__lt=end)
    received = signals.count()
    picked_up = signals.filter(case_link__isnull=False).count()
    cases = Case.objects.filter(Exists(signals.filter(case_link__case=OuterRef("pk"))))
    attempted = cases.filter(Exists(ContactAttempt.objects.filter(case=OuterRef("pk"))))
    with_contact = cases.filter(Exists(ContactAttempt.objects.filter(case=OuterRef("pk"), reached=Reached.JA)))
    help_accepted = cases.filter(outcome__in=list(HELP_ACCEPTED))
    per_kind = dict(ContactAttempt.objects.filter(case__in=cases).values("kind").annotate(n=Count("pk"))
                    .values_list("kind", "n"))
    return {
        "gemeentecode": municipality_code,
        "maand": f"{month.year:04d}-{month.month:02d}",
        "signalenOntvangen": _count(received),
        "signalenOpgepakt": _count(picked_up),
        "meldingenMetContactpoging": _count(attempted.count()),
        "contactpogingenPerSoort": [{"soortContact": kind, **_count(per_kind.get(kind, 0))}
                                    for kind in ContactKind.values],
        "meldingenMetContact": _count(with_contact.count()),
        "meldingenHulpGeaccepteerd": _count(help_accepted.count()),
    }
