"""The plan editor (validation, tenancy), the case page's outreach fragment and stop form, "Mijn taken" and the
visit planner's "nog te plannen"."""
import datetime as dt
import html

import pytest
from django.urls import reverse

from accounts.models import Role
from contacts.models import CaseTask, TaskKind, TaskSource
from outreach import services
from outreach.models import CaseOutreach, OutreachPlan, StepKind, StopReason
from tests.auth import login
from tests.factories import UserFactory, aware, make_tray
from tests.outreach.engine_support import STANDARD, make_plan, routed_case

MONDAY = aware(2026, 5, 4, 6, 30)


@pytest.fixture
def admin(gemeente):
    return UserFactory(role=Role.FUNCTIONEEL_BEHEERDER, municipalities=[gemeente])


@pytest.fixture
def other_admin(andere):
    return UserFactory(role=Role.FUNCTIONEEL_BEHEERDER, municipalities=[andere])


def _post(gemeente, steps, **fields):
    data = {"gemeente": gemeente.pk, "naam": "Jongeren", "volgorde": "1", "actief": "on",
            "contactgegevens": "telefoon", "leeftijd_vanaf": "18", "leeftijd_tot": "27", "crisis": "",
            "opeenvolgend": "", "berichten_vanaf": "08:00", "berichten_tot": "20:00", "zaterdag": "on",
            "stappen-TOTAL_FORMS": str(len(steps)), "stappen-INITIAL_FORMS": "0",
            "stappen-MIN_NUM_FORMS": "0", "stappen-MAX_NUM_FORMS": "40"}
    for i, step in enumerate(steps):
        for key, value in step.items():
            data[f"stappen-{i}-{key}"] = value
    data.update(fields)
    return data


THREE = [{"stap": "1", "dag": "0", "soort": "sms"}, {"stap": "2", "dag": "1", "soort": "brief"},
         {"stap": "3", "dag": "4", "soort": "bellen", "extern": "on"}]


# --- the plan editor ------------------------------------------------------------------------------------


def test_an_administrator_creates_a_plan_with_steps(client, gemeente, admin):
    tray = make_tray(gemeente, "sms", "SMS-bakje")
    login(client, admin)
    assert client.get(reverse("outreach:plan_create")).status_code == 200
    response = client.post(reverse("outreach:plan_create"), _post(gemeente, THREE, bakjes=[str(tray.pk)]))
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = OutreachPlan.objects.get()
    assert (plan.name, plan.position, plan.contact_usable, plan.age_min, plan.age_max, plan.crisis) == (
        "Jongeren", 1, "telefoon", 18, 27, None)
    assert list(plan.trays.all()) == [tray]
    assert [(s.position, s.day_offset, s.kind, s.external) for s in plan.steps.order_by("position")] == [
        (1, 0, StepKind.SMS, False), (2, 1, StepKind.BRIEF, False), (3, 4, StepKind.BELLEN, True)]
    page = client.get(reverse("outreach:plan_list")).content.decode()
    assert "Jongeren" in page and "SMS-bakje, bruikbaar telefoonnummer, leeftijd 18 t/m 27" in page.replace(
        "bakje SMS-bakje", "SMS-bakje")


