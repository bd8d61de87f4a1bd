"""A worker's day in the browser: the queue, filtering, the case page, a contact attempt and closing."""
from playwright.sync_api import expect

from cases.models import Case, CaseStatus
from vroegsignalering.common.vocab import CreditorKind, Outcome

from .helpers import TABLET, described, login, municipality, open_cases, person, screenshot


def test_worker_takes_a_case_from_the_queue_to_closed(page):
    gemeente = municipality()
    rent, *others = open_cases(gemeente, specs=[{"kind": CreditorKind.HUUR, "amount": "1450.00"},
                                                {"kind": CreditorKind.ZORGVERZEKERING},
                                                {"kind": CreditorKind.DRINKWATER}])
    worker = person(gemeente)
    login(page, worker)
    page.goto("/werkvoorraad")
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkvoorraad")
    for case in (rent, *others):
        expect(page.get_by_role("link", name=f"Melding {case.pk}", exact=True)).to_be_visible()
    screenshot(page, "werkvoorraad")

    # Filter on the kind of fixed cost: only the rent case stays.
    page.get_by_label("Soort vaste last").select_option(label="Huur")
    page.get_by_role("button", name="Filteren").click()
    expect(page.get_by_role("link", name=f"Melding {others[0].pk}", exact=True)).to_have_count(0)
    expect(page.get_by_text("1 open melding met deze filters")).to_be_visible()
    page.get_by_role("link", name=f"Melding {rent.pk}", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Melding {rent.pk}")
    screenshot(page, "melding")
    screenshot(page, "melding-tablet", viewport=TABLET)

    # A phone call that reached the resident.
    attempt = page.get_by_role("form", name="Contactpoging registreren")
    attempt.get_by_label("Soort contact").select_option(label="Telefoon")
    attempt.get_by_role("radio", name="Bereikt", exact=True).check()
    attempt.get_by_label("Notitie").fill("Inwoner gesproken, wil graag hulp.")
    attempt.get_by_role("button", name="Contactpoging registreren").click()
    expect(page.get_by_role("status").filter(has_text="Contactpoging")).to_be_visible()
    timeline = page.get_by_role("region", name="Tijdlijn")
    expect(timeline).to_contain_text("Telefoon — bereikt")
    expect(described(page, "Status")).to_have_text("In behandeling")

    # Close with accepted help.
    closing = page.get_by_role("form", name="Melding sluiten")
    closing.get_by_label("Eindresultaat").select_option(label=Outcome.QUICK_FIX.label)
    closing.get_by_role("radio", name="Positief").check()
    closing.get_by_label("Welke hulp is afgesproken").fill("Budgetadvies en betalingsregeling huur")
    closing.get_by_role("button", name="Melding sluiten").click()
    expect(described(page, "Status")).to_have_text(f"Gesloten Eindresultaat: {Outcome.QUICK_FIX.label}",
                                                  use_inner_text=True)
    expect(page.get_by_role("form", name="Melding sluiten")).to_have_count(0)
    rent.refresh_from_db()
    assert (rent.status, rent.outcome) == (CaseStatus.GESLOTEN, Outcome.QUICK_FIX)
    assert rent.help_description == "Budgetadvies en betalingsregeling huur"

    # Back in the queue the closed case is gone; the others are still there.
    page.get_by_role("link", name="Terug naar de werkvoorraad").click()
    page.get_by_role("link", name="Filters wissen").click()
    expect(page.get_by_role("link", name=f"Melding {others[0].pk}", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=f"Melding {rent.pk}", exact=True)).to_have_count(0)
    assert Case.objects.filter(status=CaseStatus.OPEN).count() == 2


def test_closing_checks_reach_and_records_the_consent_for_geen_hulp_gewenst(page):
    gemeente = municipality()
    not_reached, declined = open_cases(gemeente, count=2)
    worker = person(gemeente, first="Joost", last="Visser")
    login(page, worker)

    # Accepted help needs a reached resident: the refusal is shown in Dutch and nothing changes.
    page.goto(f"/meldingen/{not_reached.pk}")
    closing = page.get_by_role("form", name="Melding sluiten")
    closing.get_by_label("Eindresultaat").select_option(label=Outcome.VERVOLGHULP_FINANCIEEL.label)
    closing.get_by_role("button", name="Melding sluiten").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Dit is niet gelukt; er is niets gewijzigd")
    expect(summary).to_contain_text(f"Het eindresultaat '{Outcome.VERVOLGHULP_FINANCIEEL.label}' vraagt dat de inwoner "
                                    "is bereikt. Registreer eerst de contactpoging")
    expect(described(page, "Status")).to_have_text("Open")
    not_reached.refresh_from_db()
    assert (not_reached.status, not_reached.outcome) == (CaseStatus.OPEN, "")

    # "No help wanted", with the resident's consent to say so to the creditor.
    page.goto(f"/meldingen/{declined.pk}")
    attempt = page.get_by_role("form", name="Contactpoging registreren")
    attempt.get_by_label("Soort contact").select_option(label="Huisbezoek")
    attempt.get_by_role("radio", name="Bereikt", exact=True).check()
    attempt.get_by_role("button", name="Contactpoging registreren").click()
    expect(page.get_by_role("region", name="Tijdlijn")).to_contain_text("Huisbezoek — bereikt")
    closing = page.get_by_role("form", name="Melding sluiten")
    closing.get_by_label("Eindresultaat").select_option(label=Outcome.GEEN_HULP_GEWENST.label)
    closing.get_by_label("Reden geen hulp").fill("Regelt het zelf met de verhuurder.")
    closing.get_by_role("checkbox", name="De inwoner geeft toestemming").check()
    closing.get_by_role("button", name="Melding sluiten").click()
    expect(described(page, "Status")).to_have_text(f"Gesloten Eindresultaat: {Outcome.GEEN_HULP_GEWENST.label}",
                                                  use_inner_text=True)
    expect(described(page, "Toestemming ‘geen hulp gewenst’")).to_contain_text("vastgelegd door Joost Visser")
    expect(described(page, "Reden geen hulp")).to_have_text("Regelt het zelf met de verhuurder.")
    declined.refresh_from_db()
    assert (declined.status, declined.outcome) == (CaseStatus.GESLOTEN, Outcome.GEEN_HULP_GEWENST)
    assert declined.feedback_consent_by == worker and declined.feedback_consent_at is not None
    assert declined.decline_reason == "Regelt het zelf met de verhuurder."
