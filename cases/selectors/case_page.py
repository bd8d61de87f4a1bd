"""The case page: everything it shows about one case, read in a constant number of queries, for a
user who may see the case (``case_list_for_user``)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from accounts.models import User
from accounts.permissions import is_team_lead
from signals.models import Signal
from signals.selectors import signal_unusable_values
from vroegsignalering.common.dates import add_months

from .. import deadlines
from ..models import Case, CaseEvent
from ..retention import RetentionNotice, case_retention_notice
from .queue import CASE_ROLES, case_list_for_user

EARLIER_CASES_SHOWN = 20


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    kind: str  # "poging" (ContactAttempt), "gebeurtenis" (CaseHistory), "vervolg" (FollowUp done)
    item: object


@dataclass
class CasePageData:
    case: Case
    signals: list
    attempts: list
    history: list
    follow_ups: list
    earlier_cases: list
    earlier_since: dt.date
    persons: list[dict]
    household: list[dict]
    contact_details: list[dict]
    workers: list = field(default_factory=list)  # for a team lead's assign form

    @property
    def timeline(self) -> list[TimelineEntry]:
        """Contact attempts, status changes and other events and recorded follow-ups, oldest first.
        (An attempt's own history line is not repeated: the attempt shows its details and reply.)"""
        entries = [TimelineEntry(a.at, "poging", a) for a in self.attempts]
        entries += [TimelineEntry(h.at, "gebeurtenis", h) for h in self.history]
        entries += [TimelineEntry(f.at or f.done_at, "vervolg", f) for f in self.follow_ups if f.done_at]
        order = {"gebeurtenis": 0, "poging": 1, "vervolg": 2}
        return sorted(entries, key=lambda e: (e.at, order[e.kind], e.item.pk))

    @property
    def retention(self) -> RetentionNotice:
        """When the case's personal data are destroyed (or, while active, how long after it closes)."""
        return case_retention_notice(self.case, self.follow_ups)

    @property
    def open_follow_ups(self) -> list:
        return [f for f in self.follow_ups if f.done_at is None]


def _persons_and_household(signals) -> tuple[list[dict], list[dict]]:
    """The signals' residents as the BRP check found them, and the household members, deduplicated."""
    persons: dict[str, dict] = {}
    household: dict[str, dict] = {}
    for signal in signals:
        evidence = signal.brp_evidence or {}
        signal_name = " ".join(p for p in (signal.first_names or signal.initials, signal.surname_prefix,
                                           signal.surname) if p) or signal.trade_name
        key = evidence.get("bsn") or evidence.get("naam") or signal_name
        person = persons.setdefault(key, {
            "naam": evidence.get("naam") or signal_name, "naam_in_signaal": signal_name,
            "geboortedatum": evidence.get("geboortedatum", ""), "leeftijd": evidence.get("leeftijd"),
            "brp": evidence.get("uitkomst_omschrijving", ""), "overlijdensdatum": evidence.get("overlijdensdatum", ""),
            "partijen": [],
        })
        if signal.creditor.name not in person["partijen"]:
            person["partijen"].append(signal.creditor.name)
        for member in evidence.get("huishouden") or []:
            member_key = member.get("bsn") or f"{member.get('naam')}|{member.get('geboortedatum')}"
            household.setdefault(member_key, member)
    return list(persons.values()), list(household.values())


def _contact_details(signals) -> list[dict]:
    """Phone numbers, e-mail addresses and birth dates the creditors sent, each with who sent it.
    Values that could not be used come as delivered with a ``notitie`` ("niet bruikbaar: …"):
    a worker may still recognise a number written oddly."""
    found: dict[tuple[str, str], dict] = {}
    for signal in signals:
        values = [("Telefoon", str(number), "") for number in signal.phone_numbers or [] if number]
        if signal.email:
            values.append(("E-mail", signal.email, ""))
        values += [(row["veld"], row["waarde"], row["notitie"]) for row in signal_unusable_values(signal, fields=(
            "klant.telefoonnummers", "klant.emailadres", "klant.geboortedatum"))]
        for kind, value, note in values:
            row = found.setdefault((kind, value), {"soort": kind, "waarde": value, "notitie": note, "bronnen": []})
            if signal.creditor.name not in row["bronnen"]:
                row["bronnen"].append(signal.creditor.name)
    return list(found.values())


def case_page_data(user, pk: int, *, now: dt.datetime) -> CasePageData | None:
    """Everything the case page shows, in a constant number of queries; None when the user may not see
    the case (another municipality's, or a role that does not work cases)."""
    case = (case_list_for_user(user).select_related("routing_rule", "feedback_consent_by", "municipality")
            .filter(pk=pk).first())
    if case is None:
        return None
    signals = list(Signal.objects.filter(case_link__case=case).select_related("creditor", "case_link")
                   .order_by("signal_date", "received_at", "pk"))
    attempts = list(case.contact_attempts.select_related("by", "reply_registered_by").order_by("at", "pk"))
    history = list(case.history.exclude(event=CaseEvent.CONTACT).order_by("at", "pk"))
    follow_ups = list(case.follow_ups.select_related("done_by", "assigned_to").order_by("due_on", "pk"))
    since = add_months(deadlines.local_date(now), -case.municipality.retention_months)
    earlier = list(Case.objects.filter(municipality_id=case.municipality_id, address_key=case.address_key,
                                       opened_at__lt=case.opened_at, opened_at__gte=deadlines.start_of_day(since))
                   .exclude(pk=case.pk).order_by("-opened_at", "-pk")[:EARLIER_CASES_SHOWN])
    persons, household = _persons_and_household(signals)
    data = CasePageData(case=case, signals=signals, attempts=attempts, history=history, follow_ups=follow_ups,
                        earlier_cases=earlier, earlier_since=since, persons=persons, household=household,
                        contact_details=_contact_details(signals))
    if is_team_lead(user):
        data.workers = list(User.objects.filter(is_active=True, role__in=list(CASE_ROLES),
                                                municipalities=case.municipality_id)
                            .order_by("first_name", "last_name", "username").distinct())
    return data
