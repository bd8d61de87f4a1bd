"""The monitor's screen and its CSV and Excel exports: every figure of the generated population comes out
exactly as the chosen numbers give it; only one's own municipalities; only the roles that read the monitor;
bad parameters answer a Dutch field error (400), never a 500 and never figures."""
import csv
import datetime as dt
import io
import re
from fractions import Fraction
from html import unescape
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from monitor.dashboard import row_id
from monitor.figures import monitor_figures
from tests.auth import login
from tests.factories import CreditorFactory, MunicipalityFactory, UserFactory

from .expected import COUNT, expected_figures, text
from .facts import JAN, MAR, signal_facts

pytestmark = pytest.mark.django_db
PERIOD = {"van": "2026-01", "tot": "2026-03"}
SCREEN, CSV, EXCEL = reverse("monitor:dashboard"), reverse("monitor:export_csv"), reverse("monitor:export_excel")


class _Rows(HTMLParser):
    """The cells' texts of each table row with an id (the month-over-month tables)."""

    def __init__(self):
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and attrs.get("id", "").startswith("cijfer-"):
            self._row = self.rows.setdefault(attrs["id"], [])
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def screen_rows(response) -> dict[str, list[str]]:
    parser = _Rows()
    parser.feed(response.content.decode())
    return parser.rows


def _user(towns, role=Role.BELEIDSMEDEWERKER, *letters):
    return UserFactory(role=role, municipalities=[towns[letter] for letter in letters or ("A", "B")])


def _signed_in(client, user):
    login(client, user)
    return client


# --- every figure, exactly ------------------------------------------------------------------------------

def test_every_figure_on_the_screen_is_exactly_what_the_population_gives(client, towns):
    response = _signed_in(client, _user(towns)).get(SCREEN, PERIOD)
    assert response.status_code == 200
    rows = screen_rows(response)
    for key, (unit, monthly, whole) in expected_figures().items():
        cells = rows[row_id(key)]
        assert cells[1:5] == [*(text(value, unit) for value in monthly), text(whole, unit)], key
    # A few by hand, as a reader checks them.
    assert rows["cijfer-signalen-per-1000"][1:5] == ["3,00", "1,00", "3,50", "2,50"]
    assert rows["cijfer-signalen-per-1000"][5] == "4,80 (regel 26)"
    assert rows["cijfer-soort-aandeel-huur"][1:5] == ["37,5%", "25,0%", "0,0%", "20,8%"]
    assert rows["cijfer-bereik-aandeel"][1:5] == ["25,0%", "40,0%", "25,0%", "30,0%"]
    assert rows["cijfer-bereik-aandeel"][5] == "21,0% (regel 331)"
    assert rows["cijfer-acceptatie-aandeel"][4] == "70,0%"
    assert rows["cijfer-poging-brief"][1:5] == ["6", "0", "0", "6"]
    html = response.content.decode()
    assert "Aadorp, Beedorp samen" in html
    # each chart is a figure with a caption, an SVG with a title, and its table
    assert html.count("<figure") == html.count("<figcaption") == html.count("<svg") == 6
    assert html.count('class="grafiek-tabel"') == 6
    # the chart's text alternative: letters and cards reached 1 of 6 in January (A), none sent later
    assert "Brief/kaart: 16,7%." in unescape(html)


