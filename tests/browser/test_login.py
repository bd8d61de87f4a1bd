"""Logging in through the real form (the other browser tests rely on it)."""
from playwright.sync_api import expect

from .helpers import login, municipality, person


def test_wrong_password_shows_a_dutch_error_and_keeps_the_user_out(page):
    user = person(municipality())
    page.goto("/inloggen")
    page.get_by_label("Gebruikersnaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill("niet-het-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("alert")).to_have_text("Gebruikersnaam of wachtwoord is onjuist.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    expect(page.get_by_role("button", name="Uitloggen")).to_have_count(0)
    # The username stays typed; the password field is empty for the next try.
    expect(page.get_by_label("Wachtwoord")).to_have_value("")


def test_a_page_behind_the_login_comes_back_after_logging_in(page):
    user = person(municipality(), first="Sanne", last="de Wit")
    page.goto("/uitval")
    expect(page).to_have_url("/inloggen?next=/uitval")
    login(page, user)
    expect(page).to_have_url("/uitval")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Uitval")
    expect(page.get_by_role("banner")).to_contain_text("Sanne de Wit")
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
