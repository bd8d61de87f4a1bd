"""The not-picked-up rules: legal entity, threshold, arrear age (pure; these tests touch no database)."""
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from accounts.models import Municipality
from signals.models import Signal
from signals.rules import (
    Rule,
    arrear_age_outside_window,
    below_threshold,
    legal_entity,
    legal_form,
    not_picked_up,
)
from vroegsignalering.common.vocab import OUTCOMES, Outcome

SIGNAL_DATE = dt.date(2026, 10, 1)


def make_signal(*, age: int = 45, **fields) -> Signal:
    """An unsaved signal whose arrear is ``age`` days old on its signal date."""
    values = {
        "creditor_kind": "zorgverzekering",
        "signal_kind": "vroegsignaal",
        "amount": Decimal("312.50"),
        "surname": "Jansen",
        "trade_name": "",
        "initials": "P.",
        "signal_date": SIGNAL_DATE,
        "oldest_due_date": SIGNAL_DATE - dt.timedelta(days=age),
    }
    values.update(fields)
    return Signal(**values)


def make_municipality(**fields) -> Municipality:
    """An unsaved municipality with the model's default policy and a €50 threshold."""
    values = {"cbs_code": "0363", "name": "Amsterdam", "threshold_amount": Decimal("50.00")}
    values.update(fields)
    return Municipality(**values)


# --- Threshold -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "fires"),
    [("0.01", True), ("49.99", True), ("50.00", False), ("50.01", False), ("1250.00", False)],
)
def test_threshold_boundary(amount, fires):
    assert below_threshold(make_signal(amount=Decimal(amount)), make_municipality()) is fires


def test_no_threshold_when_it_is_zero():
    assert not below_threshold(make_signal(amount=Decimal("0.01")), make_municipality(threshold_amount=Decimal("0")))


def test_drinking_water_is_exempt_by_default_and_only_when_listed():
    water = make_signal(creditor_kind="drinkwater", amount=Decimal("10.00"))
    assert not below_threshold(water, make_municipality())
    assert below_threshold(water, make_municipality(threshold_exempt_kinds=[]))


def test_a_municipality_may_exempt_other_kinds():
    rent = make_signal(creditor_kind="huur", amount=Decimal("10.00"))
    assert below_threshold(rent, make_municipality())
    assert not below_threshold(rent, make_municipality(threshold_exempt_kinds=["huur"]))


@pytest.mark.parametrize("signal_kind", ["eindelevering", "afsluiting", "ontruiming"])
def test_crisis_signals_are_exempt_from_the_threshold(signal_kind):
    municipality = make_municipality(threshold_exempt_kinds=[])
    assert below_threshold(make_signal(creditor_kind="gas", amount=Decimal("12.00")), municipality)
    crisis = make_signal(creditor_kind="gas", signal_kind=signal_kind, amount=Decimal("12.00"))
    assert not below_threshold(crisis, municipality)


# --- Arrear age ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "age", "fires"),
    [
        ("zorgverzekering", 29, True),
        ("zorgverzekering", 30, False),
        ("zorgverzekering", 100, False),
        ("zorgverzekering", 101, True),
        ("huur", 29, True),
        ("huur", 30, False),
        ("huur", 2000, False),  # no maximum
        ("drinkwater", 29, True),
        ("elektriciteit", 30, False),
        ("warmte", 400, False),  # energy may signal after 100 days since December 2022
    ],
)
def test_default_windows_edges(kind, age, fires):
    assert arrear_age_outside_window(make_signal(creditor_kind=kind, age=age), make_municipality()) is fires


@pytest.mark.parametrize(("age", "fires"), [(44, True), (45, False), (90, False), (91, True)])
def test_the_municipality_s_own_window(age, fires):
    municipality = make_municipality(arrear_age_windows={"zorgverzekering": [45, 90]})
    assert arrear_age_outside_window(make_signal(age=age), municipality) is fires


def test_a_kind_missing_from_the_municipality_s_windows_falls_back_to_the_default():
    municipality = make_municipality(arrear_age_windows={"huur": [60, None]})
    assert arrear_age_outside_window(make_signal(creditor_kind="zorgverzekering", age=101), municipality)
    assert arrear_age_outside_window(make_signal(creditor_kind="huur", age=59), municipality)


