"""The hardened web surface (issue 11 item 4, security review D12) on every URL pattern of the URLconf.

The patterns and the objects to fill them come from tests/test_url_tenancy.py (``url_patterns()`` walks
``get_resolver()``; every new pattern must be declared there), so a new screen or API answer is checked here
without being named. Each pattern is requested by municipality A's users in every role and anonymously, over
https with the production transport settings, and every answer must carry:

- a Content-Security-Policy without 'unsafe-inline'/'unsafe-eval', with ``frame-ancestors 'none'``,
  ``object-src 'none'`` and ``base-uri 'none'``; in HTML, every inline <script>/<style> carries the
  header's nonce, and there is no ``style="…"`` or ``on…="…"`` attribute (the screens: a nonce always);
- X-Content-Type-Options, Referrer-Policy, Permissions-Policy, X-Frame-Options, HSTS;
- ``Cache-Control: no-store`` (personal data never lands in a browser or proxy cache).

Over plain http each pattern redirects to https (except the health check's OpenAPI document).
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import get_template
from django.test import Client

from tests.auth import login
from tests.factories import UserFactory
from tests.test_url_tenancy import (
    ROLES,
    _clients,
    build_world,
    client_for,
    expected_status,
    path_for,
    principal_kind,
    url_patterns,
)

YEAR = 365 * 24 * 3600
DENIED_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb")


@pytest.fixture
def production_transport(settings):
    """The transport settings production runs with (ENVIRONMENT=production; the tests run in development)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = YEAR
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    _clients.clear()  # clients made now load the middleware with these settings
    yield settings
    _clients.clear()


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in filter(None, (p.strip() for p in header.split(";"))):
        name, *values = part.split()
        directives[name] = values
    return directives


