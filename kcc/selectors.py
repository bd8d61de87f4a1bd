"""What the call centre may read: whether a household has an active case, who handles it and how to reach
them (never the amount, a creditor, the history or a closed case), and the external call list.

Every read is scoped with ``.visible_to(user, roles=…)`` (``vroegsignalering.common.tenancy``): a KCC
employee sees their own municipalities' active cases only, a team lead their own municipalities' call list.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing

from accounts.models import Municipality
from accounts.permissions import is_team_lead, works_kcc
from audit.recording import signal_persons
from cases.models import ACTIVE_STATUSES, Case, ContactField, UnusableContact
from cases.selectors import case_signals_by_case
from contacts.models import CaseTask, TaskKind, TaskStatus
from outreach.models import OutreachSettings

TEAM = "het team vroegsignalering"
TOKEN_SALT = "kcc.inwoner-belde"


@dataclass(frozen=True)
class TeamContact:
    """How the resident reaches the team of one municipality (``OutreachSettings``)."""

    municipality: str
    phone: str = ""
    email: str = ""
    hours: str = ""


@dataclass(frozen=True)
class HouseholdResult:
    """One active case, as the call centre may see it: who handles it and how to reach them."""

    handler: str  # the assigned worker's name when the municipality allows it, else the team
    contact: TeamContact
    token: str  # signed, 15 minutes, this user only: "inwoner belde" on this case


@dataclass
class HouseholdStatus:
    results: list[HouseholdResult]
    teams: list[TeamContact]  # the user's municipalities' contact details (for a miss)
    # For the audit trail only (never rendered): the cases found and the persons they name.
    audit_cases: list = field(default_factory=list)
    audit_persons: list = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.results)


def _team(municipality: Municipality, outreach: OutreachSettings | None) -> TeamContact:
    if outreach is None:
        return TeamContact(municipality=municipality.name)
    return TeamContact(municipality=municipality.name, phone=outreach.team_phone, email=outreach.team_email,
                       hours=outreach.contact_hours)


def _settings_by_municipality(ids) -> dict[int, OutreachSettings]:
    return {row.municipality_id: row for row in OutreachSettings.objects.filter(municipality_id__in=list(ids))}


def _matches_addition(address_key: str, toevoeging: str) -> bool:
    """``toevoeging`` as a caller says it: a house letter ('A'), an addition ('2', 'BIS') or both ('A2')."""
    if not toevoeging:
        return True
    parts = address_key.split("|")
    letter, addition = (parts[2], parts[3]) if len(parts) == 4 else ("", "")
    return toevoeging in (letter, addition, letter + addition)


def case_token(user, case: Case) -> str:
    """A signed token naming the case by its random contact reference (never its id) for this user."""
    return signing.dumps({"r": case.contact_reference, "u": user.pk}, salt=TOKEN_SALT)


def case_for_token(user, token: str) -> Case | None:
    """The active case a token of this user names, if it is younger than ``KCC_TOKEN_MAX_AGE`` and the user
    may still see the case; None for a tampered, expired or someone else's token, or a closed case."""
    try:
        payload = signing.loads(token, salt=TOKEN_SALT, max_age=settings.KCC_TOKEN_MAX_AGE)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(payload, dict) or payload.get("u") != user.pk or not isinstance(payload.get("r"), str):
        return None
    return (Case.objects.visible_to(user, roles=works_kcc)
            .filter(contact_reference=payload["r"], status__in=ACTIVE_STATUSES)
            .select_related("assigned_to", "municipality").first())


def _handler(case: Case, outreach: OutreachSettings | None) -> str:
    if outreach is not None and outreach.kcc_names_handler and case.assigned_to is not None:
        return case.assigned_to.get_full_name() or TEAM
    return TEAM


def household_result(user, case: Case) -> HouseholdResult:
    outreach = _settings_by_municipality([case.municipality_id]).get(case.municipality_id)
    return HouseholdResult(handler=_handler(case, outreach), contact=_team(case.municipality, outreach),
                           token=case_token(user, case))


