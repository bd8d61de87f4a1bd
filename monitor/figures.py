"""The Divosa monitor's figures for a set of municipalities and a range of months, per month and for the
whole range, from the statistics store (``monitor.aggregates``). Definitions: docs/monitor.md, "De cijfers".

Every figure is a count, a share or a number per 1,000 inhabitants, worked out per municipality and month:

- a **count** of a month is the sum over the municipalities; of the range, the sum over the months;
- a **share** or a number **per 1,000 inhabitants** of a month is the mean over the municipalities (a share
  only where its base is not 0; per 1,000 only where the inhabitants are known); of the range, the mean of
  those monthly means over the months that have one ("het gemiddelde van de maandgemiddelden", the Divosa
  monitor's yearly figure).

Values are exact (``Fraction``); ``monitor.formatting`` rounds them for people.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from accounts.models import Municipality
from accounts.permissions import reads_monitor
from vroegsignalering.common.dates import add_months
from vroegsignalering.common.tenancy import scope
from vroegsignalering.common.vocab import DEFAULT_ARREAR_AGE_WINDOWS, CreditorKind, MonitorCategory

from .aggregates import AttemptType, Counts, counts_per_municipality_month, help_categories
from .models import AgeClass, AmountClass, NotPickedUpReason
from .national import NATIONAL_2024, National

AANTAL, PROCENT, PER_1000 = "aantal", "%", "per 1.000 inwoners"
UNKNOWN = "onbekend"  # per 1,000 inhabitants where the number of inhabitants is not known
# The six legal signal kinds are always shown; any other kind only when it occurs.
LEGAL_KINDS = tuple(str(kind) for kind in DEFAULT_ARREAR_AGE_WINDOWS)
# "Onterecht" in the national report: our finer reasons that say the signal was unjust.
UNJUST_REASONS = (NotPickedUpReason.DREMPELBEDRAG, NotPickedUpReason.TERMIJN, NotPickedUpReason.RECHTSPERSOON,
                  NotPickedUpReason.ONTERECHT)
MAX_MONTHS = 36


@dataclass(frozen=True)
class Definition:
    key: str
    label: str
    unit: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()

    @property
    def national(self) -> National | None:
        return NATIONAL_2024.get(self.key)


@dataclass(frozen=True)
class Cell:
    """One figure of one month (or the range): a count (int), an exact value (Fraction), None (no base: "—")
    or ``UNKNOWN`` (inhabitants unknown)."""

    value: int | Fraction | str | None


@dataclass
class Row:
    definition: Definition
    months: list[Cell]
    range: Cell


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class Figures:
    municipalities: list  # accounts.Municipality
    months: list[dt.date]
    sections: list[Section]

    def row(self, key: str) -> Row:
        for section in self.sections:
            for row in section.rows:
                if row.definition.key == key:
                    return row
        raise KeyError(key)

    def rows(self) -> list[Row]:
        return [row for section in self.sections for row in section.rows]


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of the months from ``first``'s month to ``last``'s, inclusive."""
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


# --- the definitions -------------------------------------------------------------------------------------

def _count_and_share(prefix: str, share_prefix: str, value: str, label: str, base: tuple[str, ...],
                     counter: str | None = None) -> list[Definition]:
    counter = counter or f"{prefix}:{value}"
    return [Definition(f"{prefix}:{value}", f"{label} (aantal)", AANTAL, (counter,)),
            Definition(f"{share_prefix}:{value}", f"{label} (aandeel)", PROCENT, (counter,), base)]


