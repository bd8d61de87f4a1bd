"""axe-core (WCAG 2.1 A/AA) on the main screens: no serious or critical violation; and the queue
works with the keyboard alone."""
from playwright.sync_api import expect

from .helpers import assert_accessible, fallout_signal, login, municipality, person


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


def test_the_axe_check_does_catch_serious_violations(page):
    """The check above can fail: an unlabeled field and an image without text are reported."""
    page.set_content('<html lang="nl"><head><title>x</title></head><body><main><img src="data:,">'
                     '<input type="text"></main></body></html>')
    try:
        assert_accessible(page)
    except AssertionError as failure:
        message = str(failure)
    else:
        raise AssertionError("axe-core reported nothing on a page with an unlabeled input")
    assert "image-alt" in message and "label" in message and "<input" in message
