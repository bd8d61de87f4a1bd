"""The functional administrator's plan editor in the browser (issue 13): a plan with three steps, a
field-level error on the way, axe clean on every state."""
from playwright.sync_api import expect

from accounts.models import Role
from cases.models import Tray
from outreach.models import OutreachPlan

from .helpers import assert_accessible, login, municipality, person


def test_administrator_creates_a_plan_with_three_steps(page):
    gemeente = municipality()
    Tray.objects.create(municipality=gemeente, code="sms", name="Bellen en sms")
    admin = person(gemeente, role=Role.FUNCTIONEEL_BEHEERDER, first="Bram", last="Beheer")
    login(page, admin)

    page.goto("/benaderingsplannen")
    expect(page.get_by_role("heading", level=1)).to_have_text("Benaderingsplannen")
    assert_accessible(page)
    page.get_by_role("link", name="Nieuw benaderingsplan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuw benaderingsplan")
    assert_accessible(page)

    page.get_by_label("Naam").fill("Jongeren met telefoon")
    page.get_by_label("Volgorde").fill("1")
    page.get_by_label("Bellen en sms").check()
    page.get_by_label("Contactgegevens").select_option(label="Bruikbaar telefoonnummer")
    page.get_by_label("Leeftijd tot en met").fill("27")
    for row, (number, day, kind) in enumerate([("1", "0", "SMS"), ("2", "1", "Brief"),
                                               ("3", "28", "Bellen (taak voor de medewerker)")], start=1):
        page.get_by_label(f"Stap (regel {row})", exact=True).fill(number)
        page.get_by_label(f"Dag (regel {row})", exact=True).fill(day)
        page.get_by_label(f"Soort (regel {row})", exact=True).select_option(label=kind)
    page.get_by_role("button", name="Plan opslaan").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Het plan is niet opgeslagen")
    expect(summary).to_contain_text("De dag moet tussen 0 en 27 liggen")
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Dag (regel 3)", exact=True)).to_be_focused()
    page.get_by_label("Dag (regel 3)", exact=True).fill("4")
    page.get_by_role("button", name="Plan opslaan").click()

    expect(page.get_by_role("status").filter(has_text="opgeslagen")).to_have_text(
        "Benaderingsplan 'Jongeren met telefoon' is opgeslagen.")
    row = page.get_by_role("row").filter(has_text="Jongeren met telefoon")
    expect(row).to_contain_text("dag 0: SMS")
    expect(row).to_contain_text("dag 4: Bellen")
    expect(row).to_contain_text("bakje Bellen en sms, bruikbaar telefoonnummer, leeftijd t/m 27")
    assert_accessible(page)
    plan = OutreachPlan.objects.get()
    assert [(s.day_offset, s.kind) for s in plan.steps.order_by("position")] == [(0, "sms"), (1, "brief"),
                                                                                   (4, "bellen")]
