"""Every URL pattern against two municipalities and every role (ADR 0009, issue 10 point 3).

The patterns come from the URLconf itself (``get_resolver()``, recursively: the screens, ``/team/``,
``/beheer/`` and both APIs), so a new URL cannot escape: a pattern without a declared expectation, or
with a path parameter the table cannot fill, fails ``test_every_url_pattern_is_declared`` with the
route's name.

Each pattern is built with objects of municipality A (Aadorp) and requested with GET:

- by B's users in every role (Beedorp; for the creditor API: another creditor's key; for the municipal
  API: B's tokens): B never gets A's data. A URL that names one of A's objects answers 401, 403, 404,
  405 or a redirect (to the login, or the admin's "does not exist" redirect); a list answers what it
  likes but never shows A's identifying values (``A_MARKERS``).
- by A's users in every role, and anonymously: each gets the status declared for its role.

The installation administrator ("install", no municipality) is a role of A too: it gets the admin's
installation-wide objects and never A's case data (no ``A_MARKERS`` on any page it gets). Where a user of
B would still see A's data by design, ``KNOWN_GAPS`` would say so, with the reason: issue 11 (security
review D1–D5) emptied it. POST-only endpoints answer GET with 405.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework_api_key.models import APIKey

from accounts.models import Role, UserAPIKey
from accounts.services import user_token_issue
from cases.models import Case, CasePolicy, FollowUp, PeriodClose, RoutingRule, TrayAllocation
from contacts.models import CaseTask, ContactAttempt, PlannedVisit, TaskKind, TaskSource
from feedback.models import FeedbackEvent, WebhookDelivery
from feedback.services import webhook_endpoint_create
from outreach.models import MessageTemplate, OutreachPlan, PrintBatch
from shv.models import ShvRegistration
from signals.models import CsvImport, Delivery, Signal, SignalStatus
from signals.services import api_key_issue
from tests.auth import login
from tests.factories import CreditorFactory, MunicipalityFactory, UserFactory, make_case, make_signal, make_tray
from vroegsignalering.common.vocab import ContactKind, CreditorKind

# --- the roles ---------------------------------------------------------------------------------------

# "super" is a superuser (functional administrator) of A; there is no superuser of B: a superuser sees
# every municipality in /beheer/ by design (ADR 0009). "install" is the installation administrator: it
# belongs to no municipality, so it is listed once (with A's users).
ROLES = ("anon", "worker", "lead", "admin", "auditor", "creditor", "service", "install", "super", "policy", "kcc")
B_ROLES = tuple(role for role in ROLES if role not in ("anon", "super", "install"))
_ROLE_OF = {"worker": Role.VROEGSIGNALEERDER, "lead": Role.TEAMLEIDER, "admin": Role.FUNCTIONEEL_BEHEERDER,
            "auditor": Role.AUDITOR, "creditor": Role.VASTELASTENPARTNER, "service": Role.SERVICE_ACCOUNT,
            "install": Role.INSTALLATIEBEHEERDER, "super": Role.FUNCTIONEEL_BEHEERDER,
            "policy": Role.BELEIDSMEDEWERKER, "kcc": Role.KCC}

# Values that identify A's data: none may reach a user of B.
A_MARKERS = ("Aadorpsteeg 7777", "Aadorpsma", "A-GEHEIM-7", "aadorp-geheim.csv", "999990019")

# How a pattern is called: the screens with a session, the municipal API with a user's token, the
# creditor API with a creditor's key (only "anon" and "creditor" apply there).
SESSION, TOKEN, CREDITOR_KEY = "session", "token", "creditor key"


def principal_kind(route: str) -> str:
    if route.startswith("api/v1/gemeente/"):
        return TOKEN
    if route.startswith("api/v1/"):
        return CREDITOR_KEY
    return SESSION


# --- the expectations -----------------------------------------------------------------------------
# Per route the status each role of A gets (GET). Shorthand: a dict role → status, with "*" for the
# roles not named. 302 is the redirect to the login page (screens) or the admin's login.

LOGIN = 302
_SCREEN_WORKER = {"anon": LOGIN, "worker": 200, "lead": 200, "*": 403}
_SCREEN_LEAD = {"anon": LOGIN, "lead": 200, "*": 403}
_MUNICIPAL_API = {"anon": 401, "worker": 200, "lead": 200, "service": 200, "*": 403}
_CREDITOR_API = {"anon": 401, "creditor": 200}

EXPECTED: dict[str, dict[str, int]] = {
    # site-wide
    "": {"anon": LOGIN, "*": 200},
    "inloggen": {"*": 200},
    "uitloggen": {"*": 405},  # POST only (Django's LogoutView)
    # the worker's screens; GET on an action redirects to the case page (its form is on that page)
    "werkvoorraad": _SCREEN_WORKER,
    "meldingen/<int:pk>": {"anon": LOGIN, "worker": 200, "lead": 200, "*": 404},
    "meldingen/<int:pk>/contactpoging": {"anon": LOGIN, "worker": 302, "lead": 302, "*": 404},
    "meldingen/<int:pk>/contactpogingen/<int:attempt_pk>/reactie": {"anon": LOGIN, "worker": 302, "lead": 302,
                                                                    "*": 404},
    "meldingen/<int:pk>/sluiten": {"anon": LOGIN, "worker": 302, "lead": 302, "*": 404},
    "meldingen/<int:pk>/heropenen": {"anon": LOGIN, "worker": 302, "lead": 302, "*": 404},
    "meldingen/<int:pk>/vervolgcontacten/<int:follow_up_pk>": {"anon": LOGIN, "worker": 302, "lead": 302,
                                                               "*": 404},
    "meldingen/<int:pk>/contactgegevens": {"anon": LOGIN, "worker": 302, "lead": 302, "*": 404},
    # fallout
    "uitval": _SCREEN_WORKER,
    "uitval/<int:signal_pk>": _SCREEN_WORKER,
    # the CSV import: creditor staff (their creditor's) and functional administrators (the uploads limited to
    # their own municipalities: A's object is an upload of A's administrator for A, on behalf of A's creditor)
    "signalen/importeren": {"anon": LOGIN, "admin": 200, "super": 200, "creditor": 200, "*": 403},
    "signalen/importeren/voorbeeld.csv": {"anon": LOGIN, "*": 200},  # the example file: no one's data
    "signalen/importeren/<uuid:import_id>": {"anon": LOGIN, "admin": 200, "super": 200, "creditor": 200,
                                             "*": 403},
    "signalen/importeren/<uuid:import_id>/status": {"anon": LOGIN, "admin": 200, "super": 200, "creditor": 200,
                                                    "*": 403},
    "signalen/importeren/<uuid:import_id>/resultaten.csv": {"anon": LOGIN, "admin": 200, "super": 200,
                                                            "creditor": 200, "*": 403},
    # the team lead's screens
    "team/": _SCREEN_LEAD,
    "team/toewijzen": _SCREEN_LEAD,
    "team/capaciteit": _SCREEN_LEAD,
    "team/huisbezoeken": _SCREEN_LEAD,
    "team/huisbezoeken/afdrukken": _SCREEN_LEAD,
    "team/huisbezoeken/<int:pk>/annuleren": {"anon": LOGIN, "*": 405},  # POST only
    "team/dashboard": _SCREEN_LEAD,
    # the municipal API (token)
    "api/v1/gemeente/meldingen": _MUNICIPAL_API,
    "api/v1/gemeente/meldingen/<gemeente_id:meldingId>": _MUNICIPAL_API,
    "api/v1/gemeente/meldingen/<gemeente_id:meldingId>/contactpogingen":
        {"anon": 401, "worker": 405, "lead": 405, "service": 405, "*": 403},  # POST only
    "api/v1/gemeente/meldingen/<gemeente_id:meldingId>/contactpogingen/<gemeente_id:contactpogingId>":
        _MUNICIPAL_API,
    "api/v1/gemeente/meldingen/<gemeente_id:meldingId>/contactpogingen/<gemeente_id:contactpogingId>/reactie":
        {"anon": 401, "worker": 405, "lead": 405, "service": 405, "*": 403},  # POST only
    "api/v1/gemeente/meldingen/<gemeente_id:meldingId>/afsluiting":
        {"anon": 401, "worker": 405, "lead": 405, "service": 405, "*": 403},  # POST only
    "api/v1/gemeente/meldingen/<gemeente_id:meldingId>/heropening":
        {"anon": 401, "worker": 405, "lead": 405, "service": 405, "*": 403},  # POST only
    "api/v1/gemeente/meldingen/<gemeente_id:meldingId>/toewijzing":
        {"anon": 401, "worker": 405, "lead": 405, "service": 405, "*": 403},  # PUT only
    "api/v1/gemeente/bakjes": _MUNICIPAL_API,
    # the creditor API (key)
    "api/v1/leveringen": {"anon": 401, "creditor": 405},  # POST only
    "api/v1/leveringen/<uuid:leveringId>": _CREDITOR_API,
    "api/v1/signalen": {"anon": 401, "creditor": 405},  # POST only
    "api/v1/signalen/<signaal_id:signaalId>": _CREDITOR_API,
    "api/v1/terugkoppelingen": _CREDITOR_API,
    "api/v1/inspanningen": {"anon": 401, "creditor": 400},  # needs gemeentecode and maand
    "api/v1/openapi.json": {"anon": 200, "creditor": 200},  # the public contract
    # the admin's own pages
    "beheer/": {"anon": LOGIN, "admin": 200, "install": 200, "super": 200, "*": LOGIN},
    "beheer/login/": {"anon": 200, "admin": 302, "install": 302, "super": 302, "*": 200},
    "beheer/logout/": {"admin": 405, "install": 405, "super": 405, "*": LOGIN},  # POST only
    "beheer/password_change/": {"anon": LOGIN, "admin": 200, "install": 200, "super": 200, "*": LOGIN},
    "beheer/password_change/done/": {"anon": LOGIN, "admin": 200, "install": 200, "super": 200, "*": LOGIN},
    "beheer/autocomplete/": {"anon": LOGIN, "admin": 403, "install": 403, "super": 403, "*": LOGIN},  # parameters
    "beheer/jsi18n/": {"anon": LOGIN, "admin": 200, "install": 200, "super": 200, "*": LOGIN},
    "beheer/r/<path:content_type_id>/<path:object_id>/": {"admin": 404, "install": 404, "super": 404,
                                                          "*": LOGIN},  # no public URLs
    "beheer/(?P<url>.*)$": {"anon": LOGIN, "admin": 404, "install": 404, "super": 404, "*": LOGIN},
    # A's worker: not the installation administrator's to manage (404: not found in its users)
    "beheer/accounts/user/<id>/password/": {"anon": LOGIN, "admin": 200, "install": 404, "super": 200, "*": LOGIN},
}

# --- the audit trail (issue 11, item 3): only auditors read it; every other role is refused (403) ----------
EXPECTED.update({
    "audit": {"anon": LOGIN, "auditor": 200, "*": 403},
    "audit/export.csv": {"anon": LOGIN, "auditor": 200, "*": 403},
})

# --- the inzage report (issue 12, item 5): a municipality's functional administrators only; the downloads make the
# report of the search kept in the session, so without one they send the administrator back to the form -------
EXPECTED.update({
    "privacy/inzage": {"anon": LOGIN, "admin": 200, "super": 200, "*": 403},
    "privacy/inzage/rapport.json": {"anon": LOGIN, "admin": 302, "super": 302, "*": 403},
    "privacy/inzage/rapport.pdf": {"anon": LOGIN, "admin": 302, "super": 302, "*": 403},
})

# --- the purge reports (issue 12, item 4): functional administrators, their own municipalities' counts only ----
EXPECTED.update({
    "privacy/opschoning": {"anon": LOGIN, "admin": 200, "super": 200, "*": 403},
})


# --- the DDAS v1.2 download (issue 12): a functional administrator, for their own municipalities only ----------
# (B's administrator gets the form without A: posting A's code is refused, tests/monitor/test_ddas.py)
EXPECTED.update({
    "monitor/ddas/": {"anon": LOGIN, "admin": 200, "super": 200, "*": 403},
})


# --- the monitor (issue 12): the figures of one's own municipalities, for team leads, functional administrators
# and policy officers ("policy"); a user of B gets B's figures (a municipality of A in the address: 400) ------
_MONITOR = {"anon": LOGIN, "lead": 200, "admin": 200, "super": 200, "policy": 200, "*": 403}
EXPECTED.update({
    "monitor/": _MONITOR,
    "monitor/cijfers.csv": _MONITOR,
    "monitor/cijfers.xlsx": _MONITOR,
})


# --- the call centre (issue 13): the KCC's search (POSTed; a GET shows the empty form) and "inwoner belde" (POST
# only), the team lead's call list for an external call centre and its results (POST only), and the call list
# through the municipal API. B's KCC searching A's address: tests/kcc and test_kcc_search_of_b_finds_nothing_of_a.
EXPECTED.update({
    "kcc/": {"anon": LOGIN, "kcc": 200, "*": 403},
    "kcc/belde": {"anon": LOGIN, "*": 405},  # POST only
    "team/bellijst": _SCREEN_LEAD,
    "team/bellijst/export.csv": _SCREEN_LEAD,
    "team/bellijst/export.xlsx": _SCREEN_LEAD,
    "team/bellijst/resultaten": {"anon": LOGIN, "*": 405},  # POST only
    "api/v1/gemeente/bellijst": _MUNICIPAL_API,
})


# --- reaching the resident (issue 13): the case's plan (fragment and stop form), the worker's tasks, a case found
# by the reference a resident quotes, the functional administrator's plans, texts and print batches (team leads
# look at the batches), and Notify's delivery callback (POST only, a bearer token: no session) ----------------
_ADMIN_SCREEN = {"anon": LOGIN, "admin": 200, "super": 200, "*": 403}
_BATCHES = {"anon": LOGIN, "admin": 200, "super": 200, "lead": 200, "*": 403}
EXPECTED.update({
    "meldingen/<int:pk>/benadering": {"anon": LOGIN, "worker": 200, "lead": 200, "*": 404},
    "meldingen/<int:pk>/benadering/stoppen": {"anon": LOGIN, "*": 405},  # POST only
    "meldingen/kenmerk": _SCREEN_WORKER,
    "taken": _SCREEN_WORKER,
    "benaderingsplannen": _ADMIN_SCREEN,
    "benaderingsplannen/nieuw": _ADMIN_SCREEN,
    "benaderingsplannen/<int:pk>": _ADMIN_SCREEN,
    "benadering/teksten/": _ADMIN_SCREEN,
    "benadering/teksten/standaard/": {"anon": LOGIN, "*": 405},  # POST only
    "benadering/teksten/<int:template_id>/": _ADMIN_SCREEN,
    "benadering/teksten/<int:template_id>/voorbeeld/": {"anon": LOGIN, "*": 405},  # POST only
    "benadering/teksten/<int:template_id>/voorbeeld.pdf": {"anon": LOGIN, "*": 405},  # POST only
    "benadering/printbatches/": _BATCHES,
    "benadering/printbatches/starten/": {"anon": LOGIN, "*": 405},  # POST only
    "benadering/printbatches/<int:batch_id>/": _BATCHES,
    "benadering/printbatches/<int:batch_id>/status/": _BATCHES,
    "benadering/printbatches/<int:batch_id>/pdf/": _ADMIN_SCREEN,
    "benadering/printbatches/<int:batch_id>/afgeven/": {"anon": LOGIN, "*": 405},  # POST only
    "koppelingen/notify/afleverstatus": {"*": 405},  # POST only, Notify's bearer token
    "benadering/instellingen": _ADMIN_SCREEN,
})


# Who administers a model in /beheer/ (accounts.admin_mixins): "municipal" (a municipality's functional
# administrator, their own municipalities' rows), "installation" (the installation administrator, every
# row), "both" (users and municipalities: each administrator its own part) or "django" (Django's own
# models: superusers only).
ADMINISTERED_BY = {"municipal": {"admin"}, "installation": {"install"}, "both": {"admin", "install"},
                   "django": set()}


@dataclass(frozen=True)
class AdminModel:
    """How an admin class treats A's object: who administers it (``kind``, see ``ADMINISTERED_BY``), who may
    add (``add``: roles), ``read_only`` (the change page shows the object without a form: still 200; nobody
    deletes), and for kind "both" whether the installation administrator sees A's object (``install_sees``)."""

    kind: str
    add: tuple[str, ...] = ("admin", "super")
    read_only: bool = False
    install_sees: bool = False


