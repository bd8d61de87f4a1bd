"""Reads of the monitor: aggregated counts from the statistics store (``monitor.models``), never from
the signals, cases and attempts themselves, so the figures stay after those are purged."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count

from vroegsignalering.common.dates import add_months
from vroegsignalering.common.vocab import HELP_ACCEPTED, ContactKind

from .models import AttemptFact, CaseFact, SignalFact

SUPPRESS_BELOW = 10


def _count(value: int) -> dict:
    if value < SUPPRESS_BELOW:
        return {"aantal": None, "onderdrukt": True}
    return {"aantal": value, "onderdrukt": False}


def efforts_for_creditor(*, creditor, municipality_code: str, month: dt.date) -> dict:
    """Aggregated efforts for the creditor's signals received in ``month`` for one municipality:
    counts only, each below 10 suppressed (AVG: no individual can be singled out). Forwarded copies
    are the receiving municipality's, not the creditor's: left out."""
    first = month.replace(day=1)
    following = add_months(first, 1)
    signals = SignalFact.objects.filter(creditor=creditor, municipality__cbs_code=municipality_code,
                                        is_forwarded_copy=False, received_on__gte=first, received_on__lt=following)
    received = signals.count()
    picked_up = signals.filter(case_ref__isnull=False).count()
    cases = CaseFact.objects.filter(case_ref__in=signals.filter(case_ref__isnull=False).values("case_ref"))
    per_kind = dict(AttemptFact.objects.filter(case_ref__in=cases.values("case_ref")).values("kind")
                    .annotate(n=Count("pk")).values_list("kind", "n"))
    return {
        "gemeentecode": municipality_code,
        "maand": f"{month.year:04d}-{month.month:02d}",
        "signalenOntvangen": _count(received),
        "signalenOpgepakt": _count(picked_up),
        "meldingenMetContactpoging": _count(cases.filter(attempts__gt=0).count()),
        "contactpogingenPerSoort": [{"soortContact": kind, **_count(per_kind.get(kind, 0))}
                                    for kind in ContactKind.values],
        "meldingenMetContact": _count(cases.filter(reached=True).count()),
        "meldingenHulpGeaccepteerd": _count(cases.filter(outcome__in=list(HELP_ACCEPTED)).count()),
    }
