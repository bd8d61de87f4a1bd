"""Matching without the database: grouping per address, the four Divosa types, the repeat rule."""
import dataclasses
import datetime as dt
from collections import Counter
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases import deadlines, matching
from cases.matching import ENKELVOUDIG, MEERVOUDIG, PriorArrear, SignalFacts
from demo import generator
from signals import normalise
from vroegsignalering.common.vocab import CRISIS_SIGNAL_KINDS, Outcome

JUNE = deadlines.period_for(dt.date(2026, 6, 1))


def facts(i, address="A", creditor=1, contract=None, day=dt.date(2026, 6, 10), amount="100.00", kind="vroegsignaal"):
    return SignalFacts(id=i, address_key=address, creditor_id=creditor,
                       contract_number=f"K{i}" if contract is None else contract, signal_date=day,
                       amount=Decimal(amount), signal_kind=kind)


def test_every_signal_in_exactly_one_group_per_address():
    signals = [facts(1, "A"), facts(2, "B"), facts(3, "A", creditor=2), facts(4, "C")]
    groups = matching.group_signals(signals, {}, JUNE)
    assert [g.address_key for g in groups] == ["A", "B", "C"]
    assert sorted(s.id for g in groups for s in g.signals) == [1, 2, 3, 4]
    assert [g.match_type for g in groups] == [MEERVOUDIG, ENKELVOUDIG, ENKELVOUDIG]


def test_same_creditor_twice_is_meervoudig_but_the_same_arrear_twice_is_an_update():
    two_contracts = [facts(1, creditor=7, contract="POL-1"), facts(2, creditor=7, contract="POL-2")]
    assert matching.match_type_for(two_contracts) == MEERVOUDIG
    same_arrear = [facts(1, creditor=7, contract="POL-1", amount="100.00", day=dt.date(2026, 6, 2)),
                   facts(2, creditor=7, contract="POL-1", amount="180.00", day=dt.date(2026, 6, 20))]
    assert matching.match_type_for(same_arrear) == ENKELVOUDIG
    assert matching.summed_amount(same_arrear) == Decimal("180.00")  # the latest amount of the arrear
    # Without a contract number each signal is its own arrear.
    assert matching.match_type_for([facts(1, creditor=7, contract=""), facts(2, creditor=7, contract="")]) == MEERVOUDIG


def test_summed_amount_adds_the_arrears():
    signals = [facts(1, amount="120.00"), facts(2, creditor=2, amount="80.50")]
    assert matching.summed_amount(signals) == Decimal("200.50")


@pytest.mark.parametrize(("history_day", "recidive"), [
    (dt.date(2026, 5, 31), True),   # the day before the period
    (dt.date(2025, 12, 1), True),   # six months before the period's first day
    (dt.date(2025, 11, 30), False),  # one day too early
    (dt.date(2026, 6, 2), False),   # in the period itself: not "previous"
])
def test_recidive_window(history_day, recidive):
    groups = matching.group_signals([facts(1)], {"A": [(99, history_day)]}, JUNE)
    assert groups[0].recidive is recidive


def test_the_groups_own_signals_never_make_it_recidive():
    # A signal left over from May (waiting) is in the group: it is not history of itself.
    leftover = facts(1, day=dt.date(2026, 5, 28))
    groups = matching.group_signals([leftover, facts(2, creditor=2)], {"A": [(1, dt.date(2026, 5, 28))]}, JUNE)
    assert groups[0].recidive is False


def test_split_counts_the_four_types():
    signals = [facts(1, "A"), facts(2, "B"), facts(3, "B", creditor=2), facts(4, "C"), facts(5, "D"),
               facts(6, "D", creditor=3)]
    history = {"C": [(50, dt.date(2026, 3, 3))], "D": [(51, dt.date(2026, 1, 9))]}
    assert matching.split(matching.group_signals(signals, history, JUNE)) == {
        (ENKELVOUDIG, True): 1, (ENKELVOUDIG, False): 1, (MEERVOUDIG, True): 1, (MEERVOUDIG, False): 1,
    }


# --- a generated population: the national four-type split ------------------------------------


def _address_key(payload):
    adres = payload["adres"]
    addition = adres.get("huisnummertoevoeging")
    return normalise.address_key(normalise.postcode(adres["postcode"]), adres["huisnummer"],
                                 adres.get("huisletter", "").upper(),
                                 normalise.house_number_addition(addition) if addition else "")


