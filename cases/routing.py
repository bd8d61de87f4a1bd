"""Routing (afwegingskader): a municipality's ordered rules pick a tray (bakje) and priority.

The engine works on plain facts (:class:`CaseFacts`) and on rule and tray objects it does not
query, so it is testable without a database; ``cases.services`` loads and stores.

How a case is placed:

0. A household known to debt assistance (a signal with SHV status ``bekend``) always goes to the
   municipality's SHV tray (end result "Inwoner al bekend bij schuldhulpverlening", closed at once),
   whatever the rules say (``shv_tray``; docs/adr/0007-no-configuration-loses-a-signal.md).
1. The first active rule (by position) whose conditions all hold and whose tray is active chooses
   a tray and priority (a rule whose tray was deactivated is passed over, and the explanation says
   so); no rule → the municipality's default tray.
2. Fallbacks, repeated until the tray fits (each tray at most once; an inactive fallback counts as
   none): the tray needs contact data the case lacks (e.g. ``telefoon`` without a phone number) →
   its ``missing_contact_fallback``; the tray's capacity for the period is used up (capacity 0
   included) → its ``capacity_fallback``; without one the case stays, overbooked, with a warning.
3. In a period close, capacity goes to earlier rules first and, within a rule, to the highest
   summed amount first (municipality 6: "the 80 matches, then the 5 rent cases with the highest
   amounts").
4. After the period's cases are placed, each :class:`~cases.models.TrayAllocation` fills the
   remaining capacity of its target tray with cases from its source tray, highest amount first.

Every step is written into the case's explanation, in Dutch, for the worker.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from vroegsignalering.common.formats import euro
from vroegsignalering.common.vocab import CreditorKind, Outcome, ShvStatus

from .matching import ENKELVOUDIG, MEERVOUDIG

_SHV_LABELS = {"bekend": "bekend bij SHV", "nazorg": "nazorg SHV", "onbekend": "onbekend bij SHV"}


@dataclass(frozen=True)
class CaseFacts:
    """What the rules may look at."""

    match_type: str = ENKELVOUDIG
    recidive: bool = False
    crisis: bool = False
    amount: Decimal = Decimal("0.00")
    creditor_kinds: frozenset[str] = frozenset()
    age: int | None = None
    has_minors: bool = False
    has_phone: bool = False
    has_email: bool = False
    shv_statuses: frozenset[str] = frozenset()

    @classmethod
    def of(cls, *, match_type: str, recidive: bool, amount: Decimal, signals: Sequence[Any]) -> CaseFacts:
        """Facts of a case from its signals (``signals.models.Signal`` or look-alikes), oldest first:
        the main person is the first signal's person whose age the BRP gave."""
        age = None
        minors = False
        for s in signals:
            evidence = s.brp_evidence or {}
            if age is None and isinstance(evidence.get("leeftijd"), int):
                age = evidence["leeftijd"]
            minors = minors or bool(evidence.get("minderjarigen_in_huishouden")) or any(
                isinstance(member, dict) and member.get("minderjarig") for member in evidence.get("huishouden") or []
            )
        return cls(
            match_type=match_type,
            recidive=recidive,
            crisis=any(s.is_crisis for s in signals),
            amount=amount,
            creditor_kinds=frozenset(s.creditor_kind for s in signals),
            age=age,
            has_minors=minors,
            has_phone=any(bool(s.phone_numbers) for s in signals),
            has_email=any(bool(s.email) for s in signals),
            shv_statuses=frozenset(
                (s.shv_evidence or {}).get("status") for s in signals if (s.shv_evidence or {}).get("status")
            ),
        )

    def describe(self) -> str:
        kinds = ", ".join(sorted(CreditorKind(k).label.lower() if k in CreditorKind.values else k
                                 for k in self.creditor_kinds)) or "onbekend"
        parts = [
            self.match_type,
            "opeenvolgend" if self.recidive else "niet opeenvolgend",
            f"totaal {euro(self.amount)}",
            kinds,
        ]
        if self.crisis:
            parts.append("crisissignaal")
        contact = []
        contact.append("telefoon bekend" if self.has_phone else "geen telefoon")
        contact.append("e-mail bekend" if self.has_email else "geen e-mail")
        parts.extend(contact)
        return "Melding: " + ", ".join(parts) + "."


