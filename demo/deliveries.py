"""Delivering the demo month through the ordinary intake (``delivery_create``), per demo creditor."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Municipality
from signals.models import Creditor, Source
from signals.services import AL_ONTVANGEN, GEWEIGERD, ONTVANGEN, creditor_create, delivery_create
from vroegsignalering.common.vocab import CreditorKind

from .calibration import ENERGIE, ENERGY_KIND_SHARES, HUUR, WATER, ZORG
from .generator import CRISIS_OVER, DUE, LATER, delivery_state, generate_month

# (branch, creditor name, kinds it delivers)
DEMO_CREDITORS = (
    (ZORG, "Zorgverzekeraar Demo", (CreditorKind.ZORGVERZEKERING.value,)),
    (HUUR, "Woningcorporatie Demo", (CreditorKind.HUUR.value,)),
    (WATER, "Waterbedrijf Demo", (CreditorKind.DRINKWATER.value,)),
    (ENERGIE, "Energieleverancier Demo", tuple(ENERGY_KIND_SHARES)),
)
BATCH_SIZE = 1000


@dataclass
class DeliveryCounts:
    """Outcome of delivering a month: per status of the contract, plus signals dated after today."""

    received: int = 0  # ontvangen
    already_received: int = 0  # al_ontvangen
    refused: int = 0  # geweigerd
    not_yet_sent: int = 0  # signaaldatum after today: the creditor has not sent these yet
    crisis_over: int = 0  # crisis signals no longer fresh today: not replayed (see delivery_state)

    def __iadd__(self, other: DeliveryCounts) -> DeliveryCounts:
        self.received += other.received
        self.already_received += other.already_received
        self.refused += other.refused
        self.not_yet_sent += other.not_yet_sent
        self.crisis_over += other.crisis_over
        return self


def demo_creditors() -> dict[str, Creditor]:
    """Get or create the demo creditors; returns creditor kind → Creditor."""
    by_kind = {}
    for _, name, kinds in DEMO_CREDITORS:
        creditor = Creditor.objects.filter(name=name).first() or creditor_create(
            name=name, kinds=list(kinds), contact_name="Demo", contact_email="demo@example.com"
        )
        by_kind.update(dict.fromkeys(kinds, creditor))
    return by_kind


def deliver_month(
    *,
    municipality: Municipality,
    month: str,
    seed: int = 0,
    scale: float = 1.0,
    limit: int | None = None,
    today: dt.date | None = None,
    creditors: dict[str, Creditor] | None = None,
) -> DeliveryCounts:
    """Generate a month for ``municipality`` (accounts.Municipality) and deliver it through
    ``delivery_create``, in batches of 1,000 per creditor. Signals dated after ``today`` are not
    sent yet (re-run later in the month to send them), nor crisis signals that are over by ``today``
    (:func:`~demo.generator.delivery_state`); ``limit`` caps the month's signals."""
    today = today or timezone.localdate()
    payloads = generate_month(municipality.cbs_code, municipality.inhabitants, month, seed=seed, scale=scale,
                              place=municipality.name)
    if limit is not None:
        payloads = payloads[:limit]
    states = [delivery_state(p, today) for p in payloads]
    due = [p for p, state in zip(payloads, states, strict=True) if state == DUE]
    counts = DeliveryCounts(not_yet_sent=states.count(LATER), crisis_over=states.count(CRISIS_OVER))
    creditors = creditors or demo_creditors()
    for result in deliver_per_creditor(due, creditors, actor="demo"):
        if result.status == ONTVANGEN:
            counts.received += 1
        elif result.status == AL_ONTVANGEN:
            counts.already_received += 1
        elif result.status == GEWEIGERD:
            counts.refused += 1
    return counts


def deliver_per_creditor(payloads: list[dict], creditors: dict[str, Creditor], *, actor: str) -> Iterator:
    """Deliver ``payloads`` through ``delivery_create`` as each signal's creditor (by ``soortVasteLast``),
    in batches of 1,000 per creditor; yields each signal's result."""
    per_creditor: dict[int, tuple[Creditor, list[dict]]] = {}
    for payload in payloads:
        creditor = creditors[payload["soortVasteLast"]]
        per_creditor.setdefault(creditor.pk, (creditor, []))[1].append(payload)
    for creditor, items in per_creditor.values():
        for start in range(0, len(items), BATCH_SIZE):
            _, results = delivery_create(creditor=creditor, items=items[start:start + BATCH_SIZE],
                                         source=Source.API, actor=actor)
            yield from results
