"""The reference a resident quotes (issue 13): every case has its own, random and checkable; a worker finds the
case (and the attempt that carried 'VS-…-2') by it, only in their own municipality, and every search is audited."""
from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.vocab import Action
from cases.models import Case, contact_reference_valid, new_contact_reference
from cases.models.contact_data import ALPHABET as ALPHABET_FOR_TESTS
from contacts.models import ContactAttempt, Origin
from contacts.services import contact_attempt_register
from tests.auth import login
from tests.factories import UserFactory, make_case


def test_references_are_random_unique_and_carry_a_check_character():
    references = {new_contact_reference() for _ in range(5000)}
    # ~10⁹ references: two of 5,000 draws are the same about once in 80 runs (a bulk insert draws again,
    # test_a_bulk_insert_of_new_cases_never_reuses_a_reference); a poor generator would repeat far more.
    assert len(references) >= 4995
    assert all(contact_reference_valid(r) and len(r) == 10 and r.startswith("VS-") for r in references)


def test_every_single_character_typo_is_caught():
    reference = new_contact_reference()
    for position in range(3, 10):
        for char in ALPHABET_FOR_TESTS:
            if char != reference[position]:
                typo = reference[:position] + char + reference[position + 1:]
                assert not contact_reference_valid(typo), typo


@pytest.mark.django_db
def test_each_case_gets_its_own_reference(gemeente):
    cases = [make_case(gemeente) for _ in range(20)]
    assert len({c.contact_reference for c in cases}) == 20


@pytest.fixture
def case(gemeente):
    return make_case(gemeente, opened_days_ago=3)


def _find(client, value):
    return client.get(reverse("case_by_reference"), {"kenmerk": value})


@pytest.mark.django_db
@pytest.mark.parametrize("spelled", ["{ref}", "{lower}", " {ref} ", "{bare}", "{spaced}"])
def test_a_worker_finds_the_case_however_the_resident_spells_the_reference(client, worker, case, spelled):
    login(client, worker)
    ref = case.contact_reference
    value = spelled.format(ref=ref, lower=ref.lower(), bare=ref[3:], spaced=f"{ref[:6]} {ref[6:]}")
    response = _find(client, value)
    assert response.status_code == 302
    assert response["Location"] == reverse("case_detail", args=[case.pk]) + "#kop-tijdlijn"
    event = AuditEvent.objects.filter(action=Action.SEARCH).latest("pk")
    assert event.search_hash and ref not in str(event.__dict__)


@pytest.mark.django_db
def test_a_step_reference_lands_on_the_attempt_that_carried_it(client, worker, case):
    now = timezone.now()
    attempt = contact_attempt_register(case=case, kind="SMS/Whatsapp", at=now - dt.timedelta(hours=1), by=None,
                                       origin=Origin.SYSTEEM, reference=f"{case.contact_reference}-2",
                                       history={"plan": "Standaard", "step": 2})
    login(client, worker)
    response = _find(client, f"{case.contact_reference}-2")
    assert response["Location"].endswith(f"#poging-{attempt.pk}")
    assert ContactAttempt.objects.get(pk=attempt.pk).origin == Origin.SYSTEEM
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert f'id="poging-{attempt.pk}"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("value, status, message", [
    ("", 400, "Vul het kenmerk in."),
    ("VS-12", 400, "Dit kenmerk bestaat niet"),
    ("VS-ABCDEFGX-Z", 400, "Een kenmerk is VS-"),
    ("x" * 30, 400, "Hoogstens 20 tekens."),
])
def test_bad_references_get_a_dutch_field_error(client, worker, value, status, message):
    login(client, worker)
    response = _find(client, value)
    assert response.status_code == status and message in response.content.decode()


@pytest.mark.django_db
def test_another_municipalitys_reference_is_not_found_and_reveals_nothing(client, andere, case):
    other = UserFactory(municipalities=[andere], role="vroegsignaleerder")
    login(client, other)
    response = _find(client, case.contact_reference)
    assert response.status_code == 404
    body = response.content.decode()
    assert "Geen melding met dit kenmerk in uw gemeente" in body and case.address not in body


@pytest.mark.django_db
def test_roles_that_do_not_work_cases_are_refused(client, gemeente, case):
    login(client, UserFactory(municipalities=[gemeente], role="beleidsmedewerker"))
    assert _find(client, case.contact_reference).status_code == 403


@pytest.mark.django_db
def test_a_bulk_insert_of_new_cases_never_reuses_a_reference(gemeente):
    """A period close stores its new cases in one insert: a reference drawn twice, or one a stored case
    has, is drawn again instead of failing the whole close."""
    from cases.services._writes import _contact_references_unique

    stored = make_case(gemeente)
    new = [Case(municipality=gemeente, contact_reference=stored.contact_reference) for _ in range(3)]
    new += [Case(municipality=gemeente, contact_reference="VS-AAAAAA0") for _ in range(3)]
    _contact_references_unique(new)
    references = [case.contact_reference for case in new]
    assert len(set(references)) == 6
    assert stored.contact_reference not in references
    assert all(contact_reference_valid(r) for r in references if r != "VS-AAAAAA0")
