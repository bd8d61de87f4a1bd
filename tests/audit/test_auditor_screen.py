"""The auditor's screen: filter by person (a BSN posted, never in the address), by user and by period;
paginated; CSV export, itself recorded. Only auditors get in, and they see only their municipalities'
events; the auditor sees no case data elsewhere."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.hashing import person_hash
from audit.models import AuditEvent
from audit.services import audit_events_write
from audit.views import EVENTS_PER_PAGE
from tests.auth import login
from tests.factories import MunicipalityFactory, UserFactory

from .conftest import CHILD_BSN, RESIDENT_BSN, ROLES, last_id, new_events


def _view_case(world, role="worker"):
    assert world.client(role).get(reverse("case_detail", args=[world.case.pk])).status_code == 200


def _rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_a_person_is_found_by_bsn_through_a_post_and_the_address_holds_only_a_hash(world):
    _view_case(world)
    world.client("worker").get(reverse("fallout_detail", args=[world.fallout.pk]))
    auditor = world.client("auditor")
    response = auditor.post(reverse("audit:events"), {"bsn": f" {CHILD_BSN} "})
    assert response.status_code == 302
    assert CHILD_BSN not in response["Location"] and person_hash(CHILD_BSN) in response["Location"]
    page = auditor.get(response["Location"])
    assert page.status_code == 200
    events = list(page.context["page"].object_list)
    assert [(e.object_type, e.object_id) for e in events] == [("case", str(world.case.pk))]
    assert "worker_audit" in page.content.decode() and CHILD_BSN not in page.content.decode()


@pytest.mark.parametrize("bsn", ["", "12345", "abcdefghi", "1234567890", "99999-0019"])
def test_a_bad_bsn_gets_a_dutch_field_error_and_nothing_else_changes(world, bsn):
    since = last_id()
    response = world.client("auditor").post(reverse("audit:events"), {"bsn": bsn})
    assert response.status_code == 400
    assert re.search("Vul een BSN in|Een BSN bestaat uit 9 cijfers", response.content.decode())
    assert [e.action for e in new_events(since)] == ["list"]  # the screen, shown again


def test_filter_by_user_and_period(world):
    _view_case(world, "worker")
    _view_case(world, "lead")
    old = audit_events_write([{"at": timezone.now() - dt.timedelta(days=40), "principal": "gebruiker",
                               "username": "worker_audit", "user_id": world.users["worker"].pk, "action": "view",
                               "municipality_id": world.municipality.pk, "method": "GET", "path": "/oud"}])[0]
    auditor = world.client("auditor")
    by_user = auditor.get(reverse("audit:events"), {"gebruiker": "lead_audit"}).context["page"].object_list
    assert {e.username for e in by_user} == {"lead_audit"}
    today = timezone.localdate()
    recent = auditor.get(reverse("audit:events"), {"gebruiker": "worker_audit", "van": today.isoformat()})
    assert old.pk not in {e.pk for e in recent.context["page"].object_list}
    then = (today - dt.timedelta(days=40)).strftime("%d-%m-%Y")
    back_then = auditor.get(reverse("audit:events"), {"van": then, "tot": then}).context["page"].object_list
    assert [e.pk for e in back_then] == [old.pk]
    wrong = auditor.get(reverse("audit:events"), {"van": "31-02-2026", "tot": today.isoformat()})
    assert wrong.status_code == 200 and "Vul een datum in als dd-mm-jjjj." in wrong.content.decode()


def test_the_list_is_paginated_newest_first(world):
    now = timezone.now()
    audit_events_write([{"at": now - dt.timedelta(minutes=i), "principal": "gebruiker", "username": "veel",
                         "action": "view", "municipality_id": world.municipality.pk, "method": "GET",
                         "path": f"/meldingen/{i}"} for i in range(EVENTS_PER_PAGE + 5)])
    auditor = world.client("auditor")
    first = auditor.get(reverse("audit:events"), {"gebruiker": "veel"})
    second = auditor.get(reverse("audit:events"), {"gebruiker": "veel", "pagina": 2})
    assert len(first.context["page"].object_list) == EVENTS_PER_PAGE
    assert [e.path for e in second.context["page"].object_list] == [f"/meldingen/{i}" for i in
                                                                    range(EVENTS_PER_PAGE, EVENTS_PER_PAGE + 5)]
    assert "gebruiker=veel&amp;pagina=2" in first.content.decode()


def test_the_csv_export_has_the_filtered_events_and_is_itself_recorded(world):
    _view_case(world)
    auditor = world.client("auditor")
    since = last_id()
    response = auditor.get(reverse("audit:export"), {"persoon": person_hash(RESIDENT_BSN)})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = _rows(response)
    assert [(r["gebruiker"], r["handeling"], r["objectId"]) for r in rows] == [
        ("worker_audit", "view", str(world.case.pk))]
    assert person_hash(RESIDENT_BSN) in rows[0]["personen"] and RESIDENT_BSN not in str(rows)
    [export] = new_events(since)
    assert (export.action, export.username, export.count, export.purpose) == ("export", "auditor_audit", 1, "controle")


@pytest.mark.parametrize("role", [role for role in (*ROLES, "super") if role != "auditor"])
def test_every_other_role_is_refused_the_audit_trail(world, role):
    client = world.client(role)
    assert client.get(reverse("audit:events")).status_code == 403
    assert client.get(reverse("audit:export")).status_code == 403
    assert client.post(reverse("audit:events"), {"bsn": RESIDENT_BSN}).status_code == 403


def test_an_auditor_sees_only_their_municipalities_events(world, client):
    _view_case(world)
    other = MunicipalityFactory(cbs_code="0599", name="Rotterdam")
    stranger = UserFactory(role="auditor", municipalities=[other])
    login(client, stranger)
    assert list(client.get(reverse("audit:events")).context["page"].object_list) == []
    rows = _rows(client.get(reverse("audit:export")))  # only the stranger's own reading of the trail
    assert {(r["gebruiker"], r["objectId"]) for r in rows} == {(stranger.username, "")}
    mine = world.client("auditor").get(reverse("audit:events")).context["page"].object_list
    assert ("view", str(world.case.pk)) in {(e.action, e.object_id) for e in mine}


def test_the_installation_auditor_sees_the_creditor_keys_and_staff_not_the_municipalities(world, client):
    world.client("creditor", kind="key").get(reverse("api-levering", args=[world.delivery.pk]))
    world.client("creditor").get(reverse("csv_import_detail", args=[world.csv_import.pk]))
    _view_case(world)
    login(client, UserFactory(role="auditor"))
    shown = client.get(reverse("audit:events")).context["page"].object_list
    assert {(e.principal, e.object_type) for e in shown} == {("sleutel", "delivery"), ("gebruiker", "csvimport")}
    municipal = {e.object_type for e in world.client("auditor").get(reverse("audit:events")).context["page"]
                 .object_list}
    assert "delivery" not in municipal and "case" in municipal


def test_the_auditor_sees_no_case_data_and_the_menu_leads_to_the_trail(world):
    auditor = world.client("auditor")
    home = auditor.get(reverse("home")).content.decode()
    menu = home.split('aria-label="Hoofdmenu"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'<a href="([^"]+)"', menu) == [reverse("home"), reverse("audit:events")]
    for url in (reverse("queue"), reverse("fallout_list"), reverse("team:overview"),
                reverse("case_detail", args=[world.case.pk]), reverse("admin:index")):
        assert auditor.get(url).status_code in (302, 403, 404), url
    for role in ("worker", "lead", "admin"):
        assert reverse("audit:events") not in world.client(role).get(reverse("home")).content.decode()


def test_events_are_written_in_one_insert_per_request(world):
    client = world.client("worker")
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("case_detail", args=[world.case.pk]))
    inserts = [q["sql"] for q in queries.captured_queries if "audit_auditevent" in q["sql"]]
    assert len(inserts) == 1 and inserts[0].startswith("INSERT")
    assert AuditEvent.objects.filter(object_id=str(world.case.pk), action="view").count() == 1


@pytest.mark.parametrize("params", [
    {"gebruiker": "a\x00b"}, {"gebruiker": "x" * 500}, {"persoon": "niet-een-hash"}, {"persoon": "A" * 64},
    {"van": "2026-13-01"}, {"tot": "gisteren"}, {"van": "2026-06-02", "tot": "2026-06-01"}, {"pagina": "-1"},
    {"pagina": "9" * 30}, {"gebruiker": "' OR 1=1 --"},
])
def test_odd_filters_get_a_message_or_are_ignored_never_an_error(world, params):
    for url in (reverse("audit:events"), reverse("audit:export")):
        response = world.client("auditor").get(url, params)
        assert response.status_code == 200, (url, params)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
