"""Routing inside the case services: the municipality's rules and trays loaded once, trays created on
demand so no configuration loses a signal, and a decision applied to a case (with its history)."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from accounts.models import Municipality
from signals.models import Signal
from vroegsignalering.common.vocab import Outcome

from .. import routing, selectors
from ..models import ACTIVE_STATUSES, Case, CaseEvent, RoutingRule, Tray, TrayAllocation
from ..transitions import case_transition_row
from ._writes import _history, _Writes

logger = logging.getLogger("cases.services")

@dataclass
class _RoutingSetup:
    rules: list[RoutingRule]
    default_tray: Tray
    allocations: list[TrayAllocation]
    municipality: Municipality
    trays: dict[int, Tray]
    shv_tray: Tray | None = None

    def shv_tray_for(self, facts: Iterable[routing.CaseFacts]) -> Tray | None:
        """The SHV tray, created (or set up) only when one of these cases needs it."""
        if self.shv_tray is None and any(routing.known_to_shv(f) for f in facts):
            self.shv_tray = _tray_on_demand(self.municipality, self.trays, SHV_TRAY, fits=routing.is_shv_tray,
                                            end_outcome=Outcome.BEKEND_BIJ_SHV)
        return self.shv_tray


# Trays the routing creates (or reactivates) on demand, so that no configuration leaves a case without
# a tray (docs/adr/0007-no-configuration-loses-a-signal.md).
FALLBACK_TRAY = {"code": "algemeen", "name": "Algemeen",
                 "description": "Voor meldingen zonder (actief) standaardbakje; beoordelen per melding."}


SHV_TRAY = {"code": "schuldhulpverlening", "name": "Bekend bij schuldhulpverlening",
            "description": "De betrokken schuldhulpverlener pakt het op; niet via vroegsignalering."}


def _tray_on_demand(municipality: Municipality, trays: dict[int, Tray], spec: dict, *, fits: Callable[[Tray], bool],
                    **fields) -> Tray:
    """The tray ``spec`` describes, created or reactivated. Only a tray that already is such a tray
    (``fits``) is ever changed: when an operator gave the code to another tray (e.g. one that closes
    with another end result), that tray is left alone and a new one gets the next free code
    (``schuldhulpverlening-2``, …); reusing it could tell creditors something untrue."""
    taken = {t.code: t for t in Tray.objects.filter(municipality=municipality, code__startswith=spec["code"])}
    code, number = spec["code"], 1
    while code in taken and not fits(taken[code]):
        number += 1
        code = f"{spec['code']}-{number}"
    if code != spec["code"]:
        logger.warning("Tray code %s of %s is used by another kind of tray: routing uses %s", spec["code"],
                       municipality.cbs_code, code)
    tray, created = Tray.objects.get_or_create(municipality=municipality, code=code,
                                               defaults={"name": spec["name"], "description": spec["description"],
                                                         **fields})
    changed = {name: value for name, value in {"is_active": True, **fields}.items() if getattr(tray, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(tray, name, value)
        tray.save(update_fields=list(changed))
        logger.warning("Tray %s of %s changed for routing (%s): no usable tray otherwise", tray.code,
                       municipality.cbs_code, ", ".join(changed))
    elif created:
        logger.info("Tray %s created for %s: no usable tray otherwise", tray.code, municipality.cbs_code)
    trays[tray.pk] = tray
    return tray


def _is_plain_tray(tray: Tray) -> bool:
    """A tray where cases are worked (no end result that closes them at once)."""
    return not tray.end_outcome


def _routing_setup(municipality: Municipality) -> _RoutingSetup:
    """The municipality's rules with their trays and fallback chains loaded (no queries while routing).

    Whatever the configuration, routing has somewhere to go: without an active default tray the tray
    ``algemeen`` (created or reactivated), and for households known to debt assistance the active
    tray with end result "bekend bij schuldhulpverlening" (else ``schuldhulpverlening``, created or
    set up so). Rules and allocations pointing at another municipality's tray are left out."""
    trays = {t.pk: t for t in Tray.objects.filter(municipality=municipality)}
    policy = selectors.policy_for(municipality.pk)
    default = trays.get(policy.default_tray_id) if policy.default_tray_id else None
    if default is None or not default.is_active:
        default = _tray_on_demand(municipality, trays, FALLBACK_TRAY, fits=_is_plain_tray)
    shv = min((t for t in trays.values() if t.is_active and routing.is_shv_tray(t)),
              key=lambda t: (t.code != SHV_TRAY["code"], t.pk), default=None)
    for tray in trays.values():
        tray.capacity_fallback = trays.get(tray.capacity_fallback_id)
        tray.missing_contact_fallback = trays.get(tray.missing_contact_fallback_id)
    rules = []
    for rule in RoutingRule.objects.filter(municipality=municipality, is_active=True).order_by("position"):
        if rule.tray_id not in trays:
            logger.warning("Routing rule %s of %s points at another municipality's tray: left out", rule.pk,
                           municipality.cbs_code)
            continue
        rule.tray = trays[rule.tray_id]
        rules.append(rule)
    allocations = []
    for allocation in TrayAllocation.objects.filter(municipality=municipality, is_active=True).order_by("position"):
        if allocation.target_id not in trays or allocation.source_id not in trays:
            logger.warning("Allocation %s of %s points at another municipality's tray: left out", allocation.pk,
                           municipality.cbs_code)
            continue
        allocation.target = trays[allocation.target_id]
        allocation.source = trays[allocation.source_id]
        allocations.append(allocation)
    return _RoutingSetup(rules, default, allocations, municipality, trays, shv)


def _facts(case: Case, signals: Sequence[Signal]) -> routing.CaseFacts:
    return routing.CaseFacts.of(match_type=case.match_type, recidive=case.recidive, amount=case.amount,
                                signals=signals)


def _apply_routing(case: Case, decision: routing.Decision, writes: _Writes, *, by=None) -> None:
    """Store a routing decision on the case (in memory) and its history; a tray with an end result
    closes the case at once (e.g. known to debt assistance: the professional involved takes it)."""
    old = case.tray
    case.tray = decision.tray
    case.priority = decision.priority
    case.routing_rule = decision.rule
    case.routing_explanation = decision.explanation
    case.routed_at = writes.now
    writes.history.append(_history(case, at=writes.now, by=by, event=CaseEvent.ROUTED, to_status=case.status,
                                   params={"kind": "routed", "from_tray": old.name if old is not None else None,
                                           "to_tray": decision.tray.name, "explanation": decision.explanation}))
    outcome = decision.tray.end_outcome
    if outcome and case.status in ACTIVE_STATUSES:
        writes.history.append(case_transition_row(
            case, "close", outcome, writes.now, by=by, at=writes.now,
            params={"kind": "closed_at_routing", "tray": decision.tray.name, "outcome": str(outcome)},
        ))
        case.first_closed_at = case.first_closed_at or writes.now
        writes.closed.append(case)
