"""The audit trail in a real browser (issue 11, item 3): the auditor finds who viewed a person's case by typing
the BSN (which never appears in the address bar), and the team lead sees on the case page who opened it; both
screens without serious accessibility violations."""
import re

from playwright.sync_api import expect

from accounts.models import Role
from signals.models import Signal

from .helpers import assert_accessible, login, municipality, open_cases, person

BSN = "999990019"


def test_the_auditor_finds_who_viewed_a_persons_case(page):
    gemeente = municipality()
    (case,) = open_cases(gemeente, count=1)
    Signal.objects.filter(case_link__case=case).update(bsn=BSN)
    worker = person(gemeente, first="Fatima", last="Bakker")
    login(page, worker)
    page.goto(f"/meldingen/{case.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Melding {case.pk}")
    page.get_by_role("button", name="Uitloggen").click()

    login(page, person(gemeente, role=Role.AUDITOR, first="Anna", last="Audit"))
    page.get_by_role("link", name="Audittrail").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Audittrail")
    assert_accessible(page)
    page.get_by_label("BSN").fill(BSN)
    page.get_by_role("button", name="Zoek persoon").click()
    expect(page.get_by_role("status")).to_contain_text("alleen de gebeurtenissen over de gezochte persoon")
    assert BSN not in page.url and re.search(r"persoon=[0-9a-f]{64}", page.url)
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text(worker.username)
    expect(rows.nth(1)).to_contain_text("Bekeken")
    assert_accessible(page)


def test_the_team_lead_sees_who_opened_the_case(page):
    gemeente = municipality()
    (case,) = open_cases(gemeente, count=1)
    login(page, person(gemeente, role=Role.TEAMLEIDER, first="Ingrid", last="de Leeuw"))
    page.goto(f"/meldingen/{case.pk}")
    page.reload()
    section = page.get_by_role("region", name="Ingezien door")
    expect(section.get_by_role("row")).to_have_count(2)
    expect(section).to_contain_text("Ingrid de Leeuw")
    assert_accessible(page)
