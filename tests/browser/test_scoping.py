"""Municipalities are separate: a worker of A cannot open, or act on, a case of B by its URL."""
from playwright.sync_api import expect

from cases.models import CaseStatus

from .helpers import login, municipality, open_cases, person


def test_worker_of_a_gets_404_for_a_case_of_b(page):
    gemeente_a = municipality("0100", "Proefdorp")
    gemeente_b = municipality("0200", "Anderstad")
    (own,) = open_cases(gemeente_a, count=1)
    (other,) = open_cases(gemeente_b, count=1, first_address=50)
    worker_a = person(gemeente_a)
    login(page, worker_a)

    page.goto("/werkvoorraad")
    expect(page.get_by_role("link", name=f"Melding {own.pk}", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=f"Melding {other.pk}", exact=True)).to_have_count(0)

    response = page.goto(f"/meldingen/{other.pk}")
    assert response.status == 404
    expect(page.get_by_role("heading", name=f"Melding {other.pk}")).to_have_count(0)
    expect(page.get_by_text(other.address)).to_have_count(0)

    # Posting an action to it by hand is not found either, and changes nothing.
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    answer = page.request.post(f"/meldingen/{other.pk}/sluiten", headers={"X-CSRFToken": token},
                               form={"eindresultaat": "Definitief geen contact kunnen krijgen"})
    assert answer.status == 404
    other.refresh_from_db()
    assert other.status == CaseStatus.OPEN

    # The same address works for a worker of B (the 404 is about who asks, not a broken page).
    page.goto("/")
    page.get_by_role("button", name="Uitloggen").click()
    login(page, person(gemeente_b, first="Bram", last="Smit"))
    assert page.goto(f"/meldingen/{other.pk}").status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Melding {other.pk}")
