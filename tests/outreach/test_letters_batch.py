"""Print batches: sorted by postcode, one page per letter, progress per chunk, handover registers each letter
once (also when clicked twice); a case closed meanwhile is sent but not registered."""
import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Case, CaseHistory, CaseStatus
from cases.services import case_close
from contacts.models import ContactAttempt, Origin
from contacts.services import contact_attempt_register
from outreach import print_batches
from outreach.letter_pdf import letter_pdf
from outreach.letters import letter_prepare
from outreach.models import (
    CaseOutreachStep,
    Letter,
    LetterStatus,
    PrintBatch,
    PrintBatchPart,
    PrintBatchState,
    SkipReason,
    StepStatus,
    StopReason,
)
from outreach.print_batches import PrintBatchError, print_batch_run, print_batch_start
from outreach.print_handover import print_batch_hand_over, print_batch_register_letters
from outreach.services import run_stop
from tests.factories import MunicipalityFactory, UserFactory
from vroegsignalering.common import dates
from vroegsignalering.common.vocab import ContactKind, Outcome, Reached

from .letters_support import cases_with_steps, outreach_ready

pytestmark = pytest.mark.django_db

# Postcodes out of order: 2000CD, 1000AB, 1500CD, 1000AB (two houses) …
ADDRESSES = [{"postcode": "2000CD", "house_number": 3, "house_letter": "", "house_number_addition": ""},
             {"postcode": "1000AB", "house_number": 12, "house_letter": "", "house_number_addition": ""},
             {"postcode": "1500CD", "house_number": 1, "house_letter": "", "house_number_addition": ""},
             {"postcode": "1000AB", "house_number": 2, "house_letter": "B", "house_number_addition": ""},
             {"postcode": "1000AB", "house_number": 2, "house_letter": "A", "house_number_addition": ""}]


@pytest.fixture
def town():
    town = MunicipalityFactory(cbs_code="0100", name="Proefdorp")
    outreach_ready(town)
    return town


@pytest.fixture
def admin(town):
    return UserFactory(role="functioneel_beheerder", municipalities=[town])


def _letters(town, addresses=ADDRESSES):
    now = timezone.now()
    return [letter_prepare(step.pk, now=now) for step in cases_with_steps(town, addresses)]


def test_one_letter_is_a_tagged_pdf_with_name_address_and_reference(town):
    letter = _letters(town, ADDRESSES[:1])[0]
    reader = PdfReader(io.BytesIO(letter_pdf(letter)))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"] and root["/Lang"] == "nl"
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1
    for expected in ("T. Proef", "Proefstraat 3", "2000 CD PROEFDORP", letter.reference, "Ons kenmerk"):
        assert expected in text


def test_the_batch_is_sorted_by_postcode_with_one_page_per_letter(town, admin, monkeypatch):
    monkeypatch.setattr(print_batches, "CHUNK", 2)  # three parts
    letters = _letters(town)
    batch = print_batch_start(municipality=town, by=admin, now=timezone.now(), enqueue=False)
    assert batch.letters_total == 5
    ticks = []
    while not print_batch_run(batch.pk, time_budget=0):
        ticks.append(PrintBatch.objects.get(pk=batch.pk).letters_done)
    assert ticks == [2, 4, 5]  # progress after each chunk; the merge follows
    batch.refresh_from_db()
    assert batch.state == PrintBatchState.KLAAR and batch.letters_done == 5
    assert not PrintBatchPart.objects.filter(batch=batch).exists()
    reader = PdfReader(io.BytesIO(bytes(batch.pdf)))
    assert len(reader.pages) == 5
    firsts = [page.extract_text() for page in reader.pages]
    order = ["1000 AB", "1000 AB", "1000 AB", "1500 CD", "2000 CD"]
    assert [next(code for code in set(order) if code in text) for text in firsts] == order
    assert "Proefstraat 2A" in firsts[0] and "Proefstraat 2B" in firsts[1] and "Proefstraat 12" in firsts[2]
    assert set(Letter.objects.values_list("status", flat=True)) == {LetterStatus.IN_BATCH}
    assert {letter.pk for letter in letters} == set(Letter.objects.filter(batch=batch).values_list("pk", flat=True))


def test_a_second_batch_finds_nothing_to_print(town, admin):
    _letters(town, ADDRESSES[:1])
    print_batch_start(municipality=town, by=admin, now=timezone.now(), enqueue=False)
    with pytest.raises(PrintBatchError):
        print_batch_start(municipality=town, by=admin, now=timezone.now(), enqueue=False)


def _ready_batch(town, admin, addresses=ADDRESSES):
    _letters(town, addresses)
    batch = print_batch_start(municipality=town, by=admin, now=timezone.now(), enqueue=False)
    print_batch_run(batch.pk)
    return PrintBatch.objects.get(pk=batch.pk)


