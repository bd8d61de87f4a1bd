"""letter_prepare: one letter per step, the target group's text, the case's address; skipped when it cannot."""
import pytest
from django.utils import timezone

from cases.models import Case, CaseStatus
from outreach.letters import letter_prepare
from outreach.models import Channel, Letter, LetterStatus, MessageTemplate, SkipReason, StepStatus, TargetGroup
from signals.models import Signal
from tests.factories import MunicipalityFactory
from tests.factories.signals import address

from .letters_support import cases_with_steps, outreach_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    town = MunicipalityFactory(cbs_code="0100", name="Proefdorp")
    outreach_ready(town)
    return town


def test_a_letter_step_makes_one_letter_and_a_second_call_returns_it(town):
    step = cases_with_steps(town, [3])[0]
    now = timezone.now()
    letter = letter_prepare(step.pk, now=now)
    again = letter_prepare(step.pk, now=now)
    assert again.pk == letter.pk
    assert Letter.objects.count() == 1
    step.refresh_from_db()
    assert step.status == StepStatus.BRIEF_KLAAR
    assert letter.status == LetterStatus.TE_PRINTEN
    assert letter.reference == f"{step.case.contact_reference}-2"
    assert letter.reference in letter.body_html
    assert letter.addressee == "T. Proef"
    where = address(3)
    assert letter.address_lines == [f"Proefstraat {where['house_number']}",
                                    f"{where['postcode'][:4]} {where['postcode'][4:]}  PROEFDORP"]
    assert letter.template.channel == Channel.BRIEF


@pytest.mark.parametrize(("age", "group", "words"), [
    (22, TargetGroup.JONGEREN, "Hoi Test"),
    (45, TargetGroup.ALGEMEEN, "Beste T. Proef"),
    (70, TargetGroup.AOW, "het Informatiepunt in de bibliotheek"),
])
def test_the_text_is_the_target_groups(town, age, group, words):
    step = cases_with_steps(town, [5], age=age)[0]
    letter = letter_prepare(step.pk, now=timezone.now())
    assert letter.template.target_group == group
    assert words in letter.body_html


def test_the_values_are_escaped(town):
    template = MessageTemplate.objects.get(municipality=town, channel=Channel.BRIEF, target_group=TargetGroup.ALGEMEEN)
    template.body = "<b>Vet</b> {{ naam }} {{ kenmerk }}"
    template.save()
    step = cases_with_steps(town, [6])[0]
    Signal.objects.filter(case_link__case=step.case).update(surname="<script>x</script>")  # as a creditor typed it
    letter = letter_prepare(step.pk, now=timezone.now())
    assert "&lt;b&gt;Vet&lt;/b&gt;" in letter.body_html
    assert "&lt;script&gt;" in letter.body_html and "<script>" not in letter.body_html


def test_without_a_letter_text_the_step_is_skipped(town):
    MessageTemplate.objects.filter(municipality=town, channel=Channel.BRIEF).delete()
    step = cases_with_steps(town, [7])[0]
    assert letter_prepare(step.pk, now=timezone.now()) is None
    step.refresh_from_db()
    assert (step.status, step.skip_reason) == (StepStatus.OVERGESLAGEN, SkipReason.GEEN_SJABLOON)


def test_without_a_usable_address_the_step_is_skipped(town):
    step = cases_with_steps(town, [8])[0]
    Signal.objects.filter(case_link__case=step.case).update(street="")
    assert letter_prepare(step.pk, now=timezone.now()) is None
    step.refresh_from_db()
    assert (step.status, step.skip_reason) == (StepStatus.OVERGESLAGEN, SkipReason.GEEN_ADRES)


def test_a_closed_case_gets_no_letter(town):
    step = cases_with_steps(town, [9])[0]
    Case.objects.filter(pk=step.case_id).update(status=CaseStatus.GESLOTEN, closed_at=timezone.now())
    assert letter_prepare(step.pk, now=timezone.now()) is None
    step.refresh_from_db()
    assert (step.status, step.skip_reason) == (StepStatus.OVERGESLAGEN, SkipReason.GESTOPT)