def test_editing_renumbers_and_removes_steps(client, gemeente, admin):
    plan = make_plan(gemeente, [(0, StepKind.SMS), (1, StepKind.EMAIL)], position=1)
    login(client, admin)
    assert "value=\"1\"" in client.get(reverse("outreach:plan_edit", args=[plan.pk])).content.decode()
    steps = [{"stap": "1", "dag": "2", "soort": "email"}, {"stap": "2", "dag": "0", "soort": "sms",
                                                           "verwijderen": "on"}, {"stap": "3", "dag": "9",
                                                                                  "soort": "huisbezoek"}]
    response = client.post(reverse("outreach:plan_edit", args=[plan.pk]), _post(gemeente, steps, naam="Nieuw"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.name == "Nieuw"
    assert [(s.position, s.day_offset, s.kind) for s in plan.steps.order_by("position")] == [
        (1, 2, StepKind.EMAIL), (3, 9, StepKind.HUISBEZOEK)]


@pytest.mark.parametrize("steps, fields, field_id, message", [
    ([{"stap": "1", "dag": "28", "soort": "sms"}], {}, "id_stappen-0-dag", "De dag moet tussen 0 en 27 liggen"),
    ([{"stap": "1", "dag": "-1", "soort": "sms"}], {}, "id_stappen-0-dag", "De dag moet tussen 0 en 27 liggen"),
    ([{"stap": "1", "dag": "x", "soort": "sms"}], {}, "id_stappen-0-dag", "Geef een heel getal."),
    ([{"stap": "1", "dag": "0", "soort": "sms"}, {"stap": "1", "dag": "2", "soort": "brief"}], {},
     "id_stappen-1-stap", "Stap 1 komt al voor"),
    ([{"stap": "1", "dag": "0", "soort": "sms", "extern": "on"}], {}, "id_stappen-0-extern",
     "Alleen een belstap kan naar het externe klantcontactcentrum."),
    ([{"stap": "1", "dag": "0", "soort": ""}], {}, "id_stappen-0-soort", "Kies een soort stap."),
    ([{"stap": "", "dag": "", "soort": ""}], {}, "stappen", "Geef het plan ten minste één stap."),
    (THREE, {"leeftijd_vanaf": "30"}, "id_leeftijd_tot", "De leeftijd 'tot en met' is lager dan 'vanaf'."),
    (THREE, {"berichten_tot": "07:00"}, "id_berichten_tot", "De eindtijd moet na de begintijd liggen."),
    (THREE, {"berichten_vanaf": "acht uur"}, "id_berichten_vanaf", "Geef een tijd als uu:mm"),
    (THREE, {"naam": ""}, "id_naam", "Geef het plan een naam."),
    (THREE, {"volgorde": "5"}, "id_volgorde", "Volgorde 5 is al in gebruik door plan 'Bestaand'."),
])
def test_plan_editor_errors_are_dutch_and_next_to_their_field(client, gemeente, admin, steps, fields, field_id,
                                                              message):
    make_plan(gemeente, [(0, StepKind.SMS)], position=5, name="Bestaand")
    login(client, admin)
    response = client.post(reverse("outreach:plan_create"), _post(gemeente, steps, **fields))
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert message in page
    assert f'href="#{field_id.removeprefix("#")}"' in page  # the summary links to the field
    assert OutreachPlan.objects.count() == 1


def test_the_plan_editor_refuses_other_roles_and_municipalities(client, gemeente, andere, admin, other_admin,
                                                                 worker):
    plan = make_plan(gemeente, STANDARD, name="Proefdorp-plan")
    other_tray = make_tray(andere, "ander", "Anderstad-bakje")
    login(client, worker)
    assert client.get(reverse("outreach:plan_list")).status_code == 403
    assert client.get(reverse("outreach:plan_create")).status_code == 403
    login(client, other_admin)
    assert "Proefdorp-plan" not in client.get(reverse("outreach:plan_list")).content.decode()
    assert client.get(reverse("outreach:plan_edit", args=[plan.pk])).status_code == 404
    assert client.post(reverse("outreach:plan_edit", args=[plan.pk]), _post(andere, THREE)).status_code == 404
    # B's administrator cannot create a plan for A, nor name A's trays; A's administrator not B's trays.
    response = client.post(reverse("outreach:plan_create"), _post(gemeente, THREE, volgorde="7"))
    assert response.status_code == 400
    login(client, admin)
    response = client.post(reverse("outreach:plan_create"), _post(gemeente, THREE, volgorde="7",
                                                                  bakjes=[str(other_tray.pk)]))
    assert response.status_code == 400
    assert OutreachPlan.objects.count() == 1
    assert "Anderstad-bakje" not in client.get(reverse("outreach:plan_create")).content.decode()


# --- the case page fragment -------------------------------------------------------------------------------


@pytest.fixture
def running(gemeente, worker):
    make_plan(gemeente, STANDARD, name="Standaard", contact_usable="telefoon")
    case = routed_case(gemeente, routed_at=MONDAY, assigned_to=worker)
    services.runs_start(now=MONDAY)
    return case


def test_the_fragment_shows_the_plan_why_every_step_and_what_is_next(client, worker, running):
    login(client, worker)
    response = client.get(reverse("outreach:case_outreach", args=[running.pk]), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page  # the fragment only
    assert "Benaderingsplan <strong>Standaard</strong>" in page
    assert "voorwaarden passen: bruikbaar telefoonnummer." in page
    assert "Volgende stap: SMS op ma 4 mei 08:00" in page
    for text in ("dag 0", "dag 1", "dag 4", "dag 8", "wo 6 mei 08:00", "Huisbezoek (te plannen door de teamleider)",
                 "Benadering stoppen"):
        assert text in page
    plain = client.get(reverse("outreach:case_outreach", args=[running.pk])).content.decode()
    assert "<html" in plain and "Volgende stap: SMS op ma 4 mei 08:00" in plain
    detail = client.get(reverse("case_detail", args=[running.pk])).content.decode()
    assert f'hx-get="{reverse("outreach:case_outreach", args=[running.pk])}"' in detail


def test_the_fragment_without_a_run_says_why(client, gemeente, worker):
    case = routed_case(gemeente, routed_at=MONDAY)
    login(client, worker)
    page = client.get(reverse("outreach:case_outreach", args=[case.pk])).content.decode()
    assert "Er loopt geen benaderingsplan" in page
    assert "Benadering stoppen" not in page


def test_stopping_from_the_case_page(client, worker, running):
    login(client, worker)
    url = reverse("outreach:case_outreach_stop", args=[running.pk])
    response = client.post(url, {})
    assert response.status_code == 400 and "Kies een reden om de benadering te stoppen." in response.content.decode()
    response = client.post(url, {"reden": "geen_berichten", "toelichting": "Belde zelf"})
    assert response.status_code == 302
    run = CaseOutreach.objects.get(case=running)
    assert (run.stop_reason, run.stopped_by) == (StopReason.GEEN_BERICHTEN, worker)
    page = client.get(reverse("outreach:case_outreach", args=[running.pk])).content.decode()
    assert "inwoner wil geen berichten" in page and "Benadering stoppen</button>" not in page
    assert "Belde zelf" in running.history.filter(params__kind="outreach").last().params["text"]


def test_the_fragment_and_stop_refuse_another_municipality(client, andere, running):
    stranger = UserFactory(municipalities=[andere])
    login(client, stranger)
    assert client.get(reverse("outreach:case_outreach", args=[running.pk])).status_code == 404
    assert client.post(reverse("outreach:case_outreach_stop", args=[running.pk]),
                       {"reden": "handmatig"}).status_code == 404
    assert CaseOutreach.objects.get(case=running).stopped_at is None


# --- my tasks and the visit planner --------------------------------------------------------------------------


def _task(case, kind=TaskKind.BELLEN, assigned_to=None):
    return CaseTask.objects.create(case=case, kind=kind, source=TaskSource.PLAN, assigned_to=assigned_to,
                                   due_date=dt.date(2026, 5, 8), created_at=MONDAY)


def test_my_tasks(client, gemeente, andere, worker, lead):
    mine = _task(routed_case(gemeente, routed_at=MONDAY), assigned_to=worker)
    unassigned = _task(routed_case(gemeente, routed_at=MONDAY))
    elsewhere = _task(routed_case(andere, routed_at=MONDAY))
    login(client, worker)
    page = client.get(reverse("outreach:my_tasks")).content.decode()
    assert f"Melding {mine.case_id}<" in page and f"Melding {unassigned.case_id}<" not in page
    login(client, lead)
    page = client.get(reverse("outreach:my_tasks")).content.decode()
    assert f"Melding {unassigned.case_id}<" in page and f"Melding {mine.case_id}<" not in page
    assert f"Melding {elsewhere.case_id}<" not in page


def test_a_home_visit_task_is_on_the_planner_to_plan(client_lead, gemeente):
    case = routed_case(gemeente, routed_at=MONDAY)
    page = client_lead.get(reverse("team:visits")).content.decode()
    assert f"melding={case.pk}#plannen" not in page
    _task(case, kind=TaskKind.HUISBEZOEK)
    page = client_lead.get(reverse("team:visits")).content.decode()
    assert f"melding={case.pk}#plannen" in page