_READ_ONLY = {"add": (), "read_only": True}
_INSTALLATION = {"kind": "installation", "add": ("install", "super")}

# Every model registered in /beheer/ (a newly registered model fails the test until it is listed).
ADMIN_MODELS: dict[str, AdminModel] = {
    "auth.group": AdminModel(kind="django", add=("super",)),
    "rest_framework_api_key.apikey": AdminModel(kind="django", add=("super",)),
    "accounts.user": AdminModel(kind="both", add=("admin", "install", "super")),  # A's worker: the admin's
    "accounts.userapikey": AdminModel(kind="municipal"),
    "accounts.municipality": AdminModel(kind="both", add=("install", "super"), install_sees=True),
    "signals.creditor": AdminModel(**_INSTALLATION),
    "signals.creditorapikey": AdminModel(**_INSTALLATION),
    "signals.delivery": AdminModel(kind="municipal", **_READ_ONLY),  # of an import the admin sees
    "signals.signal": AdminModel(kind="municipal", **_READ_ONLY),
    "signals.csvimport": AdminModel(kind="municipal", **_READ_ONLY),
    "cases.tray": AdminModel(kind="municipal"),
    "cases.routingrule": AdminModel(kind="municipal"),
    "cases.trayallocation": AdminModel(kind="municipal"),
    "cases.casepolicy": AdminModel(kind="municipal"),
    "cases.periodclose": AdminModel(kind="municipal", **_READ_ONLY),
    "cases.case": AdminModel(kind="municipal", **_READ_ONLY),
    "contacts.contactattempt": AdminModel(kind="municipal", **_READ_ONLY),
    "feedback.feedbackevent": AdminModel(kind="municipal", **_READ_ONLY),
    "feedback.webhookendpoint": AdminModel(**_INSTALLATION),
    "feedback.webhookdelivery": AdminModel(kind="municipal", **_READ_ONLY),
    "shv.shvregistration": AdminModel(kind="municipal", **_READ_ONLY),
}

