"""Statistics-store rows for the monitor's tests, written directly (the recording is tested elsewhere),
and a generated population with chosen counts per class (``POPULATION``).

Each attribute of a month's facts is spread over the rows on its own (``_spread``), so whatever the
pairing, the count of every class is exactly the number chosen here: the tests derive every expected
figure from these numbers, not from the code."""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from monitor.models import AttemptFact, CaseFact, SignalFact
from signals.models import Creditor
from tests.factories import CreditorFactory
from vroegsignalering.common.vocab import OUTCOMES, ContactKind, MonitorCategory, Outcome

_refs = itertools.count(1)

# The outcome a generated accepted case gets for its help type.
OUTCOME_OF_CATEGORY = {category: outcome for outcome, (category, _) in OUTCOMES.items()
                       if category in (MonitorCategory.HULP_QUICK_FIX, MonitorCategory.HULP_FINANCIEEL,
                                       MonitorCategory.HULP_NIET_FINANCIEEL)}


def _spread(counts: dict, total: int, rest=None) -> list:
    """``counts`` as a list of ``total`` values (each key as often as its count), the rest ``rest``."""
    values = [key for key, n in counts.items() for _ in range(n)]
    assert len(values) <= total, (counts, total)
    return values + [rest] * (total - len(values))


def _creditor():
    return Creditor.objects.filter(name="Feitenpartij").first() or CreditorFactory(name="Feitenpartij", kinds=["huur"])


def signal_facts(municipality, month: dt.date, *, kinds: dict, crisis: int = 0, in_case: int = 0,
                 not_picked_up: dict | None = None, amounts: dict | None = None, ages: dict | None = None,
                 creditor=None) -> list[SignalFact]:
    """``sum(kinds)`` signal facts of ``municipality`` in ``month``: the first ``in_case`` in a case, the next
    ones not picked up for the reasons given, ``crisis`` of them crisis signals."""
    creditor = creditor or _creditor()
    n = sum(kinds.values())
    reasons = ([""] * in_case) + _spread(not_picked_up or {}, n - in_case, "")
    rows = []
    for kind, is_crisis, in_a_case, reason, amount, age in zip(
            _spread(kinds, n), _spread({True: crisis}, n, False), _spread({True: in_case}, n, False), reasons,
            _spread(amounts or {"250-500": n}, n), _spread(ages or {"onbekend": n}, n), strict=True):
        ref = next(_refs)
        rows.append(SignalFact(
            signal_ref=ref, municipality=municipality, month=month, received_on=month, creditor=creditor,
            creditor_kind=kind, signal_kind="eindelevering" if is_crisis else "vroegsignaal", is_crisis=is_crisis,
            amount_euros=300, amount_class=amount, arrear_age_class="30-60", signal_date=month,
            arrear_start=month - dt.timedelta(days=45), age_class=age, status="afgehandeld",
            not_picked_up=reason, case_ref=ref if in_a_case else None))
    return SignalFact.objects.bulk_create(rows)


def case_facts(municipality, month: dt.date, *, types: dict, crisis: int = 0, amounts: dict | None = None,
               attempted: int = 0, reached: int = 0, accepted: dict | None = None) -> list[CaseFact]:
    """Case facts: ``types`` maps (match type, recidive) to a count; the first ``attempted`` had an attempt,
    the first ``reached`` of those reached the resident, and the first of those accepted help of the types in
    ``accepted`` (monitor category → count); the other reached ones wanted no help."""
    n = sum(types.values())
    help_types = _spread(accepted or {}, reached)
    assert attempted <= n and reached <= attempted
    rows = []
    for i, ((match, recidive), is_crisis, amount) in enumerate(zip(
            _spread(types, n), _spread({True: crisis}, n, False), _spread(amounts or {"250-500": n}, n),
            strict=True)):
        category = help_types[i] if i < reached else None
        if category:
            outcome = OUTCOME_OF_CATEGORY[category]
        elif i < reached:
            outcome = Outcome.GEEN_HULP_GEWENST
        else:
            outcome = Outcome.GEEN_CONTACT
        rows.append(CaseFact(
            case_ref=next(_refs), municipality=municipality, month=month, opened_on=month, period_start=month,
            period_end=month, match_type=match, recidive=recidive, is_crisis=is_crisis, amount_class=amount,
            status="gesloten", outcome=outcome, monitor_category=OUTCOMES[outcome][0] or "",
            attempts=1 if i < attempted else 0, reached=i < reached))
    return CaseFact.objects.bulk_create(rows)


