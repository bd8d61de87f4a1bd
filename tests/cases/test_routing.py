"""The routing engine without the database: conditions, fallbacks, capacity order, allocation."""
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from cases import routing
from cases.models import RoutingRule, Tray, TrayAllocation
from cases.routing import CapacityLedger, CaseFacts

_ids = iter(range(1, 10_000))


def tray(name, capacity=None, requires="", capacity_fallback=None, missing_fallback=None):
    return SimpleNamespace(pk=next(_ids), name=name, code=name.lower(), monthly_capacity=capacity,
                           requires_contact=requires, capacity_fallback=capacity_fallback,
                           missing_contact_fallback=missing_fallback)


def rule(position, target, **conditions):
    fields = {"match_type": "", "recidive": None, "crisis": None, "amount_gt": None, "amount_gte": None,
              "amount_lt": None, "amount_lte": None, "creditor_kinds": [], "age_min": None, "age_max": None,
              "has_minors": None, "has_phone": None, "has_email": None, "shv_statuses": []}
    fields.update(conditions)
    return SimpleNamespace(position=position, name=f"Regel {position}", explanation="", is_active=True, tray=target,
                           priority=2, **fields)


def facts(**kwargs):
    defaults = {"amount": Decimal("100"), "has_phone": True, "has_email": True}
    return CaseFacts(**{**defaults, **kwargs})


@pytest.mark.parametrize(("conditions", "case", "matches"), [
    ({"age_min": 18, "age_max": 27}, {"age": 27}, True),
    ({"age_min": 18, "age_max": 27}, {"age": 28}, False),
    ({"age_min": 18}, {"age": None}, False),  # unknown age never meets an age condition
    ({"has_minors": True}, {"has_minors": True}, True),
    ({"has_minors": True}, {}, False),
    ({"has_phone": False}, {"has_phone": False}, True),
    ({"has_email": True}, {"has_email": False}, False),
    ({"shv_statuses": ["nazorg"]}, {"shv_statuses": frozenset({"onbekend", "nazorg"})}, True),
    ({"creditor_kinds": ["huur"]}, {"creditor_kinds": frozenset({"zorgverzekering", "huur"})}, True),
    ({"creditor_kinds": ["huur"]}, {"creditor_kinds": frozenset({"zorgverzekering"})}, False),
    ({"amount_gt": Decimal(500)}, {"amount": Decimal(500)}, False),
    ({"amount_gte": Decimal(500)}, {"amount": Decimal(500)}, True),
    ({"amount_lt": Decimal(250)}, {"amount": Decimal(250)}, False),
    ({"amount_lte": Decimal(250)}, {"amount": Decimal(250)}, True),
    ({"crisis": False, "match_type": "meervoudig"}, {"match_type": "meervoudig"}, True),
    ({"recidive": True}, {"recidive": False}, False),
    ({}, {}, True),
])
def test_conditions(conditions, case, matches):
    assert routing.rule_matches(rule(1, None, **conditions), facts(**case)) is matches


def test_describe_conditions_in_dutch():
    text = routing.describe_conditions(rule(1, None, match_type="enkelvoudig", recidive=True,
                                            amount_gte=Decimal(100), amount_lte=Decimal(500),
                                            creditor_kinds=["huur", "drinkwater"], age_min=18, age_max=27,
                                            has_minors=True, shv_statuses=["nazorg"]))
    assert text == ("enkelvoudig, opeenvolgend, bedrag ≥ € 100,00, bedrag ≤ € 500,00, soort vaste last huur of "
                    "drinkwater, leeftijd 18 t/m 27, minderjarigen in huis, nazorg SHV")
    assert routing.describe_conditions(rule(1, None)) == "alle meldingen"


def test_fallback_cycle_stops_and_says_so():
    a = tray("A", requires="telefoon")
    b = tray("B", requires="email", missing_fallback=a)
    a.missing_contact_fallback = b
    decision = routing.place(facts(has_phone=False, has_email=False), rule(1, a), tray("Default"), CapacityLedger())
    assert decision.tray is b
    assert "Bakje A: geen telefoonnummer bekend → bakje B." in decision.explanation
    assert decision.explanation.endswith("Let op: bakje B, maar geen e-mailadres bekend.")


def test_full_tray_without_fallback_is_overbooked_with_a_warning():
    visits = tray("Huisbezoek", capacity=1)
    ledger = CapacityLedger()
    routing.place(facts(), rule(1, visits), tray("D"), ledger)
    decision = routing.place(facts(), rule(1, visits), tray("D"), ledger)
    assert decision.tray is visits and ledger.count(visits) == 2
    assert "capaciteit overschreden" in decision.explanation


def test_no_rule_uses_the_default_tray():
    default = tray("Algemeen")
    decision = routing.route_one(facts(), [rule(1, tray("X"), crisis=True)], default, CapacityLedger())
    assert decision.tray is default and decision.rule is None
    assert "Geen regel van toepassing → standaardbakje Algemeen." in decision.explanation


def test_capacity_goes_to_earlier_rules_then_to_higher_amounts():
    letters = tray("Brief")
    visits = tray("Huisbezoek", capacity=2, capacity_fallback=letters)
    rules = [rule(1, visits, match_type="meervoudig"), rule(2, visits, creditor_kinds=["huur"]), rule(3, letters)]
    items = [
        ("rent-high", facts(creditor_kinds=frozenset({"huur"}), amount=Decimal(900))),
        ("match-low", facts(match_type="meervoudig", amount=Decimal(100))),
        ("rent-low", facts(creditor_kinds=frozenset({"huur"}), amount=Decimal(300))),
    ]
    decisions = routing.route_period(items, rules, tray("D"), CapacityLedger())
    assert {k: d.tray.name for k, d in decisions.items()} == {
        "match-low": "Huisbezoek", "rent-high": "Huisbezoek", "rent-low": "Brief"}