# (route, role) where a user of B gets A's data, and why. Issue 11 fixed the admin and CSV-import gaps of
# the security review (D1–D5); keep it empty.
KNOWN_GAPS: dict[tuple[str, str], str] = {}

# --- sign-in (issue 11, item 2: the "signin" part; kept apart from the tenancy rows above) ----------------
# the app index (of "cases" here): the installation administrator has no model there
APP_INDEX = {"anon": LOGIN, "admin": 200, "install": 404, "super": 200, "*": LOGIN}
_SIGNED_IN = {"anon": LOGIN, "*": 200}
EXPECTED.update({
    # /beheer/login/ sends everyone to /inloggen (the one login, with the second factor and the lockout)
    "beheer/login/": {"*": 302},
    "opnieuw-inloggen": _SIGNED_IN,
    "wachtwoord-wijzigen": _SIGNED_IN,
    "wachtwoord-gewijzigd": _SIGNED_IN,
    "tweestapsverificatie": _SIGNED_IN,
    "tweestapsverificatie/instellen": {"anon": LOGIN, "*": 302},  # already set up: on to "ingesteld"
    "tweestapsverificatie/qr-code": {"anon": LOGIN, "*": 302},  # only during the set-up of a first device
    "tweestapsverificatie/ingesteld": _SIGNED_IN,
    "tweestapsverificatie/herstelcodes": _SIGNED_IN,
    "inloggen/code": _SIGNED_IN,
    "inloggen/sso": {"*": 404},  # single sign-on is off unless OIDC_RP_CLIENT_ID is set
    "inloggen/sso/terug": {"*": 404},
})
# login lockout and second-factor devices: the installation administrator's (accounts/admin_auth.py)
_SIGN_IN_ADMIN = {"kind": "installation", "add": ()}
ADMIN_MODELS.update({
    "axes.accessattempt": AdminModel(**_SIGN_IN_ADMIN),
    "axes.accessfailurelog": AdminModel(**_SIGN_IN_ADMIN),
    "otp_totp.totpdevice": AdminModel(**_SIGN_IN_ADMIN),
    "otp_static.staticdevice": AdminModel(**_SIGN_IN_ADMIN),
})


