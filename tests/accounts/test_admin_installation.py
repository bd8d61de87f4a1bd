"""What the installation administrator finds in /beheer/, and the municipality page (security review D3).

The installation administrator adds municipalities and keeps their code and name, manages creditors, their
keys and webhooks and resends a webhook's given-up deliveries, and sees no case data. A municipality's
functional administrator sets their own municipality's policy, not its code or name."""
import pytest
from django.utils import timezone

from accounts.models import Municipality, Role
from feedback.models import DeliveryStatus, FeedbackEvent, WebhookDelivery
from feedback.services import webhook_endpoint_create
from tests.auth import login
from tests.factories import CreditorFactory, MunicipalityFactory, UserFactory, make_signal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def install(client):
    login(client, UserFactory(username="install", role=Role.INSTALLATIEBEHEERDER))
    return client


def test_the_installation_administrator_finds_installation_wide_objects_and_no_case_data(install):
    page = install.get("/beheer/")
    models = {model["object_name"] for app in page.context["app_list"] for model in app["models"]}
    assert models == {"User", "Municipality", "Creditor", "CreditorAPIKey", "WebhookEndpoint",
                      "AccessAttempt", "AccessFailureLog", "TOTPDevice", "StaticDevice"}  # lockouts, 2FA devices
    assert 'href="/beheer/"' in install.get("/").content.decode()  # "Beheer" in the menu
    for url in ("/beheer/cases/case/", "/beheer/signals/signal/", "/beheer/shv/shvregistration/",
                "/beheer/contacts/contactattempt/", "/beheer/signals/csvimport/", "/beheer/feedback/feedbackevent/"):
        assert install.get(url).status_code == 403, url


def test_the_installation_administrator_adds_a_municipality_but_leaves_its_policy_to_it(install):
    response = install.post("/beheer/accounts/municipality/add/", {"cbs_code": "0999", "name": "Nieuwdorp",
                                                                  "inhabitants": "1200", "threshold_amount": "500"})
    assert response.status_code == 302
    town = Municipality.objects.get(cbs_code="0999")
    assert (town.name, str(town.threshold_amount)) == ("Nieuwdorp", "0.00")  # the policy field is not theirs
    page = install.get(f"/beheer/accounts/municipality/{town.pk}/change/")
    assert "threshold_amount" not in page.context["adminform"].form.fields
    assert "routing_preset" not in page.context["adminform"].form.fields
    assert not page.context["inline_admin_formsets"]  # no trays or case policy either
    install.post(f"/beheer/accounts/municipality/{town.pk}/change/", {
        "cbs_code": "0999", "name": "Nieuwdorp aan Zee", "inhabitants": "1300", "threshold_amount": "99999",
        "routing_preset": "gemeente6"})
    town.refresh_from_db()
    assert (town.name, str(town.threshold_amount), town.trays.count()) == ("Nieuwdorp aan Zee", "0.00", 0)


def test_a_functional_administrator_sets_the_policy_not_the_code_or_name(client):
    town = MunicipalityFactory(cbs_code="0100", name="Proefdorp")
    login(client, UserFactory(role=Role.FUNCTIONEEL_BEHEERDER, municipalities=[town]))
    assert client.get("/beheer/accounts/municipality/add/").status_code == 403
    response = client.post(f"/beheer/accounts/municipality/{town.pk}/change/", {
        "cbs_code": "0200", "name": "Elders", "inhabitants": "10", "threshold_amount": "75",
        "retention_months": "12", "retention_months_help_accepted": "12",
        "arrear_age_windows": "{}", "routing_preset": "",
        "case_policy-TOTAL_FORMS": "0", "case_policy-INITIAL_FORMS": "0",
        "trays-TOTAL_FORMS": "0", "trays-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.context and response.context["errors"]
    town.refresh_from_db()
    assert (town.cbs_code, town.name, str(town.threshold_amount)) == ("0100", "Proefdorp", "75.00")


def test_the_installation_administrator_resends_a_webhooks_given_up_deliveries(install):
    town = MunicipalityFactory(cbs_code="0100", name="Proefdorp")
    creditor = CreditorFactory(name="Waterbedrijf")
    endpoint, _ = webhook_endpoint_create(creditor=creditor, url="https://127.0.0.1:9/hook")
    now = timezone.now()
    event = FeedbackEvent.objects.create(signal=make_signal(town, creditor=creditor), creditor=creditor,
                                         municipality=town, code="overleden", issued_at=now, date=now.date(), seq=1)
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event=event, seq=1, created_at=now,
                                              next_attempt_at=now, status=DeliveryStatus.FAILED)
    response = install.post("/beheer/feedback/webhookendpoint/", {"action": "retry_failed",
                                                                   "_selected_action": [endpoint.pk]}, follow=True)
    assert "1 bezorging(en) worden opnieuw verstuurd." in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status != DeliveryStatus.FAILED