def test_handover_registers_one_attempt_per_letter_even_when_clicked_twice(town, admin):
    batch = _ready_batch(town, admin)
    now = timezone.now()
    for _ in range(2):
        print_batch_hand_over(batch_id=batch.pk, by=admin, on=dates.local_date(now), now=now, enqueue=False)
        print_batch_register_letters(batch.pk, now=now)
    attempts = ContactAttempt.objects.all()
    assert attempts.count() == 5
    assert {(a.kind, a.reached, a.origin, a.by_id) for a in attempts} == {
        (ContactKind.BRIEF, Reached.ONBEKEND, Origin.SYSTEEM, None)}
    for letter in Letter.objects.select_related("run_step", "attempt"):
        assert letter.status == LetterStatus.VERZONDEN
        assert letter.attempt.reference == letter.run_step.contact_reference == letter.reference
        assert letter.run_step.status == StepStatus.VERZONDEN and letter.run_step.attempt_id == letter.attempt_id
    batch.refresh_from_db()
    assert (batch.state, batch.letters_registered, batch.handed_over_by) == (PrintBatchState.AFGEGEVEN, 5, admin)
    history = CaseHistory.objects.filter(params__kind__in=["contact_attempt", "work_started"]).first()
    assert history.params["plan"] == "Standaardplan" and history.params["step"] == 2


def test_a_case_closed_meanwhile_is_sent_but_not_registered(town, admin):
    batch = _ready_batch(town, admin, ADDRESSES[:2])
    closed = Letter.objects.order_by("batch_position").first()
    Case.objects.filter(pk=closed.case_id).update(status=CaseStatus.GESLOTEN, closed_at=timezone.now())
    now = timezone.now()
    print_batch_hand_over(batch_id=batch.pk, by=admin, on=dates.local_date(now), now=now, enqueue=False)
    print_batch_register_letters(batch.pk, now=now)
    closed.refresh_from_db()
    assert closed.status == LetterStatus.VERZONDEN and closed.attempt is None
    assert closed.note.startswith("Verzonden, maar niet als contactpoging geregistreerd")
    assert CaseHistory.objects.filter(case_id=closed.case_id, params__kind="outreach").exists()
    assert ContactAttempt.objects.count() == 1


def test_handover_refuses_a_batch_not_ready_and_a_future_date(town, admin):
    _letters(town, ADDRESSES[:1])
    batch = print_batch_start(municipality=town, by=admin, now=timezone.now(), enqueue=False)
    now = timezone.now()
    with pytest.raises(PrintBatchError, match="nog niet klaar"):
        print_batch_hand_over(batch_id=batch.pk, by=admin, on=dates.local_date(now), now=now, enqueue=False)
    print_batch_run(batch.pk)
    with pytest.raises(PrintBatchError, match="toekomst"):
        print_batch_hand_over(batch_id=batch.pk, by=admin, on=dates.local_date(now) + dt.timedelta(days=1), now=now,
                              enqueue=False)


def test_a_stalled_batch_fails_and_its_letters_wait_again(town, admin):
    _letters(town, ADDRESSES[:2])
    start = timezone.now() - dt.timedelta(hours=3)
    batch = print_batch_start(municipality=town, by=admin, now=start, enqueue=False)
    assert print_batches.print_batch_ids_stalled(now=timezone.now()) == [batch.pk]
    assert print_batches.print_batches_give_up(now=timezone.now()) == [batch.pk]
    batch.refresh_from_db()
    assert batch.state == PrintBatchState.MISLUKT and "blijven steken" in batch.error
    assert set(Letter.objects.values_list("status", "batch")) == {(LetterStatus.TE_PRINTEN, None)}


def test_the_pdf_is_deleted_fourteen_days_after_handover(town, admin):
    batch = _ready_batch(town, admin, ADDRESSES[:1])
    now = timezone.now()
    print_batch_hand_over(batch_id=batch.pk, by=admin, on=dates.local_date(now), now=now, enqueue=False)
    assert print_batches.print_batch_pdfs_delete(now=now + dt.timedelta(days=13)) == 0
    assert print_batches.print_batch_pdfs_delete(now=now + dt.timedelta(days=15)) == 1
    batch.refresh_from_db()
    assert bytes(batch.pdf) == b"" and batch.pdf_deleted_at is not None


def test_a_batch_never_handed_over_loses_its_pdf_after_fourteen_days_too(town, admin):
    batch = _ready_batch(town, admin, ADDRESSES[:1])
    now = timezone.now()
    assert print_batches.print_batch_pdfs_delete(now=now + dt.timedelta(days=13)) == 0
    assert print_batches.print_batch_pdfs_delete(now=now + dt.timedelta(days=15)) == 1
    batch.refresh_from_db()
    assert bytes(batch.pdf) == b""


@pytest.mark.parametrize("stop", ["geen_berichten", "reached", "closed"])
def test_a_stopped_plan_withdraws_its_waiting_letters_from_the_next_batch(town, admin, stop):
    letters = _letters(town, ADDRESSES[:2])
    stopped, kept = letters[0].case, letters[1].case
    now = timezone.now()
    if stop == "geen_berichten":
        run_stop(case=stopped, reason=StopReason.GEEN_BERICHTEN, by=admin, now=now)
    elif stop == "reached":
        contact_attempt_register(case=stopped, kind=ContactKind.TELEFOON, at=now - dt.timedelta(minutes=1),
                                 by=admin, reached=Reached.JA, now=now)
    else:
        case_close(case=stopped, outcome=Outcome.ONTERECHT_SIGNAAL, by=admin, reason="Onterecht", now=now)
    assert not Letter.objects.filter(case=stopped).exists()
    step = CaseOutreachStep.objects.get(case=stopped, kind="brief")
    assert (step.status, step.skip_reason) == (StepStatus.OVERGESLAGEN, SkipReason.GESTOPT)
    batch = print_batch_start(municipality=town, by=admin, now=now, enqueue=False)
    assert list(batch.letters.values_list("case_id", flat=True)) == [kept.pk]
