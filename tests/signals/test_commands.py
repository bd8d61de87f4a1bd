"""Management commands an operator uses: municipalities, creditors, API keys."""
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from accounts.models import Municipality
from signals.models import Creditor
from tests.factories import signal_payload

KEY = re.compile(r"[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}")


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def status_with_key(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=key)
    return client.post("/api/v1/leveringen", {"signalen": [signal_payload(1)]}, format="json").status_code


@pytest.mark.django_db
def test_create_municipality_creates_then_updates():
    assert "aangemaakt" in run("create_municipality", "0363", "Amsterdam", "--inwoners", "931298",
                               "--drempelbedrag", "75,00")
    assert "bijgewerkt" in run("create_municipality", "0363", "Amsterdam", "--inwoners", "940000")
    municipality = Municipality.objects.get(cbs_code="0363")
    assert (municipality.inhabitants, str(municipality.threshold_amount)) == (940000, "75.00")


@pytest.mark.django_db
def test_create_municipality_refuses_a_bad_code():
    with pytest.raises(CommandError, match="4 cijfers"):
        run("create_municipality", "363", "Amsterdam")
    assert not Municipality.objects.exists()


@pytest.mark.django_db
def test_creditor_key_lifecycle(municipality):
    output = run("create_creditor", "Woonstichting Test", "--soort", "huur", "--met-sleutel")
    first_key = KEY.search(output).group()
    assert Creditor.objects.get(name="Woonstichting Test").kinds == ["huur"]
    # The key works (the signal itself is refused: a rent creditor does not send health insurance).
    assert status_with_key(first_key) == 201

    second_key = KEY.search(run("issue_api_key", "Woonstichting Test", "--naam", "rotatie")).group()
    assert "ingetrokken" in run("revoke_api_key", first_key.split(".")[0])
    assert status_with_key(first_key) == 401
    assert status_with_key(second_key) == 201
    with pytest.raises(CommandError):
        run("issue_api_key", "Bestaat Niet")