def test_a_zero_to_open_window_switches_the_rule_off():
    municipality = make_municipality(arrear_age_windows={"zorgverzekering": [0, None]})
    assert not arrear_age_outside_window(make_signal(age=0), municipality)
    assert not arrear_age_outside_window(make_signal(age=500), municipality)


@pytest.mark.parametrize("kind", ["hypotheek", "duo", "belastingdienst", "overig"])
def test_kinds_without_a_window_have_no_rule(kind):
    assert not arrear_age_outside_window(make_signal(creditor_kind=kind, age=0), make_municipality())
    assert not arrear_age_outside_window(make_signal(creditor_kind=kind, age=5000), make_municipality())


def test_a_due_date_after_the_signal_date_is_outside():
    assert arrear_age_outside_window(make_signal(creditor_kind="huur", age=-3), make_municipality())


@pytest.mark.parametrize("signal_kind", ["eindelevering", "afsluiting", "ontruiming"])
def test_crisis_signals_are_exempt_from_the_window(signal_kind):
    signal = make_signal(creditor_kind="drinkwater", signal_kind=signal_kind, age=10)
    assert not arrear_age_outside_window(signal, make_municipality())


# --- Legal entity ----------------------------------------------------------------------------

LEGAL_ENTITIES = [
    ("Jansen Bouw B.V.", "B.V."),
    ("Jansen Bouw BV", "B.V."),
    ("Jansen Bouw B.V", "B.V."),
    ("Jansen Bouw b.v.", "B.V."),
    ("Jansen Bouw B. V.", "B.V."),
    ("Jansen Bouw Bv.", "B.V."),
    ("Jansen Holding B.V. i.o.", "B.V."),
    ("Bouwbedrijf Jansen B.V., afdeling Noord", "B.V."),
    ("BV Jansen Bouw", "B.V."),  # without dots no initials
    ("Shell Nederland N.V.", "N.V."),
    ("Shell Nederland NV", "N.V."),
    ("Jansen N.V. h.o.d.n. Bouwmarkt", "N.V."),
    ("Jansen BVBA", "BVBA"),
    ("Jansen B.V.B.A.", "BVBA"),
    ("Besloten Vennootschap Jansen", "besloten vennootschap"),
    ("Naamloze  Vennootschap Jansen", "naamloze vennootschap"),
    ("Stichting Woonzorg Oost", "stichting"),
    ("Woonstichting De Key", "woonstichting"),
    ("Vereniging Dorpshuis", "vereniging"),
    ("Huurdersvereniging Oost", "huurdersvereniging"),
    ("VvE Kade 1-20", "VvE"),
    ("V.v.E. Kade 1-20", "VvE"),
    ("Coöperatie De Eendracht U.A.", "cooperatie"),
    ("Cooperatieve Rabobank U.A.", "cooperatieve"),
    ("Onderlinge Waarborgmaatschappij Zorg", "onderlinge waarborgmaatschappij"),
    ("Müller GmbH", "GmbH"),
    ("Smith Ltd.", "Ltd"),
]


@pytest.mark.parametrize(("name", "form"), LEGAL_ENTITIES)
def test_legal_forms_in_the_trade_name(name, form):
    signal = make_signal(trade_name=name)
    assert legal_entity(signal)
    assert legal_form(signal) == form


def test_a_legal_form_in_the_surname_field_counts_too():
    assert legal_entity(make_signal(surname="Jansen Bouw B.V.", trade_name=""))


NATURAL_PERSONS = [
    "Jansen Schilderwerken",  # an eenmanszaak without a form in its name
    "Eenmanszaak P. Jansen",
    "Jansen en Zn. v.o.f.",
    "Jansen VOF",
    "Jansen Vennootschap onder Firma",
    "Maatschap Huisartsen Oost",
    "Jansen C.V.",
    "Jansen CV",
    "Commanditaire Vennootschap Jansen",
    "Jansen Holding B.V. en Pietersen v.o.f.",  # a vof is named: not decided automatically
    # look-alikes: the letters occur, but no legal form
    "Abvakabo",
    "Nvidia Fanclub",
    "Jansen Cv-ketels",
    "Coop Supermarkt Jansen",
    "Cooper",
    "Maatschappij De Volharding",
    "Stichtingen",
    "Veldhuis",
    # initials, not a legal form
    "B.V. Jansen",
    "N.V. Pietersen",
    "Jansen, B.V.",
]