def sign_in_admin_objects(side) -> dict:
    """A's objects of the sign-in admin models (a lockout of A's worker, A's worker's devices)."""
    from axes.models import AccessAttempt, AccessFailureLog
    from django_otp.plugins.otp_static.models import StaticDevice

    from tests.auth import totp_device

    worker, now = side.users["worker"], timezone.now()
    return {
        "axes.accessattempt": AccessAttempt.objects.create(
            username="aadorp-onbekend", ip_address="192.0.2.7", user_agent="test", attempt_time=now,
            failures_since_start=5, get_data="", post_data="", http_accept="*/*", path_info="/inloggen"),
        "axes.accessfailurelog": AccessFailureLog.objects.create(
            username="aadorp-onbekend", ip_address="192.0.2.7", user_agent="test", attempt_time=now,
            http_accept="*/*", path_info="/inloggen"),
        "otp_totp.totpdevice": totp_device(worker),
        "otp_static.staticdevice": StaticDevice.objects.create(user=worker, name="backup"),
    }


# --- end of sign-in -------------------------------------------------------------------------------------

_ADMIN_ROUTE = re.compile(r"^beheer/(?P<app>[a-z_]+)/(?P<model>[a-z_]+)/(?P<rest>.*)$")


def _admin_page(row: AdminModel, role: str, rest: str) -> int:
    """What an administrator in ``role`` ("admin", "install" or "super") gets on one admin page of A's object."""
    may_view = role == "super" or role in ADMINISTERED_BY[row.kind]
    sees = role == "super" or (may_view and (role == "admin" or row.kind == "installation" or row.install_sees))
    if rest == "":
        return 200 if may_view else 403
    if rest == "add/":
        return 200 if role in row.add else 403
    if rest == "<path:object_id>/delete/":  # deleting is for superusers, and never history or read-only rows
        return 200 if role == "super" and not row.read_only else 403
    if rest == "<path:object_id>/":
        return 302  # redirects to the change page
    if may_view:  # change and history: the object, or the admin's "does not exist" redirect
        return 200 if sees else 302
    # Not this role's model: the change page refuses; the history redirects when the scoped rows hide the
    # object (Django's own models are not scoped: refused).
    return 403 if rest.endswith("change/") or row.kind == "django" else 302


