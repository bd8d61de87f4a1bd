"""The monitor in the browser: a policy officer opens the figures of two municipalities, each chart with its
table; axe-core finds nothing (not even minor issues), also on the page with a field error."""
from playwright.sync_api import expect

from accounts.models import Role
from tests.factories import MunicipalityFactory
from tests.monitor.facts import INHABITANTS, generate

from .helpers import axe_violations, format_violations, login, person, screenshot


def test_policy_officer_reads_the_monitor_and_it_is_accessible(page):
    towns = {"A": MunicipalityFactory(cbs_code="0111", name="Aadorp", inhabitants=INHABITANTS["A"]),
             "B": MunicipalityFactory(cbs_code="0222", name="Beedorp", inhabitants=INHABITANTS["B"])}
    generate(towns)
    officer = person(towns["A"], role=Role.BELEIDSMEDEWERKER, first="Noor", last="Willems")
    officer.municipalities.add(towns["B"])
    login(page, officer)

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Monitor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Monitor")
    page.get_by_label("Van (maand)").fill("2026-01")
    page.get_by_label("Tot en met (maand)").fill("2026-03")
    page.get_by_role("button", name="Tonen").click()
    expect(page.get_by_role("heading", name="Hele periode: jan 2026 tot en met mrt 2026")).to_be_visible()
    expect(page.locator("#cijfer-signalen-per-1000 td").nth(3)).to_have_text("2,50")
    expect(page.get_by_role("figure")).to_have_count(6)
    expect(page.get_by_role("img", name="Signalen per maand: staafdiagram. jan 2026: 50. feb 2026: 20. mrt 2026: 40. "
                                         "De cijfers staan ook in de tabel hieronder.")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    screenshot(page, "monitor-dashboard")

    with page.expect_download() as download:
        page.get_by_role("link", name="Excel-bestand (.xlsx)").click()
    assert download.value.suggested_filename == "monitor-alle-2026-01-2026-03.xlsx"

    page.goto("/monitor/?van=2026-13")
    expect(page.get_by_role("alert")).to_contain_text("Geef een maand als JJJJ-MM, bijvoorbeeld 2026-01.")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
