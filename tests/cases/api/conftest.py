"""Two municipalities, people in every role, their tokens and cases opened two days ago (the 28-day window is
open, so the services' own clock accepts work)."""
import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role, UserAPIKey
from accounts.services import user_token_issue
from cases import services
from cases.models import Case, Tray
from tests.cases.factories import make_signal
from tests.factories import CreditorFactory, MunicipalityFactory, UserFactory, issued_key
from vroegsignalering.common.vocab import CreditorKind

API = "/api/v1/gemeente"


def token_for(user) -> str:
    """A token for any user (also roles that may not get one: as if the role changed after issuing)."""
    if user.role in (Role.VROEGSIGNALEERDER, Role.TEAMLEIDER, Role.SERVICE_ACCOUNT) and user.is_active:
        return user_token_issue(user=user, name="test")[1]
    return UserAPIKey.objects.create_key(name="test", user=user)[1]


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    client.user = user
    return client


def open_cases(municipality, addresses, *, opened=None, **signal_kwargs) -> list[Case]:
    """Cases at ``addresses`` (one signal each unless repeated), opened ``opened`` (default: two days ago)."""
    opened = opened or timezone.now() - dt.timedelta(days=2)
    signal_date = timezone.localdate() - dt.timedelta(days=60)
    for at in addresses:
        make_signal(municipality, at=at, signal_date=signal_date, **signal_kwargs)
    services.period_close(municipality=municipality, now=opened)
    return list(Case.objects.filter(municipality=municipality).order_by("pk"))


@pytest.fixture
def gemeente(db):
    return MunicipalityFactory(cbs_code="0100", name="Proefdorp")


@pytest.fixture
def elders(db):
    return MunicipalityFactory(cbs_code="0200", name="Elders")


@pytest.fixture
def worker(gemeente):
    return UserFactory(username="werker", first_name="Wil", last_name="Werker", municipalities=[gemeente])


@pytest.fixture
def lead(gemeente):
    return UserFactory(username="leider", role=Role.TEAMLEIDER, municipalities=[gemeente])


@pytest.fixture
def service(gemeente):
    return UserFactory(username="kcc", role=Role.SERVICE_ACCOUNT, municipalities=[gemeente])


@pytest.fixture
def worker_elders(elders):
    return UserFactory(username="werker-elders", municipalities=[elders])


@pytest.fixture
def api(worker):
    return client_for(worker)


@pytest.fixture
def lead_api(lead):
    return client_for(lead)


@pytest.fixture
def service_api(service):
    return client_for(service)


@pytest.fixture
def elders_api(worker_elders):
    return client_for(worker_elders)


@pytest.fixture
def case(gemeente):
    return open_cases(gemeente, [1])[0]


@pytest.fixture
def case_elders(elders):
    return open_cases(elders, [2])[0]


@pytest.fixture
def creditor_key(db):
    return issued_key(CreditorFactory(name="Waterbedrijf Test", kinds=[CreditorKind.DRINKWATER]))


@pytest.fixture
def tray(gemeente):
    return Tray.objects.create(municipality=gemeente, code="telefoon", name="Bellen", contact_kind="Telefoon")
