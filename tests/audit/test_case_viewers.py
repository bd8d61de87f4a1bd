"""The case page shows a team lead who looked at the case (from the audit trail); a worker does not see it."""
from __future__ import annotations

from django.urls import reverse

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
    for _ in range(CASE_VIEWERS_SHOWN + 3):
        _page(world, "worker")
    section = _section(_page(world, "lead"))
    assert section.count("<tr>") == CASE_VIEWERS_SHOWN + 1  # the header and the latest rows


def test_a_case_nobody_opened_says_so(world):
    assert "Nog geen eerdere inzage vastgelegd." in _section(_page(world, "lead"))
