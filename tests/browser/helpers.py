"""Helpers for the browser tests: logging in through the real form, screenshots, axe-core, test data."""
from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role
from cases import services
from cases.models import Case, CaseSignal
from signals.models import SignalStatus
from tests.auth import totp_code, totp_device
from tests.factories import MunicipalityFactory, UserFactory, make_signal

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
DESKTOP = {"width": 1280, "height": 800}
TABLET = {"width": 820, "height": 1180}
PASSWORD = "geheim-wachtwoord-42"  # UserFactory's
# WCAG 2.1 level A and AA (axe-core's tags); the issue asks for 0 serious or critical violations.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = ("serious", "critical")


# --- people and data ------------------------------------------------------------------------------

def municipality(code: str = "0100", name: str = "Proefdorp"):
    return MunicipalityFactory(cbs_code=code, name=name)


def person(gemeente, *, role: str = Role.VROEGSIGNALEERDER, first: str = "Fatima", last: str = "Bakker"):
    """A user of ``gemeente`` with UserFactory's password; the name shows in the header."""
    return UserFactory(role=role, first_name=first, last_name=last, municipalities=[gemeente])


def open_cases(gemeente, count: int = 0, *, specs: list[dict] | None = None, first_address: int = 0) -> list[Case]:
    """Cases at distinct addresses (one signal each: ``count`` default ones, or one per ``specs``
    entry of ``make_signal`` options), opened an hour ago by the period close so their 28-day window
    is open. A period closes once: create all of a municipality's cases in one call."""
    signals = [make_signal(gemeente, at=first_address + n, **options)
               for n, options in enumerate(specs or [{}] * count)]
    # An hour ago, as after the morning's period close: the form's default moment (now, to the
    # minute) must not fall before the opening.
    services.period_close(municipality=gemeente, now=timezone.now() - dt.timedelta(hours=1))
    by_signal = {link.signal_id: link.case for link in
                 CaseSignal.objects.filter(signal__in=signals).select_related("case")}
    return [by_signal[signal.pk] for signal in signals]  # in the order of ``specs``


def fallout_signal(gemeente, *, at: int = 900):
    """A signal the BRP check could not decide, with two candidates at the address."""
    signal = make_signal(gemeente, at=at, status=SignalStatus.UITVAL)
    signal.surname, signal.first_names = "Jansen", "Pieter"
    signal.brp_evidence = {
        "uitkomst": "niet_gevonden",
        "uitkomst_omschrijving": "Niet gevonden op het adres; kies een persoon of besluit anders.",
        "kandidaten": [
            {"bsn": "999990019", "naam": "Pieter Janssen", "voornamen": "Pieter", "voorvoegsel": "",
             "geslachtsnaam": "Janssen", "geboortedatum": "1975-03-02", "leeftijd": 51, "minderjarig": False,
             "op_adres": True},
            {"bsn": "999990020", "naam": "Anna Janssen", "voornamen": "Anna", "voorvoegsel": "",
             "geslachtsnaam": "Janssen", "geboortedatum": "1978-07-14", "leeftijd": 48, "minderjarig": False,
             "op_adres": True},
        ],
    }
    signal.save(update_fields=["surname", "first_names", "brp_evidence"])
    return signal


# --- the browser ----------------------------------------------------------------------------------

def login(page: Page, user, password: str = PASSWORD) -> None:
    """Log in through the real login form (the one on screen when a page sent us there, keeping its
    ``next``): the password, then the code the user's authenticator app shows (computed from the device's
    key, as the app does), and wait until the site shows the logged-in header."""
    device = totp_device(user)
    if "/inloggen" not in page.url:
        page.goto("/inloggen")
    page.get_by_label("Gebruikersnaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_label("Code uit uw app").fill(totp_code(device))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


def screenshot(page: Page, name: str, *, viewport: dict | None = None) -> Path:
    """Save ``docs/screenshots/<name>.png``: the whole page as laid out in a 1280×800 window (or
    ``viewport``, e.g. TABLET)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    before = page.viewport_size
    if viewport:
        page.set_viewport_size(viewport)
    try:
        page.screenshot(path=str(path), full_page=True, animations="disabled", caret="initial")
    finally:
        if viewport and before:
            page.set_viewport_size(before)
    return path


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    at {' '.join(node['target']) if isinstance(node['target'], list) else node['target']}")
            lines.append(f"       {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more elements")
    return "\n".join(lines)


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core (WCAG 2.1 A/AA) on the page as it is now; all violations, any impact."""
    if not AXE_JS.exists():
        raise AssertionError(f"{AXE_JS} is missing: run `npm ci` (or `make test`, which does) to install axe-core.")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        if page.url.startswith("http"):
            # The Content-Security-Policy runs same-origin scripts only (no inline ones): axe-core is served
            # from the page's own origin by the browser's request interception, never by the site.
            page.route("**/__axe-core.js", lambda route: route.fulfill(path=str(AXE_JS),
                                                                        content_type="text/javascript"))
            page.add_script_tag(url="/__axe-core.js")
        else:
            page.add_script_tag(path=str(AXE_JS))
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    result = page.evaluate("options => axe.run(document, options)", options)
    return result["violations"]


def assert_accessible(page: Page) -> list[dict]:
    """No serious or critical WCAG 2.1 A/AA violation on the page; returns the lesser ones."""
    violations = axe_violations(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, (
        f"axe-core found {len(blocking)} serious/critical accessibility violation(s) on {page.url}:\n"
        + format_violations(blocking)
    )
    lesser = [v for v in violations if v["impact"] not in BLOCKING_IMPACTS]
    if lesser:  # shown with the test's output (pytest -rA / on failure), not a failure
        print(f"axe-core, minor/moderate on {page.url}:\n{format_violations(lesser)}")
    return lesser


def tab_to(page: Page, target, *, limit: int = 60, backwards: bool = False) -> list[str]:
    """Press Tab (Shift+Tab) until ``target`` (a locator) has the keyboard focus; returns the
    elements passed on the way. Fails when it is not reached within ``limit`` presses."""
    passed: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if target.evaluate("el => el === document.activeElement"):
            return passed
        passed.append(page.evaluate(
            "() => { const e = document.activeElement; return e ? `${e.tagName.toLowerCase()} "
            "'${(e.innerText || e.value || e.name || '').trim().slice(0, 40)}'` : 'nothing'; }"))
    raise AssertionError(f"Not reached with {limit} × Tab; the focus went through: {passed}")


def described(page: Page, term: str):
    """The value (``<dd>``) next to the term ``term`` (``<dt>``) in a description list."""
    return (page.get_by_role("term").filter(has_text=re.compile(rf"^\s*{re.escape(term)}\s*$"))
            .locator("xpath=following-sibling::dd[1]"))