class _Inline(HTMLParser):
    """Inline scripts and styles (with their nonce) and inline style/event-handler attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, str | None, bool]] = []  # (tag, nonce, external)
        self.attributes: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "style"):
            self.elements.append((tag, attributes.get("nonce"), tag == "script" and "src" in attributes))
        for name in attributes:
            if name == "style" or name.startswith("on"):
                self.attributes.append(f"<{tag} {name}=…>")


def header_problems(response, *, screen_page: bool) -> list[str]:
    problems = []
    h = response.headers
    csp = policy(response)
    if not csp:
        return ["no Content-Security-Policy"]
    for directive, required in (("default-src", "'self'"), ("frame-ancestors", "'none'"),
                                ("object-src", "'none'"), ("base-uri", "'none'"), ("form-action", "'self'")):
        if csp.get(directive) != [required]:
            problems.append(f"CSP {directive} is {csp.get(directive)}, expected {required}")
    for directive in ("script-src", "style-src"):
        values = csp.get(directive, [])
        if "'self'" not in values or any(v in ("'unsafe-inline'", "'unsafe-eval'", "*") for v in values):
            problems.append(f"CSP {directive} is {values}")
    if h.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if h.get("Referrer-Policy") != "same-origin":
        problems.append(f"Referrer-Policy {h.get('Referrer-Policy')!r}")
    permissions = h.get("Permissions-Policy", "")
    problems += [f"Permissions-Policy allows {f}" for f in DENIED_FEATURES if f"{f}=()" not in permissions]
    if h.get("X-Frame-Options") != "DENY":
        problems.append(f"X-Frame-Options {h.get('X-Frame-Options')!r}")
    if h.get("Strict-Transport-Security") != f"max-age={YEAR}; includeSubDomains; preload":
        problems.append(f"Strict-Transport-Security {h.get('Strict-Transport-Security')!r}")
    if "no-store" not in h.get("Cache-Control", ""):
        problems.append(f"Cache-Control {h.get('Cache-Control')!r}, expected no-store")
    if h.get("Content-Type", "").startswith("text/html") and not getattr(response, "streaming", False):
        nonces = [v[len("'nonce-"):-1] for v in csp.get("script-src", []) if v.startswith("'nonce-")]
        nonce = nonces[0] if nonces else None
        if screen_page and (nonce is None or f"'nonce-{nonce}'" not in csp.get("style-src", [])):
            problems.append("a screen without a nonce in script-src and style-src")
        parser = _Inline()
        parser.feed(response.content.decode("utf-8", "replace"))
        for tag, element_nonce, external in parser.elements:
            if not external and (nonce is None or element_nonce != nonce):
                problems.append(f"inline <{tag}> without the header's nonce")
            if external and element_nonce is not None and element_nonce != nonce:
                problems.append(f"<{tag} src> with a nonce other than the header's")
        problems += [f"inline attribute {a} (blocked by the policy)" for a in sorted(set(parser.attributes))]
    return problems


@pytest.mark.django_db
def test_every_answer_to_every_role_carries_the_hardening_headers(production_transport):
    world = build_world()
    problems, answers, screens = [], 0, 0
    for route, _ in url_patterns():
        path = path_for(world, route)
        for role in ROLES:
            client = client_for(world.a, role, principal_kind(route))
            if client is None:
                continue
            response = client.get(path, secure=True)
            answers += 1
            body_start = response.content[:2000] if not getattr(response, "streaming", False) else b""
            screen_page = response.status_code == 200 and b'name="htmx-config"' in body_start
            screens += screen_page
            problems += [f"{role:8} GET {path} ({response.status_code}): {p}"
                         for p in header_problems(response, screen_page=screen_page)]
    assert answers > 300 and screens > 20, (answers, screens)  # the sample really covers the site
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_plain_http_redirects_to_https_except_the_health_check(production_transport):
    world = build_world()
    client = Client(raise_request_exception=False)
    problems = []
    for route, _ in url_patterns():
        path = path_for(world, route)
        response = client.get(path)
        if route == "api/v1/openapi.json":  # the container's health check asks it over http
            if response.status_code != 200:
                problems.append(f"GET {path}: {response.status_code}, expected 200 (SECURE_REDIRECT_EXEMPT)")
            continue
        if response.status_code != 301 or response["Location"] != f"https://testserver{path}":
            problems.append(f"GET http://testserver{path}: {response.status_code} {response.get('Location')}")
        if "Strict-Transport-Security" in response:
            problems.append(f"GET http://testserver{path}: HSTS over http")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_secure_httponly_and_samesite(production_transport, client):
    response = client.get("/inloggen", secure=True)
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    user = UserFactory(username="koekje")
    user.set_password("Een-lang-wachtwoord-2026!")
    user.save()
    response = client.post("/inloggen", {"username": "koekje", "password": "Een-lang-wachtwoord-2026!",
                                          "csrfmiddlewaretoken": csrf.value}, secure=True)
    session = response.cookies.get("sessionid")
    assert session is not None, response.status_code
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_static_files_are_cacheable_and_carry_no_personal_data_headers(settings):
    """WhiteNoise answers static files before the no-store middleware: they stay cacheable."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get("/static/vroegsignalering/site.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b".htmx-indicator" in body


@pytest.mark.parametrize("config", [
    '"includeIndicatorStyles":false', '"allowEval":false',
])
def test_htmx_runs_without_eval_and_without_its_injected_style(config):
    """htmx would inject its indicator <style> (blocked by the policy) and evaluate hx-on/js: attributes."""
    source = get_template("base.html").template.source
    assert re.search(r'<meta name="htmx-config" content=\'\{[^\']*' + re.escape(config), source)


# --- request limits ------------------------------------------------------------------------------------------

MANY = "&".join(f"v{n}=1" for n in range(1001))  # one field over DATA_UPLOAD_MAX_NUMBER_FIELDS


