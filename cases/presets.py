"""Routing presets: the afwegingskader of municipalities 3, 4 and 6 of the Signaalreis (seed 004,
Bijlage 1), as read in ``shared/examples/routing-presets.md``, and ``basis``, the default of a new
municipality (crisis and debt assistance apart, everything else in one tray to judge per case).

Every preset also places households known to debt assistance (SHV check "bekend") in the tray
``schuldhulpverlening``, closed at once with the end result "Inwoner al bekend bij
schuldhulpverlening", and those in aftercare ("nazorg") in the tray ``nazorg``: these two rules
come first (positions 1 and 2). The municipality's own rules follow at positions 10, 20, …
(rule *n* of the document is position 10·n).

Readings where the document is silent:

- Municipality 4: the phone tray's capacity of 50 calls falls back to e-mail as the home visits do
  ("mail: … could not go to the tray it belongs in").
- Municipality 3: phone without a number → e-mail; e-mail without an address → card. So "no phone
  and no e-mail → card"; a single signal under €250 with only a phone number also gets a card.
- Municipality 6: the document names no crisis rule; crisis cases follow the same rules (the crisis
  deadline applies all the same).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from accounts.models import Municipality
from vroegsignalering.common.vocab import ContactKind, CreditorKind, Outcome

from .models import CasePolicy, ContactRequirement, Priority, RoutingRule, Tray, TrayAllocation


@dataclass(frozen=True)
class TraySpec:
    code: str
    name: str
    contact_kind: str = ""
    capacity: int | None = None
    requires: str = ContactRequirement.GEEN
    capacity_fallback: str | None = None
    missing_fallback: str | None = None
    end_outcome: str = ""
    description: str = ""


@dataclass(frozen=True)
class RuleSpec:
    position: int
    name: str
    tray: str
    conditions: dict[str, Any] = field(default_factory=dict)
    priority: int = Priority.NORMAAL
    explanation: str = ""


@dataclass(frozen=True)
class Preset:
    key: str
    title: str
    trays: tuple[TraySpec, ...]
    rules: tuple[RuleSpec, ...]
    default_tray: str
    allocations: tuple[tuple[str, str], ...] = ()  # (target, source)
    policy: dict[str, Any] = field(default_factory=dict)  # Municipality fields (threshold)


SHV_TRAYS = (
    TraySpec("schuldhulpverlening", "Bekend bij schuldhulpverlening", end_outcome=Outcome.BEKEND_BIJ_SHV,
             description="De betrokken schuldhulpverlener pakt het op; niet via vroegsignalering."),
    TraySpec("nazorg", "Nazorg schuldhulpverlening",
             description="Eindbeschikking korter dan 6 maanden geleden: naar de nazorgprofessional."),
)
SHV_RULES = (
    RuleSpec(1, "Bekend bij schuldhulpverlening", "schuldhulpverlening", {"shv_statuses": ["bekend"]},
             explanation="Al in de schuldhulpverlening: de betrokken hulpverlener pakt het op."),
    RuleSpec(2, "Nazorg schuldhulpverlening", "nazorg", {"shv_statuses": ["nazorg"]},
             explanation="Eindbeschikking korter dan 6 maanden geleden: nog 6 maanden vroegsignaleren via nazorg."),
)
E, M = "enkelvoudig", "meervoudig"
D = Decimal

GEMEENTE_4 = Preset(
    key="gemeente4",
    title="Gemeente 4 (Signaalreis): crisis, match en recidive naar huisbezoek, drempel € 100 behalve water",
    trays=(
        *SHV_TRAYS,
        TraySpec("crisis", "Crisis", description="Crisissignalen: regisseurs schuldhulpverlening."),
        TraySpec("huisbezoek", "Huisbezoek", ContactKind.HUISBEZOEK, capacity=20, capacity_fallback="email"),
        TraySpec("telefoon", "Telefoon", ContactKind.TELEFOON, capacity=50, requires=ContactRequirement.TELEFOON,
                 capacity_fallback="email", missing_fallback="email"),
        TraySpec("email", "E-mail", ContactKind.MAIL, requires=ContactRequirement.EMAIL, missing_fallback="brief"),
        TraySpec("brief", "Brief", ContactKind.BRIEF),
    ),
    rules=(
        *SHV_RULES,
        RuleSpec(10, "Crisissignaal", "crisis", {"crisis": True}, Priority.HOOG,
                 "Dreigende huisuitzetting, afsluiting of einde levering: direct oppakken."),
        RuleSpec(20, "Match", "huisbezoek", {"match_type": M}),
        RuleSpec(30, "Enkelvoudig, recidive, boven € 500", "huisbezoek",
                 {"match_type": E, "recidive": True, "amount_gt": D(500)}),
        RuleSpec(40, "Enkelvoudig huur", "telefoon", {"match_type": E, "creditor_kinds": [CreditorKind.HUUR]}),
        RuleSpec(50, "Enkelvoudig, recidive, € 100 – € 500", "telefoon",
                 {"match_type": E, "recidive": True, "amount_gte": D(100), "amount_lte": D(500)}),
        RuleSpec(60, "Enkelvoudig, boven € 300", "telefoon", {"match_type": E, "amount_gt": D(300)}),
        RuleSpec(70, "Enkelvoudig, geen recidive, tot en met € 300", "brief",
                 {"match_type": E, "recidive": False, "amount_lte": D(300)}),
        RuleSpec(80, "Enkelvoudig, recidive, onder € 100", "brief",
                 {"match_type": E, "recidive": True, "amount_lt": D(100)},
                 explanation="Kan alleen drinkwater zijn (vrijgesteld van de drempel)."),
    ),
    default_tray="brief",
    policy={"threshold_amount": D("100.00"), "threshold_exempt_kinds": [CreditorKind.DRINKWATER.value]},
)

GEMEENTE_3 = Preset(
    key="gemeente3",
    title="Gemeente 3 (Signaalreis): op bedrag naar e-mail, telefoon of huisbezoek; recidive apart; geen drempel",
    trays=(
        *SHV_TRAYS,
        TraySpec("crisis", "Crisis", description="Eindeleveringssignalen en andere crisissignalen: direct."),
        TraySpec("recidive", "Recidive en schuivers (handmatig)",
                 description="Handmatig doornemen: hoe vaak al een signaal, wat waren de eerdere pogingen?"),
        TraySpec("huisbezoek", "Huisbezoek", ContactKind.HUISBEZOEK),
        TraySpec("telefoon", "Telefoon", ContactKind.TELEFOON, requires=ContactRequirement.TELEFOON,
                 missing_fallback="email"),
        TraySpec("email", "E-mail", ContactKind.MAIL, requires=ContactRequirement.EMAIL, missing_fallback="kaart"),
        TraySpec("kaart", "Gepersonaliseerde kaart", ContactKind.KAARTJE),
    ),
    rules=(
        *SHV_RULES,
        RuleSpec(10, "Crisissignaal", "crisis", {"crisis": True}, Priority.HOOG,
                 "Eindeleveringssignalen worden per direct opgepakt."),
        RuleSpec(20, "Recidive", "recidive", {"recidive": True},
                 explanation="Recidive en schuivers gaan naar een apart bakje en worden handmatig doorgenomen."),
        RuleSpec(30, "Boven € 500", "huisbezoek", {"amount_gt": D(500)}),
        RuleSpec(40, "€ 250 – € 500", "telefoon", {"amount_gte": D(250), "amount_lte": D(500)}),
        RuleSpec(50, "Onder € 250", "email", {"amount_lt": D(250)}),
    ),
    default_tray="email",
    policy={"threshold_amount": D("0.00")},
)

GEMEENTE_6 = Preset(
    key="gemeente6",
    title="Gemeente 6 (Signaalreis): brief voor enkelvoudig, huisbezoek voor matches en huur, 85 huisbezoeken",
    trays=(
        *SHV_TRAYS,
        TraySpec("huisbezoek", "Huisbezoek", ContactKind.HUISBEZOEK, capacity=85, capacity_fallback="brief",
                 description="Door het sociaal wijkteam; vooraf brief en telefoon."),
        TraySpec("brief", "Brief", ContactKind.BRIEF),
    ),
    rules=(
        *SHV_RULES,
        RuleSpec(10, "Match", "huisbezoek", {"match_type": M}, explanation="Alle matches, ongeacht het bedrag."),
        RuleSpec(20, "Huur", "huisbezoek", {"creditor_kinds": [CreditorKind.HUUR]},
                 explanation="Alle signalen van de woningbouw."),
        RuleSpec(30, "Enkelvoudig", "brief", {"match_type": E}, explanation="Alle enkelvoudige signalen."),
    ),
    default_tray="brief",
    allocations=(("huisbezoek", "brief"),),
)

BASIS = Preset(
    key="basis",
    title="Basis (standaard bij een nieuwe gemeente): schuldhulpverlening en nazorg apart, crisissignalen direct, "
          "de rest beoordelen per melding",
    trays=(
        *SHV_TRAYS,
        TraySpec("crisis", "Crisis", description="Crisissignalen: direct oppakken."),
        TraySpec("algemeen", "Algemeen", description="Beoordelen per melding: brief, telefoon of huisbezoek."),
    ),
    rules=(
        *SHV_RULES,
        RuleSpec(10, "Crisissignaal", "crisis", {"crisis": True}, Priority.HOOG,
                 "Dreigende huisuitzetting, afsluiting of einde levering: direct oppakken."),
    ),
    default_tray="algemeen",
)

PRESETS: dict[str, Preset] = {p.key: p for p in (BASIS, GEMEENTE_3, GEMEENTE_4, GEMEENTE_6)}
# What a new municipality gets (``create_municipality``) unless told otherwise: no policy of its own
# (threshold and windows stay as set), only what keeps every signal moving
# (docs/adr/0007-no-configuration-loses-a-signal.md).
DEFAULT_PRESET = BASIS.key


def preset_key(value: str) -> str:
    """The preset meant by an operator's input: its key in any case, or the municipality's number of
    the Signaalreis ("4" → "gemeente4"). Raises ValueError with a Dutch message."""
    text = (value or "").strip().lower()
    if text.isdigit() and f"gemeente{text}" in PRESETS:
        return f"gemeente{text}"
    if text in PRESETS:
        return text
    raise ValueError(f"Onbekende voorinstelling {value!r}; kies uit {', '.join(sorted(PRESETS))} "
                     "(of het nummer van de gemeente: 3, 4 of 6).")


@dataclass(frozen=True)
class InstallResult:
    preset: Preset
    trays: int
    rules: int
    allocations: int


def routing_preset_install(*, municipality: Municipality, preset: str) -> InstallResult:
    """Install a preset for a municipality: its trays (created or updated by code; other trays are
    kept, cases may be in them), its rules and allocations (replacing the municipality's current
    ones), its default tray and, where the preset has one, its threshold policy."""
    spec = PRESETS[preset_key(preset)]
    with transaction.atomic():
        municipality = Municipality.objects.select_for_update().get(pk=municipality.pk)
        trays: dict[str, Tray] = {}
        for t in spec.trays:
            trays[t.code], _ = Tray.objects.update_or_create(
                municipality=municipality, code=t.code,
                defaults={"name": t.name, "contact_kind": t.contact_kind, "monthly_capacity": t.capacity,
                          "requires_contact": t.requires, "end_outcome": t.end_outcome,
                          "description": t.description, "is_active": True,
                          "capacity_fallback": None, "missing_contact_fallback": None},
            )
        for t in spec.trays:
            tray = trays[t.code]
            tray.capacity_fallback = trays[t.capacity_fallback] if t.capacity_fallback else None
            tray.missing_contact_fallback = trays[t.missing_fallback] if t.missing_fallback else None
            tray.full_clean()
            tray.save(update_fields=["capacity_fallback", "missing_contact_fallback"])
        RoutingRule.objects.filter(municipality=municipality).delete()
        TrayAllocation.objects.filter(municipality=municipality).delete()
        for r in spec.rules:
            rule = RoutingRule(municipality=municipality, position=r.position, name=r.name, tray=trays[r.tray],
                               priority=r.priority, explanation=r.explanation, **r.conditions)
            rule.full_clean()
            rule.save()
        for position, (target, source) in enumerate(spec.allocations, start=1):
            TrayAllocation.objects.create(municipality=municipality, position=position, target=trays[target],
                                          source=trays[source])
        CasePolicy.objects.update_or_create(municipality=municipality,
                                            defaults={"default_tray": trays[spec.default_tray]})
        if spec.policy:
            for name, value in spec.policy.items():
                setattr(municipality, name, value)
            municipality.save(update_fields=list(spec.policy))
    return InstallResult(spec, len(spec.trays), len(spec.rules), len(spec.allocations))
