"""Users in the admin (security review D1). A functional administrator manages the users who work only for
their own municipalities, sees fellow functional administrators of those municipalities read-only, and never
sees superusers, installation administrators, creditor staff, users without a municipality or users who also
work elsewhere. The installation administrator manages the functional administrators and the users without a
municipality. The choices offered are only what the administrator may grant. (The escalation paths, per role,
are walked in test_admin_escalation.py.)"""
import pytest

from accounts.models import Role, User
from tests.auth import login
from tests.factories import CreditorFactory, MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db
USERS = "/beheer/accounts/user/"


@pytest.fixture
def towns(db):
    return MunicipalityFactory(cbs_code="0100", name="Proefdorp"), MunicipalityFactory(cbs_code="0200", name="Elders")


@pytest.fixture
def people(towns):
    here, there = towns
    creditor = CreditorFactory(name="Waterbedrijf")
    return {
        "admin": UserFactory(username="fb-proefdorp", role=Role.FUNCTIONEEL_BEHEERDER, municipalities=[here]),
        "fellow": UserFactory(username="fb2-proefdorp", role=Role.FUNCTIONEEL_BEHEERDER, municipalities=[here]),
        "admin_both": UserFactory(username="fb-beide", role=Role.FUNCTIONEEL_BEHEERDER, municipalities=[here, there]),
        "worker": UserFactory(username="werker-hier", municipalities=[here]),
        "auditor": UserFactory(username="auditor-hier", role=Role.AUDITOR, municipalities=[here]),
        "stranger": UserFactory(username="werker-elders", municipalities=[there]),
        "both": UserFactory(username="leider-beide", role=Role.TEAMLEIDER, municipalities=[here, there]),
        "partner": UserFactory(username="partner-medewerker", role=Role.VASTELASTENPARTNER, creditor=creditor),
        "nowhere": UserFactory(username="nieuw-zonder-gemeente"),
        "install": UserFactory(username="installatie", role=Role.INSTALLATIEBEHEERDER),
        "root": UserFactory(username="root", role=Role.FUNCTIONEEL_BEHEERDER, is_staff=True, is_superuser=True),
    }


def listed(client, user) -> set[str]:
    login(client, user)
    response = client.get(USERS)
    assert response.status_code == 200
    names = [u.username for u in response.context["cl"].result_list]
    assert len(names) == len(set(names))  # each once, also a user of two municipalities
    return set(names)


def test_each_administrator_lists_exactly_the_users_it_may_see(client, people):
    assert listed(client, people["admin"]) == {"fb-proefdorp", "fb2-proefdorp", "werker-hier", "auditor-hier"}
    assert listed(client, people["admin_both"]) == {"fb-proefdorp", "fb2-proefdorp", "fb-beide", "werker-hier",
                                                    "auditor-hier", "werker-elders", "leider-beide"}
    assert listed(client, people["install"]) == {"fb-proefdorp", "fb2-proefdorp", "fb-beide", "partner-medewerker",
                                                 "nieuw-zonder-gemeente"}
    assert listed(client, people["root"]) == {u.username for u in User.objects.all()}


def test_fellow_administrators_and_oneself_are_shown_read_only(client, people):
    login(client, people["admin"])
    for user in (people["fellow"], people["admin"]):
        page = client.get(f"{USERS}{user.pk}/change/")
        assert page.status_code == 200
        assert not page.context["has_change_permission"]
        assert client.get(f"{USERS}{user.pk}/password/").status_code == 403


def test_the_role_and_municipality_choices_are_what_the_administrator_may_grant(client, people, towns):
    here, _ = towns
    login(client, people["admin"])
    for url in (f"{USERS}add/", f"{USERS}{people['worker'].pk}/change/"):
        form = client.get(url).context["adminform"].form
        assert [value for value, _ in form.fields["role"].choices if value] == [
            Role.VROEGSIGNALEERDER, Role.TEAMLEIDER, Role.AUDITOR, Role.BELEIDSMEDEWERKER, Role.SERVICE_ACCOUNT]
        assert list(form.fields["municipalities"].queryset) == [here]
        assert not {"is_staff", "is_superuser", "groups", "user_permissions", "creditor"} & set(form.fields)
    login(client, people["install"])
    form = client.get(f"{USERS}add/").context["adminform"].form
    assert [value for value, _ in form.fields["role"].choices if value] == [Role.FUNCTIONEEL_BEHEERDER,
                                                                            Role.VASTELASTENPARTNER]
    assert set(form.fields["municipalities"].queryset) == set(towns)
    assert not {"is_staff", "is_superuser", "groups", "user_permissions"} & set(form.fields)


def test_a_functional_administrator_adds_a_worker_to_their_municipality(client, people, towns):
    here, _ = towns
    login(client, people["admin"])
    response = client.post(f"{USERS}add/", {"username": "nieuwe-werker", "usable_password": "true",
                                            "password1": "Lang-genoeg-wachtwoord-2026",
                                            "password2": "Lang-genoeg-wachtwoord-2026",
                                            "role": Role.VROEGSIGNALEERDER, "municipalities": [here.pk]})
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="nieuwe-werker")
    assert (user.role, list(user.municipalities.all()), user.is_staff, user.is_superuser) == (
        Role.VROEGSIGNALEERDER, [here], False, False)


def test_a_user_without_municipality_is_refused_with_a_dutch_message(client, people):
    login(client, people["admin"])
    response = client.post(f"{USERS}add/", {"username": "los", "usable_password": "true",
                                            "password1": "Lang-genoeg-wachtwoord-2026",
                                            "password2": "Lang-genoeg-wachtwoord-2026",
                                            "role": Role.VROEGSIGNALEERDER})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["municipalities"] == ["Kies ten minste één van uw gemeenten."]
    assert not User.objects.filter(username="los").exists()


def test_the_installation_administrator_appoints_a_functional_administrator(client, people, towns):
    here, there = towns
    login(client, people["install"])
    response = client.post(f"{USERS}add/", {"username": "fb-elders", "usable_password": "true",
                                            "password1": "Lang-genoeg-wachtwoord-2026",
                                            "password2": "Lang-genoeg-wachtwoord-2026",
                                            "role": Role.FUNCTIONEEL_BEHEERDER, "municipalities": [there.pk],
                                            "creditor": ""})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(User.objects.get(username="fb-elders").municipalities.all()) == [there]
    refused = client.post(f"{USERS}add/", {"username": "partner-elders", "usable_password": "true",
                                           "password1": "Lang-genoeg-wachtwoord-2026",
                                           "password2": "Lang-genoeg-wachtwoord-2026",
                                           "role": Role.VASTELASTENPARTNER, "municipalities": [there.pk],
                                           "creditor": people["partner"].creditor_id})
    assert refused.status_code == 200
    assert "hoort niet bij een gemeente" in refused.content.decode()
    assert not User.objects.filter(username="partner-elders").exists()
