"""Statistics facts for tests: ``monitor.recording`` over every row of a municipality.

The system writes its facts when things happen; rows made by test factories straight in the database
(``make_signal``, ``make_case``) have no history and so no facts until a service touches them. This
records them all, as ``monitor_backfill`` does.
"""
from __future__ import annotations

from cases.models import Case
from monitor.recording import record_cases, record_signals
from signals.models import Signal


def record_facts(municipality) -> None:
    """(Re)write the facts of every signal, case and attempt of ``municipality``."""
    record_signals(list(Signal.objects.filter(municipality=municipality).values_list("pk", flat=True)))
    record_cases(list(Case.objects.filter(municipality=municipality).values_list("pk", flat=True)))
