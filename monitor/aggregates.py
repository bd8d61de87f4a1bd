"""The counts behind the monitor's figures, from the statistics store only (never the signals, cases
or attempts themselves, so the figures survive the purge).

Three queries, one per fact table, each ``GROUP BY municipality, month`` with one conditional count per
class (``COUNT(*) FILTER (WHERE …)`` on PostgreSQL, ``CASE`` on SQLite): the database aggregates, Python
only reads one row per municipality and month.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q

from cases.models.config import MatchType
from vroegsignalering.common.vocab import (
    HELP_ACCEPTED,
    OUTCOMES,
    ContactKind,
    CreditorKind,
    MonitorCategory,
    Reached,
)

from .models import AgeClass, AmountClass, AttemptFact, CaseFact, NotPickedUpReason, SignalFact

Counts = dict[str, int]
Key = tuple[int, dt.date]  # (municipality id, first day of the month)


class AttemptType:
    """The monitor's kinds of contact attempt (DOMAIN.md, Following up) as a grouping of ``ContactKind``
    (DDAS EnumContactsoort): a kind not named here counts as "anders"."""

    TELEFOON, HUISBEZOEK, SMS, BRIEF, EMAIL, ANDERS = "telefoon", "huisbezoek", "sms", "brief", "email", "anders"
    LABELS = {TELEFOON: "Telefoon", HUISBEZOEK: "Huisbezoek", SMS: "Sms/WhatsApp", BRIEF: "Brief/kaart",
              EMAIL: "E-mail", ANDERS: "Anders"}
    OF_KIND = {ContactKind.TELEFOON: TELEFOON, ContactKind.HUISBEZOEK: HUISBEZOEK, ContactKind.SMS: SMS,
               ContactKind.BRIEF: BRIEF, ContactKind.KAARTJE: BRIEF, ContactKind.MAIL: EMAIL}

    @classmethod
    def of(cls, kind: str) -> str:
        return cls.OF_KIND.get(kind, cls.ANDERS)


def help_categories() -> list[str]:
    """The monitor categories of accepted help, in ``MonitorCategory``'s order (a new outcome of accepted
    help with a new category appears by itself)."""
    accepted = {OUTCOMES[outcome][0] for outcome in HELP_ACCEPTED if outcome in OUTCOMES}
    return [category.value for category in MonitorCategory if category in accepted]


def _signal_counters() -> dict[str, Q | None]:
    counters: dict[str, Q | None] = {
        "signalen": None,
        "crisis": Q(is_crisis=True),
        "vroeg": Q(is_crisis=False),
        "in_melding": Q(case_ref__isnull=False),
        "niet_opgepakt": ~Q(not_picked_up=""),
    }
    counters |= {f"soort:{kind}": Q(creditor_kind=kind) for kind in CreditorKind.values}
    counters |= {f"reden:{reason}": Q(not_picked_up=reason) for reason in NotPickedUpReason.values}
    counters |= {f"bedrag:{amount}": Q(amount_class=amount) for amount in AmountClass.values}
    counters |= {f"leeftijd:{age}": Q(age_class=age) for age in AgeClass.values}
    return counters


def _case_counters() -> dict[str, Q | None]:
    attempted = Q(attempts__gt=0)
    reached = attempted & Q(reached=True)
    accepted = reached & Q(outcome__in=list(HELP_ACCEPTED))
    counters: dict[str, Q | None] = {
        "meldingen": None,
        "meldingen_vroeg": Q(is_crisis=False),
        "opeenvolgend": Q(recidive=True),
        "meervoudig": Q(match_type=MatchType.MEERVOUDIG),
        "met_poging": attempted,
        "bereikt": reached,
        "geaccepteerd": accepted,
    }
    counters |= {f"type:{match}:{'ja' if recidive else 'nee'}": Q(match_type=match, recidive=recidive)
                 for match in MatchType.values for recidive in (True, False)}
    counters |= {f"melding_bedrag:{amount}": Q(amount_class=amount) for amount in AmountClass.values}
    counters |= {f"hulp:{category}": accepted & Q(monitor_category=category) for category in help_categories()}
    return counters


def _attempt_counters() -> dict[str, Q | None]:
    counters: dict[str, Q | None] = {"pogingen": None, "pogingen_bereikt": Q(reached=Reached.JA)}
    types: dict[str, list[str]] = defaultdict(list)
    for kind in ContactKind.values:
        types[AttemptType.of(kind)].append(kind)
    for name in AttemptType.LABELS:
        kinds = Q(kind__in=types[name]) if name != AttemptType.ANDERS else ~Q(kind__in=list(AttemptType.OF_KIND))
        counters[f"poging:{name}"] = kinds
        counters[f"poging_bereikt:{name}"] = kinds & Q(reached=Reached.JA)
    # Sent by an outreach plan (issue 13): does the municipality's automatic outreach reach residents?
    counters["pogingen_systeem"] = Q(origin="systeem")
    counters["pogingen_systeem_bereikt"] = Q(origin="systeem", reached=Reached.JA)
    return counters


def _grouped(model, counters: dict[str, Q | None], municipality_ids: Iterable[int], first: dt.date,
             last: dt.date, into: dict[Key, Counts]) -> None:
    aliases = {f"c{i}": name for i, name in enumerate(counters)}
    annotations = {alias: Count("pk", filter=counters[name]) if counters[name] is not None else Count("pk")
                   for alias, name in aliases.items()}
    rows = (model.objects.filter(municipality_id__in=list(municipality_ids), month__gte=first, month__lte=last)
            .order_by().values("municipality_id", "month").annotate(**annotations))
    for row in rows:
        counts = into[(row["municipality_id"], row["month"])]
        for alias, name in aliases.items():
            counts[name] = row[alias]


def counts_per_municipality_month(municipality_ids: Iterable[int], first: dt.date,
                                  last: dt.date) -> dict[Key, Counts]:
    """Every count of the monitor per (municipality, month) from ``first`` to ``last`` (first days of months,
    inclusive). A municipality-month without facts is absent; a count missing from a row is 0."""
    ids = list(municipality_ids)
    result: dict[Key, Counts] = defaultdict(dict)
    _grouped(SignalFact, _signal_counters(), ids, first, last, result)
    _grouped(CaseFact, _case_counters(), ids, first, last, result)
    _grouped(AttemptFact, _attempt_counters(), ids, first, last, result)
    return dict(result)
