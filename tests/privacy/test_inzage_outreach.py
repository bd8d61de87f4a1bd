"""The inzage report (AVG art. 15) names what outreach (issue 13) holds about the resident: the case's reference,
the plan's steps with where each message went, the letters with their text, tasks and contact data found
unusable — in the JSON and in the PDF."""
from __future__ import annotations

import io
import json

from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.models import UnusableContact
from contacts.models import CaseTask, TaskKind, TaskSource
from outreach.models import CaseOutreach, CaseOutreachStep, Letter, MessageTemplate, OutreachPlan, StepStatus
from tests.privacy.test_inzage import (  # noqa: F401 (the fixtures admin and world)
    PDF_URL,
    PIET,
    _admin_client,
    _report,
    _search,
    admin,
    world,
)


def _outreach(case):
    now = timezone.now()
    plan = OutreachPlan.objects.create(municipality=case.municipality, position=1, name="Standaard")
    run = CaseOutreach.objects.create(case=case, plan=plan, plan_name=plan.name, started_at=case.opened_at)
    CaseOutreachStep.objects.create(run=run, case=case, position=1, kind="sms", day_offset=0,
                                    planned_at=case.opened_at, due_at=case.opened_at, status=StepStatus.VERZONDEN,
                                    done_at=case.opened_at, recipient="+31612345678", gateway_status="delivered")
    template = MessageTemplate.objects.create(municipality=case.municipality, channel="brief",
                                              target_group="algemeen", body="x {{ kenmerk }}", edited_at=now)
    Letter.objects.create(case=case, template=template, reference=f"{case.contact_reference}-2",
                          letter_date=now.date(), subject="Hulp bij uw vaste lasten",
                          body_html="<p>Beste P. Proef,</p><p>Bel ons gerust.</p>", addressee="P. Proef",
                          address_lines=["Proefstraat 7", "1234 AB  PROEFDORP"], sort_key="1234AB", created_at=now)
    CaseTask.objects.create(case=case, kind=TaskKind.TERUGBELLEN, source=TaskSource.KCC, due_date=now.date(),
                            callback_phone="0612340000", note="Belt na 17 uur", created_at=now)
    UnusableContact.objects.create(case=case, field="email", value="piet@example.nl", reason="kwam niet aan", at=now)


def test_the_report_lists_what_outreach_holds_about_the_household(client, world):  # noqa: F811
    _outreach(world.case)
    client = _admin_client(client, world)
    report = _report(client, world, postcode="1234 ab", huisnummer="7")  # the whole household: everything
    [case] = report["meldingen"]
    assert case["kenmerk_voor_inwoner"] == world.case.contact_reference
    assert case["benaderingsplan"]["plan"] == "Standaard"
    assert case["benaderingsplan"]["stappen"][0]["verstuurd_naar"] == "+31612345678"
    [letter] = case["brieven"]
    assert letter["tekst"] == "Beste P. Proef,Bel ons gerust." and letter["aan"] == "P. Proef"
    assert case["taken"][0]["terugbelnummer"] == "0612340000"
    assert case["onbruikbare_contactgegevens"][0]["waarde"] == "piet@example.nl"

    pdf = client.get(reverse(PDF_URL)).content
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for expected in ("Benaderingsplan", "+31612345678", "Hulp bij uw vaste lasten", "0612340000",
                     "piet@example.nl"):
        assert expected in text, expected


def test_one_persons_report_leaves_out_what_may_be_a_housemates(client, world):  # noqa: F811
    _outreach(world.case)
    report = _report(_admin_client(client, world), world, bsn=PIET)  # the case also holds a housemate's signal
    [case] = report["meldingen"]
    assert case["signalen_van_anderen_weggelaten"] is True
    text = json.dumps(case, ensure_ascii=False)
    for value in ("+31612345678", "P. Proef", "Bel ons gerust", "1234 AB  PROEFDORP", "0612340000", "piet@example.nl",
                  "Belt na 17 uur"):
        assert value not in text, value
    assert case["brieven"][0]["onderwerp"] == "Hulp bij uw vaste lasten"  # that a letter went, and when