def attempt_facts(municipality, month: dt.date, *, kinds: dict) -> list[AttemptFact]:
    """Attempt facts: ``kinds`` maps a ContactKind to (attempts, of which reached)."""
    rows = []
    for kind, (count, reached) in kinds.items():
        for i in range(count):
            rows.append(AttemptFact(attempt_ref=next(_refs), case_ref=0, municipality=municipality, month=month,
                                    on=month, kind=kind, dagdeel="Ochtend", reached="ja" if i < reached else "nee"))
    return AttemptFact.objects.bulk_create(rows)


# --- the generated population: 2 municipalities × 3 months -----------------------------------------------

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
MONTHS = (JAN, FEB, MAR)
Q, F, NF = MonitorCategory.HULP_QUICK_FIX, MonitorCategory.HULP_FINANCIEEL, MonitorCategory.HULP_NIET_FINANCIEEL
T, HB, BR, KA, ML, SMS, OV, ADM = (ContactKind.TELEFOON, ContactKind.HUISBEZOEK, ContactKind.BRIEF,
                                   ContactKind.KAARTJE, ContactKind.MAIL, ContactKind.SMS, ContactKind.OVERIGE,
                                   ContactKind.ADMINISTRATIEF)


@dataclass
class Month:
    signals: dict = field(default_factory=dict)  # signal_facts' keyword arguments
    cases: dict = field(default_factory=dict)  # case_facts'
    attempts: dict = field(default_factory=dict)  # ContactKind → (attempts, reached)


INHABITANTS = {"A": 10_000, "B": 5_000}
POPULATION: dict[str, dict[dt.date, Month]] = {
    "A": {
        JAN: Month(
            signals={"kinds": {"huur": 10, "zorgverzekering": 20, "drinkwater": 10}, "crisis": 4, "in_case": 30,
                     "not_picked_up": {"drempelbedrag": 4, "herhaald": 3, "niet_in_brp": 2, "bekend_shv": 1},
                     "amounts": {"<100": 8, "100-250": 12, "250-500": 10, "500-1000": 6, ">=1000": 4},
                     "ages": {"onbekend": 10, "18-25": 10, "26-45": 10, ">=46": 10}},
            cases={"types": {("enkelvoudig", False): 12, ("enkelvoudig", True): 8, ("meervoudig", False): 3,
                             ("meervoudig", True): 1}, "crisis": 2, "amounts": {"250-500": 12, "500-1000": 12},
                   "attempted": 20, "reached": 5, "accepted": {Q: 2, F: 1}},
            attempts={T: (10, 4), HB: (5, 2), BR: (4, 0), KA: (2, 1), ML: (6, 1), SMS: (3, 0), OV: (1, 0),
                      ADM: (1, 0)}),
        FEB: Month(
            signals={"kinds": {"huur": 5, "zorgverzekering": 10, "elektriciteit": 5}, "crisis": 2, "in_case": 15,
                     "not_picked_up": {"herhaald": 5}, "amounts": {"<100": 20}, "ages": {">=46": 20}},
            cases={"types": {("enkelvoudig", False): 10}, "amounts": {"<100": 10}, "attempted": 10, "reached": 4,
                   "accepted": {Q: 4}},
            attempts={T: (5, 5)}),
        MAR: Month(signals={"kinds": {"zorgverzekering": 10}, "in_case": 10, "amounts": {"250-500": 10},
                            "ages": {"26-45": 10}}),
    },
    "B": {
        JAN: Month(
            signals={"kinds": {"huur": 5, "gas": 5}, "crisis": 1, "in_case": 5,
                     "not_picked_up": {"termijn": 2, "niet_in_brp": 3}, "amounts": {"<100": 5, ">=1000": 5},
                     "ages": {"18-25": 10}},
            cases={"types": {("enkelvoudig", True): 5}, "amounts": {">=1000": 5}}),
        FEB: Month(),  # nothing at all in B in February
        MAR: Month(
            signals={"kinds": {"zorgverzekering": 15, "drinkwater": 15}, "crisis": 3, "in_case": 24,
                     "not_picked_up": {"herhaald": 6}, "amounts": {"100-250": 30}, "ages": {"onbekend": 30}},
            cases={"types": {("enkelvoudig", False): 10, ("meervoudig", True): 10}, "amounts": {"100-250": 20},
                   "attempted": 8, "reached": 2, "accepted": {NF: 1}},
            attempts={HB: (4, 1), ML: (4, 0)}),
    },
}


def generate(municipalities: dict) -> None:
    """Write ``POPULATION`` for ``municipalities`` ({"A": Municipality, "B": Municipality})."""
    creditor = _creditor()
    for letter, months in POPULATION.items():
        for month, spec in months.items():
            if spec.signals:
                signal_facts(municipalities[letter], month, creditor=creditor, **spec.signals)
            if spec.cases:
                case_facts(municipalities[letter], month, **spec.cases)
            if spec.attempts:
                attempt_facts(municipalities[letter], month, kinds=spec.attempts)
