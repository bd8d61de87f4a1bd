"""Every instrumented route records exactly one event, with who acted and what was shown or written, and
never a BSN, name or address in clear (issue 11, item 3). Generated over the routes and their principals."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import resolve, reverse
from django.utils import timezone

from audit.hashing import person_hash, search_hash
from audit.models import AuditEvent
from audit.recording import view_spec
from contacts.models import PlannedVisit
from kcc.selectors import case_token
from outreach.models import MessageTemplate, PrintBatch
from tests.factories import signal_payload
from tests.test_url_tenancy import url_patterns

from .conftest import BSNS, CANDIDATE_BSN, CHILD_BSN, NAMES, RESIDENT_BSN, World, last_id, new_events


@dataclass(frozen=True)
class Call:
    """One request and the event it must leave."""

    role: str
    kind: str  # session, token, key
    method: str
    url: Callable[[World], str]
    action: str
    object_type: str
    object_id: Callable[[World], object] | None = None  # the event's object (None: a list or none)
    listed: Callable[[World], list] | None = None  # ids a list must contain
    persons: tuple[str, ...] = ()
    status: int = 200
    data: Callable[[World], dict] | None = None
    principal: str = "gebruiker"
    municipality: bool = True  # the event is the municipality's
    extra: dict = field(default_factory=dict)


def _case(w):
    return w.case.pk


def _next_workday() -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


CALLS = {
    # the worker's screens
    "queue": Call("worker", "session", "get", lambda w: reverse("queue"), "list", "case", listed=lambda w: [w.case.pk]),
    "case page": Call("worker", "session", "get", lambda w: reverse("case_detail", args=[w.case.pk]), "view", "case",
                      _case, persons=(RESIDENT_BSN, CHILD_BSN)),
    "case page (team lead)": Call("lead", "session", "get", lambda w: reverse("case_detail", args=[w.case.pk]),
                                  "view", "case", _case, persons=(RESIDENT_BSN, CHILD_BSN)),
    "contact attempt (refused)": Call("worker", "session", "post",
                                      lambda w: reverse("case_attempt_create", args=[w.case.pk]), "change", "case",
                                      _case, persons=(RESIDENT_BSN, CHILD_BSN), status=400, data=lambda w: {}),
    "close (refused)": Call("worker", "session", "post", lambda w: reverse("case_close", args=[w.case.pk]), "change",
                            "case", _case, persons=(RESIDENT_BSN, CHILD_BSN), status=400, data=lambda w: {}),
    "reply": Call("worker", "session", "post",
                  lambda w: reverse("case_attempt_reply", args=[w.case.pk, w.attempt.pk]), "change", "case", _case,
                  persons=(RESIDENT_BSN, CHILD_BSN), status=400, data=lambda w: {}),
    "reopen (refused)": Call("worker", "session", "post", lambda w: reverse("case_reopen", args=[w.case.pk]),
                             "change", "case", _case, persons=(RESIDENT_BSN, CHILD_BSN), status=400,
                             data=lambda w: {}),
    "follow-up (refused)": Call("worker", "session", "post",
                                lambda w: reverse("case_follow_up", args=[w.case.pk, w.follow_up.pk]), "change",
                                "case", _case, persons=(RESIDENT_BSN, CHILD_BSN), status=400, data=lambda w: {}),
    "contact data (refused)": Call("worker", "session", "post",
                                   lambda w: reverse("case_contact_correct", args=[w.case.pk]), "change", "case",
                                   _case, persons=(RESIDENT_BSN, CHILD_BSN), status=400, data=lambda w: {}),
    # the team lead's screens
    "assign list": Call("lead", "session", "get", lambda w: reverse("team:assign"), "list", "case",
                        listed=lambda w: [w.case.pk]),
    "assign": Call("lead", "session", "post", lambda w: reverse("team:assign"), "change", "case",
                   listed=lambda w: [w.case.pk], status=302,
                   data=lambda w: {"melding": [w.case.pk], "medewerker": w.users["lead"].pk}),
    "visit planner": Call("lead", "session", "get", lambda w: reverse("team:visits"), "list", "case",
                          listed=lambda w: [w.case.pk]),
    "visit plan": Call("lead", "session", "post", lambda w: reverse("team:visits"), "create", "plannedvisit",
                       lambda w: PlannedVisit.objects.latest("pk").pk, status=302, data=lambda w: {
                           "melding": w.case.pk, "medewerker": w.users["worker"].pk, "dagdeel": "Middag",
                           "datum": _next_workday().isoformat()}),
    "visit list print": Call("lead", "session", "get", lambda w: reverse("team:visits_print"), "print", "case",
                             listed=lambda w: [w.case.pk]),
    "visit cancel": Call("lead", "session", "post", lambda w: reverse("team:visit_cancel", args=[w.visit.pk]),
                         "change", "plannedvisit", lambda w: w.visit.pk, status=302, data=lambda w: {},
                         municipality=False),
    # fallout
    "fallout list": Call("worker", "session", "get", lambda w: reverse("fallout_list"), "list", "signal",
                         listed=lambda w: [w.fallout.pk]),
    "fallout review": Call("worker", "session", "get", lambda w: reverse("fallout_detail", args=[w.fallout.pk]),
                           "view", "signal", lambda w: w.fallout.pk, persons=(CANDIDATE_BSN,)),
    "fallout decision (refused)": Call("worker", "session", "post",
                                       lambda w: reverse("fallout_detail", args=[w.fallout.pk]), "change", "signal",
                                       lambda w: w.fallout.pk, persons=(CANDIDATE_BSN,), status=400,
                                       data=lambda w: {}),
    # CSV import results (creditor staff: no municipality)
    "import upload (refused)": Call("creditor", "session", "post", lambda w: reverse("csv_import"), "change",
                                    "csvimport", lambda w: "", data=lambda w: {}, municipality=False),
    "import results": Call("creditor", "session", "get",
                           lambda w: reverse("csv_import_detail", args=[w.csv_import.pk]), "view", "csvimport",
                           lambda w: w.csv_import.pk, municipality=False),
    "import results CSV": Call("creditor", "session", "get",
                               lambda w: reverse("csv_import_results_csv", args=[w.csv_import.pk]), "export",
                               "csvimport", lambda w: w.csv_import.pk, municipality=False),
    # the municipal API (tokens)
    "API cases": Call("service", "token", "get", lambda w: reverse("gemeente-meldingen"), "api_read", "case",
                      listed=lambda w: [w.case.pk], principal="token"),
    "API case": Call("worker", "token", "get", lambda w: reverse("gemeente-melding", args=[w.case.pk]), "api_read",
                     "case", _case, persons=(RESIDENT_BSN, CHILD_BSN), principal="token"),
    "API attempt": Call("lead", "token", "get",
                        lambda w: reverse("gemeente-contactpoging", args=[w.case.pk, w.attempt.pk]), "api_read",
                        "case", _case, principal="token", municipality=False),
    "API close (refused)": Call("worker", "token", "post", lambda w: reverse("gemeente-afsluiting", args=[w.case.pk]),
                                "api_write", "case", _case, status=400, data=lambda w: {}, principal="token",
                                municipality=False),
    "API reopen (refused)": Call("service", "token", "post",
                                 lambda w: reverse("gemeente-heropening", args=[w.case.pk]), "api_write", "case",
                                 _case, status=409, data=lambda w: {"reden": "De inwoner wil toch hulp."},
                                 principal="token", municipality=False),
    "API attempt (refused)": Call("worker", "token", "post",
                                  lambda w: reverse("gemeente-contactpogingen", args=[w.case.pk]), "api_write",
                                  "case", _case, status=400, data=lambda w: {}, principal="token",
                                  municipality=False),
    "API reply (refused)": Call("worker", "token", "post",
                                lambda w: reverse("gemeente-reactie", args=[w.case.pk, w.attempt.pk]), "api_write",
                                "case", _case, status=400, data=lambda w: {}, principal="token", municipality=False),
    "API assign": Call("lead", "token", "put", lambda w: reverse("gemeente-toewijzing", args=[w.case.pk]),
                       "api_write", "case", _case, persons=(RESIDENT_BSN, CHILD_BSN),
                       data=lambda w: {"gebruikersnaam": "lead_audit"}, principal="token"),
    # the creditor API (keys)
    "creditor signal": Call("creditor", "key", "get", lambda w: reverse("api-signaal", args=["AUDIT-1"]), "api_read",
                            "signal", lambda w: w.signal.pk, principal="sleutel"),
    "creditor delivery": Call("creditor", "key", "get", lambda w: reverse("api-levering", args=[w.delivery.pk]),
                              "api_read", "delivery", lambda w: w.delivery.pk, principal="sleutel",
                              municipality=False),
    "creditor new signal": Call("creditor", "key", "post", lambda w: reverse("api-signalen"), "api_write", "signal",
                                None, status=201, data=lambda w: signal_payload(90), principal="sleutel"),
    "creditor delivery (new)": Call("creditor", "key", "post", lambda w: reverse("api-leveringen"), "api_write",
                                    "delivery", None, status=201,
                                    data=lambda w: {"signalen": [signal_payload(91), signal_payload(92)]},
                                    principal="sleutel", municipality=False, extra={"count": 2}),
    "creditor feed": Call("creditor", "key", "get", lambda w: reverse("api-terugkoppelingen"), "api_read",
                          "feedbackevent", listed=lambda w: [w.feedback.pk], principal="sleutel"),
    # the admin (personal-data models)
    "admin cases": Call("admin", "session", "get", lambda w: reverse("admin:cases_case_changelist"), "admin_view",
                        "cases.case", listed=lambda w: [w.case.pk], municipality=False),
    "admin case search": Call("admin", "session", "get",
                              lambda w: reverse("admin:cases_case_changelist") + "?q=Auditsteeg", "search",
                              "cases.case", municipality=False, extra={"search_hash": search_hash("Auditsteeg")}),
    "admin case": Call("admin", "session", "get", lambda w: reverse("admin:cases_case_change", args=[w.case.pk]),
                       "admin_view", "cases.case", _case),
    "admin signal": Call("super", "session", "get",
                         lambda w: reverse("admin:signals_signal_change", args=[w.signal.pk]), "admin_view",
                         "signals.signal", lambda w: w.signal.pk, persons=(RESIDENT_BSN,)),
    "admin case history": Call("admin", "session", "get",
                               lambda w: reverse("admin:cases_case_history", args=[w.case.pk]), "admin_view",
                               "cases.case", _case),
    "admin password page": Call("admin", "session", "get",
                                lambda w: reverse("admin:auth_user_password_change", args=[w.users["worker"].pk]),
                                "admin_view", "accounts.user", lambda w: w.users["worker"].pk, municipality=False),
    # the auditor's own screen
    "audit trail": Call("auditor", "session", "get", lambda w: reverse("audit:events"), "list", "auditevent",
                        municipality=False),
    "audit trail CSV": Call("auditor", "session", "get", lambda w: reverse("audit:export"), "export", "auditevent",
                            municipality=False),
}


# --- the call centre (issue 13): "inwoner belde", the call list's results, the call list through the API ---
def _results_file(world: World):
    at = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    text = f"kenmerk;tijdstip;bereikt;notitie\r\n{world.case.contact_reference};{at};ja;\r\n"
    return {"bestand": SimpleUploadedFile("resultaten.csv", text.encode(), content_type="text/csv")}


CALLS.update({
    "KCC inbound call": Call("kcc", "session", "post", lambda w: reverse("kcc:inbound_call"), "create", "case",
                             object_id=_case, status=302, data=lambda w: {
                                 "prefix": "r0", "r0-token": case_token(w.users["kcc"], w.case),
                                 "r0-terugbelnummer": "0612345678", "r0-dagdeel": "", "r0-notitie": "",
                                 "r0-kenmerk": ""}),
    "call list results": Call("lead", "session", "post", lambda w: reverse("kcc:results_import"), "create", "case",
                              listed=lambda w: [w.case.pk], data=_results_file),
    "API call list": Call("service", "token", "get", lambda w: reverse("gemeente-bellijst"), "api_read", "case",
                          principal="token", extra={"count": 0}),
})


def _text(w):
    """A's SMS text (made on first use)."""
    template, _ = MessageTemplate.objects.get_or_create(
        municipality=w.municipality, channel="sms", target_group="algemeen", version=1,
        defaults={"body": "Bel ons, kenmerk {{ kenmerk }}.", "edited_at": timezone.now()})
    return template


