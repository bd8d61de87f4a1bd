"""The admin shows a functional administrator only their own municipalities' personal data."""
import pytest

from accounts.models import Role
from signals.services import delivery_create
from tests.auth import login
from tests.factories import CreditorFactory, MunicipalityFactory, UserFactory, signal_payload

pytestmark = pytest.mark.django_db


def test_signals_of_other_municipalities_are_not_listed(client):
    amsterdam = MunicipalityFactory(cbs_code="0363", name="Amsterdam")
    MunicipalityFactory(cbs_code="0518", name="'s-Gravenhage")
    creditor = CreditorFactory()
    delivery_create(creditor=creditor, items=[signal_payload(1), signal_payload(2, gemeentecode="0518")])
    admin_user = UserFactory(role=Role.FUNCTIONEEL_BEHEERDER, is_staff=True, municipalities=[amsterdam])
    login(client, admin_user)
    page = client.get("/beheer/signals/signal/").content.decode()
    assert "ZV-000001" in page
    assert "ZV-000002" not in page


def test_workers_do_not_get_into_the_admin(client):
    login(client, UserFactory(role=Role.VROEGSIGNALEERDER, is_staff=True))
    assert client.get("/beheer/signals/signal/").status_code == 302
