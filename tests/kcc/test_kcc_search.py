"""The KCC search: by address or BSN, POSTed, audited hit or miss (keyed hashes only), scoped to the user's
municipalities, showing only whether there is an active case, who handles it and how to reach them."""
import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from audit.hashing import person_hash
from audit.models import AuditEvent
from audit.vocab import Action, Purpose
from cases.models import CaseStatus
from outreach.models import OutreachSettings
from tests.auth import login
from tests.factories import UserFactory
from tests.kcc.kcc_support import AMOUNT, BSN, CREDITOR, OTHER_BSN, resident_case

URL = "/kcc/"
SECRETS = (CREDITOR, "1234,56", "1234.56", "Aadorpsma", "Anna", "Proefstraat", BSN)


def client_of(user) -> Client:
    client = Client()
    login(client, user)
    return client


def search(client, **data):
    return client.post(URL, {"postcode": "", "huisnummer": "", "toevoeging": "", "bsn": "", **data})


def body(response) -> str:
    return response.content.decode()


def assert_nothing_secret(text: str) -> None:
    assert not [secret for secret in SECRETS if secret in text]
    assert AMOUNT not in text


@pytest.mark.django_db
def test_a_hit_by_address_shows_only_that_there_is_a_case_the_team_and_how_to_reach_it(world):
    response = search(client_of(world.kcc_a), postcode="1234 ab", huisnummer="7")
    text = body(response)
    assert response.status_code == 200
    assert "Er is een lopende melding" in text
    assert "het team vroegsignalering" in text  # the municipality does not let the KCC name the handler
    assert "Wim" not in text
    assert "020 123 4567" in text and "team@aadorp.example" in text and "ma-vr 9-17 uur" in text
    assert_nothing_secret(text)
    assert f"/meldingen/{world.case.pk}" not in text and world.case.contact_reference not in text


@pytest.mark.django_db
def test_the_handler_is_named_when_the_municipality_allows_it(world):
    OutreachSettings.objects.filter(municipality=world.a).update(kcc_names_handler=True)
    text = body(search(client_of(world.kcc_a), postcode="1234AB", huisnummer="7"))
    assert "Wim Werker" in text


@pytest.mark.django_db
def test_a_hit_by_bsn(world):
    text = body(search(client_of(world.kcc_a), bsn=BSN))
    assert "Er is een lopende melding" in text
    assert_nothing_secret(text)


@pytest.mark.django_db
def test_toevoeging_narrows_the_address(world):
    resident_case(world.a, "1234AB|9|A|", bsn=OTHER_BSN)
    client = client_of(world.kcc_a)
    assert "Er is een lopende melding" in body(search(client, postcode="1234AB", huisnummer="9", toevoeging="a"))
    assert "Geen lopende melding" in body(search(client, postcode="1234AB", huisnummer="9", toevoeging="B"))
    assert "Er is een lopende melding" in body(search(client, postcode="1234AB", huisnummer="9"))
    # 1234AB 7 does not find 1234AB 70-something: the key is matched up to the separator
    resident_case(world.a, "1234AB|70||")
    assert body(search(client, postcode="1234AB", huisnummer="7")).count("Er is een lopende melding") == 1


@pytest.mark.django_db
def test_a_closed_case_is_not_shown(world):
    resident_case(world.a, "1234AB|8||", bsn=OTHER_BSN, status=CaseStatus.GESLOTEN)
    client = client_of(world.kcc_a)
    for data in ({"postcode": "1234AB", "huisnummer": "8"}, {"bsn": OTHER_BSN}):
        text = body(search(client, **data))
        assert "Geen lopende melding" in text and "Er is een lopende melding" not in text


