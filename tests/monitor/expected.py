"""The expected monitor figures of ``facts.POPULATION``, worked out from the numbers chosen there (not by
the code under test): per municipality and month a count, a fraction or None (no base), then per month the
sum (counts) or the mean over the municipalities that have a value, then over the range the sum or the mean
of the monthly means."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .facts import INHABITANTS, MONTHS, NF, POPULATION, F, Q

COUNT, SHARE, RATE = "aantal", "%", "per 1.000 inwoners"
LETTERS = ("A", "B")
ATTEMPT_TYPES = {"telefoon": ["Telefoon"], "huisbezoek": ["Huisbezoek"], "sms": ["SMS/Whatsapp"],
                 "brief": ["Brief", "Kaartje"], "email": ["Mail"], "anders": ["Overige", "Administratief"]}


def _signals(letter, month) -> dict:
    return POPULATION[letter][month].signals


def _cases(letter, month) -> dict:
    return POPULATION[letter][month].cases


def n_signals(letter, month) -> int:
    return sum(_signals(letter, month).get("kinds", {}).values())


def n_cases(letter, month) -> int:
    return sum(_cases(letter, month).get("types", {}).values())


def n_npu(letter, month) -> int:
    return sum(_signals(letter, month).get("not_picked_up", {}).values())


def _attempts(letter, month, kinds, *, reached: bool) -> int:
    spec = POPULATION[letter][month].attempts
    return sum(spec.get(kind, (0, 0))[1 if reached else 0] for kind in kinds)


def _accepted(letter, month) -> int:
    return sum(_cases(letter, month).get("accepted", {}).values())


def aggregate(kind: str, numerator, denominator=None) -> tuple[list, object]:
    """(monthly values, range value) of a figure given per municipality and month."""
    monthly = []
    for month in MONTHS:
        if kind == COUNT:
            monthly.append(sum(numerator(letter, month) for letter in LETTERS))
            continue
        values = []
        for letter in LETTERS:
            if kind == RATE:
                values.append(Fraction(numerator(letter, month) * 1000, INHABITANTS[letter]))
            elif denominator(letter, month):
                values.append(Fraction(numerator(letter, month), denominator(letter, month)))
        monthly.append(Fraction(sum(values), len(values)) if values else None)
    if kind == COUNT:
        return monthly, sum(monthly)
    known = [value for value in monthly if value is not None]
    return monthly, Fraction(sum(known), len(known)) if known else None


def expected_figures() -> dict[str, tuple[str, list, object]]:
    """Figure key → (unit, monthly values, range value)."""
    out = {}

    def add(key, kind, numerator, denominator=None):
        out[key] = (kind, *aggregate(kind, numerator, denominator))

    def of(getter, *path, default=0):
        def value(letter, month):
            data = getter(letter, month)
            for step in path:
                data = data.get(step, {}) if isinstance(data, dict) else default
            return data if isinstance(data, int) else default
        return value

    add("signalen", COUNT, n_signals)
    add("signalen_per_1000", RATE, n_signals)
    add("vroegsignalen_per_1000", RATE, lambda letter, m: n_signals(letter, m) - of(_signals, "crisis")(letter, m))
    add("crisis", COUNT, of(_signals, "crisis"))
    add("crisis_aandeel", SHARE, of(_signals, "crisis"), n_signals)
    for kind in ("huur", "zorgverzekering", "drinkwater", "elektriciteit", "gas", "warmte"):
        add(f"soort:{kind}", COUNT, of(_signals, "kinds", kind))
        add(f"soort_aandeel:{kind}", SHARE, of(_signals, "kinds", kind), n_signals)
    add("in_melding", COUNT, of(_signals, "in_case"))
    add("in_melding_aandeel", SHARE, of(_signals, "in_case"), n_signals)
    add("niet_opgepakt", COUNT, n_npu)
    add("niet_opgepakt_aandeel", SHARE, n_npu, n_signals)
    reasons = ("drempelbedrag", "termijn", "rechtspersoon", "onterecht", "herhaald", "niet_in_brp", "verhuisd",
               "bekend_shv", "overleden", "andere_reden")
    for reason in reasons:
        add(f"reden:{reason}", COUNT, of(_signals, "not_picked_up", reason))
        add(f"reden_aandeel:{reason}", SHARE, of(_signals, "not_picked_up", reason), n_signals)
        add(f"reden_van_niet_opgepakt:{reason}", SHARE, of(_signals, "not_picked_up", reason), n_npu)
    unjust = ("drempelbedrag", "termijn", "rechtspersoon", "onterecht")
    add("onterecht_van_niet_opgepakt", SHARE,
        lambda letter, m: sum(of(_signals, "not_picked_up", r)(letter, m) for r in unjust), n_npu)
    for amount in ("<100", "100-250", "250-500", "500-1000", ">=1000"):
        add(f"bedrag:{amount}", COUNT, of(_signals, "amounts", amount))
        add(f"bedrag_aandeel:{amount}", SHARE, of(_signals, "amounts", amount), n_signals)
        add(f"melding_bedrag:{amount}", COUNT, of(_cases, "amounts", amount))
        add(f"melding_bedrag_aandeel:{amount}", SHARE, of(_cases, "amounts", amount), n_cases)
    for age in ("onbekend", "<18", "18-25", "26-45", ">=46"):
        add(f"leeftijd:{age}", COUNT, of(_signals, "ages", age))
        add(f"leeftijd_aandeel:{age}", SHARE, of(_signals, "ages", age), n_signals)
    add("meldingen", COUNT, n_cases)
    add("meldingen_per_1000", RATE, n_cases)
    add("meldingen_vroeg_per_1000", RATE, lambda letter, m: n_cases(letter, m) - of(_cases, "crisis")(letter, m))
    for match in ("enkelvoudig", "meervoudig"):
        for recidive in (True, False):
            def count(letter, m, match=match, recidive=recidive):
                return _cases(letter, m).get("types", {}).get((match, recidive), 0)
            key = f"{match}:{'ja' if recidive else 'nee'}"
            add(f"type:{key}", COUNT, count)
            add(f"type_aandeel:{key}", SHARE, count, n_cases)

    def with_types(predicate):
        return lambda letter, m: sum(n for t, n in _cases(letter, m).get("types", {}).items() if predicate(t))

    add("meervoudig_aandeel", SHARE, with_types(lambda t: t[0] == "meervoudig"), n_cases)
    add("opeenvolgend", COUNT, with_types(lambda t: t[1]))
    add("opeenvolgend_aandeel", SHARE, with_types(lambda t: t[1]), n_cases)
    all_kinds = [kind for kinds in ATTEMPT_TYPES.values() for kind in kinds]
    for name, kinds in [*ATTEMPT_TYPES.items(), ("totaal", all_kinds)]:
        def attempts(letter, m, kinds=kinds):
            return _attempts(letter, m, kinds, reached=False)

        def reached(letter, m, kinds=kinds):
            return _attempts(letter, m, kinds, reached=True)
        add(f"poging:{name}", COUNT, attempts)
        add(f"poging_bereikt:{name}", COUNT, reached)
        add(f"poging_bereikt_aandeel:{name}", SHARE, reached, attempts)
    add("met_poging", COUNT, of(_cases, "attempted"))
    add("bereikt", COUNT, of(_cases, "reached"))
    add("bereik_aandeel", SHARE, of(_cases, "reached"), of(_cases, "attempted"))
    add("geaccepteerd", COUNT, _accepted)
    add("acceptatie_aandeel", SHARE, _accepted, of(_cases, "reached"))
    for category in (Q, F, NF):
        add(f"hulp:{category.value}", COUNT, of(_cases, "accepted", category))
        add(f"hulp_aandeel:{category.value}", SHARE, of(_cases, "accepted", category), _accepted)
    return out


def text(value, unit: str) -> str:
    """How a person reads the value (the test's own rounding: half up)."""
    if value is None:
        return "—"
    if unit == COUNT:
        return f"{value:,}".replace(",", ".")
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    if unit == SHARE:
        return f"{(exact * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}".replace(".", ",") + "%"
    return f"{exact.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}".replace(".", ",")
