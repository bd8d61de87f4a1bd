"""The creditor lookup of the onboarding commands (import_signals, issue_api_key, add_webhook)."""
import pytest

from signals.creditor_selectors import creditor_get_by_name_or_id
from tests.factories import CreditorFactory

pytestmark = pytest.mark.django_db


def test_a_creditor_is_found_by_its_exact_name_its_id_or_its_name_in_any_case():
    creditor = CreditorFactory(name="Woonstichting Test")

    assert creditor_get_by_name_or_id("Woonstichting Test") == creditor
    assert creditor_get_by_name_or_id(str(creditor.pk)) == creditor
    assert creditor_get_by_name_or_id(" woonstichting test ") == creditor
    assert creditor_get_by_name_or_id("Bestaat Niet") is None


def test_the_exact_name_wins_over_an_id_and_a_name_in_another_case_is_never_guessed():
    by_id = CreditorFactory(name="Verhuurder A")
    named_like_the_id = CreditorFactory(name=str(by_id.pk))
    CreditorFactory(name="Verhuurder B")
    CreditorFactory(name="VERHUURDER B")

    assert creditor_get_by_name_or_id(str(by_id.pk)) == named_like_the_id
    assert creditor_get_by_name_or_id("Verhuurder B").name == "Verhuurder B"
    assert creditor_get_by_name_or_id("verhuurder b") is None
