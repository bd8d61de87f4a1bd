"""Writes of the monitor besides the recording (``monitor.recording``)."""
from __future__ import annotations

from collections.abc import Iterable

from django.db.models.functions import TruncMonth

from .models import SignalFact


def facts_coarsen(signal_refs: Iterable[int]) -> int:
    """The purge destroyed these signals: their facts keep only what the figures need. The exact amount goes
    and every date becomes the first of its month (the classes and the month stay, so every figure stays the
    same); what the DDAS export needed exactly went with the client it can no longer send. Returns how many
    facts were coarsened."""
    return SignalFact.objects.filter(signal_ref__in=list(signal_refs)).update(
        amount_euros=None, received_on=TruncMonth("received_on"), signal_date=TruncMonth("signal_date"),
        arrear_start=TruncMonth("arrear_start"), ended_on=TruncMonth("ended_on"))
