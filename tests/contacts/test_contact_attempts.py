"""Contact attempts: dagdeel, the first attempt starts the work, replies update the letter's
attempt, and nothing is registered outside the 28-day window."""
import datetime as dt

import pytest

from cases import services
from cases.exceptions import CaseActionError, CaseWindowClosedError
from cases.history import case_history_text
from cases.models import Case, CaseStatus
from contacts.models import ContactAttempt, Dagdeel, Reached, dagdeel_for
from contacts.services import contact_attempt_record_reply, contact_attempt_register
from tests.factories import UserFactory, aware, make_signal
from vroegsignalering.common.vocab import ContactKind, Outcome

OPENED = aware(2026, 6, 1, 6)
DAY_28 = aware(2026, 6, 29, 0, 0)


@pytest.mark.parametrize(("moment", "dagdeel"), [
    (aware(2026, 6, 3, 0, 0), Dagdeel.OCHTEND),
    (aware(2026, 6, 3, 11, 59), Dagdeel.OCHTEND),
    (aware(2026, 6, 3, 12, 0), Dagdeel.MIDDAG),
    (aware(2026, 6, 3, 17, 59), Dagdeel.MIDDAG),
    (aware(2026, 6, 3, 18, 0), Dagdeel.AVOND),
    (aware(2026, 6, 3, 23, 59), Dagdeel.AVOND),
    (dt.datetime(2026, 6, 3, 10, 30, tzinfo=dt.UTC), Dagdeel.MIDDAG),  # 12:30 in Amsterdam (summer)
    (dt.datetime(2026, 1, 3, 17, 0, tzinfo=dt.UTC), Dagdeel.AVOND),  # 18:00 in Amsterdam (winter)
])
def test_dagdeel_in_local_time(moment, dagdeel):
    assert dagdeel_for(moment) == dagdeel


@pytest.fixture
def worker(gemeente):
    return UserFactory(municipalities=[gemeente])


@pytest.fixture
def case(gemeente):
    make_signal(gemeente, at=1)
    services.period_close(municipality=gemeente, now=OPENED)
    return Case.objects.get()


def register(case, worker, kind=ContactKind.BRIEF, at=None, reached=Reached.ONBEKEND, now=None):
    at = at or aware(2026, 6, 2, 19, 15)
    return contact_attempt_register(case=case, kind=kind, at=at, reached=reached, by=worker, note="Brief verstuurd",
                                    now=now or at + dt.timedelta(minutes=2))


def test_first_attempt_starts_the_work_and_is_stored_with_its_dagdeel(case, worker):
    attempt = register(case, worker)
    case = Case.objects.get(pk=case.pk)
    assert case.status == CaseStatus.IN_BEHANDELING
    assert case.first_contact_at == aware(2026, 6, 2, 19, 15)
    assert (attempt.kind, attempt.dagdeel, attempt.reached, attempt.by) == (
        ContactKind.BRIEF, Dagdeel.AVOND, Reached.ONBEKEND, worker)
    assert "Contactpoging Brief op 2 juni 2026 19:15 (avond): onbekend." in case_history_text(case.history.last())
    earlier = register(case, worker, kind=ContactKind.TELEFOON, at=aware(2026, 6, 2, 9), now=aware(2026, 6, 3, 9))
    assert earlier.dagdeel == Dagdeel.OCHTEND
    assert Case.objects.get(pk=case.pk).first_contact_at == aware(2026, 6, 2, 9)


def test_reply_to_a_letter_updates_that_attempt(case, worker):
    letter = register(case, worker)
    replied = contact_attempt_record_reply(attempt=letter, at=aware(2026, 6, 9, 14), by=worker,
                                           note="Inwoner belde n.a.v. de brief", now=aware(2026, 6, 9, 14, 5))
    assert ContactAttempt.objects.count() == 1
    assert replied.pk == letter.pk and replied.reached == Reached.JA
    assert replied.reply_received_at == aware(2026, 6, 9, 14)
    assert replied.dagdeel == Dagdeel.AVOND  # the attempt's own moment is unchanged
    assert "Reactie ontvangen op 9 juni 2026 14:00 op de brief van 2 juni 2026 19:15: nu bereikt" in \
        case_history_text(Case.objects.get(pk=case.pk).history.last())
    # The case now counts as reached: help accepted may be registered, expiry would say "no reply".
    closed = services.case_close(case=case, outcome=Outcome.QUICK_FIX, by=worker, now=aware(2026, 6, 10))
    assert closed.outcome == Outcome.QUICK_FIX