_CREDITOR = {"zorgverzekering": 1, "huur": 2, "drinkwater": 3, "elektriciteit": 4, "gas": 4, "warmte": 4}


def test_a_generated_city_gives_the_national_four_type_split():
    """The demo generator is calibrated to Divosa 2024 (8.5% multiple, 46% recidive, 73% of the
    multiple ones recidive); matching a month with six months of history must give the national
    split: 39.5 / 51.7 / 6.4 / 2.4%."""
    month = "2025-06"
    history, serial = {}, 0
    for label in generator.previous_months(month, 6):
        for p in generator.generate_month("0599", 1_000_000, label):
            serial += 1
            history.setdefault(_address_key(p), []).append((serial, dt.date.fromisoformat(p["signaaldatum"])))
    current = []
    for p in generator.generate_month("0599", 1_000_000, month):
        serial += 1
        current.append(SignalFacts(
            id=serial, address_key=_address_key(p), creditor_id=_CREDITOR[p["soortVasteLast"]],
            contract_number=p["contractnummer"], signal_date=dt.date.fromisoformat(p["signaaldatum"]),
            amount=Decimal(p["achterstand"]["bedrag"]),
        ))
    groups = matching.group_signals(current, history, deadlines.period_for(dt.date(2025, 6, 1)))
    assert sum(len(g.signals) for g in groups) == len(current)
    assert len({s.id for g in groups for s in g.signals}) == len(current)
    counts = matching.split(groups)
    total = sum(counts.values())
    shares = {kind: 100 * n / total for kind, n in counts.items()}
    assert shares[(ENKELVOUDIG, True)] == pytest.approx(39.5, abs=2.0)
    assert shares[(ENKELVOUDIG, False)] == pytest.approx(51.7, abs=2.0)
    assert shares[(MEERVOUDIG, True)] == pytest.approx(6.4, abs=1.0)
    assert shares[(MEERVOUDIG, False)] == pytest.approx(2.4, abs=0.8)
    # The grouping agrees with the generator's own households: one group per signalled address.
    assert total == len(Counter(s.address_key for s in current))


# --- herhaalde melding ---------------------------------------------------------------------------------


class _Signal:
    def __init__(self, amount, contract="POL-1", creditor=7, day=dt.date(2026, 6, 15), pk=100):
        self.pk, self.creditor_id, self.contract_number = pk, creditor, contract
        self.amount, self.signal_date, self.municipality_id = Decimal(amount), day, 1


def prior(amount, day=dt.date(2026, 5, 2), active=True, case_id=10, signal_id=5, contract="POL-1", creditor=7):
    return PriorArrear(signal_id=signal_id, creditor_id=creditor, contract_number=contract, amount=Decimal(amount),
                       signalled_on=day, case_id=case_id, case_is_active=active,
                       case=f"case-{case_id}" if case_id else None)


def test_repeat_not_higher_is_herhaalde_melding():
    decision = matching.repeat_decision(_Signal("250.00"), [prior("250.00")], window_months=3)
    assert decision.outcome == Outcome.HERHAALDE_MELDING
    assert "melding 10" in decision.reason and "niet hoger" in decision.reason
    assert matching.repeat_decision(_Signal("200.00"), [prior("250.00", active=False)],
                                    window_months=3).outcome == Outcome.HERHAALDE_MELDING


@settings(max_examples=60, deadline=None)
@given(kind=st.sampled_from(sorted(CRISIS_SIGNAL_KINDS)),
       amounts=st.lists(st.sampled_from(["100.00", "250.00", "400.00"]), min_size=1, max_size=4),
       decided=st.lists(st.booleans(), min_size=4, max_size=4),
       amount=st.sampled_from(["100.00", "250.00", "400.00"]))
def test_a_crisis_signal_is_never_a_repeat_and_never_waits(kind, amounts, decided, amount):
    """An eviction, disconnection or end of supply about an arrear already signalled escalates it:
    whatever came before (lower, equal or higher, decided or still in fallout), it opens or joins a case."""
    signal = _Signal(amount)
    signal.signal_kind = kind
    priors = [dataclasses.replace(prior(a, signal_id=i + 1, case_id=10 + i), decided=decided[i])
              for i, a in enumerate(amounts)]
    assert matching.repeat_decision(signal, priors, window_months=3) is None
    signal.signal_kind = "vroegsignaal"  # the same signal as a vroegsignaal is judged by the rule
    assert matching.repeat_decision(signal, priors, window_months=3) is not None


