"""The demo data command (``seed_demo``): refused without DEBUG, idempotent, logins and a working key."""
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from accounts.models import Role, User

KEY = re.compile(r"[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}")


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        run("seed_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_seed_demo_creates_logins_and_a_working_key():
    output = run("seed_demo", "--force", "--zonder-signalen")
    run("seed_demo", "--force", "--zonder-signalen")  # idempotent
    assert User.objects.filter(username="beheerder", role=Role.FUNCTIONEEL_BEHEERDER).count() == 1
    rivierenland = User.objects.get(username="rivierenland")
    assert sorted(rivierenland.municipalities.values_list("cbs_code", flat=True)) == ["0216", "0281"]
    assert User.objects.get(username="medewerker").check_password("demo-vroeg-2026")  # the README's demo login
    key = KEY.search(output).group()
    # The first run's key was revoked by the second run: only the latest key works.
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=key)
    assert client.get("/api/v1/signalen/x").status_code == 401