def _batch(w):
    """A's print batch, ready for the mail room (made on first use)."""
    now = timezone.now()
    batch, _ = PrintBatch.objects.get_or_create(municipality=w.municipality, defaults={
        "created_at": now, "progress_at": now, "state": "klaar", "pdf": b"%PDF-1.7 audit", "pdf_size": 14})
    return batch


# the texts and print batches of outreach (issue 13): the functional administrator's configuration, recorded as
# the administrator's own (no municipality on the event, as the other configuration screens)
_CONFIG = {"role": "admin", "kind": "session", "municipality": False}
CALLS.update({
    "texts": Call(**_CONFIG, method="get", url=lambda w: reverse("outreach:texts"), action="list", object_type="tekst"),
    "texts defaults": Call(**_CONFIG, method="post", url=lambda w: reverse("outreach:texts_defaults"),
                           action="create", object_type="tekst", status=302,
                           data=lambda w: {"gemeente": w.municipality.pk}),
    "text saved": Call(**_CONFIG, method="post", url=lambda w: reverse("outreach:text_edit", args=[_text(w).pk]),
                       action="change", object_type="tekst", object_id=lambda w: _text(w).pk, status=302,
                       data=lambda w: {"onderwerp": "", "tekst": "Bel ons gerust, kenmerk {{ kenmerk }}."}),
    "print batches": Call(**_CONFIG, method="get", url=lambda w: reverse("outreach:batches"), action="list",
                          object_type="printbatch"),
    "print batch start": Call(**_CONFIG, method="post", url=lambda w: reverse("outreach:batch_start"),
                              action="create", object_type="printbatch", status=302,
                              data=lambda w: {"gemeente": w.municipality.pk}),
    "print batch": Call(**_CONFIG, method="get", url=lambda w: reverse("outreach:batch_detail", args=[_batch(w).pk]),
                        action="view", object_type="printbatch", object_id=lambda w: _batch(w).pk),
    "print batch PDF": Call(**_CONFIG, method="get", url=lambda w: reverse("outreach:batch_pdf", args=[_batch(w).pk]),
                            action="export", object_type="printbatch", object_id=lambda w: _batch(w).pk),
    "print batch handed over": Call(**_CONFIG, method="post",
                                    url=lambda w: reverse("outreach:batch_hand_over", args=[_batch(w).pk]),
                                    action="change", object_type="printbatch", object_id=lambda w: _batch(w).pk,
                                    status=302, data=lambda w: {"datum": timezone.localdate().isoformat()}),
})


