"""What the BRP check decides: the outcome and its evidence (``Signal.brp_evidence``)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models

from .records import PersonSummary


class BrpOutcome(models.TextChoices):
    FOUND = "gevonden", "Gevonden op het adres"
    DECEASED = "overleden", "Overleden"
    MOVED = "verhuisd", "Ingeschreven in een andere gemeente"
    EMIGRATED = "vertrokken", "Vertrokken naar het buitenland of onbekend waarheen"
    MINOR = "minderjarig", "Minderjarig"
    NOT_FOUND = "niet_gevonden", "Niet gevonden op het adres"
    AMBIGUOUS = "meerdere_kandidaten", "Meerdere personen mogelijk"


FALLOUT = frozenset({BrpOutcome.NOT_FOUND, BrpOutcome.AMBIGUOUS})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A person a reviewer may pick, with the suggestion's score and reasons."""

    person: PersonSummary
    score: int
    reasons: tuple[str, ...]
    at_address: bool  # registered at the signal's house number (else found elsewhere by name)


@dataclass(frozen=True, slots=True)
class Parent:
    bsn: str
    name: str
    lives_at_address: bool


@dataclass(frozen=True)
class BrpDecision:
    """What the BRP check decided, with its evidence (:meth:`as_evidence` → ``Signal.brp_evidence``)."""

    outcome: BrpOutcome
    checked_on: dt.date
    person: PersonSummary | None = None
    municipality_code: str = ""  # gemeente van inschrijving of the person
    municipality_name: str = ""
    moved_to_municipality_code: str = ""  # MOVED: for forwarding inside this installation only
    # MOVED: the address there, only to forward the signal inside this installation; never stored
    # in the evidence and never shown to the creditor.
    new_address: dict[str, Any] | None = None
    deceased_on: str = ""
    country: str = ""  # EMIGRATED: the country, or 'onbekend'
    household: tuple[PersonSummary, ...] = ()
    parents: tuple[Parent, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    queries: tuple[dict[str, Any], ...] = ()
    note: str = ""  # a Dutch explanation for the reviewer

    @property
    def bsn(self) -> str:
        return self.person.bsn if self.person else ""

    @property
    def needs_review(self) -> bool:
        return self.outcome in FALLOUT

    @property
    def age(self) -> int | None:
        return self.person.age_on(self.checked_on) if self.person else None

    @property
    def minors_in_household(self) -> int:
        return sum(member.is_minor_on(self.checked_on) for member in self.household)

    def as_evidence(self) -> dict[str, Any]:
        """JSON-serialisable evidence: the decision, the person, household, candidates, queries."""
        day = self.checked_on
        evidence: dict[str, Any] = {
            "uitkomst": self.outcome.value,
            "uitkomst_omschrijving": self.outcome.label,
            "gecontroleerd_op": day.isoformat(),
        }
        if self.person:
            evidence.update({key: value for key, value in self.person.as_evidence(day).items() if key != "overleden"})
        if self.municipality_code:
            evidence["gemeente_van_inschrijving"] = {"code": self.municipality_code,
                                                     "omschrijving": self.municipality_name}
        if self.moved_to_municipality_code:
            evidence["verhuisd_naar_gemeente"] = self.moved_to_municipality_code
        if self.deceased_on:
            evidence["overlijdensdatum"] = self.deceased_on
        if self.country:
            evidence["land"] = self.country
        if self.person and self.outcome not in (BrpOutcome.MOVED, BrpOutcome.EMIGRATED):
            evidence["huishouden"] = [member.as_evidence(day) for member in self.household]
            evidence["minderjarigen_in_huishouden"] = self.minors_in_household
        if self.parents:
            evidence["ouders"] = [{"bsn": p.bsn, "naam": p.name, "woont_op_adres": p.lives_at_address}
                                  for p in self.parents]
        if self.candidates:
            evidence["kandidaten"] = [
                {**c.person.as_evidence(day), "voornamen": c.person.first_names, "voorvoegsel": c.person.prefix,
                 "geslachtsnaam": c.person.surname, "score": c.score, "redenen": list(c.reasons),
                 "op_adres": c.at_address, **({"adres": c.person.address_line1} if c.at_address else {}),
                 **({"partnernamen": [{"voorvoegsel": prefix, "geslachtsnaam": surname}
                                      for prefix, surname in c.person.partner_names]}
                    if c.person.partner_names else {})}
                for c in self.candidates
            ]
        if self.note:
            evidence["toelichting"] = self.note
        evidence["bevragingen"] = [dict(q) for q in self.queries]
        return evidence
