"""axe-core (WCAG 2.1 A/AA) on the main screens: no serious or critical violation; and the queue
works with the keyboard alone."""
from playwright.sync_api import expect

from accounts.models import Role

from .helpers import TABLET, assert_accessible, fallout_signal, login, municipality, open_cases, person, tab_to


def test_login_page_has_no_serious_accessibility_violations(page):
    page.goto("/inloggen")
    assert_accessible(page)
    # Also with the error shown after a wrong password.
    page.get_by_label("Gebruikersnaam").fill("niemand")
    page.get_by_label("Wachtwoord").fill("fout")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)


def test_fallout_screens_have_no_serious_accessibility_violations(page):
    gemeente = municipality()
    signal = fallout_signal(gemeente)
    login(page, person(gemeente))
    page.goto("/uitval")
    expect(page.get_by_role("link", name="Pieter Jansen")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/uitval/{signal.pk}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("beoordelen")
    assert_accessible(page)


def test_worker_screens_have_no_serious_accessibility_violations(page):
    gemeente = municipality()
    case, _ = open_cases(gemeente, count=2)
    login(page, person(gemeente))
    page.goto("/werkvoorraad")
    expect(page.get_by_role("link", name=f"Melding {case.pk}", exact=True)).to_be_visible()
    assert_accessible(page)
    page.goto(f"/meldingen/{case.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Melding {case.pk}")
    assert_accessible(page)
    # With the error summary of a refused action, and at tablet width.
    page.get_by_role("form", name="Contactpoging registreren").get_by_role(
        "button", name="Contactpoging registreren").click()
    expect(page.get_by_role("alert")).to_contain_text("Kies de soort contact.")
    assert_accessible(page)
    page.set_viewport_size(TABLET)
    assert_accessible(page)


def test_team_lead_screens_have_no_serious_accessibility_violations(page):
    gemeente = municipality()
    (case,) = open_cases(gemeente, count=1)
    person(gemeente, first="Fatima", last="Bakker")
    login(page, person(gemeente, role=Role.TEAMLEIDER, first="Ingrid", last="de Leeuw"))
    for url, heading in (("/team/toewijzen", "Toewijzen"), ("/team/huisbezoeken", "Huisbezoeken"),
                         ("/team/huisbezoeken/afdrukken", "Bezoekenlijst"), ("/team/dashboard", "Dashboard"),
                         ("/team/capaciteit", "Capaciteit")):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_accessible(page)
    # The planner with its error summary after an incomplete plan.
    page.goto("/team/huisbezoeken")
    page.get_by_role("button", name="Huisbezoek plannen").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)


def test_queue_is_usable_with_the_keyboard_only(page):
    gemeente = municipality()
    first, _ = open_cases(gemeente, count=2)
    login(page, person(gemeente))
    page.goto("/werkvoorraad")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Naar de inhoud")).to_be_focused()
    page.keyboard.press("Enter")
    rows = page.get_by_role("region", name="Meldingen").get_by_role("link", name="Melding ")
    tab_to(page, rows.first, limit=40)
    target = rows.first.inner_text()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(target)


def test_the_axe_check_does_catch_serious_violations(blank_page):
    """The check above can fail: an unlabeled field and an image without text are reported."""
    page = blank_page
    page.set_content('<html lang="nl"><head><title>x</title></head><body><main><img src="data:,">'
                     '<input type="text"></main></body></html>')
    try:
        assert_accessible(page)
    except AssertionError as failure:
        message = str(failure)
    else:
        raise AssertionError("axe-core reported nothing on a page with an unlabeled input")
    assert "image-alt" in message and "label" in message and "<input" in message
