"""The known escalation paths in /beheer/ (security review D1–D4), walked for every role.

Each case is one POST (or GET) an actor can forge: setting the password of, or changing, a superuser, an
installation administrator, a fellow or foreign functional administrator, another municipality's user, a
user shared with another municipality, creditor staff or a user without a municipality; granting a role, a
municipality, ``is_staff``, ``is_superuser``, groups or permissions on the change and add forms; issuing a
creditor API key (D2) or a municipal token for someone out of reach; creating a webhook (D4); changing
another municipality's policy, case policy or routing (D3). There is no user import (no admin action or
management command creates users from a file), so there is no such path to walk.

The expectations are written out by hand (``MANAGES``, ``SEES``, ``ALLOWED``), not read from the code under
test. A refused case must leave the database as it was (``snapshot``: every user's privileges and password,
the keys, tokens, webhooks, policies, rules and trays); an allowed case must change it, so that the walk
would notice a refusal that is only a status code.
"""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.models import Municipality, Role, User, UserAPIKey
from cases.models import CasePolicy, RoutingRule, Tray
from feedback.models import WebhookEndpoint
from signals.models import CreditorAPIKey
from tests.auth import login as verified_login
from tests.factories import CreditorFactory, MunicipalityFactory, UserFactory, make_tray

pytestmark = pytest.mark.django_db

USERS = "/beheer/accounts/user/"
PASSWORD = "Overgenomen-2026!lang-genoeg"

ACTORS = ("fb_a", "fb_b", "install", "worker_a", "lead_a", "auditor_a", "creditor_staff", "service_a")
TARGETS = ("superuser", "install_2", "fb_a2", "fb_b", "worker_a", "worker_b", "shared", "creditor_staff", "nowhere")

# Whose account, password, role and memberships each actor may change …
MANAGES = {
    "fb_a": {"worker_a", "lead_a", "auditor_a", "service_a"},
    "fb_b": {"worker_b"},
    "install": {"fb_a", "fb_a2", "fb_b", "creditor_staff", "nowhere"},
}
# … and whom it sees (read-only: fellow functional administrators of exactly its municipalities, itself).
SEES = {
    "fb_a": MANAGES["fb_a"] | {"fb_a", "fb_a2"},
    "fb_b": MANAGES["fb_b"] | {"fb_b"},
    "install": MANAGES["install"],
}
OWN_MUNICIPALITIES = {"fb_a": {"A"}, "fb_b": {"B"}, "install": {"A", "B"}}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    a = MunicipalityFactory(cbs_code="0111", name="Aadorp")
    b = MunicipalityFactory(cbs_code="0222", name="Beedorp")
    creditor = CreditorFactory(name="Waterbedrijf")

    def user(name, role, municipalities=(), **extra):
        return UserFactory(username=name, role=role, municipalities=list(municipalities), **extra)

    users = {
        "fb_a": user("fb_a", Role.FUNCTIONEEL_BEHEERDER, [a]),
        "fb_a2": user("fb_a2", Role.FUNCTIONEEL_BEHEERDER, [a]),
        "fb_b": user("fb_b", Role.FUNCTIONEEL_BEHEERDER, [b]),
        "install": user("install", Role.INSTALLATIEBEHEERDER),
        "install_2": user("install_2", Role.INSTALLATIEBEHEERDER),
        "superuser": user("root", Role.VROEGSIGNALEERDER, is_superuser=True, is_staff=True),  # as createsuperuser
        "worker_a": user("worker_a", Role.VROEGSIGNALEERDER, [a]),
        "lead_a": user("lead_a", Role.TEAMLEIDER, [a]),
        "auditor_a": user("auditor_a", Role.AUDITOR, [a]),
        "service_a": user("service_a", Role.SERVICE_ACCOUNT, [a]),
        "worker_b": user("worker_b", Role.VROEGSIGNALEERDER, [b]),
        "shared": user("shared", Role.VROEGSIGNALEERDER, [a, b]),
        "creditor_staff": user("creditor_staff", Role.VASTELASTENPARTNER, creditor=creditor),
        "nowhere": user("nowhere", Role.VROEGSIGNALEERDER),
    }
    tray_b = make_tray(b, "brief", "Brief")
    return {
        "A": a, "B": b, "creditor": creditor, "users": users, "tray_b": tray_b,
        "policy_b": CasePolicy.objects.create(municipality=b, default_tray=tray_b),
        "rule_b": RoutingRule.objects.create(municipality=b, position=1, name="Alles", tray=tray_b),
        "group": Group.objects.create(name="alles"),
        "permission": Permission.objects.get(codename="change_user"),
    }


