"""``demo_rapport --monitor``: the month's monitor figures beside the generator's calibration."""
import datetime as dt

import pytest

from demo.calibration import GROUP_SHARES, SIGNALS_PER_1000_INHABITANTS_PER_MONTH
from demo.monitor_table import monitor_table
from tests.factories import MunicipalityFactory
from tests.monitor.facts import signal_facts

pytestmark = pytest.mark.django_db


def test_the_table_shows_the_months_figures_beside_the_calibration():
    town = MunicipalityFactory(inhabitants=20_000)
    # 40 signals in October: 30 health insurance, 10 rent; 2 crisis.
    signal_facts(town, dt.date(2026, 10, 1), kinds={"zorgverzekering": 30, "huur": 10}, crisis=2)
    signal_facts(town, dt.date(2026, 9, 1), kinds={"huur": 5})  # another month: not counted
    lines = monitor_table([town], "2026-10", scale=0.5)
    rows = {line[2:42].strip(): line[42:].split() for line in lines[2:-1]}
    assert lines[0] == "Monitor 2026-10 (gemiddelde van 1 gemeenten) naast de kalibratie:"
    assert rows["Signalen per 1.000 inwoners"] == ["2.00", f"{SIGNALS_PER_1000_INHABITANTS_PER_MONTH * 0.5:.2f}"]
    assert rows["Zorgverzekering"] == ["75.0%", f"{GROUP_SHARES['zorgverzekering'] * 100:.1f}%"]
    assert rows["Huur"] == ["25.0%", "20.0%"]
    assert rows["Drinkwater"][0] == "0.0%" and rows["Crisissignalen"][0] == "5.0%"
    assert rows["Meldingen meervoudig"][0] == "—"  # no meldingen: no base
    assert lines[-1] == "  (samen 40 signalen en 0 meldingen in 2026-10)"
