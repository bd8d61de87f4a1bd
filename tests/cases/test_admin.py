"""Functional administrators edit trays, rules and allocations in the admin; cases are read-only."""
import pytest

from cases import services
from cases.models import Case, CasePolicy, RoutingRule
from cases.presets import routing_preset_install
from tests.auth import login
from tests.factories import MunicipalityFactory, UserFactory, aware, make_signal

pytestmark = pytest.mark.django_db


@pytest.fixture
def gemeente(db):
    municipality = MunicipalityFactory(cbs_code="0400", name="Gemeente")
    routing_preset_install(municipality=municipality, preset="gemeente4")
    return municipality


@pytest.fixture
def beheerder(client, gemeente):
    user = UserFactory(role="functioneel_beheerder", municipalities=[gemeente])
    login(client, user)
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


# --- the municipality's page: policy, routing, capacity (issue 9, point 7) ---------------------------


def _form_data(response) -> dict:
    """What the change page's form would send unchanged: the main form and every inline."""
    data = {}

    def add(form):
        for name in form.fields:
            bound = form[name]
            value = bound.value()
            if isinstance(value, (list, tuple)):
                data[bound.html_name] = [str(v) for v in value]
            elif isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif value is not None:
                data[bound.html_name] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for form in formset.forms:
            add(form)
    return data


def test_the_municipality_page_sets_policy_preset_and_capacity(beheerder, gemeente):
    url = f"/beheer/accounts/municipality/{gemeente.pk}/change/"
    page = beheerder.get(url)
    assert page.status_code == 200
    html = page.content.decode().lower()
    for text in ("afsluitdag periode", "drempelbedrag", "soorten vaste last zonder drempel",
                 "voorinstelling routering installeren", "termijn herhaalde melding", "capaciteit per periode"):
        assert text in html, text
    data = _form_data(page)
    trays = {form.instance.code: form for form in page.context["inline_admin_formsets"][1].formset.forms}
    data.update({"period_closing_day": "26", "threshold_amount": "75", "threshold_exempt_kinds": ["drinkwater", "huur"],
                 trays["huisbezoek"]["monthly_capacity"].html_name: "12", "routing_preset": ""})
    response = beheerder.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    gemeente.refresh_from_db()
    assert (gemeente.period_closing_day, str(gemeente.threshold_amount), sorted(gemeente.threshold_exempt_kinds)) == (
        26, "75.00", ["drinkwater", "huur"])
    assert gemeente.trays.get(code="huisbezoek").monthly_capacity == 12
    # The preset chooser installs another afwegingskader.
    data = _form_data(beheerder.get(url))
    data["routing_preset"] = "gemeente6"
    assert beheerder.post(url, data).status_code == 302
    assert RoutingRule.objects.filter(municipality=gemeente).count() == 5


@pytest.mark.parametrize(("field", "value", "message"), [
    ("period_closing_day", "31", "Zorg ervoor dat deze waarde hoogstens 28 is."),
    ("threshold_amount", "-5", "kan niet negatief zijn"),
    ("threshold_amount", "veel", "Voer een getal in."),
    ("threshold_exempt_kinds", ["water"], "water is geen beschikbare keuze"),
    ("arrear_age_windows", '{"huur": [60, 30]}', "maximum mag null zijn"),
])
def test_the_municipality_page_refuses_bad_values_in_dutch(beheerder, gemeente, field, value, message):
    url = f"/beheer/accounts/municipality/{gemeente.pk}/change/"
    data = _form_data(beheerder.get(url))
    gemeente.refresh_from_db()
    before = (gemeente.period_closing_day, gemeente.threshold_amount, gemeente.threshold_exempt_kinds)
    data[field] = value
    response = beheerder.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    gemeente.refresh_from_db()
    assert (gemeente.period_closing_day, gemeente.threshold_amount, gemeente.threshold_exempt_kinds) == before


def test_a_tray_capacity_beyond_the_maximum_is_refused(beheerder, gemeente):
    url = f"/beheer/accounts/municipality/{gemeente.pk}/change/"
    page = beheerder.get(url)
    data = _form_data(page)
    form = page.context["inline_admin_formsets"][1].formset.forms[0]
    data[form["monthly_capacity"].html_name] = "100001"
    response = beheerder.post(url, data)
    assert response.status_code == 200 and "Hoogstens 100.000 per periode." in response.content.decode()


def test_a_functional_administrator_sees_only_their_own_municipalities(beheerder, gemeente):
    other = MunicipalityFactory(cbs_code="0401", name="Buurgemeente")
    routing_preset_install(municipality=other, preset="gemeente3")
    assert beheerder.get(f"/beheer/accounts/municipality/{other.pk}/change/").status_code == 302  # not found
    listing = beheerder.get("/beheer/cases/tray/").content.decode()
    assert "Gepersonaliseerde kaart" not in listing  # gemeente3's tray of the other municipality
    assert beheerder.get("/beheer/accounts/municipality/add/").status_code == 403
