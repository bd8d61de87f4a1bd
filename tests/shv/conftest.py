import pytest

from tests.factories import MunicipalityFactory


@pytest.fixture
def other_municipality(db):
    return MunicipalityFactory(cbs_code="0599", name="Rotterdam")
