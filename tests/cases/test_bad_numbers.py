"""Numbers typed into an address or a form: "²" (a digit to ``str.isdigit()``, not to ``int()``), a negative
number, one too big for any id, an empty one and one of 5000 digits (``int()`` refuses more than 4300) give
a clear 400 or 404, or are ignored; never a 500."""
import pytest
from django.urls import reverse

from cases.team_forms import VisitPlanForm
from tests.auth import login
from tests.cases.api import API
from tests.factories import client_for, open_cases
from vroegsignalering.common.params import parse_id

pytestmark = pytest.mark.django_db

BAD = ["²", "-1", "99999999999999999999999", "", "9" * 5000]
IDS = ["superscript-two", "negative", "too-big", "empty", "5000-digits"]


@pytest.fixture
def case(gemeente):
    return open_cases(gemeente, [1])[0]


@pytest.mark.parametrize(("value", "expected"), [
    ("12", 12), (" 12 ", 12), ("0", 0), ("9" * 18, int("9" * 18)),
    ("²", None), ("١٢", None), ("-1", None), ("+1", None), ("1.0", None), ("1e3", None), ("", None), (" ", None),
    ("9" * 19, None), ("9" * 5000, None), (None, None), (12, None), ("12\n3", None),
])
def test_parse_id_takes_only_ascii_digits_of_bounded_length(value, expected):
    assert parse_id(value) == expected


def test_parse_id_takes_a_smaller_bound():
    assert parse_id("123", max_digits=3) == 123 and parse_id("1234", max_digits=3) is None


@pytest.mark.parametrize("value", BAD, ids=IDS)
@pytest.mark.parametrize("param", ["na", "voor"])
def test_queue_ignores_a_bad_cursor_and_shows_the_first_page(client, worker, case, param, value):
    login(client, worker)
    response = client.get(reverse("queue"), {param: value})
    assert response.status_code == 200
    assert f'href="/meldingen/{case.pk}"' in response.content.decode()


@pytest.mark.parametrize("value", BAD, ids=IDS)
def test_visit_planner_ignores_a_bad_case_number_in_the_link(client_lead, case, value):
    response = client_lead.get(reverse("team:visits"), {"melding": value})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<input type="number" name="melding" min="1"' in html  # the form, its case number left empty
    assert 'name="melding" value=' not in html


def test_visit_planner_fills_in_a_good_case_number_from_the_link(client_lead, case):
    response = client_lead.get(reverse("team:visits"), {"melding": str(case.pk)})
    assert f'name="melding" value="{case.pk}"' in response.content.decode()


@pytest.mark.parametrize("value", [v for v in BAD if v], ids=[i for i, v in zip(IDS, BAD, strict=True) if v])
def test_visit_list_for_a_bad_worker_number_is_a_dutch_404(client_lead, case, value):
    response = client_lead.get(reverse("team:visits_print"), {"medewerker": value})
    assert response.status_code == 404
    assert "Deze pagina bestaat niet of is niet voor u" in response.content.decode()


def test_visit_list_with_an_empty_worker_is_everyones(client_lead, worker, case):
    response = client_lead.get(reverse("team:visits_print"), {"medewerker": ""})
    assert response.status_code == 200 and response.context["worker"] is None


def test_visit_list_of_one_worker(client_lead, worker, case):
    response = client_lead.get(reverse("team:visits_print"), {"medewerker": str(worker.pk)})
    assert response.status_code == 200 and response.context["worker"] == worker


@pytest.mark.parametrize("value", BAD, ids=IDS)
def test_assigning_a_bad_case_number_is_a_dutch_field_error(client_lead, worker, case, value):
    response = client_lead.post(reverse("team:assign"), {"melding": [value], "medewerker": str(worker.pk)})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<p class="fout" id="id_melding_error">Een gekozen melding bestaat niet.</p>' in html
    case.refresh_from_db()
    assert case.assigned_to is None


@pytest.mark.parametrize("value", BAD, ids=IDS)
def test_api_page_number_that_is_no_number_is_a_field_level_400(lead, case, value):
    response = client_for(lead).get(f"{API}/meldingen", {"pagina": value})
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert response.json()["invalidParams"] == [
        {"name": "pagina", "code": "invalid", "reason": "Geef een geheel getal van 1 tot 1000000."}]


@pytest.mark.parametrize("param", ["gemeentecode", "termijnVoor"])
def test_api_filters_take_ascii_digits_only(lead, case, param):
    value = {"gemeentecode": "٠١٠٠", "termijnVoor": "٢٠٢٦-٠٦-٢٠"}[param]  # Arabic-Indic digits
    response = client_for(lead).get(f"{API}/meldingen", {param: value})
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == [param]


@pytest.mark.parametrize(("value", "error"), [
    (str(2**31), None),  # beyond a 32-bit id: ids are BigAutoField
    (str(2**63 - 1), None),
    (str(2**63), "Deze melding bestaat niet."),
    ("0", "Een meldingnummer is 1 of hoger."),
])
def test_the_visit_form_takes_any_case_number_a_bigautofield_can_hold(lead, value, error):
    form = VisitPlanForm(data={"melding": value}, user=lead)
    form.is_valid()
    assert form.errors.get("melding") == ([error] if error else None)


def test_planning_a_visit_for_a_big_unknown_case_number_says_it_is_not_found(client_lead, worker, case):
    response = client_lead.post(reverse("team:visits"), {
        "melding": str(2**31), "medewerker": str(worker.pk), "datum": "2026-06-10", "dagdeel": "Ochtend"})
    assert response.status_code == 400
    assert "Deze melding bestaat niet of hoort niet bij uw gemeente." in response.content.decode()