def snapshot() -> dict:
    """Everything an escalation would change."""
    users = sorted(
        (u.username, u.password, u.role, u.is_staff, u.is_superuser, u.is_active, u.last_name, u.email,
         u.creditor_id, tuple(sorted(m.pk for m in u.municipalities.all())),
         tuple(sorted(g.pk for g in u.groups.all())), tuple(sorted(p.pk for p in u.user_permissions.all())))
        for u in User.objects.prefetch_related("municipalities", "groups", "user_permissions"))
    return {
        "users": users,
        "municipalities": list(Municipality.objects.order_by("pk").values()),
        "creditor_keys": list(CreditorAPIKey.objects.order_by("pk").values_list("pk", "creditor_id", "revoked")),
        "user_tokens": list(UserAPIKey.objects.order_by("pk").values_list("pk", "user_id", "revoked")),
        "webhooks": list(WebhookEndpoint.objects.order_by("pk").values_list("pk", "creditor_id", "url", "active")),
        "policies": list(CasePolicy.objects.order_by("pk").values()),
        "rules": list(RoutingRule.objects.order_by("pk").values()),
        "trays": list(Tray.objects.order_by("pk").values()),
    }


def login(client, world, actor):
    verified_login(client, world["users"][actor])
    return client


def change_data(world, target: User, **changes) -> dict:
    """What a change form would send for ``target`` (its own values), with ``changes``."""
    data = {"username": target.username, "first_name": target.first_name, "last_name": target.last_name,
            "email": target.email, "is_active": "on", "role": target.role,
            "municipalities": [m.pk for m in target.municipalities.all()], "creditor": target.creditor_id or "",
            "api_keys-TOTAL_FORMS": "0", "api_keys-INITIAL_FORMS": "0", "api_keys-MIN_NUM_FORMS": "0",
            "api_keys-MAX_NUM_FORMS": "1000"}
    data.update(changes)
    return data


def assert_refused(response, before):
    assert response.status_code in (200, 302, 400, 403, 404), response.status_code
    if response.status_code == 200 and response.context and "adminform" in response.context:
        assert response.context["adminform"].form.errors or response.context["errors"]
    assert snapshot() == before


# --- password and account changes of a user ---------------------------------------------------------------

USER_PATHS = ("password", "change", "history")


def _allowed_on_user(actor, target, path) -> bool:
    return target in (SEES if path == "history" else MANAGES).get(actor, set())


@pytest.mark.parametrize("path", USER_PATHS)
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("actor", ACTORS)
def test_a_user_out_of_reach_cannot_be_taken_over(client, world, actor, target, path):
    login(client, world, actor)
    person = world["users"][target]
    before = snapshot()
    if path == "password":
        response = client.post(f"{USERS}{person.pk}/password/", {"usable_password": "true", "password1": PASSWORD,
                                                                 "password2": PASSWORD})
    elif path == "change":
        response = client.post(f"{USERS}{person.pk}/change/", change_data(world, person, last_name="Overgenomen",
                                                                         email="dief@example.org"))
    else:
        response = client.get(f"{USERS}{person.pk}/history/")
        assert (response.status_code == 200) == _allowed_on_user(actor, target, path)
        return
    if _allowed_on_user(actor, target, path):
        assert response.status_code == 302, response.context and response.context["adminform"].form.errors
        assert snapshot() != before
        person.refresh_from_db()
        assert person.check_password(PASSWORD) if path == "password" else person.last_name == "Overgenomen"
    else:
        assert_refused(response, before)


# --- forged grants on the change and add forms ---------------------------------------------------------------

# The user each actor could legitimately edit (for the non-administrators: A's worker, whom they cannot).
OWN_TARGET = {"fb_a": "worker_a", "fb_b": "worker_b", "install": "creditor_staff"}


