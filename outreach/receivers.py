"""Outreach follows the case history, as the monitor does (``monitor.receivers``): a close or expiry, a
reached attempt or a reply stops the case's run and skips its planned steps, in the same transaction as the
event (so nothing is planned after it), and a close lets the case's open tasks lapse. Lower apps never
import outreach.

One-row writes arrive as Django's ``post_save``; bulk writes (the day-28 job) as ``rows_inserted``."""
from cases.models import CaseHistory

from .services import runs_follow_history


def case_history_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        runs_follow_history([instance])


def rows_inserted(sender, objects, **kwargs) -> None:
    if sender is CaseHistory:
        runs_follow_history(objects)
