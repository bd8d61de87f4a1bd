"""The monitor's figures on a generated population with known proportions (tests/monitor/facts.py): every
figure, per month and over the range (the mean of the monthly means), equals what the chosen numbers give."""
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitor.figures import AANTAL, UNKNOWN, monitor_figures
from monitor.national import NATIONAL_2024
from tests.factories import MunicipalityFactory

from .expected import expected_figures
from .facts import FEB, JAN, MAR, MONTHS, signal_facts

pytestmark = pytest.mark.django_db


def _figures(towns, *letters, first=JAN, last=MAR):
    return monitor_figures(municipalities=[towns[letter] for letter in letters], first=first, last=last)


def test_every_figure_of_both_municipalities_per_month_and_over_the_range(towns):
    figures = _figures(towns, "A", "B")
    expected = expected_figures()
    assert figures.months == list(MONTHS)
    shown = {row.definition.key for row in figures.rows()}
    assert set(expected) <= shown, set(expected) - shown
    for key, (unit, monthly, whole) in expected.items():
        row = figures.row(key)
        assert row.definition.unit == unit, key
        assert [cell.value for cell in row.months] == monthly, key
        assert row.range.value == whole, key


def test_the_range_is_the_mean_of_the_monthly_means_not_the_pooled_share(towns):
    figures = _figures(towns, "A", "B")
    # Signals per 1,000: A 4, 2, 1 and B 2, 0, 6 per month -> monthly means 3, 1, 3.5 -> 2.5.
    assert [cell.value for cell in figures.row("signalen_per_1000").months] == [3, 1, Fraction(7, 2)]
    assert figures.row("signalen_per_1000").range.value == Fraction(5, 2)
    # Rent: A 10/40, 5/20, 0/10; B 5/10, (no signals in February), 0/30 -> 3/8, 1/4, 0 -> 5/24 (20.8%),
    # where the pooled share would be 20/110 (18.2%).
    row = figures.row("soort_aandeel:huur")
    assert [cell.value for cell in row.months] == [Fraction(3, 8), Fraction(1, 4), 0]
    assert row.range.value == Fraction(5, 24)
    # Reach: A 5/20, 4/10, (no cases in March); B (no attempts), (nothing), 2/8 -> 1/4, 2/5, 1/4 -> 3/10.
    assert [cell.value for cell in figures.row("bereik_aandeel").months] == [Fraction(1, 4), Fraction(2, 5),
                                                                              Fraction(1, 4)]
    assert figures.row("bereik_aandeel").range.value == Fraction(3, 10)
    # Acceptance: A 3/5, 4/4; B 1/2 -> 0.6, 1, 0.5 -> 0.7. Quick fix: A 2/3, 4/4, B 0/1 -> 5/9.
    assert figures.row("acceptatie_aandeel").range.value == Fraction(7, 10)
    assert figures.row("hulp_aandeel:hulp_quick_fix").range.value == Fraction(5, 9)
    # Counts over the range are totals.
    assert figures.row("signalen").range.value == 110
    assert figures.row("meldingen").range.value == 59
    assert figures.row("poging:brief").range.value == 6  # Brief and Kaartje: the monitor's "brief/kaart"


def test_one_municipality_sees_only_its_own_facts(towns):
    a_only = _figures(towns, "A")
    assert [cell.value for cell in a_only.row("signalen").months] == [40, 20, 10]
    assert [cell.value for cell in a_only.row("signalen_per_1000").months] == [4, 2, 1]
    assert [cell.value for cell in a_only.row("soort:gas").months] == [0, 0, 0]  # B's gas signals are B's
    b_only = _figures(towns, "B")
    assert [cell.value for cell in b_only.row("signalen").months] == [10, 0, 30]


def test_an_empty_month_has_no_share_and_zero_per_1000_inhabitants(towns):
    b_only = _figures(towns, "B")
    # February: nothing at all in B.
    assert b_only.row("in_melding_aandeel").months[1].value is None
    assert b_only.row("signalen_per_1000").months[1].value == 0
    # The range's share leaves February out: (5/10 + 24/30) / 2.
    assert b_only.row("in_melding_aandeel").range.value == Fraction(13, 20)
    # A range without any facts: counts 0, shares none, per 1,000 zero.
    empty = _figures(towns, "A", first=JAN.replace(year=2024), last=MAR.replace(year=2024))
    assert empty.row("signalen").range.value == 0
    assert empty.row("bereik_aandeel").range.value is None
    assert empty.row("meldingen_per_1000").range.value == 0


def test_inhabitants_zero_is_unknown_per_1000_and_never_a_division_by_zero(towns):
    nowhere = MunicipalityFactory(cbs_code="0333", name="Ceedorp", inhabitants=0)
    signal_facts(nowhere, JAN, kinds={"huur": 7}, in_case=7)
    alone = monitor_figures(municipalities=[nowhere], first=JAN, last=MAR)
    assert alone.row("signalen_per_1000").months[0].value == UNKNOWN
    assert alone.row("signalen_per_1000").range.value == UNKNOWN
    assert alone.row("signalen").range.value == 7
    assert alone.row("soort_aandeel:huur").range.value == 1
    # With A: the mean per 1,000 is A's alone (Ceedorp's is unknown, not zero).
    together = monitor_figures(municipalities=[towns["A"], nowhere], first=JAN, last=MAR)
    assert [cell.value for cell in together.row("signalen_per_1000").months] == [4, 2, 1]


def test_a_creditor_kind_outside_the_six_legal_ones_appears_only_when_it_occurs(towns):
    assert "soort:duo" not in {row.definition.key for row in _figures(towns, "A").rows()}
    signal_facts(towns["A"], FEB, kinds={"duo": 3})
    figures = _figures(towns, "A")
    assert [cell.value for cell in figures.row("soort:duo").months] == [0, 3, 0]
    assert figures.row("soort_aandeel:duo").months[1].value == Fraction(3, 23)


def test_the_figures_take_three_aggregate_queries_whatever_the_number_of_facts(towns):
    with CaptureQueriesContext(connection) as queries:
        _figures(towns, "A", "B")
    assert len(queries) == 3
    assert all("GROUP BY" in query["sql"] for query in queries.captured_queries)


def test_every_national_figure_names_a_figure_and_a_line_of_the_report(towns):
    keys = {row.definition.key for row in _figures(towns, "A").rows()}
    assert set(NATIONAL_2024) <= keys, set(NATIONAL_2024) - keys
    with open(_seed()) as report:
        lines = report.read().splitlines()
    for key, national in NATIONAL_2024.items():
        line = lines[national.line - 1]
        assert national.quote.split("[...]")[0].strip() in line, (key, national.line)
        assert _figures(towns, "A").row(key).definition.unit != AANTAL


def _seed():
    from pathlib import Path
    found = sorted((Path(__file__).resolve().parents[3] / "shared" / "seeds").glob("000_*.txt"))
    assert found, "shared/seeds/000_*.txt not found"
    return found[0]