def forged(world, actor) -> dict[str, dict]:
    elsewhere = world["B"] if actor != "fb_b" else world["A"]
    forgeries = {
        "role functioneel beheerder": {"role": Role.FUNCTIONEEL_BEHEERDER},
        "role installatiebeheerder": {"role": Role.INSTALLATIEBEHEERDER},
        "role vroegsignaleerder": {"role": Role.VROEGSIGNALEERDER, "creditor": "", "municipalities": [world["A"].pk]},
        "municipality elsewhere": {"municipalities": [world["A"].pk, world["B"].pk] if actor == "install"
                                   else [elsewhere.pk]},
        "is_staff": {"is_staff": "on"},
        "is_superuser": {"is_superuser": "on"},
        "groups": {"groups": [world["group"].pk]},
        "user_permissions": {"user_permissions": [world["permission"].pk]},
    }
    if actor == "install":  # appointing a functional administrator is the installation administrator's job
        del forgeries["role functioneel beheerder"]
    if actor in ("fb_a", "fb_b"):  # a case-work role is theirs to grant (and the target has it already)
        del forgeries["role vroegsignaleerder"]
    return forgeries


FORGERIES = ("role functioneel beheerder", "role installatiebeheerder", "role vroegsignaleerder",
             "municipality elsewhere", "is_staff", "is_superuser", "groups", "user_permissions")


@pytest.mark.parametrize("forgery", FORGERIES)
@pytest.mark.parametrize("actor", ACTORS)
def test_a_forged_grant_on_the_change_form_changes_no_privilege(client, world, actor, forgery):
    extra = forged(world, actor).get(forgery)
    if extra is None:
        return  # this actor may grant it (see ``forged``)
    login(client, world, actor)
    person = world["users"][OWN_TARGET.get(actor, "worker_a")]
    before = snapshot()
    response = client.post(f"{USERS}{person.pk}/change/", change_data(world, person, **extra))
    assert response.status_code in (200, 302, 403, 404)
    assert snapshot() == before


def add_data(world, actor, **extra) -> dict:
    if actor == "install":
        base = {"role": Role.VASTELASTENPARTNER, "creditor": world["creditor"].pk}
    else:
        base = {"role": Role.VROEGSIGNALEERDER, "municipalities": [world["B" if actor == "fb_b" else "A"].pk]}
    return {"username": "nieuw", "usable_password": "true", "password1": PASSWORD, "password2": PASSWORD,
            **base, **extra}


@pytest.mark.parametrize("forgery", FORGERIES)
@pytest.mark.parametrize("actor", ACTORS)
def test_a_forged_grant_on_the_add_form_creates_no_privileged_user(client, world, actor, forgery):
    extra = forged(world, actor).get(forgery)
    if extra is None:
        return
    login(client, world, actor)
    before = snapshot()
    response = client.post(f"{USERS}add/", add_data(world, actor, **extra))
    assert response.status_code in (200, 302, 403, 404)
    new = User.objects.filter(username="nieuw").first()
    if forgery.startswith(("role", "municipality")) or actor not in MANAGES:
        assert new is None
    elif new is not None:  # the forged field is not in the form: the user is created without it
        assert (new.is_staff, new.is_superuser, new.groups.exists(), new.user_permissions.exists()) == (
            False, False, False, False)
        assert {m.cbs_code for m in new.municipalities.all()} <= {
            world[code].cbs_code for code in OWN_MUNICIPALITIES[actor]}
        new.delete()
    assert snapshot() == before


def test_a_clean_add_works_for_each_administrator(client, world):
    """The positive control of the add walk: the same form without a forgery creates the user."""
    for actor in MANAGES:
        login(client, world, actor)
        response = client.post(f"{USERS}add/", add_data(world, actor, username=f"nieuw-{actor}"))
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert User.objects.filter(username=f"nieuw-{actor}").exists()


# --- installation-wide objects and another municipality's configuration --------------------------------------

