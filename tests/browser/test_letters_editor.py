"""The text editor in the browser: the functional administrator changes a letter; the preview follows the
typing (htmx, a fictitious resident), a wrong field shows a Dutch error next to the textarea (aria-invalid),
saving makes version 2; axe finds nothing on the page, also with the error shown."""
from playwright.sync_api import expect

from accounts.models import Role
from outreach.models import Channel, MessageTemplate, TargetGroup
from outreach.text_editing import texts_seed

from .helpers import axe_violations, format_violations, login, municipality, person, screenshot


def test_admin_edits_a_letter_with_a_live_preview_and_it_is_accessible(page):
    town = municipality()
    texts_seed(town)
    admin = person(town, role=Role.FUNCTIONEEL_BEHEERDER, first="Ilse", last="de Boer")
    login(page, admin)
    page.goto("/benadering/teksten/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Teksten van brieven en berichten")
    page.get_by_role("link", name="Wijzigen Brief, Jongeren (je-vorm)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Brief voor jongeren (je-vorm)")
    preview = page.locator("#voorbeeld")
    expect(preview).to_contain_text("Hoi Sanne")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)

    body = page.get_by_label("Tekst", exact=True)
    body.fill("Hoi {{ voornaam }},\n\nBel ons even over {{ soort_achterstand }}. Je kenmerk is {{ kenmerk }}.")
    expect(preview).to_contain_text("Bel ons even over huur. Je kenmerk is VS-7K3M2QX-1.")

    body.fill("Hoi {{ voornam }}, {{ kenmerk }}")
    expect(page.locator("#tekst-fouten")).to_contain_text("Onbekend veld {{ voornam }}")
    expect(body).to_have_attribute("aria-invalid", "true")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    screenshot(page, "outreach-text-editor-error")

    body.fill("Hoi {{ voornaam }},\n\nZullen we even bellen? Noem {{ kenmerk }}.")
    expect(preview).to_contain_text("Zullen we even bellen? Noem VS-7K3M2QX-1.")
    expect(body).not_to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="Opslaan als nieuwe versie").click()
    expect(page.get_by_text("Opgeslagen als versie 2.")).to_be_visible()
    active = MessageTemplate.objects.get(municipality=town, channel=Channel.BRIEF, target_group=TargetGroup.JONGEREN,
                                         is_active=True)
    assert active.version == 2 and "Zullen we even bellen?" in active.body
