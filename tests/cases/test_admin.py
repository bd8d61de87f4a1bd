"""Functional administrators edit trays, rules and allocations in the admin; cases are read-only."""
import pytest

from cases import services
from cases.models import Case, CasePolicy, RoutingRule
from cases.presets import routing_preset_install
from tests.cases.factories import aware, make_signal
from tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gemeente(db):
    municipality = MunicipalityFactory(cbs_code="0400", name="Gemeente")
    routing_preset_install(municipality=municipality, preset="gemeente4")
    return municipality


@pytest.fixture
def beheerder(client, gemeente):
    user = UserFactory(role="functioneel_beheerder", municipalities=[gemeente])
    client.force_login(user)
    return client


@pytest.mark.parametrize("page", ["tray", "routingrule", "trayallocation", "casepolicy", "periodclose", "case"])
def test_changelists_render(beheerder, gemeente, page):
    make_signal(gemeente, at=1)
    services.period_close(municipality=gemeente, now=aware(2026, 6, 1, 6))
    response = beheerder.get(f"/beheer/cases/{page}/")
    assert response.status_code == 200


def test_rule_list_shows_the_conditions_in_dutch(beheerder, gemeente):
    response = beheerder.get("/beheer/cases/routingrule/")
    assert "enkelvoudig, opeenvolgend, bedrag &gt; € 500,00" in response.content.decode()


def test_a_rule_can_be_edited_and_is_validated(beheerder, gemeente):
    rule = RoutingRule.objects.get(municipality=gemeente, position=60)
    response = beheerder.get(f"/beheer/cases/routingrule/{rule.pk}/change/")
    assert response.status_code == 200
    data = {"municipality": gemeente.pk, "position": 60, "name": rule.name, "is_active": "on",
            "match_type": "enkelvoudig", "recidive": "unknown", "crisis": "unknown", "amount_gt": "350",
            "amount_gte": "100", "creditor_kinds": "[]", "has_minors": "unknown", "has_phone": "unknown",
            "has_email": "unknown", "shv_statuses": "[]", "tray": rule.tray_id, "priority": 2}
    response = beheerder.post(f"/beheer/cases/routingrule/{rule.pk}/change/", data)
    assert response.status_code == 200
    assert "Vul &#x27;meer dan&#x27; of &#x27;minstens&#x27; in, niet allebei." in response.content.decode()
    del data["amount_gte"]
    response = beheerder.post(f"/beheer/cases/routingrule/{rule.pk}/change/", data)
    assert response.status_code == 302
    rule.refresh_from_db()
    assert str(rule.amount_gt) == "350.00"


def test_preset_action_installs_for_the_selected_municipality(beheerder, gemeente):
    policy = CasePolicy.objects.get(municipality=gemeente)
    response = beheerder.post("/beheer/cases/casepolicy/", {"action": "install_gemeente6",
                                                            "_selected_action": [policy.pk]})
    assert response.status_code == 302
    assert RoutingRule.objects.filter(municipality=gemeente).count() == 5


def test_cases_cannot_be_changed_in_the_admin(beheerder, gemeente):
    make_signal(gemeente, at=1)
    services.period_close(municipality=gemeente, now=aware(2026, 6, 1, 6))
    case = Case.objects.get()
    assert beheerder.post(f"/beheer/cases/case/{case.pk}/change/", {}).status_code == 403