def admin_expectation(route: str) -> dict[str, int] | None:
    """The expectation of a generated admin route (changelist, add, change, history, delete, the bare
    object URL), from the model's ``ADMIN_MODELS`` row; None when the model is not listed."""
    match = _ADMIN_ROUTE.match(route)
    if not match:
        return None
    row = ADMIN_MODELS.get(f"{match['app']}.{match['model']}")
    rest = match["rest"]
    if row is None or rest not in ("", "add/", "<path:object_id>/change/", "<path:object_id>/history/",
                                   "<path:object_id>/delete/", "<path:object_id>/"):
        return None
    return {"anon": LOGIN, "*": LOGIN, **{role: _admin_page(row, role, rest) for role in ("admin", "install", "super")}}


def is_app_index(route: str) -> bool:
    """The admin's page per app (its pattern lists the app labels that have a registered model)."""
    return route.startswith("beheer/^(?P<app_label>")


def expectation(route: str) -> dict[str, int] | None:
    if is_app_index(route):
        return APP_INDEX
    return EXPECTED.get(route) or admin_expectation(route)


def expected_status(route: str, role: str) -> int:
    table = expectation(route)
    return table.get(role, table.get("*"))


# --- the URLconf ---------------------------------------------------------------------------------------


def url_patterns() -> list[tuple[str, URLPattern]]:
    """Every pattern of the URLconf with its full route, recursively (includes, the admin)."""
    found = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, prefix + str(entry.pattern))
            else:
                found.append((prefix + str(entry.pattern), entry))

    walk(get_resolver(), "")
    return found