def test_allocation_fills_remaining_capacity_highest_amount_first_and_respects_contact_needs():
    letters = tray("Brief")
    calls = tray("Telefoon", capacity=2, requires="telefoon")
    allocation = SimpleNamespace(target=calls, source=letters, is_active=True)
    items = [("a", facts(amount=Decimal(300))), ("b", facts(amount=Decimal(900), has_phone=False)),
             ("c", facts(amount=Decimal(500))), ("d", facts(amount=Decimal(100)))]
    decisions = routing.route_period(items, [rule(1, letters)], tray("D"), CapacityLedger(), [allocation])
    assert {k: d.tray.name for k, d in decisions.items()} == {"a": "Telefoon", "b": "Brief", "c": "Telefoon",
                                                              "d": "Brief"}


# --- validation of what a functional administrator enters ------------------------------------------------


def test_rule_validation_messages():
    municipality = SimpleNamespace(pk=1)
    rule = RoutingRule(position=1, name="x", amount_gt=Decimal(1), amount_gte=Decimal(1), amount_lt=Decimal(1),
                       amount_lte=Decimal(2), age_min=30, age_max=20, creditor_kinds=["huurr"],
                       shv_statuses=["misschien"])
    rule.municipality_id = municipality.pk
    with pytest.raises(ValidationError) as error:
        rule.clean()
    assert set(error.value.message_dict) == {"amount_gte", "amount_lte", "age_max", "creditor_kinds", "shv_statuses"}


def test_tray_and_allocation_validation():
    tray_ = Tray(pk=5, municipality_id=1, code="a", name="A")
    tray_.capacity_fallback = Tray(pk=5, municipality_id=1, code="a", name="A")
    tray_.missing_contact_fallback = Tray(pk=6, municipality_id=2, code="b", name="B")
    with pytest.raises(ValidationError) as error:
        tray_.clean()
    assert error.value.message_dict == {"capacity_fallback": ["Een bakje kan niet naar zichzelf terugvallen."],
                                        "missing_contact_fallback": ["Kies een bakje van dezelfde gemeente."]}
    allocation = TrayAllocation(municipality_id=1)
    allocation.target = Tray(pk=7, municipality_id=1, code="c", name="C")
    allocation.source = Tray(pk=8, municipality_id=1, code="d", name="D")
    with pytest.raises(ValidationError, match="geen capaciteit"):
        allocation.clean()


# --- no configuration loses a case (issue 9, point 5) -------------------------------------------------


def shv_tray():
    t = tray("Bekend bij SHV")
    t.end_outcome = "Inwoner al bekend bij schuldhulpverlening"
    return t


@pytest.mark.parametrize("kwargs", [{}, {"crisis": True}, {"match_type": "meervoudig", "amount": Decimal(900)}])
def test_known_to_debt_assistance_goes_to_the_shv_tray_whatever_the_rules(kwargs):
    shv = shv_tray()
    visits = tray("Huisbezoek", capacity=0)
    rules = [rule(1, visits), rule(2, tray("Brief"))]
    case = facts(shv_statuses=frozenset({"bekend"}), **kwargs)
    decision = routing.route_one(case, rules, tray("Algemeen"), CapacityLedger(), shv)
    assert decision.tray is shv and decision.rule is None
    assert "bekend bij schuldhulpverlening" in decision.explanation
    # nazorg is no reason to leave the rules
    assert routing.route_one(facts(shv_statuses=frozenset({"nazorg"})), rules, tray("A"), CapacityLedger(),
                             shv).tray is visits


def test_a_rule_whose_tray_is_deactivated_is_passed_over_and_said_so():
    visits = tray("Huisbezoek")
    visits.is_active = False
    letters = tray("Brief")
    decision = routing.route_one(facts(), [rule(1, visits), rule(2, letters)], tray("Algemeen"), CapacityLedger())
    assert decision.tray is letters and decision.rule.position == 2
    assert "bakje Huisbezoek is niet actief: overgeslagen" in decision.explanation


def test_a_deactivated_fallback_is_no_fallback():
    letters = tray("Brief")
    letters.is_active = False
    calls = tray("Telefoon", requires="telefoon", missing_fallback=letters)
    decision = routing.place(facts(has_phone=False), rule(1, calls), tray("Algemeen"), CapacityLedger())
    assert decision.tray is calls
    assert "Bakje Brief (terugval van bakje Telefoon) is niet actief: overgeslagen." in decision.explanation


def test_allocation_never_moves_a_case_out_of_the_shv_tray_nor_into_an_inactive_tray():
    shv = shv_tray()
    letters = tray("Brief")
    calls = tray("Telefoon", capacity=5)
    items = [("a", facts(shv_statuses=frozenset({"bekend"}))), ("b", facts())]
    decisions = routing.route_period(items, [rule(1, letters)], tray("D"), CapacityLedger(),
                                     [SimpleNamespace(target=calls, source=shv, is_active=True)], shv)
    assert decisions["a"].tray is shv
    calls.is_active = False
    decisions = routing.route_period(items, [rule(1, letters)], tray("D"), CapacityLedger(),
                                     [SimpleNamespace(target=calls, source=letters, is_active=True)], shv)
    assert decisions["b"].tray is letters