def test_reply_only_on_written_attempts_and_only_once(case, worker):
    call = register(case, worker, kind=ContactKind.TELEFOON)
    with pytest.raises(CaseActionError, match="Een reactie wordt geregistreerd bij een brief"):
        contact_attempt_record_reply(attempt=call, at=aware(2026, 6, 5), by=worker, now=aware(2026, 6, 5))
    letter = register(case, worker, kind=ContactKind.KAARTJE)
    with pytest.raises(CaseActionError, match="niet eerder zijn dan de contactpoging"):
        contact_attempt_record_reply(attempt=letter, at=aware(2026, 6, 1, 7), by=worker, now=aware(2026, 6, 5))
    contact_attempt_record_reply(attempt=letter, at=aware(2026, 6, 5), by=worker, now=aware(2026, 6, 5))
    with pytest.raises(CaseActionError, match="al een reactie geregistreerd"):
        contact_attempt_record_reply(attempt=letter, at=aware(2026, 6, 6), by=worker, now=aware(2026, 6, 6))


def test_attempts_outside_the_window_are_refused_with_a_dutch_message(case, worker):
    with pytest.raises(CaseWindowClosedError) as refused:
        register(case, worker, at=aware(2026, 6, 28, 22), now=DAY_28)
    assert refused.value.messages == [
        "De termijn van 28 dagen voor deze melding is verstreken (de laatste dag was zondag 28 juni 2026); u kunt "
        "geen contactpoging registreren. De melding wordt automatisch gesloten. Heeft de inwoner later alsnog hulp "
        "aanvaard? Heropen de melding dan na sluiting."
    ]
    assert ContactAttempt.objects.count() == 0
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN
    register(case, worker, at=aware(2026, 6, 28, 22), now=aware(2026, 6, 28, 23, 59))  # the last day still counts


def test_attempts_and_replies_on_a_closed_case_are_refused(case, worker):
    letter = register(case, worker)
    services.cases_close_expired(now=DAY_28)
    with pytest.raises(CaseWindowClosedError, match="Deze melding is gesloten op 29 juni 2026; u kunt geen "
                                                    "contactpoging registreren"):
        register(case, worker, at=aware(2026, 7, 1, 10))
    with pytest.raises(CaseWindowClosedError, match="u kunt geen reactie registreren"):
        contact_attempt_record_reply(attempt=letter, at=aware(2026, 7, 1), by=worker, now=aware(2026, 7, 1))
    assert Case.objects.get(pk=case.pk).outcome == Outcome.GEEN_CONTACT


def test_attempts_on_a_reopened_case_are_accepted(case, worker):
    services.cases_close_expired(now=DAY_28)
    services.case_reopen(case=case, reason="Inwoner meldde zich", by=worker, now=aware(2026, 7, 6, 9))
    attempt = register(case, worker, kind=ContactKind.OVERIGE, at=aware(2026, 7, 6, 9, 30), reached=Reached.JA)
    assert attempt.reached == Reached.JA
    assert Case.objects.get(pk=case.pk).status == CaseStatus.HEROPEND


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"at": aware(2026, 6, 5, 12), "now": aware(2026, 6, 5, 11)}, "in de toekomst"),
    ({"at": aware(2026, 5, 31, 12), "now": aware(2026, 6, 5, 11)}, "vóór de opening"),
    ({"kind": "Duif"}, "Onbekende soort contact"),
    ({"reached": "misschien"}, "Onbekende waarde voor bereikt"),
])
def test_invalid_attempts_are_refused(case, worker, kwargs, message):
    with pytest.raises(CaseActionError, match=message):
        register(case, worker, **kwargs)
    assert ContactAttempt.objects.count() == 0


def test_naive_moment_is_refused(case, worker):
    with pytest.raises(CaseActionError, match="tijdzone"):
        register(case, worker, at=dt.datetime(2026, 6, 2, 10), now=aware(2026, 6, 2, 11))  # noqa: DTZ001


def test_an_attempt_in_the_minute_the_case_opened_is_accepted(gemeente, worker):
    """Forms give the time to the minute: a crisis case opened at 10:00:40 and called at once."""
    make_signal(gemeente, at=7)
    services.period_close(municipality=gemeente, now=OPENED.replace(second=40))
    case = Case.objects.get()
    same_minute = OPENED.replace(second=0)
    attempt = register(case, worker, kind=ContactKind.TELEFOON, at=same_minute, now=OPENED.replace(second=59))
    assert attempt.at == same_minute
    with pytest.raises(CaseActionError, match="vóór de opening"):
        register(case, worker, at=same_minute - dt.timedelta(minutes=1), now=OPENED.replace(second=59))