_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<group>[a-z_]+)>[^)]*\)")


def fill(route: str, values: dict[str, str]) -> str:
    """The route with its parameters filled in from ``values`` (KeyError: a parameter nobody declared)."""
    def one(match):
        name = match["name"] or match["group"]
        return str(values[name])

    return "/" + _PARAM.sub(one, route.replace("^", "").replace("$", ""))


# --- the two municipalities -----------------------------------------------------------------------------


@dataclass
class Side:
    municipality: object
    users: dict  # role → user
    creditor: object
    creditor_key: str
    tokens: dict  # role → municipal API token


def _token(user) -> str:
    if user.role in (Role.VROEGSIGNALEERDER, Role.TEAMLEIDER, Role.SERVICE_ACCOUNT):
        return user_token_issue(user=user, name="tenancy")[1]
    return UserAPIKey.objects.create_key(name="tenancy", user=user)[1]  # as if the role changed after issuing


def _side(letter: str, code: str, name: str, *, superuser: bool) -> Side:
    municipality = MunicipalityFactory(cbs_code=code, name=name)
    creditor = CreditorFactory(name=f"Partij {name}", kinds=[CreditorKind.ZORGVERZEKERING])
    users = {}
    for role, value in _ROLE_OF.items():
        if role in ("super", "install") and not superuser:
            continue
        extra = ({"creditor": creditor} if role == "creditor" else {} if role == "install"
                 else {"municipalities": [municipality]})
        users[role] = UserFactory(username=f"{role}_{letter}", role=value, is_superuser=role == "super",
                                  is_staff=role in ("admin", "super"), **extra)
    tokens = {role: _token(user) for role, user in users.items()}
    return Side(municipality, users, creditor, api_key_issue(creditor=creditor, name="tenancy")[1], tokens)


@dataclass
class World:
    a: Side
    b: Side
    values: dict  # path parameter → value (A's objects)
    admin_objects: dict  # "app.model" → A's object