# --- rules ---------------------------------------------------------------------------------------


def age_in_range(age: int | None, age_min: int | None, age_max: int | None) -> bool:
    """Whether an age meets a rule's (or an outreach plan's) age bounds; an unknown age meets no bound."""
    if age_min is not None and (age is None or age < age_min):
        return False
    return age_max is None or (age is not None and age <= age_max)


def age_range_text(age_min: int | None, age_max: int | None) -> str:
    """'leeftijd 18 t/m 27', 'leeftijd vanaf 67', 'leeftijd t/m 27' (one bound at least)."""
    if age_min is not None and age_max is not None:
        return f"leeftijd {age_min} t/m {age_max}"
    return f"leeftijd vanaf {age_min}" if age_min is not None else f"leeftijd t/m {age_max}"


def rule_matches(rule: Any, facts: CaseFacts) -> bool:
    """Whether all of a rule's conditions hold (an empty condition always holds)."""
    if rule.match_type and rule.match_type != facts.match_type:
        return False
    if rule.recidive is not None and rule.recidive != facts.recidive:
        return False
    if rule.crisis is not None and rule.crisis != facts.crisis:
        return False
    amount = facts.amount
    if rule.amount_gt is not None and not amount > rule.amount_gt:
        return False
    if rule.amount_gte is not None and not amount >= rule.amount_gte:
        return False
    if rule.amount_lt is not None and not amount < rule.amount_lt:
        return False
    if rule.amount_lte is not None and not amount <= rule.amount_lte:
        return False
    if rule.creditor_kinds and not set(rule.creditor_kinds) & facts.creditor_kinds:
        return False
    if not age_in_range(facts.age, rule.age_min, rule.age_max):
        return False
    if rule.has_minors is not None and rule.has_minors != facts.has_minors:
        return False
    if rule.has_phone is not None and rule.has_phone != facts.has_phone:
        return False
    if rule.has_email is not None and rule.has_email != facts.has_email:
        return False
    if rule.shv_statuses and not set(rule.shv_statuses) & facts.shv_statuses:
        return False
    return True


def describe_conditions(rule: Any) -> str:
    """A rule's conditions in Dutch, e.g. 'enkelvoudig, opeenvolgend, bedrag > € 500,00'."""
    parts = []
    if rule.crisis is not None:
        parts.append("crisissignaal" if rule.crisis else "geen crisissignaal")
    if rule.match_type:
        parts.append(rule.match_type)
    if rule.recidive is not None:
        parts.append("opeenvolgend" if rule.recidive else "niet opeenvolgend")
    for value, sign in ((rule.amount_gt, ">"), (rule.amount_gte, "≥"), (rule.amount_lt, "<"), (rule.amount_lte, "≤")):
        if value is not None:
            parts.append(f"bedrag {sign} {euro(value)}")
    if rule.creditor_kinds:
        labels = [CreditorKind(k).label.lower() if k in CreditorKind.values else k for k in rule.creditor_kinds]
        parts.append("soort vaste last " + " of ".join(labels))
    if rule.age_min is not None or rule.age_max is not None:
        parts.append(age_range_text(rule.age_min, rule.age_max))
    if rule.has_minors is not None:
        parts.append("minderjarigen in huis" if rule.has_minors else "geen minderjarigen in huis")
    if rule.has_phone is not None:
        parts.append("telefoonnummer bekend" if rule.has_phone else "geen telefoonnummer")
    if rule.has_email is not None:
        parts.append("e-mailadres bekend" if rule.has_email else "geen e-mailadres")
    if rule.shv_statuses:
        parts.append(" of ".join(_SHV_LABELS.get(s, s) for s in rule.shv_statuses))
    return ", ".join(parts) or "alle meldingen"


def tray_is_active(tray: Any) -> bool:
    """Whether a tray may receive new cases (a deactivated tray keeps its cases, gets no new ones)."""
    return tray is not None and getattr(tray, "is_active", True)


def is_shv_tray(tray: Any) -> bool:
    return tray is not None and getattr(tray, "end_outcome", "") == Outcome.BEKEND_BIJ_SHV


