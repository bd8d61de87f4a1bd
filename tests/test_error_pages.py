"""Error pages in Dutch with a way back, for a 404 (also across municipalities) and a 403."""
import pytest

from tests.auth import login
from tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_not_found_is_a_dutch_page_with_a_way_back(client):
    user = UserFactory(municipalities=[MunicipalityFactory()])
    login(client, user)
    response = client.get("/bestaat-niet")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Deze pagina bestaat niet of is niet voor u" in page and 'href="/werkvoorraad"' in page
    assert "Not Found" not in page


def test_forbidden_says_why_in_dutch(client):
    user = UserFactory(municipalities=[MunicipalityFactory()])  # a worker, not a team lead
    login(client, user)
    response = client.get("/team/dashboard")
    page = response.content.decode()
    assert response.status_code == 403
    assert "U hebt geen toegang tot deze pagina" in page and "Alleen een teamleider" in page
