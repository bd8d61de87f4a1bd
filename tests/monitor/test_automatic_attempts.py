"""The monitor tells the attempts the outreach plans sent from the ones people made (issue 13): automatic attempts,
how many reached the resident (a reply credited to the letter or SMS that caused it), and the share."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from monitor.figures import monitor_figures
from monitor.models import AttemptFact

pytestmark = pytest.mark.django_db
MAY = dt.date(2026, 5, 1)


def _fact(municipality, n, *, kind, origin, reached="onbekend", replied=False):
    AttemptFact.objects.create(attempt_ref=n, case_ref=n, municipality=municipality, month=MAY, on=MAY, kind=kind,
                               dagdeel="ochtend", reached=reached, replied=replied, origin=origin)


def test_automatic_attempts_and_what_they_reached(gemeente):
    for n, (kind, origin, reached) in enumerate([
            ("SMS/Whatsapp", "systeem", "ja"), ("SMS/Whatsapp", "systeem", "onbekend"), ("Brief", "systeem", "ja"),
            ("Brief", "systeem", "nee"), ("Telefoon", "medewerker", "ja"), ("Telefoon", "extern_kcc", "nee")],
            start=1):
        _fact(gemeente, n, kind=kind, origin=origin, reached=reached, replied=reached == "ja")
    figures = monitor_figures(municipalities=[gemeente], first=MAY, last=MAY)
    assert figures.row("poging:systeem").range.value == 4
    assert figures.row("poging_bereikt:systeem").range.value == 2
    assert figures.row("poging_bereikt_aandeel:systeem").range.value == Fraction(1, 2)
    assert figures.row("poging:totaal").range.value == 6
