"""Builders for feedback tests: cases opened at the May period close, contact attempts."""
import datetime as dt

from cases import services as case_services
from cases.models import Case
from contacts.models import Reached
from contacts.services import contact_attempt_register
from tests.factories import aware, make_signal
from vroegsignalering.common.vocab import ContactKind

OPENED = aware(2026, 6, 1, 6)  # period close of May: the window runs 1 … 28 June
NOW = aware(2026, 6, 10, 12)
DAY_28 = aware(2026, 6, 29, 0, 0)


def open_case(municipality, *signal_kwargs: dict) -> Case:
    """A case (opened at the May period close) holding one signal per kwargs dict, same address."""
    for kwargs in signal_kwargs:
        make_signal(municipality, **{"at": 1, **kwargs})
    case_services.period_close(municipality=municipality, now=OPENED)
    return Case.objects.order_by("-pk").first()


def reach(case, worker, *, kind=ContactKind.TELEFOON, reached=Reached.JA, at=None):
    at = at or aware(2026, 6, 3, 10)
    return contact_attempt_register(case=case, kind=kind, at=at, reached=reached, by=worker,
                                    now=at + dt.timedelta(minutes=1))