def build_world() -> World:
    a = _side("a", "0111", "Aadorp", superuser=True)
    b = _side("b", "0222", "Beedorp", superuser=False)
    now = timezone.now()
    tray = make_tray(a.municipality, "brief", "Brief")
    case = make_case(a.municipality, tray=tray, kinds=[CreditorKind.ZORGVERZEKERING], assigned_to=a.users["worker"])
    Case.objects.filter(pk=case.pk).update(address="Aadorpsteeg 7777, 1000 AB Aadorp")
    in_case = Signal.objects.get(case_link__case=case)
    delivery = Delivery.objects.create(creditor=a.creditor)
    Signal.objects.filter(pk=in_case.pk).update(surname="Aadorpsma", creditor=a.creditor, delivery=delivery,
                                                signal_id="A-GEHEIM-7")
    in_case.refresh_from_db()
    fallout = make_signal(a.municipality, status=SignalStatus.UITVAL, creditor=a.creditor, at=77)
    Signal.objects.filter(pk=fallout.pk).update(surname="Aadorpsma", brp_evidence={
        "uitkomst": "niet_gevonden", "uitkomst_omschrijving": "Niet gevonden op het adres", "kandidaten": [],
        "bevragingen": []})
    attempt = ContactAttempt.objects.create(case=case, kind=ContactKind.BRIEF, at=now, dagdeel="Ochtend",
                                            registered_at=now, by=a.users["worker"])
    follow_up = FollowUp.objects.create(case=case, due_on=now.date(), created_at=now)
    # issue 13: A's case on the external call list (its resident's name is one of A_MARKERS)
    CaseTask.objects.create(case=case, kind=TaskKind.BELLEN, source=TaskSource.PLAN, external=True,
                            due_date=timezone.localdate(), created_at=now)
    visit = PlannedVisit.objects.create(case=case, worker=a.users["worker"], date=now.date(), dagdeel="Ochtend",
                                        planned_by=a.users["lead"], planned_at=now)
    csv_import = CsvImport.objects.create(creditor=a.creditor, uploaded_by=a.users["admin"],
                                          file_name="aadorp-geheim.csv", content=b"", state=CsvImport.State.KLAAR,
                                          results=[{"regel": 2, "signaalId": "A-GEHEIM-7", "status": "ontvangen"}])
    csv_import.municipalities.set([a.municipality])  # an administrator's upload: limited to A
    csv_import.deliveries.add(delivery)
    event = FeedbackEvent.objects.create(signal=in_case, creditor=a.creditor, municipality=a.municipality,
                                         code="hulp_geaccepteerd", issued_at=now, date=now.date(), seq=1)
    endpoint, _ = webhook_endpoint_create(creditor=a.creditor, url="https://aadorp.example/hook")
    webhook_delivery = WebhookDelivery.objects.create(endpoint=endpoint, event=event, seq=1, created_at=now,
                                                      next_attempt_at=now)
    rule = RoutingRule.objects.create(municipality=a.municipality, position=1, name="Alles", tray=tray)
    allocation = TrayAllocation.objects.create(municipality=a.municipality, target=tray, source=tray)
    policy = CasePolicy.objects.create(municipality=a.municipality, default_tray=tray)
    period = PeriodClose.objects.create(municipality=a.municipality, period_start=now.date().replace(day=1),
                                        period_end=now.date(), closed_at=now)
    shv = ShvRegistration.objects.create(municipality=a.municipality, bsn="999990019", product="schuldregeling",
                                         start_date=dt.date(2026, 1, 1), imported_at=now, source="aadorp.csv")
    group = Group.objects.create(name="Aadorp-groep")
    generic_key = APIKey.objects.create_key(name="aadorp")[0]
    admin_objects = {
        "auth.group": group, "rest_framework_api_key.apikey": generic_key, "accounts.user": a.users["worker"],
        "accounts.userapikey": UserAPIKey.objects.filter(user=a.users["worker"]).first(),
        "accounts.municipality": a.municipality, "signals.creditor": a.creditor,
        "signals.creditorapikey": a.creditor.api_keys.first(), "signals.delivery": in_case.delivery,
        "signals.signal": in_case, "signals.csvimport": csv_import, "cases.tray": tray, "cases.routingrule": rule,
        "cases.trayallocation": allocation, "cases.casepolicy": policy, "cases.periodclose": period,
        "cases.case": case, "contacts.contactattempt": attempt, "feedback.feedbackevent": event,
        "feedback.webhookendpoint": endpoint, "feedback.webhookdelivery": webhook_delivery,
        "shv.shvregistration": shv,
    }
    admin_objects.update(sign_in_admin_objects(a))  # issue 11: the sign-in admin models
    values = {
        "pk": case.pk, "attempt_pk": attempt.pk, "follow_up_pk": follow_up.pk, "signal_pk": fallout.pk,
        "import_id": csv_import.pk, "meldingId": case.pk, "contactpogingId": attempt.pk,
        "leveringId": in_case.delivery_id, "signaalId": in_case.signal_id, "id": a.users["worker"].pk,
        "content_type_id": ContentType.objects.get_for_model(Case).pk, "app_label": "cases", "url": "onbekend/",
    }
    # A's visit: the only "pk" that is not a case.
    values["team/huisbezoeken/<int:pk>/annuleren:pk"] = visit.pk
    # A's outreach plan, text and print batch (issue 13)
    plan = OutreachPlan.objects.create(municipality=a.municipality, position=1, name="Aadorp-plan")
    values["benaderingsplannen/<int:pk>:pk"] = plan.pk
    template = MessageTemplate.objects.create(municipality=a.municipality, channel="sms", target_group="algemeen",
                                              body="Bel ons, kenmerk {{ kenmerk }}.", edited_at=now)
    batch = PrintBatch.objects.create(municipality=a.municipality, created_at=now, progress_at=now, state="klaar",
                                      pdf=b"%PDF-1.7 Aadorp", pdf_size=15)
    values.update(template_id=template.pk, batch_id=batch.pk)
    assert case.amount == Decimal("250.00")
    return World(a, b, values, admin_objects)


def path_for(world: World, route: str) -> str:
    values = dict(world.values)
    for key, value in world.values.items():
        if key.startswith(f"{route}:"):
            values[key.split(":")[-1]] = value
    match = _ADMIN_ROUTE.match(route)
    if match and "<path:object_id>" in route:
        values["object_id"] = world.admin_objects[f"{match['app']}.{match['model']}"].pk
    elif "<path:object_id>" in route:  # view_on_site
        values["object_id"] = world.values["meldingId"]
    return fill(route, values)


_clients: dict = {}


def client_for(side: Side, role: str, kind: str) -> Client | None:
    """The (cached) client of ``side`` in ``role``; see ``_client``."""
    key = (id(side), role, kind)
    if key not in _clients:
        _clients[key] = _client(side, role, kind)
    return _clients[key]