def _request(world: World, call: Call):
    client = world.client(call.role, kind=call.kind)
    url = call.url(world)
    if call.method == "get":
        return client.get(url)
    data = call.data(world) if call.data else {}
    if call.kind == "session":
        return client.post(url, data)
    return client.generic(call.method.upper(), url, json.dumps(data), content_type="application/json")


@pytest.mark.parametrize("name", list(CALLS))
def test_each_route_records_one_event_with_who_and_what(world, name):
    call = CALLS[name]
    since = last_id()
    response = _request(world, call)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    assert response.status_code == call.status, response.content[:500]
    events = new_events(since)
    assert len(events) == 1, [(e.action, e.route) for e in events]
    event = events[0]
    user = world.users[call.role]
    assert event.principal == call.principal
    if call.kind == "key":
        assert (event.user_id, event.creditor_id, event.creditor_name) == (None, world.creditor.pk, world.creditor.name)
        assert event.key_prefix and event.key_prefix in world.creditor_key
    else:
        assert (event.user_id, event.username, event.role) == (user.pk, user.username, user.role)
    if call.kind == "token":
        assert event.key_prefix and world.tokens[call.role].startswith(event.key_prefix)
    assert event.action == call.action
    assert event.object_type == call.object_type
    if call.object_id is not None:
        assert event.object_id == str(call.object_id(world))
    if call.listed is not None:
        assert {str(i) for i in call.listed(world)} <= set(event.object_ids)
        assert event.count is not None and event.count >= len(call.listed(world))
    assert set(event.persons) == {person_hash(bsn) for bsn in call.persons}
    assert (event.municipality_id == world.municipality.pk) is call.municipality
    for attribute, value in call.extra.items():
        assert getattr(event, attribute) == value
    assert event.method == call.method.upper() and event.status == call.status
    assert event.path == call.url(world).split("?")[0] and event.route
    assert event.request_id == response["X-Request-ID"]
    assert event.purpose


