import pytest

from tests.kcc.kcc_support import world as build_world


@pytest.fixture
def world(db):
    return build_world()