def household_status(user, *, postcode: str = "", huisnummer: int | None = None, toevoeging: str = "",
                     bsn: str = "") -> HouseholdStatus:
    """Whether a household of the user's municipalities has an active case, by address (normalised postcode,
    house number, optional letter/addition) or by BSN (a resident of one of the case's signals)."""
    cases = (Case.objects.visible_to(user, roles=works_kcc).filter(status__in=ACTIVE_STATUSES)
             .select_related("assigned_to", "municipality").order_by("-opened_at", "-pk"))
    if bsn:
        found = list(cases.filter(case_signals__signal__bsn=bsn).distinct())
    elif postcode and huisnummer:
        found = [case for case in cases.filter(address_key__startswith=f"{postcode}|{huisnummer}|")
                 if _matches_addition(case.address_key, toevoeging)]
    else:
        found = []
    municipalities = list(user.municipalities.all()) if works_kcc(user) else []
    outreach = _settings_by_municipality({m.pk for m in municipalities} | {c.municipality_id for c in found})
    results = [HouseholdResult(handler=_handler(case, outreach.get(case.municipality_id)),
                               contact=_team(case.municipality, outreach.get(case.municipality_id)),
                               token=case_token(user, case)) for case in found]
    signals = case_signals_by_case([case.pk for case in found])
    persons = signal_persons([s for rows in signals.values() for s in rows])
    return HouseholdStatus(results=results, teams=[_team(m, outreach.get(m.pk)) for m in municipalities],
                           audit_cases=found, audit_persons=sorted(set(persons) | ({bsn} if bsn else set())))


# --- the call list for an external call centre ----------------------------------------------------------


@dataclass(frozen=True)
class CallListRow:
    case_id: int
    task_id: int
    kenmerk: str
    name: str
    phones: list[str]
    dagdeel: str
    due_date: dt.date
    municipality_id: int
    persons: list[str]  # for the audit trail only


def call_list_tasks(user, *, on: dt.date, roles=is_team_lead):
    """The open external phone tasks of the user's municipalities due on or before ``on``, of active cases."""
    return (CaseTask.objects.visible_to(user, roles=roles)
            .filter(status=TaskStatus.OPEN, external=True, kind=TaskKind.BELLEN, due_date__lte=on,
                    case__status__in=ACTIVE_STATUSES)
            .select_related("case").order_by("due_date", "case_id", "pk"))


def _name(signals) -> str:
    for signal in signals:
        name = " ".join(p for p in (signal.first_names or signal.initials, signal.surname_prefix, signal.surname) if p)
        if name or signal.trade_name:
            return name or signal.trade_name
    return ""


def _phones(signals, unusable: set[str]) -> list[str]:
    found: list[str] = []
    for signal in signals:
        for number in signal.phone_numbers or []:
            if number and str(number) not in unusable and str(number) not in found:
                found.append(str(number))
    return found


def call_list(user, *, on: dt.date, roles=is_team_lead) -> list[CallListRow]:
    """The call list: per open external phone task its case's kenmerk, the resident's name, the usable phone
    numbers, the preferred part of the day and the due date. Never a creditor or an amount."""
    tasks = list(call_list_tasks(user, on=on, roles=roles))
    case_ids = sorted({task.case_id for task in tasks})
    signals = case_signals_by_case(case_ids)
    unusable: dict[int, set[str]] = {case_id: set() for case_id in case_ids}
    for case_id, value in (UnusableContact.objects.filter(case_id__in=case_ids, field=ContactField.TELEFOON)
                           .values_list("case_id", "value")):
        unusable[case_id].add(value)
    return [CallListRow(case_id=task.case_id, task_id=task.pk, kenmerk=task.case.contact_reference,
                        name=_name(signals[task.case_id]),
                        phones=_phones(signals[task.case_id], unusable[task.case_id]),
                        dagdeel=task.dagdeel, due_date=task.due_date, municipality_id=task.case.municipality_id,
                        persons=signal_persons(signals[task.case_id]))
            for task in tasks]


def case_for_kenmerk(user, kenmerk: str, *, roles=is_team_lead) -> Case | None:
    """The case of the user's municipalities with this contact reference (any status: the service decides)."""
    return Case.objects.visible_to(user, roles=roles).filter(contact_reference=kenmerk).first()