def _all_text(events: list[AuditEvent]) -> str:
    return json.dumps([model_to_dict(event) for event in events], default=str)


def test_no_bsn_name_or_query_string_is_stored_in_clear(world):
    since = last_id()
    for call in CALLS.values():
        _request(world, call)
    world.client("lead").get(reverse("team:assign") + "?bakje=999990019&zoek=Auditsma")
    text = _all_text(new_events(since))
    assert len(new_events(since)) >= len(CALLS)
    for secret in (*BSNS, *NAMES, "zoek="):
        assert secret not in text


def test_a_refused_request_records_nothing(world):
    since = last_id()
    other = world.client("auditor")
    assert other.get(reverse("case_detail", args=[world.case.pk])).status_code == 404
    assert other.post(reverse("case_close", args=[world.case.pk]), {}).status_code == 404
    assert other.get(reverse("team:visits_print")).status_code == 403
    assert world.client("worker").get(reverse("case_detail", args=[world.case.pk + 999])).status_code == 404
    assert new_events(since) == []


def test_every_marked_route_is_exercised_here(world):
    """A route marked ``@audited`` (a new one too) must be in ``CALLS``, so its event is checked."""
    marked = {(route, pattern.callback) for route, pattern in url_patterns() if view_spec(pattern.callback)}
    exercised = {resolve(call.url(world).split("?")[0]).func for call in CALLS.values()}
    missing = sorted(route for route, callback in marked if callback not in exercised)
    assert missing == [], f"add these audited routes to CALLS: {missing}"
    assert len(marked) >= 20


@pytest.mark.parametrize("tail", ["1%00/change/", "1%0A/change/", "%C2%85/history/"])
def test_control_characters_in_a_path_are_not_stored_and_never_an_error(world, tail):
    since = last_id()
    response = world.client("admin").get(reverse("admin:cases_case_changelist") + tail)
    assert response.status_code in (200, 302, 404)
    for event in new_events(since):
        assert not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in event.path)
