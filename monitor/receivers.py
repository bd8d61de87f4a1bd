"""The statistics store follows the history: every state change in signals, cases and contacts writes
a history row after the entity is saved (``signals.transitions``, ``cases.transitions``,
``cases.services._writes``, ``contacts.services``), so a receiver on those rows sees each change, in
the caller's transaction, without the lower layers knowing the monitor.

One-row writes arrive as Django's ``post_save``; bulk writes as ``rows_inserted``
(``vroegsignalering.common.bulk.bulk_insert``), one call per batch, so the intake of 1,000 signals
records its 1,000 facts in one upsert, from the signals as inserted.
"""
from cases.models import CaseHistory
from signals.models import Signal, SignalEvent, SignalHistory

from .recording import record_cases, record_new_signals, record_signals

# History of contact with the resident: it changes the case's and its attempts' facts, never its signals'
# (their facts hold the signal, its ending and the case's routing), so those are not read again.
CONTACT_KINDS = frozenset({"contact_attempt", "work_started", "reply", "attempt_unanswered", "delivery_failed",
                           "outreach", "task"})


def _with_signals(rows) -> bool:
    return any((row.params or {}).get("kind") not in CONTACT_KINDS for row in rows)


def signal_history_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        record_signals([instance.signal_id])


def case_history_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        record_cases([instance.case_id], with_signals=_with_signals([instance]))


def rows_inserted(sender, objects, **kwargs) -> None:
    if sender is Signal:  # the intake: recorded from the stored objects, no read back
        record_new_signals(objects)
    elif sender is SignalHistory:
        # "ontvangen" rows follow the signals' own insert (above): nothing changed since.
        record_signals({row.signal_id for row in objects if row.event != SignalEvent.RECEIVED})
    elif sender is CaseHistory:
        record_cases({row.case_id for row in objects}, with_signals=_with_signals(objects))
