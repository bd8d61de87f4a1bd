"""The functional administrator's outreach settings (issue 13): what texts and the call centre tell the resident,
and item 5's switch, per municipality; Dutch field errors; another municipality's settings are out of reach."""
from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from outreach.models import OutreachSettings
from tests.auth import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("outreach:settings")
VALID = {"team_phone": "14 0518", "team_email": "team@denhaag.example", "contact_hours": "werkdagen 9–17 uur",
         "informatiepunt": "de bibliotheek", "return_address": "Gemeente Den Haag, Postbus 1", "youth_age_max": "27",
         "aow_age": "67", "written_no_reply_days": "10"}


@pytest.fixture
def admin(gemeente):
    return UserFactory(municipalities=[gemeente], role=Role.FUNCTIONEEL_BEHEERDER)


def test_the_administrator_switches_on_the_intermediate_result_and_it_is_audited(client, admin, gemeente):
    login(client, admin)
    assert "Schriftelijke pogingen zonder reactie" in client.get(URL).content.decode()
    response = client.post(URL, VALID)
    assert response.status_code == 302
    settings = OutreachSettings.objects.get(municipality=gemeente)
    assert (settings.written_no_reply_days, settings.team_phone) == (10, "14 0518")
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.object_type, event.municipality_id) == ("change", "benaderingsinstellingen",
                                                                         gemeente.pk)
    response = client.post(URL, {**VALID, "written_no_reply_days": ""})  # empty: off again
    assert OutreachSettings.objects.get(municipality=gemeente).written_no_reply_days is None


@pytest.mark.parametrize("field, value, message", [
    ("written_no_reply_days", "40", "Kies 1 tot en met 27 dagen"),
    ("written_no_reply_days", "0", "Kies 1 tot en met 27 dagen"),
    ("written_no_reply_days", "tien", "Vul een aantal dagen in."),
    ("team_email", "geen-adres", "Vul een geldig e-mailadres in."),
    ("aow_age", "20", "De AOW-leeftijd moet hoger zijn dan de leeftijd voor jongeren."),
])
def test_bad_input_gets_a_dutch_field_error_and_changes_nothing(client, admin, gemeente, field, value, message):
    login(client, admin)
    response = client.post(URL, {**VALID, field: value})
    assert response.status_code == 400 and message in response.content.decode()
    assert not OutreachSettings.objects.filter(municipality=gemeente).exists()


def test_another_municipality_cannot_be_chosen(client, admin, gemeente, andere):
    OutreachSettings.objects.create(municipality=andere, team_phone="14 9999")
    login(client, admin)
    body = client.get(URL, {"gemeente": andere.cbs_code}).content.decode()
    assert gemeente.name in body and "14 9999" not in body
    client.post(f"{URL}?gemeente={andere.cbs_code}", VALID)
    assert OutreachSettings.objects.get(municipality=andere).team_phone == "14 9999"


@pytest.mark.parametrize("role", [Role.VROEGSIGNALEERDER, Role.TEAMLEIDER, Role.KCC, Role.AUDITOR])
def test_other_roles_are_refused(client, gemeente, role):
    login(client, UserFactory(municipalities=[gemeente], role=role))
    assert client.get(URL).status_code == 403
