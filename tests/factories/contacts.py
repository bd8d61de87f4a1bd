"""Contact attempts."""
import datetime as dt

from contacts.models import Reached
from contacts.services import contact_attempt_register
from tests.factories.dates import aware
from vroegsignalering.common.vocab import ContactKind


def reach(case, worker, *, kind=ContactKind.TELEFOON, reached=Reached.JA, at=None):
    at = at or aware(2026, 6, 3, 10)
    return contact_attempt_register(case=case, kind=kind, at=at, reached=reached, by=worker,
                                    now=at + dt.timedelta(minutes=1))
