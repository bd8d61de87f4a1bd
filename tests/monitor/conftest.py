import pytest

from tests.factories import MunicipalityFactory

from .facts import INHABITANTS, generate


@pytest.fixture
def towns(db):
    """Aadorp (A) and Beedorp (B) with the generated population of ``facts.POPULATION``."""
    towns = {"A": MunicipalityFactory(cbs_code="0111", name="Aadorp", inhabitants=INHABITANTS["A"]),
             "B": MunicipalityFactory(cbs_code="0222", name="Beedorp", inhabitants=INHABITANTS["B"])}
    generate(towns)
    return towns
