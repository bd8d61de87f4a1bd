"""Browser tests: headless Debian Chromium driven by Playwright against pytest-django's live server.

Chromium is Debian's (``CHROMIUM_PATH``, default /usr/bin/chromium), not Playwright's own download;
``make test`` installs it (and axe-core through ``npm ci``). Without it these tests fail with a
message saying so: they are never skipped.

Playwright's sync API keeps an asyncio loop running in this thread while it is started, which
Django's async-safety guard takes for async code; ``DJANGO_ALLOW_ASYNC_UNSAFE`` is therefore set for
as long as the browser runs, that is for this package's tests only (package-scoped fixture), and
removed again before any other test runs.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

from .helpers import CHROMIUM_PATH, DESKTOP

expect.set_options(timeout=10_000)


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def browser():
    if not (Path(CHROMIUM_PATH).is_file() and os.access(CHROMIUM_PATH, os.X_OK)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM_PATH}. The browser tests need Debian's chromium: run `make test` "
            "(installs it when run as root on Debian), `apt-get install --no-install-recommends chromium`, or set "
            "CHROMIUM_PATH to a Chromium binary.",
            pytrace=False,
        )
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True)
        except PlaywrightError as exc:
            pytest.fail(f"Could not start Chromium at {CHROMIUM_PATH}: {exc}", pytrace=False)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


@pytest.fixture(autouse=True)
def _browser_settings(settings):
    """Quick password hashing for the test users; session and CSRF cookies over plain http (the live
    server does not speak https)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) per test, in Dutch, at 1280×800, with relative URLs
    resolved against the live server. Fails the test when the server answered 5xx or the page
    raised a JavaScript error."""
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="nl-NL",
                                  timezone_id="Europe/Amsterdam")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("response", lambda r: problems.append(f"HTTP {r.status} from {r.request.method} {r.url}")
           if r.status >= 500 else None)
    tab.on("pageerror", lambda exc: problems.append(f"JavaScript error on {tab.url}: {exc}"))
    yield tab
    context.close()
    assert not problems, "The browser saw server or script errors:\n" + "\n".join(problems)


@pytest.fixture
def blank_page(browser):
    """A browser tab without the live server or the database (for checks of the tooling itself)."""
    context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    yield context.new_page()
    context.close()