def test_repeat_higher_updates_the_active_case():
    decision = matching.repeat_decision(_Signal("300.00"), [prior("250.00")], window_months=3)
    assert decision.outcome is None and decision.case == "case-10" and decision.case_id == 10


def test_repeat_higher_with_a_closed_case_is_a_new_signal():
    assert matching.repeat_decision(_Signal("300.00"), [prior("250.00", active=False)], window_months=3) is None


def test_repeat_compares_with_the_most_recent_pick_up():
    priors = [prior("400.00", day=dt.date(2026, 4, 1), signal_id=1, active=False),
              prior("250.00", day=dt.date(2026, 6, 1), signal_id=2, case_id=11)]
    decision = matching.repeat_decision(_Signal("300.00"), priors, window_months=3)
    assert decision.outcome is None and decision.case_id == 11


@pytest.mark.parametrize(("kwargs", "priors"), [
    ({}, []),
    ({"contract": ""}, [prior("250.00", contract="")]),  # no contract number: never "the same arrear"
    ({}, [prior("250.00", contract="POL-2")]),
    ({}, [prior("250.00", creditor=8)]),
    ({}, [prior("250.00", day=dt.date(2026, 3, 14))]),  # signalled before the three-month window
    ({}, [prior("250.00", day=dt.date(2026, 9, 16))]),  # or more than three months after it
])
def test_no_repeat(kwargs, priors):
    assert matching.repeat_decision(_Signal("100.00", **kwargs), priors, window_months=3) is None


def test_repeat_window_boundary_is_inclusive():
    decision = matching.repeat_decision(_Signal("100.00"), [prior("250.00", day=dt.date(2026, 3, 15))],
                                        window_months=3)
    assert decision.outcome == Outcome.HERHAALDE_MELDING


def test_a_signal_waiting_for_the_period_close_counts_as_signalled():
    waiting = prior("250.00", day=dt.date(2026, 6, 5), case_id=None, active=False)
    decision = matching.repeat_decision(_Signal("250.00"), [waiting], window_months=3)
    assert decision.outcome == Outcome.HERHAALDE_MELDING and decision.case_id is None
    assert "wacht op de periodeafsluiting" in decision.reason
    # Higher than a waiting signal: passes; at the period close both are one arrear of one case.
    assert matching.repeat_decision(_Signal("300.00"), [waiting], window_months=3) is None


class _Plain(_Signal):
    """A signal without contract number: the arrear is the customer, the kind and the due date."""

    def __init__(self, amount, bsn="999990019", kind="huur", due=dt.date(2026, 4, 1), **kwargs):
        super().__init__(amount, contract="", **kwargs)
        self.bsn, self.creditor_kind, self.oldest_due_date = bsn, kind, due


def plain_prior(amount, bsn="999990019", kind="huur", due=dt.date(2026, 4, 1), **kwargs):
    base = prior(amount, contract="", **kwargs)
    return PriorArrear(**{**{name: getattr(base, name) for name in PriorArrear.__slots__},
                          "customer": bsn, "creditor_kind": kind, "oldest_due_date": due})


@pytest.mark.parametrize(("signal", "expected"), [
    (_Plain("250.00"), Outcome.HERHAALDE_MELDING),
    (_Plain("250.00", bsn="999990020"), None),  # another customer
    (_Plain("250.00", kind="gas"), None),  # another kind of fixed cost
    (_Plain("250.00", due=dt.date(2026, 5, 1)), None),  # another invoice
    (_Plain("250.00", bsn=""), None),  # customer unknown: never the same arrear
])
def test_without_contract_number_the_arrear_is_customer_kind_and_due_date(signal, expected):
    decision = matching.repeat_decision(signal, [plain_prior("250.00")], window_months=3)
    assert (decision.outcome if decision else None) == expected


# --- one definition of "the same arrear" (repeat rule = period-close grouping) ---------------------

_contracts = st.sampled_from(["", "", "POL-1", "POL-2"])
_customers = st.sampled_from(["", "999990019", "999990020"])
_dues = st.sampled_from([None, dt.date(2026, 4, 1), dt.date(2026, 5, 1)])
_kinds = st.sampled_from(["energie", "water"])


_SOME = st.integers(2, 6)


