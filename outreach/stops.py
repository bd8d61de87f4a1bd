"""Why a case's outreach must stop (or nothing). Checked when something happens (the receivers) and
again under the case's lock just before a step runs, so nothing goes out after a close or a reach."""
from __future__ import annotations

import datetime as dt

from cases.models import WINDOW_STATUSES
from contacts.models import ContactAttempt, Reached

from .models import StopReason


def stop_reason(case, *, now: dt.datetime, run=None) -> str | None:
    """``StopReason`` for a case (locked by the caller when it is about to send), or None to go on."""
    if run is not None and run.stopped_at is not None:
        return run.stop_reason or StopReason.HANDMATIG
    if case.status not in WINDOW_STATUSES:
        return StopReason.GESLOTEN
    if now >= case.deadline_at:
        return StopReason.TERMIJN
    if ContactAttempt.objects.filter(case=case, reached=Reached.JA).exists():
        return StopReason.BEREIKT
    return None
