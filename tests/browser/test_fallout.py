"""The fallout review (/uitval) with the keyboard only: skip link, list, the decision with its reason."""
from playwright.sync_api import expect

from signals.models import SignalStatus
from vroegsignalering.common.vocab import Outcome

from .helpers import fallout_signal, login, municipality, person, screenshot, tab_to


def test_fallout_review_is_usable_with_the_keyboard_only(page):
    gemeente = municipality()
    signal = fallout_signal(gemeente)
    login(page, person(gemeente))
    page.goto("/uitval")
    expect(page).to_have_title("Uitval – Vroegsignalering")
    screenshot(page, "uitval-lijst")

    # The first Tab reaches the skip link; following it moves the keyboard into the main content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    passed = tab_to(page, page.get_by_role("link", name="Pieter Jansen"), limit=6)
    assert not any("Uitloggen" in stop or "Start" in stop for stop in passed), passed
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Signaal {signal.signal_id} beoordelen")
    screenshot(page, "uitval-beoordelen")

    # "Niet oppakken" needs a reason: without one the browser keeps the form and puts the focus on it.
    not_picked_up = page.get_by_role("button", name="Niet oppakken")
    tab_to(page, not_picked_up)
    page.keyboard.press("Enter")
    reason = page.get_by_label("Reden om niet op te pakken")
    expect(reason).to_be_focused()
    signal.refresh_from_db()
    assert signal.status == SignalStatus.UITVAL

    page.keyboard.type("Adres is een garagebox")
    tab_to(page, not_picked_up)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="vastgelegd")).to_have_text(
        f"Besluit over signaal {signal.signal_id} vastgelegd.")
    expect(page.get_by_text("Er staan geen signalen in de uitval.")).to_be_visible()
    signal.refresh_from_db()
    assert (signal.status, signal.outcome) == (SignalStatus.AFGEHANDELD, Outcome.ANDERE_REDEN)
