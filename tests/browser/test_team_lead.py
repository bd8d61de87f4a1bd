"""A team lead in the browser: assigning ten cases at once, planning a home visit, the planner,
the print list and the dashboard."""
import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from cases import deadlines
from cases.models import Case
from contacts.models import Dagdeel, PlannedVisit

from .helpers import login, municipality, open_cases, person, screenshot


def test_team_lead_assigns_ten_cases_at_once_and_plans_a_home_visit(page):
    gemeente = municipality()
    cases = open_cases(gemeente, count=10)
    worker = person(gemeente, first="Fatima", last="Bakker")
    person(gemeente, first="Joost", last="Visser")
    lead = person(gemeente, role=Role.TEAMLEIDER, first="Ingrid", last="de Leeuw")
    login(page, lead)

    page.goto("/team/toewijzen")
    expect(page.get_by_role("heading", level=1)).to_have_text("Toewijzen")
    expect(page.get_by_role("checkbox", name=re.compile(r"^Melding \d+ kiezen$"))).to_have_count(10)
    page.get_by_role("checkbox", name="Alle meldingen op deze pagina selecteren").check()
    expect(page.get_by_text("10 meldingen gekozen")).to_be_visible()
    for case in cases:
        expect(page.get_by_role("checkbox", name=f"Melding {case.pk} kiezen")).to_be_checked()
    page.get_by_label("Toewijzen aan").select_option(label="Fatima Bakker")
    screenshot(page, "team-toewijzen")
    page.get_by_role("button", name="Toewijzen", exact=True).click()

    expect(page.get_by_role("status").filter(has_text="toegewezen")).to_have_text(
        "10 meldingen toegewezen aan Fatima Bakker.")
    rows = page.get_by_role("row").filter(has=page.get_by_role("checkbox", name=re.compile(r"^Melding \d+ kiezen$")))
    expect(rows).to_have_count(10)
    expect(rows.filter(has_text="Fatima Bakker")).to_have_count(10)
    assert set(Case.objects.values_list("assigned_to", flat=True)) == {worker.pk}

    # A home visit for the first case, tomorrow afternoon.
    case = cases[0]
    tomorrow = deadlines.local_date(timezone.now()) + dt.timedelta(days=1)
    page.goto("/team/huisbezoeken")
    expect(page.get_by_role("heading", level=1)).to_have_text("Huisbezoeken")
    plan = page.get_by_role("region", name="Huisbezoek plannen")
    plan.get_by_label("Meldingnummer").fill(str(case.pk))
    plan.get_by_label("Medewerker").select_option(label="Fatima Bakker")
    plan.get_by_label("Datum").fill(tomorrow.isoformat())
    plan.get_by_role("radio", name="Middag").check()
    plan.get_by_label("Notitie voor het bezoek").fill("Bel aan bij de achterdeur")
    plan.get_by_role("button", name="Huisbezoek plannen").click()

    expect(page.get_by_role("status").filter(has_text="Huisbezoek gepland")).to_have_text(
        f"Huisbezoek gepland: melding {case.pk} op {deadlines.format_date(tomorrow)} (middag) door Fatima Bakker.")
    planner = page.get_by_role("region", name="Fatima Bakker (1)")
    expect(planner.get_by_role("row", name="Middag")).to_contain_text(f"Melding {case.pk}")
    expect(planner.get_by_role("row", name="Middag")).to_contain_text("Bel aan bij de achterdeur")
    visit = PlannedVisit.objects.get()
    assert (visit.case_id, visit.worker, visit.date, visit.dagdeel) == (case.pk, worker, tomorrow, Dagdeel.MIDDAG)
    screenshot(page, "team-huisbezoeken")

    # The print list of that week has the visit with what the visit needs.
    page.get_by_role("link", name="Bezoekenlijst van deze week afdrukken").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bezoekenlijst week")
    row = page.get_by_role("row").filter(has_text=case.address)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Fatima Bakker")
    expect(row).to_contain_text("middag")
    expect(row).to_contain_text("0612345678")
    screenshot(page, "team-bezoekenlijst")
    # On paper: no site header, menu or buttons, only the list.
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Uitloggen")).to_be_hidden()
    expect(page.get_by_role("button", name="Afdrukken")).to_be_hidden()
    expect(row).to_be_visible()
    screenshot(page, "team-bezoekenlijst-afdruk")
    page.emulate_media(media="screen")

    page.goto("/team/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_role("term").filter(has_text="Lopende meldingen")
           .locator("xpath=following-sibling::dd[1]")).to_have_text("10")
    screenshot(page, "team-dashboard")