def _post_other(client, world, path):
    b, policy, tray = world["B"], world["policy_b"], world["tray_b"]
    if path == "creditor API key (D2)":
        return client.post("/beheer/signals/creditorapikey/add/", {"name": "exfil", "creditor": world["creditor"].pk})
    if path == "webhook (D4)":
        return client.post("/beheer/feedback/webhookendpoint/add/", {
            "creditor": world["creditor"].pk, "url": "https://127.0.0.1:9/hook", "active": "on"})
    if path == "policy of B (D3)":
        return client.post(f"/beheer/accounts/municipality/{b.pk}/change/", {
            "cbs_code": b.cbs_code, "name": b.name, "inhabitants": b.inhabitants, "threshold_amount": "99999.00",
            "retention_months": "60", "retention_months_help_accepted": "60",
            "arrear_age_windows": "{}", "routing_preset": "",
            "case_policy-TOTAL_FORMS": "0", "case_policy-INITIAL_FORMS": "0", "trays-TOTAL_FORMS": "0",
            "trays-INITIAL_FORMS": "0"})
    if path == "case policy of B (D3)":
        return client.post(f"/beheer/cases/casepolicy/{policy.pk}/change/", {
            "municipality": b.pk, "reopen_term_months": "1", "repeat_window_months": "1", "default_tray": tray.pk})
    if path == "routing preset of B (D3)":
        return client.post("/beheer/cases/casepolicy/", {"action": "install_gemeente6",
                                                         "_selected_action": [policy.pk]})
    if path == "tray of B (D3)":
        return client.post(f"/beheer/cases/tray/{tray.pk}/change/", {
            "municipality": b.pk, "code": "brief", "name": "Overgenomen", "contact_kind": tray.contact_kind,
            "end_outcome": tray.end_outcome, "is_active": "on"})
    if path == "tray capacity of B in the list (D3)":
        return client.post("/beheer/cases/tray/", {
            "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000", "form-0-id": tray.pk, "form-0-monthly_capacity": "1", "_save": "Opslaan"})
    if path.startswith("token for "):
        person = world["users"][path.removeprefix("token for ")]
        return client.post("/beheer/accounts/userapikey/add/", {"name": "exfil", "user": person.pk})
    raise AssertionError(path)


OTHER_PATHS = {
    "creditor API key (D2)": {"install"},
    "webhook (D4)": {"install"},
    "policy of B (D3)": {"fb_b"},
    "case policy of B (D3)": {"fb_b"},
    "routing preset of B (D3)": {"fb_b"},
    "tray of B (D3)": {"fb_b"},
    "tray capacity of B in the list (D3)": {"fb_b"},
    "token for shared": set(),
    "token for worker_b": {"fb_b"},
    "token for superuser": set(),
}


@pytest.mark.parametrize("path", OTHER_PATHS)
@pytest.mark.parametrize("actor", ACTORS)
def test_installation_wide_objects_and_another_municipalitys_configuration_are_out_of_reach(
        client, world, actor, path):
    login(client, world, actor)
    before = snapshot()
    response = _post_other(client, world, path)
    if actor in OTHER_PATHS[path]:
        assert response.status_code == 302, response.context and response.context.get("errors")
        assert snapshot() != before
    else:
        assert_refused(response, before)


# --- what the pickers offer (autocomplete) --------------------------------------------------------------------

@pytest.mark.parametrize("actor", ACTORS)
def test_autocomplete_offers_only_what_the_actor_sees(client, world, actor):
    login(client, world, actor)
    users = client.get("/beheer/autocomplete/", {"app_label": "signals", "model_name": "csvimport",
                                                 "field_name": "uploaded_by", "term": ""})
    towns = client.get("/beheer/autocomplete/", {"app_label": "cases", "model_name": "tray",
                                                 "field_name": "municipality", "term": ""})
    if actor not in SEES:
        assert (users.status_code, towns.status_code) == (302, 302)  # to the admin's login
        return
    names = {world["users"][key].pk: key for key in world["users"]}
    assert {names[int(row["id"])] for row in users.json()["results"]} == SEES[actor]
    codes = {world[code].pk: code for code in ("A", "B")}
    assert {codes[int(row["id"])] for row in towns.json()["results"]} == OWN_MUNICIPALITIES[actor]