def known_to_shv(facts: CaseFacts) -> bool:
    return ShvStatus.BEKEND in facts.shv_statuses


def first_rule(rules: Iterable[Any], facts: CaseFacts) -> Any | None:
    """The first active rule that matches and whose tray is active."""
    for rule in rules:
        if rule.is_active and rule_matches(rule, facts) and tray_is_active(rule.tray):
            return rule
    return None


def passed_over(rules: Iterable[Any], facts: CaseFacts, chosen: Any | None) -> list[str]:
    """Explanation lines for matching rules before ``chosen`` whose tray is not active."""
    lines = []
    for rule in rules:
        if rule is chosen:
            break
        if rule.is_active and rule_matches(rule, facts) and not tray_is_active(rule.tray):
            lines.append(f"{_rule_text(rule)} past, maar bakje {rule.tray.name} is niet actief: overgeslagen.")
    return lines


# --- capacity ------------------------------------------------------------------------------------


@dataclass
class CapacityLedger:
    """Cases placed per tray in one period (to compare with ``Tray.monthly_capacity``)."""

    used: dict[Hashable, int] = field(default_factory=dict)

    def count(self, tray: Any) -> int:
        return self.used.get(tray.pk, 0)

    def remaining(self, tray: Any) -> int | None:
        if tray.monthly_capacity is None:
            return None
        return max(0, tray.monthly_capacity - self.count(tray))

    def is_full(self, tray: Any) -> bool:
        remaining = self.remaining(tray)
        return remaining is not None and remaining <= 0

    def take(self, tray: Any) -> None:
        self.used[tray.pk] = self.count(tray) + 1

    def release(self, tray: Any) -> None:
        self.used[tray.pk] = max(0, self.count(tray) - 1)


def missing_contact(tray: Any, facts: CaseFacts) -> str | None:
    """Why the case lacks the contact data the tray needs, or None."""
    need = tray.requires_contact
    if need == "telefoon" and not facts.has_phone:
        return "geen telefoonnummer bekend"
    if need == "email" and not facts.has_email:
        return "geen e-mailadres bekend"
    if need == "telefoon_of_email" and not (facts.has_phone or facts.has_email):
        return "geen telefoonnummer en geen e-mailadres bekend"
    return None


# --- decisions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    tray: Any
    priority: int
    rule: Any | None
    explanation: str


def _rule_text(rule: Any) -> str:
    return f"Regel {rule.position} '{rule.name}' ({describe_conditions(rule)})"


def place(facts: CaseFacts, rule: Any | None, default_tray: Any, ledger: CapacityLedger,
          *, normal_priority: int = 2, shv_tray: Any | None = None, notes: Sequence[str] = ()) -> Decision:
    """Apply the fallbacks to the rule's tray (or the default tray) and take capacity. A household
    known to debt assistance goes to ``shv_tray`` (when given) unless the rule already chose such a
    tray; capacity does not apply there (the case is closed at once)."""
    lines = [facts.describe(), *notes]
    if shv_tray is not None and known_to_shv(facts) and not (rule is not None and is_shv_tray(rule.tray)):
        lines.append(f"Inwoner bekend bij schuldhulpverlening → altijd bakje {shv_tray.name}, ongeacht de regels "
                     "(de betrokken schuldhulpverlener pakt het op).")
        ledger.take(shv_tray)
        return Decision(tray=shv_tray, priority=normal_priority, rule=None, explanation="\n".join(lines))
    if rule is not None:
        tray, priority = rule.tray, rule.priority
        lines.append(f"{_rule_text(rule)} → bakje {tray.name}.")
        if rule.explanation:
            lines.append(f"Toelichting bij de regel: {rule.explanation}")
    else:
        tray, priority = default_tray, normal_priority
        lines.append(f"Geen regel van toepassing → standaardbakje {tray.name}.")
    seen = {tray.pk}
    while True:
        reason = missing_contact(tray, facts)
        full = reason is None and ledger.is_full(tray)
        nxt = tray.missing_contact_fallback if reason else tray.capacity_fallback if full else None
        if nxt is not None and nxt.pk in seen:
            nxt = None  # a cycle of fallbacks: stay here
        if nxt is not None and not tray_is_active(nxt):
            lines.append(f"Bakje {nxt.name} (terugval van bakje {tray.name}) is niet actief: overgeslagen.")
            nxt = None
        if reason and nxt is not None:
            lines.append(f"Bakje {tray.name}: {reason} → bakje {nxt.name}.")
        elif reason:
            lines.append(f"Let op: bakje {tray.name}, maar {reason}.")
        elif full and nxt is not None:
            lines.append(f"Bakje {tray.name} is vol ({ledger.count(tray)} van {tray.monthly_capacity} deze periode) "
                         f"→ bakje {nxt.name}.")
        elif full:
            lines.append(f"Let op: bakje {tray.name} is vol ({ledger.count(tray)} van {tray.monthly_capacity}); "
                         "geen ander bakje beschikbaar, capaciteit overschreden.")
        if nxt is None:
            break
        seen.add(nxt.pk)
        tray = nxt
    ledger.take(tray)
    return Decision(tray=tray, priority=priority, rule=rule, explanation="\n".join(lines))


