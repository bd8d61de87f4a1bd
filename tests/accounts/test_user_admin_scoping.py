"""Users in the admin: a functional administrator manages their own municipalities' users (and users without a
municipality), not another municipality's staff; they cannot widen their own or anyone's municipalities beyond
their own. Otherwise the token scoping (test_token_admin.py) could be bypassed by a password reset or by adding
a user (or oneself) to a municipality."""
import pytest

from accounts.models import Role
from tests.auth import login
from tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db
USERS = "/beheer/accounts/user/"


@pytest.fixture
def towns(db):
    return MunicipalityFactory(cbs_code="0100", name="Proefdorp"), MunicipalityFactory(cbs_code="0200", name="Elders")


@pytest.fixture
def admin_user(towns):
    return UserFactory(username="fb-proefdorp", role=Role.FUNCTIONEEL_BEHEERDER, is_staff=True,
                       municipalities=[towns[0]])


def change_form(user, **changes) -> dict:
    data = {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "is_active": "on", "role": user.role,
            "municipalities": [m.pk for m in user.municipalities.all()], "creditor": "",
            "api_keys-TOTAL_FORMS": "0", "api_keys-INITIAL_FORMS": "0", "api_keys-MIN_NUM_FORMS": "0",
            "api_keys-MAX_NUM_FORMS": "1000"}
    data.update(changes)
    return data


def test_another_municipalitys_staff_cannot_be_listed_opened_or_given_a_new_password(client, towns, admin_user):
    stranger = UserFactory(username="werker-elders", municipalities=[towns[1]])
    UserFactory(username="werker-hier", municipalities=[towns[0]])
    UserFactory(username="leider-beide", role=Role.TEAMLEIDER, municipalities=list(towns))
    UserFactory(username="partner-medewerker", role=Role.VASTELASTENPARTNER)
    login(client, admin_user)
    response = client.get(USERS)
    listing = response.content.decode()
    assert {"werker-hier", "leider-beide", "partner-medewerker", "fb-proefdorp"} <= {
        u.username for u in response.context["cl"].result_list}
    assert "werker-elders" not in listing
    assert response.context["cl"].result_count == 4  # each once, also the user of two municipalities
    assert client.get(f"{USERS}{stranger.pk}/change/").status_code == 302  # "does not exist"
    reset = client.post(f"{USERS}{stranger.pk}/password/",
                        {"password1": "Nieuw-Wachtwoord-2026", "password2": "Nieuw-Wachtwoord-2026"})
    assert reset.status_code == 404
    stranger.refresh_from_db()
    assert stranger.check_password("geheim-wachtwoord-42")


def test_no_one_is_added_to_a_municipality_the_admin_does_not_manage(client, towns, admin_user):
    here, there = towns
    worker = UserFactory(username="werker-hier", municipalities=[here])
    login(client, admin_user)
    for user in (worker, admin_user):  # also not themselves
        refused = client.post(f"{USERS}{user.pk}/change/", change_form(user, municipalities=[here.pk, there.pk]))
        assert refused.status_code == 200
        assert "municipalities" in refused.context["adminform"].form.errors
        assert set(user.municipalities.all()) == {here}


def test_editing_a_shared_user_keeps_their_other_municipality(client, towns, admin_user):
    here, there = towns
    both = UserFactory(username="leider-beide", role=Role.TEAMLEIDER, municipalities=[here, there])
    login(client, admin_user)
    page = client.get(f"{USERS}{both.pk}/change/")
    assert list(page.context["adminform"].form.fields["municipalities"].queryset) == [here]
    response = client.post(f"{USERS}{both.pk}/change/", change_form(both, first_name="Lies",
                                                                     municipalities=[here.pk]))
    assert response.status_code == 302, response.context["adminform"].form.errors
    both.refresh_from_db()
    assert both.first_name == "Lies"
    assert set(both.municipalities.all()) == {here, there}


def test_a_superuser_manages_everyone(client, towns):
    root = UserFactory(username="root", is_staff=True, is_superuser=True, role=Role.FUNCTIONEEL_BEHEERDER)
    stranger = UserFactory(username="werker-elders", municipalities=[towns[1]])
    login(client, root)
    assert "werker-elders" in client.get(USERS).content.decode()
    response = client.post(f"{USERS}{stranger.pk}/change/", change_form(stranger, municipalities=[
        towns[0].pk, towns[1].pk], is_staff="", date_joined_0="2026-01-05", date_joined_1="09:00:00"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert set(stranger.municipalities.all()) == set(towns)