def _sections(kinds: list[str]) -> list[tuple[str, str, list[Definition]]]:
    signals, npu, cases = ("signalen",), ("niet_opgepakt",), ("meldingen",)
    accepted = ("geaccepteerd",)
    reasons = []
    for reason in NotPickedUpReason:
        counter = (f"reden:{reason.value}",)
        reasons += [Definition(f"reden:{reason.value}", f"{reason.label} (aantal)", AANTAL, counter),
                    Definition(f"reden_aandeel:{reason.value}", f"{reason.label} (van alle signalen)", PROCENT,
                               counter, signals),
                    Definition(f"reden_van_niet_opgepakt:{reason.value}",
                               f"{reason.label} (van de niet-opgepakte)", PROCENT, counter, npu)]
    reasons.append(Definition("onterecht_van_niet_opgepakt", "Onterecht, alle redenen samen (van de niet-opgepakte)",
                              PROCENT, tuple(f"reden:{reason.value}" for reason in UNJUST_REASONS), npu))
    four = []
    for match, match_label in (("enkelvoudig", "Enkelvoudig"), ("meervoudig", "Meervoudig")):
        for recidive, recidive_label in (("ja", "opeenvolgend"), ("nee", "niet opeenvolgend")):
            four += _count_and_share("type", "type_aandeel", f"{match}:{recidive}",
                                     f"{match_label}, {recidive_label}", cases)
    attempts = []
    for name, label in AttemptType.LABELS.items():
        attempts += [Definition(f"poging:{name}", f"{label}: pogingen", AANTAL, (f"poging:{name}",)),
                     Definition(f"poging_bereikt:{name}", f"{label}: bereikt", AANTAL, (f"poging_bereikt:{name}",)),
                     Definition(f"poging_bereikt_aandeel:{name}", f"{label}: bereikt (aandeel)", PROCENT,
                                (f"poging_bereikt:{name}",), (f"poging:{name}",))]
    attempts += [Definition("poging:systeem", "Automatisch (benaderingsplan): pogingen", AANTAL, ("pogingen_systeem",)),
                 Definition("poging_bereikt:systeem", "Automatisch (benaderingsplan): bereikt", AANTAL,
                            ("pogingen_systeem_bereikt",)),
                 Definition("poging_bereikt_aandeel:systeem", "Automatisch (benaderingsplan): bereikt (aandeel)",
                            PROCENT, ("pogingen_systeem_bereikt",), ("pogingen_systeem",))]
    attempts += [Definition("poging:totaal", "Alle contactpogingen", AANTAL, ("pogingen",)),
                 Definition("poging_bereikt:totaal", "Alle contactpogingen: bereikt", AANTAL, ("pogingen_bereikt",)),
                 Definition("poging_bereikt_aandeel:totaal", "Alle contactpogingen: bereikt (aandeel)", PROCENT,
                            ("pogingen_bereikt",), ("pogingen",))]
    help_types = []
    for category in help_categories():
        help_types += _count_and_share("hulp", "hulp_aandeel", category, MonitorCategory(category).label, accepted)
    return [
        ("signalen", "Signalen", [
            Definition("signalen", "Signalen ontvangen", AANTAL, signals),
            Definition("signalen_per_1000", "Signalen per 1.000 inwoners", PER_1000, signals),
            Definition("vroegsignalen_per_1000", "Vroegsignalen (zonder crisissignalen) per 1.000 inwoners",
                       PER_1000, ("vroeg",)),
            Definition("crisis", "Crisissignalen (aantal)", AANTAL, ("crisis",)),
            Definition("crisis_aandeel", "Crisissignalen (aandeel)", PROCENT, ("crisis",), signals),
        ]),
        ("soort", "Signalen per soort vaste last", [
            d for kind in kinds
            for d in _count_and_share("soort", "soort_aandeel", kind, CreditorKind(kind).label, signals)]),
        ("opgepakt", "Opgepakt en niet opgepakt", [
            Definition("in_melding", "Onderdeel van een melding (aantal)", AANTAL, ("in_melding",)),
            Definition("in_melding_aandeel", "Onderdeel van een melding (aandeel)", PROCENT, ("in_melding",), signals),
            Definition("niet_opgepakt", "Niet opgepakt (aantal)", AANTAL, npu),
            Definition("niet_opgepakt_aandeel", "Niet opgepakt (van alle signalen)", PROCENT, npu, signals),
            *reasons,
        ]),
        ("bedrag", "Signalen naar bedrag", [
            d for amount in AmountClass
            for d in _count_and_share("bedrag", "bedrag_aandeel", amount.value, amount.label, signals)]),
        ("leeftijd", "Signalen naar leeftijd", [
            d for age in AgeClass
            for d in _count_and_share("leeftijd", "leeftijd_aandeel", age.value, age.label, signals)]),
        ("meldingen", "Meldingen", [
            Definition("meldingen", "Meldingen", AANTAL, cases),
            Definition("meldingen_per_1000", "Meldingen per 1.000 inwoners", PER_1000, cases),
            Definition("meldingen_vroeg_per_1000", "Meldingen zonder crisissignaal per 1.000 inwoners", PER_1000,
                       ("meldingen_vroeg",)),
            *four,
            Definition("meervoudig_aandeel", "Meervoudig (aandeel)", PROCENT, ("meervoudig",), cases),
            Definition("opeenvolgend", "Opeenvolgend (recidive, aantal)", AANTAL, ("opeenvolgend",)),
            Definition("opeenvolgend_aandeel", "Opeenvolgend (recidive, aandeel)", PROCENT, ("opeenvolgend",), cases),
        ]),
        ("melding_bedrag", "Meldingen naar bedrag", [
            d for amount in AmountClass
            for d in _count_and_share("melding_bedrag", "melding_bedrag_aandeel", amount.value, amount.label,
                                      cases)]),
        ("pogingen", "Contactpogingen", attempts),
        ("bereik", "Bereik en hulp", [
            Definition("met_poging", "Meldingen met een contactpoging", AANTAL, ("met_poging",)),
            Definition("bereikt", "Bereikt (meldingen)", AANTAL, ("bereikt",)),
            Definition("bereik_aandeel", "Bereik (van de meldingen met een contactpoging)", PROCENT, ("bereikt",),
                       ("met_poging",)),
            Definition("geaccepteerd", "Hulp aanvaard (meldingen)", AANTAL, accepted),
            Definition("acceptatie_aandeel", "Hulp aanvaard (van de bereikte meldingen)", PROCENT, accepted,
                       ("bereikt",)),
            *help_types,
        ]),
    ]