def _client(side: Side, role: str, kind: str) -> Client | None:
    """A client of ``side`` in ``role`` with the credentials the pattern takes; None: the role has none."""
    if kind == CREDITOR_KEY:
        if role == "anon":
            return Client(raise_request_exception=False)
        return Client(raise_request_exception=False, HTTP_X_API_KEY=side.creditor_key) if role == "creditor" else None
    if role == "anon":
        return Client(raise_request_exception=False)
    if role not in side.users:
        return None
    if kind == TOKEN:
        return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {side.tokens[role]}")
    client = Client(raise_request_exception=False)
    login(client, side.users[role])
    return client


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


# --- the tests --------------------------------------------------------------------------------------------


def test_every_url_pattern_is_declared():
    """A new URL (or admin model) must declare what each role gets, and its path parameters must be
    fillable: otherwise it could escape the tenancy check."""
    problems = []
    fake = {name: 1 for name in ("pk", "attempt_pk", "follow_up_pk", "signal_pk", "import_id", "meldingId",
                                 "contactpogingId", "leveringId", "signaalId", "id", "content_type_id",
                                 "object_id", "app_label", "url", "template_id", "batch_id")}
    for route, _ in url_patterns():
        if expectation(route) is None:
            problems.append(f"no expectation declared for URL pattern {route!r}: add it to EXPECTED "
                            f"(or its model to ADMIN_MODELS) in tests/test_url_tenancy.py")
        try:
            fill(route, fake)
        except KeyError as missing:
            problems.append(f"URL pattern {route!r}: no value for path parameter {missing}: add it to "
                            f"build_world().values in tests/test_url_tenancy.py")
    for label in (f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry):
        if label not in ADMIN_MODELS:
            problems.append(f"admin model {label} has no row in ADMIN_MODELS")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_no_url_shows_one_municipality_to_another_and_each_role_gets_what_it_may():
    world = build_world()
    _clients.clear()
    problems = []
    matrix = []
    for route, _ in url_patterns():
        table = expectation(route)
        if table is None:
            continue  # reported by test_every_url_pattern_is_declared
        kind = principal_kind(route)
        path = path_for(world, route)
        names_an_object = bool(_PARAM.search(route)) and route != "beheer/(?P<url>.*)$" and not is_app_index(route)
        # A's users: what their role allows.
        for role in ROLES:
            client = client_for(world.a, role, kind)
            if client is None:
                continue
            response = client.get(path)
            status = response.status_code
            matrix.append((route, "A", role, status))
            expected = expected_status(route, role)
            if status != expected:
                problems.append(f"A/{role:8} GET {path} ({route}): {status}, expected {expected}")
            if role == "install":  # the installation administrator sees no case data
                body = _body(response)
                shown = [marker for marker in A_MARKERS if marker in body and marker not in path]
                if shown:
                    problems.append(f"A/install  GET {path} ({route}): {response.status_code} shows A's {shown}")
        # B's users: never A's data.
        for role in B_ROLES:
            client = client_for(world.b, role, kind)
            if client is None:
                continue
            response = client.get(path)
            body = _body(response)
            matrix.append((route, "B", role, response.status_code))
            gap = KNOWN_GAPS.get((route, role))
            shown = [marker for marker in A_MARKERS if marker in body and marker not in path]  # not echoed
            if gap:
                if response.status_code != 200:
                    problems.append(f"B/{role:8} GET {path}: {response.status_code}; KNOWN_GAPS says B still "
                                    f"sees A's data here ({gap}): fixed? Remove the entry.")
                continue
            if shown:
                problems.append(f"B/{role:8} GET {path} ({route}): {response.status_code} shows A's {shown}")
            if names_an_object and response.status_code == 200:
                problems.append(f"B/{role:8} GET {path} ({route}): 200 for A's object")
    if os.environ.get("TENANCY_MATRIX"):  # write what every role got, for a person to read
        with open(os.environ["TENANCY_MATRIX"], "w") as out:
            out.writelines(f"{side} {role:8} {status} {route}\n" for route, side, role, status in matrix)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_kcc_search_of_b_finds_nothing_of_a():
    """Issue 13: B's call centre searching A's address or A's resident gets "geen lopende melding" and none of
    A's data; A's call centre finds the case (the search is POSTed, so the GET walk above cannot show it)."""
    world = build_world()
    Signal.objects.filter(case_link__case_id=world.values["pk"]).update(bsn="999990019")
    Case.objects.filter(pk=world.values["pk"]).update(address_key="1000AB|7777||")
    searches = ({"postcode": "1000AB", "huisnummer": "7777"}, {"bsn": "999990019"})
    for data in searches:
        client = Client(raise_request_exception=False)
        login(client, world.b.users["kcc"])
        body = _body(client.post("/kcc/", data))
        assert "Geen lopende melding" in body
        assert not [marker for marker in A_MARKERS if marker in body]
        client = Client(raise_request_exception=False)
        login(client, world.a.users["kcc"])
        assert "Er is een lopende melding" in _body(client.post("/kcc/", data))
