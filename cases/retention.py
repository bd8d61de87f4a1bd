"""Retention terms (bewaartermijnen): when a case's and a signal's personal data are destroyed.

Readings of the rules (DOMAIN.md "Retention"; docs/retention.md), in one place:

- **The term** is the municipality's ``retention_months`` (default 6), or its
  ``retention_months_help_accepted`` (at least as long) when the case's end result is one of
  ``HELP_ACCEPTED``. Calendar months, counted from the local (Europe/Amsterdam) date.
- **A case** is destroyed on the day ``closing date + term`` (``add_months``: 31 August + 6 →
  28 February). The closing date is the latest close (``closed_at``): a reopened case that closes
  again starts its term again. While open, in progress or reopened a case has no date.
- **Its follow-up first**: a case with a follow-up (vervolgcontact, due 30 days after the close) is
  not destroyed before the follow-up is done or overdue, i.e. not before the day after its
  ``due_on``. With a term of one month that can move the day a little later.
- **A signal in a case** goes with its case (same day, or no day while the case is active).
- **A signal that ended without a case** (``afgehandeld``, ``doorgestuurd``) is destroyed on
  ``outcome_at`` + its own municipality's term (a forwarded copy follows the term of the
  municipality it was forwarded to; the original that of its own).
- **A signal that never ended** (``ontvangen``, ``in_controle``, ``wacht_op_brp``, ``uitval``,
  ``gecontroleerd`` forever) is destroyed on ``received_at`` + the term, but never earlier than
  ``NEVER_ENDED_MIN_MONTHS`` after receipt (a month's signal waits for its period close): a backstop,
  reported on its own line in the purge report.

"On day D" means: the purge that runs on local day D (or later) destroys it; on D − 1 it is still there.
The functions at the top are pure (no database, no clock); the selectors at the bottom find, per
municipality, what the purge of ``today`` may destroy, with the same rules written as date cut-offs.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from signals.models import Signal, SignalStatus
from vroegsignalering.common.dates import add_months, format_short, local_date, start_of_day
from vroegsignalering.common.vocab import HELP_ACCEPTED

from .models import Case, CaseSignal, CaseStatus, FollowUp

# A signal that never ended is kept at least this long after receipt (see the module docstring).
NEVER_ENDED_MIN_MONTHS = 3
ENDED_WITHOUT_CASE = (SignalStatus.AFGEHANDELD, SignalStatus.DOORGESTUURD)
NEVER_ENDED = (SignalStatus.ONTVANGEN, SignalStatus.IN_CONTROLE, SignalStatus.WACHT_OP_BRP, SignalStatus.UITVAL,
               SignalStatus.GECONTROLEERD)


# --- pure: terms and days -------------------------------------------------------------------------


def term_months(municipality, outcome: str = "") -> int:
    """The case's term in months: the longer one when the resident accepted help."""
    if outcome and outcome in HELP_ACCEPTED:
        return max(municipality.retention_months_help_accepted, municipality.retention_months)
    return municipality.retention_months


def never_ended_months(municipality) -> int:
    return max(municipality.retention_months, NEVER_ENDED_MIN_MONTHS)


def case_destroy_on(case, follow_up_due: list[dt.date] | tuple = ()) -> dt.date | None:
    """The day the case's personal data are destroyed; None while the case is active (or not closed).
    ``follow_up_due``: the ``due_on`` of the case's follow-ups (done or not)."""
    if case.status != CaseStatus.GESLOTEN or case.closed_at is None:
        return None
    day = add_months(local_date(case.closed_at), term_months(case.municipality, case.outcome))
    for due in follow_up_due:
        day = max(day, due + dt.timedelta(days=1))
    return day


def signal_destroy_on(signal, case_day: dt.date | None = None, *, in_case: bool = False) -> dt.date | None:
    """The day the signal's personal data are destroyed. In a case (``in_case``): the case's day
    (``case_day``, None while the case is active). Otherwise by its status (module docstring)."""
    if in_case:
        return case_day
    if signal.status in ENDED_WITHOUT_CASE and signal.outcome_at is not None:
        return add_months(local_date(signal.outcome_at), signal.municipality.retention_months)
    if signal.status in NEVER_ENDED:
        return add_months(local_date(signal.received_at), never_ended_months(signal.municipality))
    return None


