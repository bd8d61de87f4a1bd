"""The case page shows a team lead who looked at the case (from the audit trail); a worker does not see it."""
from __future__ import annotations

from django.urls import reverse

from audit.models import AuditEvent
from audit.selectors import CASE_VIEWERS_SHOWN


def _page(world, role) -> str:
    response = world.client(role).get(reverse("case_detail", args=[world.case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str) -> str:
    return html.split('id="kop-ingezien"', 1)[1].split("</section>", 1)[0]


def test_the_team_lead_sees_who_viewed_the_case_and_the_worker_does_not(world):
    world.client("service", kind="token").get(reverse("gemeente-melding", args=[world.case.pk]))
    assert "Ingezien door" not in _page(world, "worker")
    section = _section(_page(world, "lead"))
    assert "Worker" in section and "Bekeken" in section  # the worker's full name, and what they did
    assert "service_audit (API-token" not in section and "Service" in section and "Gelezen via API" in section
    assert "Ingezien door" not in _page(world, "worker")


def test_the_list_keeps_the_latest_views_only(world):
    for n in range(CASE_VIEWERS_SHOWN + 3):
        _page(world, ("worker", "lead")[n % 2])  # two people taking turns: each look is its own line
    section = _section(_page(world, "lead"))
    assert section.count("<tr>") == CASE_VIEWERS_SHOWN + 1  # the header and the latest rows


def test_a_page_and_the_fragments_it_loads_are_one_look_in_the_list_and_every_request_in_the_trail(world):
    since = AuditEvent.objects.count()
    for _ in range(3):
        _page(world, "worker")
        assert world.client("worker").get(reverse("outreach:case_outreach", args=[world.case.pk])).status_code == 200
    assert AuditEvent.objects.count() - since == 6  # the trail keeps each request
    section = _section(_page(world, "lead"))
    assert section.count("Worker") == 1 and section.count("<tr>") == 2  # the header and one line


def test_a_case_nobody_opened_says_so(world):
    assert "Nog geen eerdere inzage vastgelegd." in _section(_page(world, "lead"))