# --- the arithmetic ----------------------------------------------------------------------------------------

def _value(definition: Definition, counts: Counts, inhabitants: int | None):
    numerator = sum(counts.get(name, 0) for name in definition.numerator)
    if definition.unit == AANTAL:
        return numerator
    if definition.unit == PER_1000:
        return Fraction(numerator * 1000, inhabitants) if inhabitants else UNKNOWN
    base = sum(counts.get(name, 0) for name in definition.denominator)
    return Fraction(numerator, base) if base else None


def _mean(values: list) -> int | Fraction | str | None:
    known = [value for value in values if value is not None and value != UNKNOWN]
    if known:
        return Fraction(sum(known), len(known))
    return UNKNOWN if UNKNOWN in values else None


def _row(definition: Definition, municipalities, months: list[dt.date], counts: dict) -> Row:
    cells = []
    for month in months:
        values = [_value(definition, counts.get((m.pk, month), {}), m.inhabitants) for m in municipalities]
        cells.append(Cell(sum(values) if definition.unit == AANTAL else _mean(values)))
    if definition.unit == AANTAL:
        total = Cell(sum(cell.value for cell in cells))
    else:
        total = Cell(_mean([cell.value for cell in cells]))
    return Row(definition, cells, total)


def monitor_figures(*, municipalities, first: dt.date, last: dt.date) -> Figures:
    """The figures of ``municipalities`` (already limited to what the reader may see) for the months from
    ``first`` to ``last`` (inclusive; any day of the month). Three queries."""
    municipalities = list(municipalities)
    months = months_between(first, last)
    counts = counts_per_municipality_month([m.pk for m in municipalities], months[0], months[-1]) if months else {}
    occurring = {name.split(":", 1)[1] for row in counts.values() for name, n in row.items()
                 if name.startswith("soort:") and n}
    kinds = [kind for kind in CreditorKind.values if kind in LEGAL_KINDS or kind in occurring]
    sections = [Section(key, title, [_row(d, municipalities, months, counts) for d in definitions])
                for key, title, definitions in _sections(kinds)]
    return Figures(municipalities, months, sections)


def monitor_municipalities_for_user(user) -> list[Municipality]:
    """The municipalities whose figures ``user`` may see: their own, if their role reads the monitor."""
    return list(scope(Municipality.objects.order_by("name"), user, roles=reads_monitor, municipality_lookup="pk"))