def last_expired_day(today: dt.date, months: int) -> dt.date:
    """The latest local day D with ``add_months(D, months) <= today``: everything that started on or before
    it is due on ``today``. (``add_months`` clamps: on 28 February, 29–31 January + 1 month are due too.)"""
    day = add_months(today, -months)
    while add_months(day + dt.timedelta(days=1), months) <= today:
        day += dt.timedelta(days=1)
    return day


def cutoff(today: dt.date, months: int) -> dt.datetime:
    """The moment before which a term of ``months`` that started has ended on ``today``."""
    return start_of_day(last_expired_day(today, months) + dt.timedelta(days=1))


@dataclass(frozen=True)
class RetentionNotice:
    """What the case page says about the destruction of its personal data."""

    destroy_on: dt.date | None
    months: int
    months_help_accepted: int

    @property
    def text(self) -> str:
        if self.destroy_on is not None:
            return f"Persoonsgegevens worden vernietigd op {format_short(self.destroy_on)}."
        text = f"Wordt vernietigd {self.months} maanden nadat de melding sluit"
        if self.months_help_accepted > self.months:
            text += f" ({self.months_help_accepted} maanden als de inwoner hulp aanvaardt)"
        return text + "."


def case_retention_notice(case, follow_ups) -> RetentionNotice:
    """The case page's line (``follow_ups``: the case's FollowUp rows, already read)."""
    municipality = case.municipality
    return RetentionNotice(
        destroy_on=case_destroy_on(case, [f.due_on for f in follow_ups]),
        months=municipality.retention_months,
        months_help_accepted=max(municipality.retention_months_help_accepted, municipality.retention_months),
    )


# --- selectors: what the purge of ``today`` may destroy, per municipality ------------------------


def cases_expired(municipality, today: dt.date) -> QuerySet:
    """The municipality's closed cases whose term has ended on ``today`` (and whose follow-ups are done
    or overdue): the purge destroys them with their signals."""
    normal = cutoff(today, term_months(municipality))
    longer = cutoff(today, term_months(municipality, next(iter(HELP_ACCEPTED))))
    pending_follow_up = FollowUp.objects.filter(case=OuterRef("pk"), due_on__gte=today)
    return (Case.objects.filter(municipality=municipality, status=CaseStatus.GESLOTEN)
            .filter(Q(closed_at__lt=longer) | (Q(closed_at__lt=normal) & ~Q(outcome__in=list(HELP_ACCEPTED))))
            .exclude(Exists(pending_follow_up)))


def signals_expired_ended(municipality, today: dt.date) -> QuerySet:
    """The municipality's signals that ended without a case and whose term has ended on ``today``."""
    return (Signal.objects.filter(municipality=municipality, status__in=ENDED_WITHOUT_CASE,
                                  outcome_at__lt=cutoff(today, municipality.retention_months))
            .exclude(Exists(CaseSignal.objects.filter(signal=OuterRef("pk")))))


def signals_expired_never_ended(municipality, today: dt.date) -> QuerySet:
    """The backstop: the municipality's signals that never ended, received before the term on ``today``."""
    return (Signal.objects.filter(municipality=municipality, status__in=NEVER_ENDED,
                                  received_at__lt=cutoff(today, never_ended_months(municipality)))
            .exclude(Exists(CaseSignal.objects.filter(signal=OuterRef("pk")))))


__all__ = ["ENDED_WITHOUT_CASE", "NEVER_ENDED", "NEVER_ENDED_MIN_MONTHS", "RetentionNotice",
           "case_destroy_on", "case_retention_notice", "cases_expired", "cutoff", "last_expired_day",
           "never_ended_months", "signal_destroy_on", "signals_expired_ended", "signals_expired_never_ended",
           "term_months"]