def route_one(facts: CaseFacts, rules: Sequence[Any], default_tray: Any, ledger: CapacityLedger,
              shv_tray: Any | None = None) -> Decision:
    rule = first_rule(rules, facts)
    return place(facts, rule, default_tray, ledger, shv_tray=shv_tray, notes=passed_over(rules, facts, rule))


def route_period(
    items: Sequence[tuple[Hashable, CaseFacts]],
    rules: Sequence[Any],
    default_tray: Any,
    ledger: CapacityLedger,
    allocations: Sequence[Any] = (),
    shv_tray: Any | None = None,
) -> dict[Hashable, Decision]:
    """Place a period's cases: earlier rules claim capacity first, then higher amounts; then the
    allocation steps. ``items`` are (key, facts); keys must sort (ties on amount go by key)."""
    active = [r for r in rules if r.is_active]
    chosen = []
    for key, facts in items:
        rule = first_rule(active, facts)
        rank = active.index(rule) if rule is not None else len(active)
        chosen.append((rank, -facts.amount, key, facts, rule))
    chosen.sort(key=lambda c: (c[0], c[1], c[2]))
    decisions = {key: place(facts, rule, default_tray, ledger, shv_tray=shv_tray,
                            notes=passed_over(active, facts, rule))
                 for _, _, key, facts, rule in chosen}
    facts_by_key = dict(items)
    for allocation in allocations:
        if allocation.is_active:
            allocate(decisions, facts_by_key, allocation, ledger)
    return decisions


def allocate(decisions: dict[Hashable, Decision], facts: dict[Hashable, CaseFacts], allocation: Any,
             ledger: CapacityLedger) -> list[Hashable]:
    """Fill the remaining capacity of ``allocation.target`` with cases from ``allocation.source``,
    highest amount first. Returns the keys moved (in order)."""
    target, source = allocation.target, allocation.source
    remaining = ledger.remaining(target)
    if not remaining or not tray_is_active(target):
        return []
    candidates = sorted(
        (key for key, d in decisions.items() if d.tray.pk == source.pk and missing_contact(target, facts[key]) is None
         and not (known_to_shv(facts[key]) and shv_tray_chosen(d))),
        key=lambda key: (-facts[key].amount, key),
    )
    moved = candidates[:remaining]
    free = remaining
    for number, key in enumerate(moved, start=1):
        decision = decisions[key]
        note = (f"Restcapaciteit bakje {target.name}: {free} plaats(en) over na de regels; aangevuld uit bakje "
                f"{source.name} op volgorde van bedrag (nummer {number} van {len(candidates)}) → bakje {target.name}.")
        ledger.release(source)
        ledger.take(target)
        decisions[key] = replace(decision, tray=target, explanation=decision.explanation + "\n" + note)
    return moved


def shv_tray_chosen(decision: Decision) -> bool:
    return is_shv_tray(decision.tray)


__all__ = [
    "MEERVOUDIG", "CaseFacts", "CapacityLedger", "Decision", "allocate", "describe_conditions", "first_rule",
    "is_shv_tray", "known_to_shv", "missing_contact", "passed_over", "place", "route_one", "route_period",
    "rule_matches", "tray_is_active",
]