@pytest.mark.parametrize("name", NATURAL_PERSONS)
def test_natural_persons_and_look_alikes_are_not_legal_entities(name):
    assert not legal_entity(make_signal(trade_name=name))


@pytest.mark.parametrize(
    "surname", ["de Vries", "Bvelt", "Nvoort", "Stichter", "Verenigd", "Cooperman", "Bakker-Visser"]
)
def test_ordinary_surnames_are_not_legal_entities(surname):
    assert not legal_entity(make_signal(surname=surname))


def test_bv_equal_to_the_signal_s_own_initials_reads_as_initials():
    assert not legal_entity(make_signal(surname="Jansen B.V.", initials="B.V."))
    assert not legal_entity(make_signal(surname="Jansen BV", initials="B.V."))
    assert legal_entity(make_signal(surname="Jansen BV", initials="P."))


def test_a_natural_person_form_in_either_name_is_not_decided_automatically():
    assert not legal_entity(make_signal(trade_name="Jansen en Zn. v.o.f.", surname="Jansen B.V."))
    assert not legal_entity(make_signal(trade_name="Jansen Bouw B.V.", surname="Maatschap Jansen"))


def test_empty_names_are_not_legal_entities():
    assert not legal_entity(make_signal(surname="", trade_name=""))


# --- The entry point -------------------------------------------------------------------------


def test_a_clean_signal_is_not_stopped():
    assert not_picked_up(make_signal(), make_municipality()) is None


def test_legal_entity_ends_in_andere_reden_and_its_reason_is_never_sent():
    decision = not_picked_up(make_signal(trade_name="Jansen Bouw B.V.", amount=Decimal("5.00"), age=5),
                             make_municipality())
    assert decision.outcome == Outcome.ANDERE_REDEN  # before the threshold and the window
    assert decision.rule == Rule.RECHTSPERSOON
    assert "B.V." in decision.reason and "rechtspersoon" in decision.reason
    assert OUTCOMES[decision.outcome][1] == "niet_opgepakt"


def test_arrear_age_ends_in_onterecht_signaal_with_the_window_in_the_reason():
    decision = not_picked_up(make_signal(age=101, amount=Decimal("5.00")), make_municipality())
    assert decision.outcome == Outcome.ONTERECHT_SIGNAAL
    assert decision.rule == Rule.TERMIJN_ACHTERSTAND
    assert "101 dagen" in decision.reason and "30 tot en met 100 dagen" in decision.reason
    assert "Amsterdam" in decision.reason
    rent = not_picked_up(make_signal(creditor_kind="huur", age=1), make_municipality())
    assert "1 dag oud" in rent.reason and "vanaf 30 dagen" in rent.reason


def test_threshold_ends_in_onterecht_signaal_with_both_amounts_in_the_reason():
    decision = not_picked_up(
        make_signal(amount=Decimal("999.99")), make_municipality(threshold_amount=Decimal("1250.00"))
    )
    assert decision.outcome == Outcome.ONTERECHT_SIGNAAL
    assert decision.rule == Rule.DREMPELBEDRAG
    assert "€ 999,99" in decision.reason and "€ 1.250,00" in decision.reason
    assert OUTCOMES[decision.outcome][1] == "niet_opgepakt_onterecht_signaal"


def test_a_water_disconnection_below_threshold_and_window_is_picked_up():
    signal = make_signal(creditor_kind="drinkwater", signal_kind="afsluiting", amount=Decimal("8.00"), age=3)
    assert not_picked_up(signal, make_municipality(threshold_exempt_kinds=[])) is None


def test_a_legal_entity_s_crisis_signal_is_still_not_picked_up():
    signal = make_signal(trade_name="Stichting Buurthuis", signal_kind="afsluiting", creditor_kind="drinkwater")
    assert not_picked_up(signal, make_municipality()).rule == Rule.RECHTSPERSOON


def test_works_on_any_signal_like_object():
    signal = SimpleNamespace(
        trade_name="", surname="Jansen", amount=Decimal("20.00"), creditor_kind="huur",
        signal_kind="vroegsignaal", oldest_due_date=dt.date(2026, 8, 1), signal_date=SIGNAL_DATE,
    )
    municipality = SimpleNamespace(
        name="Utrecht", threshold_amount=Decimal("75.00"), threshold_exempt_kinds=[], arrear_age_windows={}
    )
    assert not_picked_up(signal, municipality).rule == Rule.DREMPELBEDRAG