def _csv_rows(response) -> list[list[str]]:
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark: Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_every_figure_in_the_csv_is_exactly_what_the_population_gives(client, towns):
    response = _signed_in(client, _user(towns)).get(CSV, PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="monitor-alle-2026-01-2026-03.csv"'
    header, *rows = _csv_rows(response)
    assert header == ["Onderdeel", "Cijfer", "Eenheid", "2026-01", "2026-02", "2026-03", "Hele periode",
                      "Landelijk 2024", "Bron landelijk cijfer"]
    definitions = monitor_figures(municipalities=[towns["A"], towns["B"]], first=JAN, last=MAR).rows()
    assert [row[1] for row in rows] == [row.definition.label for row in definitions]
    by_key = {row.definition.key: line for row, line in zip(definitions, rows, strict=True)}
    for key, (unit, monthly, whole) in expected_figures().items():
        assert by_key[key][2:7] == [unit, *(text(value, unit) for value in monthly), text(whole, unit)], key
    assert by_key["bereik_aandeel"][7] == "21,0%"
    assert "regel 331" in by_key["bereik_aandeel"][8]


def test_every_figure_in_the_excel_file_is_exactly_what_the_population_gives(client, towns):
    response = _signed_in(client, _user(towns)).get(EXCEL, PERIOD)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="monitor-alle-2026-01-2026-03.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Cijfers", "Toelichting"]
    header, *rows = list(book["Cijfers"].iter_rows(values_only=True))
    assert header[:7] == ("Onderdeel", "Cijfer", "Eenheid", "2026-01", "2026-02", "2026-03", "Hele periode")
    definitions = monitor_figures(municipalities=[towns["A"], towns["B"]], first=JAN, last=MAR).rows()
    by_key = {row.definition.key: line for row, line in zip(definitions, rows, strict=True)}

    def cell(value):
        # openpyxl writes a float with 15 or 16 significant digits: equal to the last digit or so
        if value is None or isinstance(value, int):
            return "—" if value is None else value
        return pytest.approx(float(value), rel=1e-14)

    for key, (_unit, monthly, whole) in expected_figures().items():
        assert list(by_key[key][3:7]) == [*(cell(value) for value in monthly), cell(whole)], key
    assert by_key["soort_aandeel:huur"][6] == pytest.approx(float(Fraction(5, 24)), rel=1e-14)
    assert by_key["bereik_aandeel"][7] == 0.21
    sheet = book["Cijfers"]
    assert sheet.cell(row=2 + [d.definition.key for d in definitions].index("bereik_aandeel"),
                      column=7).number_format == "0.0%"
    assert "Aadorp, Beedorp" in book["Toelichting"]["A1"].value


def test_inhabitants_unknown_shows_onbekend_not_an_error(client, db):
    nowhere = MunicipalityFactory(cbs_code="0333", name="Ceedorp", inhabitants=0)
    signal_facts(nowhere, JAN, kinds={"huur": 4}, in_case=4)
    client = _signed_in(client, UserFactory(role=Role.TEAMLEIDER, municipalities=[nowhere]))
    rows = screen_rows(client.get(SCREEN, PERIOD))
    assert rows["cijfer-signalen-per-1000"][1:5] == ["onbekend"] * 4
    assert rows["cijfer-signalen"][1:5] == ["4", "0", "0", "4"]
    assert rows["cijfer-in-melding-aandeel"][1:5] == ["100,0%", "—", "—", "100,0%"]
    [line] = [row for row in _csv_rows(client.get(CSV, PERIOD)) if row[1] == "Signalen per 1.000 inwoners"]
    assert line[3:7] == ["onbekend"] * 4


# --- tenancy ------------------------------------------------------------------------------------------------

def test_one_municipality_sees_only_its_own_figures(client, towns):
    client = _signed_in(client, _user(towns, Role.TEAMLEIDER, "A"))
    response = client.get(SCREEN, PERIOD)
    rows = screen_rows(response)
    assert rows["cijfer-signalen"][1:5] == ["40", "20", "10", "70"]
    assert rows["cijfer-soort-gas"][1:5] == ["0", "0", "0", "0"]  # Beedorp's gas signals are not Aadorp's
    assert "Beedorp" not in response.content.decode()


@pytest.mark.parametrize("url", [SCREEN, CSV, EXCEL])
@pytest.mark.parametrize("gemeente", ["0222", "alle", "9999", "0111'--"])
def test_another_municipality_in_the_address_is_a_field_error_without_figures(client, towns, url, gemeente):
    client = _signed_in(client, _user(towns, Role.TEAMLEIDER, "A"))
    response = client.get(url, {**PERIOD, "gemeente": gemeente})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Kies een van uw eigen gemeenten." in html
    assert 'id="cijfer-' not in html and "Beedorp" not in html


def test_all_own_municipalities_together_is_a_choice_only_with_more_than_one(client, towns):
    client = _signed_in(client, _user(towns, Role.FUNCTIONEEL_BEHEERDER, "A", "B"))
    html = client.get(SCREEN, PERIOD).content.decode()
    assert '<option value="alle" selected>Alle gemeenten samen</option>' in html
    rows = screen_rows(client.get(SCREEN, {**PERIOD, "gemeente": "0222"}))
    assert rows["cijfer-signalen"][1:5] == ["10", "0", "30", "40"]