@st.composite
def _arrear_signals(draw, n=_SOME):
    """Signals of one or two creditors at one address, every combination of contract number
    (same, different, one side only, neither), customer, kind and due date."""
    out = []
    for i in range(1, draw(n) + 1):
        out.append(SignalFacts(
            id=i, address_key="A", creditor_id=draw(st.sampled_from([1, 1, 2])), contract_number=draw(_contracts),
            signal_date=dt.date(2026, 6, 1) + dt.timedelta(days=draw(st.integers(0, 20))),
            amount=Decimal(draw(st.integers(10, 900))), creditor_kind=draw(_kinds),
            oldest_due_date=draw(_dues), customer=draw(_customers)))
    return out


def _as_signal(f: SignalFacts) -> SimpleNamespace:
    return SimpleNamespace(pk=f.id, creditor_id=f.creditor_id, contract_number=f.contract_number, bsn=f.customer,
                           creditor_kind=f.creditor_kind, oldest_due_date=f.oldest_due_date)


def _as_prior(f: SignalFacts) -> PriorArrear:
    return PriorArrear(signal_id=f.id, creditor_id=f.creditor_id, contract_number=f.contract_number, amount=f.amount,
                       signalled_on=f.signal_date, creditor_kind=f.creditor_kind, oldest_due_date=f.oldest_due_date,
                       customer=f.customer)


@settings(max_examples=300, deadline=None)
@given(a=_arrear_signals(n=st.just(1)), b=_arrear_signals(n=st.just(1)))
def test_two_signals_are_one_arrear_at_the_period_close_exactly_when_the_repeat_rule_says_so(a, b):
    first, second = a[0], dataclasses.replace(b[0], id=2)
    repeat_says_same = matching.same_arrear(_as_signal(second), _as_prior(first))
    assert repeat_says_same == matching.same_arrear(_as_signal(first), _as_prior(second))  # symmetric
    grouped_as_one = len(matching.arrears([first, second])) == 1
    assert grouped_as_one == repeat_says_same, (first, second)
    assert matching.match_type_for([first, second]) == (ENKELVOUDIG if repeat_says_same else MEERVOUDIG)


@settings(max_examples=300, deadline=None)
@given(signals=_arrear_signals())
def test_every_pair_the_repeat_rule_calls_one_arrear_is_grouped_as_one(signals):
    groups = matching.arrear_groups(signals)
    assert sorted(s.id for g in groups for s in g) == sorted(s.id for s in signals)  # each in exactly one
    group_of = {s.id: index for index, g in enumerate(groups) for s in g}
    contracts = [{s.contract_number for s in g} - {""} for g in groups]
    assert all(len(numbers) <= 1 for numbers in contracts)  # an arrear never holds two contract numbers
    for x in signals:
        for y in signals:
            if x.id == y.id:
                continue
            same = matching.same_arrear(_as_signal(x), _as_prior(y))
            gx, gy = group_of[x.id], group_of[y.id]
            if same and gx != gy:  # only when joining would put two contract numbers in one arrear
                assert contracts[gx] and contracts[gy] and contracts[gx] != contracts[gy], (x, y)
            if not same and gx == gy:  # linked through others of the same arrear
                assert len(groups[gx]) > 2


def test_a_higher_amount_without_contract_number_is_one_arrear_with_the_waiting_signal():
    """The creditor sent the contract number once, not the second time: one arrear, one case."""
    due = dt.date(2026, 4, 1)
    first = SignalFacts(id=1, address_key="A", creditor_id=1, contract_number="POL-1",
                        signal_date=dt.date(2026, 6, 2), amount=Decimal("100.00"), creditor_kind="energie",
                        oldest_due_date=due, customer="999990019")
    higher = SignalFacts(id=2, address_key="A", creditor_id=1, contract_number="", signal_date=dt.date(2026, 6, 12),
                         amount=Decimal("160.00"), creditor_kind="energie", oldest_due_date=due, customer="999990019")
    signal = SimpleNamespace(**vars(_as_signal(higher)), signal_date=higher.signal_date, amount=higher.amount,
                             received_at=None)
    assert matching.repeat_decision(signal, [_as_prior(first)], window_months=3) is None  # higher: not a repeat
    assert matching.match_type_for([first, higher]) == ENKELVOUDIG
    assert matching.summed_amount([first, higher]) == Decimal("160.00")
