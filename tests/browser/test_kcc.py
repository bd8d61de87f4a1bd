"""The call centre's screen in the browser: a KCC employee searches an address, sees that there is an active
case and how to reach the team, passes on a call-back request; a miss and a field error. axe-core finds nothing
(not even minor issues) on each state of the page."""
from playwright.sync_api import expect

from accounts.models import Role
from contacts.models import CaseTask
from outreach.models import OutreachSettings

from .helpers import axe_violations, format_violations, login, municipality, open_cases, person, screenshot


def _accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, format_violations(violations)


def test_kcc_searches_a_household_and_passes_on_a_call_and_it_is_accessible(page):
    town = municipality("0111", "Aadorp")
    OutreachSettings.objects.create(municipality=town, team_phone="020 123 4567", team_email="team@aadorp.example",
                                    contact_hours="maandag tot en met vrijdag van 9.00 tot 17.00 uur")
    case = open_cases(town, 1)[0]
    postcode, number = case.address_key.split("|")[:2]
    agent = person(town, role=Role.KCC, first="Karin", last="Contact")
    login(page, agent)

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Klantcontact").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inwoner opzoeken")
    _accessible(page)

    page.get_by_label("Postcode").fill("12")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("alert")).to_contain_text("Geen geldige postcode")
    _accessible(page)

    page.get_by_label("Postcode").fill(postcode)
    page.get_by_label("Huisnummer").fill(number)
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_text("Er is een lopende melding")).to_be_visible()
    expect(page.get_by_text("020 123 4567")).to_be_visible()
    _accessible(page)
    screenshot(page, "kcc-zoeken")

    page.get_by_label("Terugbelnummer").fill("06 87654321")
    page.get_by_label("Middag").check()
    page.get_by_role("button", name="Terugbelverzoek doorgeven").click()
    expect(page.get_by_role("status")).to_contain_text("Het terugbelverzoek staat klaar")
    assert CaseTask.objects.filter(case=case, callback_phone="+31687654321").exists()
    _accessible(page)

    page.get_by_label("Postcode").fill("9999 ZZ")
    page.get_by_label("Huisnummer").fill("1")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_text("Geen lopende melding")).to_be_visible()
    _accessible(page)
