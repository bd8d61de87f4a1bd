"""No menu link leads to an error page: for every role, every link in the main menu of every page the
menu reaches answers 200 (issue 9, point 9: the team menu linked to /team/, which had no page)."""
import re
from html import unescape

import pytest
from django.urls import reverse

from accounts.models import Role
from cases import services
from cases.models import Case
from tests.auth import login
from tests.factories import CreditorFactory, MunicipalityFactory, UserFactory, make_cases


@pytest.fixture
def gemeente(db):
    municipality = MunicipalityFactory(cbs_code="0100", name="Proefdorp")
    make_cases(municipality, 3)
    return municipality


def _menu_links(html: str) -> set[str]:
    if 'aria-label="Hoofdmenu"' not in html:
        return set()
    nav = html.split('aria-label="Hoofdmenu"', 1)[1].split("</nav>", 1)[0]
    return {unescape(href) for href in re.findall(r'<a href="([^"]+)"', nav)}


def _walk(client) -> dict[str, int]:
    """Every page reachable from the start page through the main menu: address → status."""
    seen: dict[str, int] = {}
    todo = [reverse("home")]
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            todo.extend(_menu_links(response.content.decode()) - seen.keys())
    return seen


@pytest.mark.parametrize("role", list(Role))
def test_every_menu_link_of_every_role_opens_a_page(client, gemeente, role):
    creditor = CreditorFactory(name="Proefverhuurder", kinds=["huur"]) if role == Role.VASTELASTENPARTNER else None
    user = UserFactory(role=role, municipalities=[] if creditor else [gemeente])
    if creditor:
        user.creditor = creditor
    user.is_staff = role == Role.FUNCTIONEEL_BEHEERDER
    user.save()
    login(client, user)
    pages = _walk(client)
    broken = {url: status for url, status in pages.items() if status != 200}
    assert not broken, f"menu links of a {role.label} that do not open: {broken}"
    assert len(pages) >= 1


def test_the_team_leads_menu_reaches_every_team_page(client, gemeente):
    lead = UserFactory(role=Role.TEAMLEIDER, municipalities=[gemeente])
    services.cases_assign_bulk(cases=list(Case.objects.all()[:1]), worker=UserFactory(municipalities=[gemeente]),
                               by=lead)
    login(client, lead)
    pages = _walk(client)
    for name in ("team:overview", "team:assign", "team:visits", "team:dashboard", "team:capacity", "queue"):
        assert pages.get(reverse(name)) == 200, name