@pytest.mark.django_db
def test_too_many_query_parameters_never_cost_more_than_a_short_dutch_refusal():
    """Every pattern, every role of A, with 1,001 query parameters: what the role gets anyway, or a 400 in
    Dutch (problem+json on the API); never a 500 and never a long answer."""
    world = build_world()
    _clients.clear()
    problems = []
    for route, _ in url_patterns():
        path = path_for(world, route)
        for role in ROLES:
            client = client_for(world.a, role, principal_kind(route))
            if client is None:
                continue
            response = client.get(f"{path}?{MANY}")
            if response.status_code == expected_status(route, role):
                continue
            if response.status_code != 400:
                problems.append(f"{role} GET {path}?…: {response.status_code}")
            elif route.startswith("api/"):
                if (response["Content-Type"] != "application/problem+json"
                        or "Te veel velden" not in response.json()["detail"]):
                    problems.append(f"{role} GET {path}?…: {response.content[:200]!r}")
            elif "te veel velden" not in response.content.decode():
                problems.append(f"{role} GET {path}?…: 400 without the Dutch explanation")
    _clients.clear()
    assert not problems, "\n".join(problems)


@pytest.fixture
def small_limits(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    return settings


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["form", "json", "fields"])
def test_a_screen_refuses_an_oversized_post_with_a_dutch_page(kind, small_limits, client):
    worker = UserFactory()
    login(client, worker)
    if kind == "fields":
        response = client.post("/inloggen", MANY, content_type="application/x-www-form-urlencoded")
        status, text = 400, "te veel velden"
    else:
        body = "gebruikersnaam=" + "x" * 20_000
        content_type = "application/x-www-form-urlencoded"
        if kind == "json":
            body, content_type = '{"a": "' + "x" * 20_000 + '"}', "application/json"
            # A screen reads forms only; JSON of any size is ignored there, never parsed.
            response = client.post("/inloggen", body, content_type=content_type)
            assert response.status_code in (200, 400) and len(response.content) < 50_000
            return
        response = client.post("/inloggen", body, content_type=content_type)
        status, text = 413, "te groot"
    assert response.status_code == status
    page = response.content.decode()
    assert text in page and "Er is niets gewijzigd" in page


@pytest.mark.django_db
def test_a_screen_refuses_too_many_files(client):
    admin = UserFactory(role="functioneel_beheerder", is_staff=True)
    login(client, admin)
    files = {f"bestand{n}": SimpleUploadedFile(f"{n}.csv", b"a;b\n1;2\n") for n in range(6)}
    response = client.post("/signalen/importeren", files)
    assert response.status_code == 400
    assert "te veel velden of bestanden" in response.content.decode()


@pytest.mark.django_db
def test_the_api_refuses_an_oversized_body_with_a_dutch_problem(small_limits, api):
    response = api.post("/api/v1/signalen", '{"signalen": ["' + "x" * 20_000 + '"]}',
                        content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "De inhoud is groter dan toegestaan."


# --- the templates ------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
INLINE = {
    "an inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "an inline <style>": re.compile(r"<style\b", re.I),
    "a style attribute": re.compile(r"\sstyle=", re.I),
    "an event-handler attribute": re.compile(r"\son[a-z]+=", re.I),
    "hx-on (evaluated code)": re.compile(r"\shx-on", re.I),
    "a js: value (evaluated code)": re.compile(r"""hx-(vals|headers)=["']\s*js:""", re.I),
    "a javascript: URL": re.compile(r"javascript:", re.I),
}


def project_templates() -> list[Path]:
    return sorted(p for p in ROOT.glob("**/templates/**/*.html")
                  if not any(part in (".venv", "node_modules", "staticfiles") for part in p.parts))


def test_no_template_has_inline_code_the_policy_would_block():
    """Also the templates the URL sample does not render (error pages, partials): every script and style
    comes from a static file (vroegsignalering/common/static/vroegsignalering/)."""
    templates = project_templates()
    assert len(templates) > 20
    found = [f"{path.relative_to(ROOT)}: {what}" for path in templates for what, pattern in INLINE.items()
             if pattern.search(path.read_text())]
    assert not found, "\n".join(found)


def test_no_template_comment_leaks_onto_the_page():
    """``{# … #}`` is one line only: a comment spread over lines is shown to the user as text."""
    leaking = [f"{path.relative_to(ROOT)}:{n}" for path in project_templates()
               for n, line in enumerate(path.read_text().splitlines(), 1)
               if "{#" in line and "#}" not in line.split("{#", 1)[1]]
    assert not leaking, "\n".join(leaking)
