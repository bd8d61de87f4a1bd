"""Two municipalities, people in every role, their tokens and cases opened two days ago (the 28-day window is
open, so the services' own clock accepts work)."""
import pytest

from accounts.models import Role
from cases.models import Tray
from tests.factories import CreditorFactory, MunicipalityFactory, UserFactory, client_for, issued_key, open_cases
from vroegsignalering.common.vocab import CreditorKind


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