# --- roles ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "status"), [
    (Role.TEAMLEIDER, 200), (Role.FUNCTIONEEL_BEHEERDER, 200), (Role.BELEIDSMEDEWERKER, 200),
    (Role.VROEGSIGNALEERDER, 403), (Role.AUDITOR, 403), (Role.SERVICE_ACCOUNT, 403),
    (Role.INSTALLATIEBEHEERDER, 403),
])
def test_only_team_leads_functional_administrators_and_policy_officers_read_the_monitor(client, towns, role, status):
    client = _signed_in(client, _user(towns, role, "A"))
    for url in (SCREEN, CSV, EXCEL):
        assert client.get(url, PERIOD).status_code == status, url
    menu = client.get(reverse("home")).content.decode().split('aria-label="Hoofdmenu"')[1].split("</nav>")[0]
    assert (f'href="{SCREEN}"' in menu) is (status == 200)


def test_creditor_staff_anonymous_visitors_and_users_without_a_municipality_get_no_figures(client, towns):
    for url in (SCREEN, CSV, EXCEL):
        assert client.get(url).status_code == 302  # to the login
    creditor = CreditorFactory(name="Partij", kinds=["huur"])
    staff = UserFactory(role=Role.VASTELASTENPARTNER, creditor=creditor)
    assert _signed_in(client, staff).get(SCREEN).status_code == 403
    homeless = UserFactory(role=Role.BELEIDSMEDEWERKER)
    response = _signed_in(client, homeless).get(SCREEN)
    assert response.status_code == 403


# --- parameters -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("params", "field", "message"), [
    ({"van": "2026-13"}, "van", "Geef een maand als JJJJ-MM, bijvoorbeeld 2026-01."),
    ({"van": "januari"}, "van", "Geef een maand als JJJJ-MM, bijvoorbeeld 2026-01."),
    ({"van": "0001-01"}, "van", "Geef een maand als JJJJ-MM, bijvoorbeeld 2026-01."),
    ({"van": "2026-01-01"}, "van", "Geef een maand als JJJJ-MM, bijvoorbeeld 2026-01."),
    ({"van": "٢٠٢٦-٠١"}, "van", "Geef een maand als JJJJ-MM, bijvoorbeeld 2026-01."),
    ({"van": "x" * 5000}, "van", "Geef een maand als JJJJ-MM, bijvoorbeeld 2026-01."),
    ({"van": ""}, "van", "Kies de eerste maand."),
    ({"tot": ""}, "tot", "Kies de laatste maand."),
    ({"van": "2026-03", "tot": "2026-01"}, "tot", "De laatste maand ligt vóór de eerste maand."),
    ({"van": "2020-01", "tot": "2023-01"}, "tot", "Kies een periode van hoogstens 36 maanden."),
    ({"gemeente": ""}, "gemeente", "Kies een gemeente."),
])
def test_bad_parameters_are_a_dutch_field_error_never_a_500(client, towns, params, field, message):
    client = _signed_in(client, _user(towns, Role.TEAMLEIDER, "A", "B"))
    for url in (SCREEN, CSV, EXCEL):
        response = client.get(url, {**PERIOD, **params})
        assert response.status_code == 400, url
        html = response.content.decode()
        assert re.search(rf'id="id_{field}_error">.*?{re.escape(message)}', html), url
        assert f'href="#id_{field}">{message}</a>' in html  # the error summary links to the field
        assert 'id="cijfer-' not in html


def test_the_default_range_is_the_last_twelve_complete_months(client, towns):
    response = _signed_in(client, _user(towns, Role.TEAMLEIDER, "A")).get(SCREEN)
    assert response.status_code == 200
    today = timezone.localdate()
    last = (today.replace(day=1) - dt.timedelta(days=1))
    first = dt.date(last.year - 1 + (last.month // 12), last.month % 12 + 1, 1)
    html = response.content.decode()
    assert f'value="{first:%Y-%m}"' in html and f'value="{last:%Y-%m}"' in html
    assert len(screen_rows(response)["cijfer-signalen"]) == 1 + 12 + 2


def test_the_download_links_carry_the_chosen_municipality_and_months(client, towns):
    html = _signed_in(client, _user(towns, Role.TEAMLEIDER, "A", "B")).get(
        SCREEN, {"gemeente": "0111", **PERIOD}).content.decode()
    assert f'href="{EXCEL}?gemeente=0111&amp;van=2026-01&amp;tot=2026-03"' in html
    assert f'href="{CSV}?gemeente=0111&amp;van=2026-01&amp;tot=2026-03"' in html


def test_counts_render_with_a_thousands_point():
    assert text(12345, COUNT) == "12.345"
