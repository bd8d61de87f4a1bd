"""What a worker records when closing: first reaction, help agreed, decline reason and the resident's
consent to tell the creditor 'geen hulp gewenst' (with date and by whom). Wrong combinations are
refused per field, in Dutch, and change nothing."""
import pytest

from cases import services
from cases.exceptions import CaseActionError
from cases.history import case_history_text
from cases.models import Case, CaseStatus, FollowUp
from feedback.models import FeedbackEvent
from tests.factories import UserFactory, open_case, reach
from tests.feedback.helpers import NOW
from vroegsignalering.common.vocab import CreditorKind, Outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(gemeente):
    return UserFactory(municipalities=[gemeente], first_name="Sanne", last_name="Visser")


@pytest.fixture
def reached_case(gemeente, worker):
    case = open_case(gemeente, {"kind": CreditorKind.ZORGVERZEKERING}, {"kind": CreditorKind.HUUR})
    reach(case, worker)
    return case


def codes(case):
    return sorted(FeedbackEvent.objects.filter(signal__case_link__case=case).values_list("code", flat=True))


def test_consent_is_recorded_with_date_and_worker_and_sends_geen_hulp_gewenst(reached_case, worker):
    services.case_close(case=reached_case, outcome=Outcome.GEEN_HULP_GEWENST, by=worker, consent=True,
                        decline_reason="Regelt het zelf met de verhuurder", first_reaction="neutraal", now=NOW)
    case = Case.objects.get(pk=reached_case.pk)
    assert (case.feedback_consent_at, case.feedback_consent_by) == (NOW, worker)
    assert (case.decline_reason, case.first_reaction) == ("Regelt het zelf met de verhuurder", "neutraal")
    assert codes(case) == ["geen_hulp_gewenst", "geen_hulp_gewenst"]
    assert "toestemming" in case_history_text(case.history.last())


def test_without_consent_the_creditor_only_hears_afgesloten(reached_case, worker):
    services.case_close(case=reached_case, outcome=Outcome.GEEN_HULP_GEWENST, by=worker, now=NOW)
    case = Case.objects.get(pk=reached_case.pk)
    assert case.feedback_consent_at is None and case.feedback_consent_by is None
    assert codes(case) == ["afgesloten", "afgesloten"]


def test_help_accepted_records_what_was_agreed_and_schedules_the_follow_up(reached_case, worker):
    services.case_close(case=reached_case, outcome=Outcome.QUICK_FIX, by=worker, first_reaction="positief",
                        help_description="Betalingsregeling met de zorgverzekeraar", now=NOW)
    case = Case.objects.get(pk=reached_case.pk)
    assert case.help_description == "Betalingsregeling met de zorgverzekeraar"
    follow_up = FollowUp.objects.get(case=case)
    pause_end = set(FeedbackEvent.objects.filter(signal__case_link__case=case).values_list(
        "collection_pause_until", flat=True))
    assert pause_end == {follow_up.due_on}  # the day the creditor's collection pause ends
    assert follow_up.assigned_to == worker and follow_up.done_at is None


def test_a_closing_without_accepted_help_schedules_no_follow_up(reached_case, worker):
    services.case_close(case=reached_case, outcome=Outcome.ZELF_BETAALD, by=worker, now=NOW)
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(("outcome", "kwargs", "field"), [
    (Outcome.ZELF_BETAALD, {"consent": True}, "toestemming"),
    (Outcome.QUICK_FIX, {"consent": True}, "toestemming"),
    (Outcome.GEEN_HULP_GEWENST, {"help_description": "Budgetcoach"}, "welkeHulp"),
    (Outcome.QUICK_FIX, {"decline_reason": "Geen tijd"}, "redenGeenHulp"),
    (Outcome.GEEN_CONTACT, {"decline_reason": "Geen tijd"}, "redenGeenHulp"),
    (Outcome.QUICK_FIX, {"first_reaction": "boos"}, "eersteReactie"),
])
def test_wrong_combinations_are_refused_per_field_and_change_nothing(reached_case, worker, outcome, kwargs, field):
    with pytest.raises(CaseActionError) as refused:
        services.case_close(case=reached_case, outcome=outcome, by=worker, now=NOW, **kwargs)
    assert set(refused.value.fields) == {field}
    assert refused.value.fields[field][0].isupper()  # a sentence, in Dutch
    case = Case.objects.get(pk=reached_case.pk)
    assert case.status == CaseStatus.IN_BEHANDELING and not case.outcome
    assert not FeedbackEvent.objects.exists() and not FollowUp.objects.exists()


def test_an_unknown_end_result_is_a_field_error(reached_case, worker):
    with pytest.raises(CaseActionError) as refused:
        services.case_close(case=reached_case, outcome="Alles opgelost", by=worker, now=NOW)
    assert set(refused.value.fields) == {"eindresultaat"}


def test_closing_again_after_reopening_replaces_the_consent(reached_case, worker):
    services.case_close(case=reached_case, outcome=Outcome.GEEN_HULP_GEWENST, by=worker, consent=True, now=NOW)
    services.case_reopen(case=reached_case, reason="Inwoner belde alsnog", by=worker, now=NOW.replace(day=20))
    services.case_close(case=reached_case, outcome=Outcome.VERVOLGHULP_FINANCIEEL, by=worker,
                        now=NOW.replace(day=21))
    case = Case.objects.get(pk=reached_case.pk)
    assert case.feedback_consent_at is None
    latest = FeedbackEvent.objects.filter(signal__case_link__case=case).order_by("-issued_at").first()
    assert latest.code == "hulp_geaccepteerd"
    assert FollowUp.objects.filter(case=case).count() == 1
