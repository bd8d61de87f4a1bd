"""The Content-Security-Policy in a real browser (issue 11 item 4, security review D12): the main screens, an
htmx action, a boosted form, the team lead's screens, a CSV import that polls its progress and the admin work
under the strict policy, with not one ``securitypolicyviolation`` and no CSP error in the console; and the
styles and behaviours that moved out of inline <style>/<script> into site.css/site.js still apply."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from signals.models import CsvImport
from tests.factories import CreditorFactory, UserFactory
from vroegsignalering.common.vocab import CreditorKind

from .helpers import fallout_signal, login, municipality, open_cases, person

# Reports every violation (also of documents loaded later in the tab) to the test.
LISTEN = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.reportCspViolation([e.violatedDirective, e.blockedURI, e.sourceFile + ":" + e.lineNumber,
                             (e.sample || "").slice(0, 80)].join(" | "));
}, true);
"""


@pytest.fixture
def strict(page: Page):
    """``page`` with every CSP violation and CSP console error recorded; the test fails when there was one."""
    seen: list[str] = []
    page.expose_binding("reportCspViolation", lambda source, text: seen.append(f"{source['page'].url}: {text}"))
    page.add_init_script(LISTEN)
    page.on("console", lambda m: seen.append(f"console {m.type} on {page.url}: {m.text}")
            if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text else None)
    page.seen = seen  # type: ignore[attr-defined]
    yield page
    assert not seen, "CSP violations:\n" + "\n".join(seen)


def settle(page: Page) -> None:
    """Let late violations (deferred scripts, htmx swaps) arrive before the next step."""
    page.wait_for_load_state("networkidle")


def test_the_worker_screens_and_their_htmx_actions_run_under_the_policy(strict):
    page = strict
    gemeente = municipality()
    rent, other = open_cases(gemeente, count=2)
    worker = person(gemeente)
    fallout_signal(gemeente)

    page.goto("/inloggen")
    response = page.request.get("/inloggen")
    policy = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy and "'nonce-" in policy and "frame-ancestors 'none'" in policy
    # site.css applies (it replaced base.html's inline <style>).
    expect(page.locator("header")).to_have_css("background-color", "rgb(21, 66, 115)")
    login(page, worker)
    settle(page)

    # The queue: a tray tab is an htmx GET that swaps the list in.
    page.goto("/werkvoorraad")
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkvoorraad")
    with page.expect_request(lambda r: r.headers.get("hx-request") == "true"):
        page.get_by_role("navigation", name="Bakjes").get_by_role("link").first.click()
    settle(page)
    expect(page.get_by_role("link", name=f"Melding {rent.pk}", exact=True)).to_be_visible()

    # The case page: a boosted (htmx) form with an error, then a correct one.
    page.goto(f"/meldingen/{rent.pk}")
    attempt = page.get_by_role("form", name="Contactpoging registreren")
    attempt.get_by_label("Soort contact").select_option(label="Telefoon")
    with page.expect_request(lambda r: r.method == "POST" and r.headers.get("hx-request") == "true"):
        attempt.get_by_role("radio", name="Bereikt", exact=True).check()
        attempt.get_by_role("button", name="Contactpoging registreren").click()
    expect(page.get_by_role("status").filter(has_text="Contactpoging")).to_be_visible()
    settle(page)
    closing = page.get_by_role("form", name="Melding sluiten")
    closing.get_by_role("button", name="Melding sluiten").click()
    expect(page.locator("#foutoverzicht")).to_be_focused()  # site.js moves the focus to the summary
    settle(page)

    # Fallout: list and review page (their styles moved to site.css, scoped by <main>'s class).
    page.goto("/uitval")
    expect(page.locator("main.uitval-lijst .filters")).to_have_css("display", "flex")
    page.get_by_role("link", name="Pieter Jansen").click()
    expect(page.locator(".kandidaten")).to_have_css("display", "grid")
    settle(page)


def test_the_team_lead_screens_run_under_the_policy_and_select_all_still_works(strict):
    page = strict
    gemeente = municipality()
    open_cases(gemeente, count=3)
    lead = person(gemeente, role=Role.TEAMLEIDER, first="Ilse", last="de Vries")
    person(gemeente, first="Joost", last="Visser")
    login(page, lead)
    for path in ("/team/", "/team/dashboard", "/team/capaciteit", "/team/huisbezoeken",
                 "/team/huisbezoeken/afdrukken"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        settle(page)
    expect(page.locator("main.afdruklijst")).to_have_count(1)

    page.goto("/team/toewijzen")
    everything = page.get_by_label("Alle meldingen op deze pagina selecteren")
    expect(everything).to_be_visible()  # shown by site.js
    everything.check()
    expect(page.locator("#aantal-gekozen")).to_have_text("3 meldingen gekozen")
    page.locator('input[name="melding"]').first.uncheck()
    expect(page.locator("#aantal-gekozen")).to_have_text("2 meldingen gekozen")
    assert everything.evaluate("el => el.indeterminate")
    settle(page)


def test_a_csv_import_polls_its_progress_under_the_policy(strict):
    page = strict
    creditor = CreditorFactory(name="Waterbedrijf", kinds=[CreditorKind.DRINKWATER])
    staff = UserFactory(role=Role.VASTELASTENPARTNER, creditor=creditor, first_name="Kees", last_name="Smit")
    csv_import = CsvImport.objects.create(creditor=creditor, uploaded_by=staff, file_name="levering.csv",
                                          content=b"", state=CsvImport.State.BEZIG, rows_total=4, rows_done=1)
    login(page, staff)
    page.goto(f"/signalen/importeren/{csv_import.pk}")
    with page.expect_response(lambda r: r.url.endswith("/status")):
        pass
    CsvImport.objects.filter(pk=csv_import.pk).update(
        state=CsvImport.State.KLAAR, rows_done=4, count_received=4,
        results=[{"regel": n, "signaalId": f"W-{n}", "status": "ontvangen"} for n in range(2, 6)])
    # site.js sees "klaar", reloads, and moves the focus to the results.
    expect(page.get_by_role("heading", name="Resultaat per regel")).to_be_focused(timeout=15_000)
    settle(page)


def test_the_admin_works_under_the_policy(strict):
    page = strict
    gemeente = municipality()
    open_cases(gemeente, count=1)
    admin = UserFactory(username="beheerder", role=Role.FUNCTIONEEL_BEHEERDER, is_staff=True, is_superuser=True,
                        municipalities=[gemeente])
    login(page, admin)  # the one login, with the second factor (/beheer/login/ sends there too)
    for path in ("/beheer/", "/beheer/cases/case/", "/beheer/accounts/user/",
                 f"/beheer/accounts/user/{admin.pk}/change/", "/beheer/cases/tray/add/"):
        page.goto(path)
        expect(page.locator("#content")).to_be_visible()
        settle(page)
    # The user form's filter_horizontal widget is built by the admin's JavaScript.
    page.goto(f"/beheer/accounts/user/{admin.pk}/change/")
    expect(page.locator("#id_municipalities_filter")).to_have_count(1)
    settle(page)