@pytest.mark.django_db
def test_another_municipalitys_kcc_sees_no_case_and_none_of_its_data(world):
    client = client_of(world.kcc_b)
    for data in ({"postcode": "1234AB", "huisnummer": "7"}, {"bsn": BSN}):
        text = body(search(client, **data))
        assert "Geen lopende melding" in text
        assert "030 765 4321" in text  # B's own team
        assert "020 123 4567" not in text and "Aadorp" not in text
        assert_nothing_secret(text)


@pytest.mark.django_db
def test_every_search_is_audited_hit_or_miss_without_the_bsn_or_address_in_clear(world):
    client = client_of(world.kcc_a)
    search(client, bsn=BSN)
    search(client, bsn=OTHER_BSN)
    search(client, postcode="1234AB", huisnummer="7")
    search(client, postcode="9999ZZ", huisnummer="1")
    events = list(AuditEvent.objects.filter(action=Action.SEARCH).order_by("id"))
    assert len(events) == 4
    assert all(e.purpose == Purpose.KLANTCONTACT and e.username == "kcc_a" and e.municipality_id == world.a.pk
               for e in events)
    hit_bsn, miss_bsn, hit_address, miss_address = events
    assert hit_bsn.object_ids == [str(world.case.pk)] and person_hash(BSN) in hit_bsn.persons
    assert miss_bsn.object_ids == [] and miss_bsn.persons == [person_hash(OTHER_BSN)]
    assert hit_address.object_ids == [str(world.case.pk)] and hit_address.persons == [person_hash(BSN)]
    assert miss_address.object_ids == [] and miss_address.persons == []
    assert len({e.search_hash for e in events}) == 4 and all(len(e.search_hash) == 64 for e in events)
    for event in events:
        stored = str(AuditEvent.objects.filter(pk=event.pk).values().get())
        assert BSN not in stored and OTHER_BSN not in stored and "1234AB" not in stored and "9999" not in stored
        assert event.path == URL


@pytest.mark.django_db
def test_the_search_is_posted_and_input_errors_are_dutch(world):
    client = client_of(world.kcc_a)
    assert client.get(URL + "?bsn=" + BSN).status_code == 200  # GET shows the form only
    assert not AuditEvent.objects.filter(action=Action.SEARCH).exists()
    response = search(client, bsn="123456789")
    assert response.status_code == 400 and "elfproef" in body(response)
    response = search(client, postcode="12345", huisnummer="x")
    assert response.status_code == 400
    assert "Geen geldige postcode" in body(response) and "Vul een huisnummer in cijfers in." in body(response)
    assert "niet op allebei" in body(search(client, bsn=BSN, postcode="1234AB", huisnummer="7"))
    assert "Vul een postcode en huisnummer in, of een BSN." in body(search(client))
    assert "Vul het huisnummer in." in body(search(client, postcode="1234AB"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.VROEGSIGNALEERDER, Role.TEAMLEIDER, Role.SERVICE_ACCOUNT, Role.AUDITOR])
def test_only_the_kcc_role_searches(world, role):
    user = UserFactory(role=role, municipalities=[world.a])
    assert search(client_of(user), bsn=BSN).status_code == 403
    assert Client().post(URL, {"bsn": BSN}).status_code == 302  # to the login


@pytest.mark.django_db
def test_the_kcc_gets_no_case_screen_or_case_api(world):
    client = client_of(world.kcc_a)
    assert client.get(reverse("queue")).status_code == 403
    assert client.get(f"/meldingen/{world.case.pk}").status_code == 404


@pytest.mark.django_db
def test_searches_are_rate_limited_per_user(world, settings):
    settings.KCC_SEARCH_RATE_LIMIT = "3/h"
    client = client_of(world.kcc_a)
    assert [search(client, bsn=BSN).status_code for _ in range(3)] == [200, 200, 200]
    response = search(client, bsn=BSN)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "te vaak gezocht" in body(response)
    assert AuditEvent.objects.filter(action=Action.SEARCH).count() == 3  # the refused search shows nothing
    assert search(client_of(world.kcc_b), bsn=BSN).status_code == 200  # another user has their own count
