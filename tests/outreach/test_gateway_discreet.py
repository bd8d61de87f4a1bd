"""No SMS or e-mail names the creditor or the amount (someone else may read it): every default text and every
saved template for SMS and e-mail, rendered for a case whose signal carries a recognisable creditor, contract
number and amounts, contains none of them and no "€" — in what we render and in the body the gateway stored."""
from __future__ import annotations

import pytest
from django.utils import timezone

from outreach.default_texts import DEFAULT_TEXTS
from outreach.models import Channel, MessageTemplate, OutreachSettings, StepKind, StepStatus, TargetGroup
from outreach.sending import case_signals, compose, message_send
from outreach.texts import allowed_fields, render_text, text_values
from signals.models import Signal
from tests.outreach.gateway_support import (  # noqa: F401
    CONTRACT,
    CREDITOR,
    NOW,
    discreet_case,
    message_step,
    notify_fixture,
    texts_for,
)

pytestmark = pytest.mark.django_db

AMOUNTS = ("1234,56", "1.234,56", "€ 1.234", "1234.56", "1234", "1.234", "234,56")
MARKERS = (CREDITOR, "Waterbedrijf", "Zuidrand", CONTRACT, "7781", *AMOUNTS, "€", "EUR")
AGE_OF = {TargetGroup.JONGEREN: 22, TargetGroup.ALGEMEEN: 45, TargetGroup.AOW: 72}
KIND_OF = {Channel.SMS: StepKind.SMS, Channel.EMAIL: StepKind.EMAIL}
MESSAGE_TEXTS = [key for key in DEFAULT_TEXTS if key[0] in (Channel.SMS, Channel.EMAIL)]


def _every_field(channel: str) -> str:
    """A municipality's own text using every field the editor allows for the channel."""
    return " ".join(f"{{{{ {name} }}}}" for name in allowed_fields(channel))


def assert_discreet(*texts: str) -> None:
    for text in texts:
        found = [marker for marker in MARKERS if marker.lower() in (text or "").lower()]
        assert found == [], f"{found} in {text!r}"


@pytest.fixture
def case(municipality):
    texts_for(municipality)
    case = discreet_case(municipality, amount="1234.56")
    Signal.objects.filter(case_link__case=case).update(instalment_amount="1234.00", instalments_unpaid=3)
    return case


@pytest.mark.parametrize("channel, group", MESSAGE_TEXTS, ids=[f"{c}-{g}" for c, g in MESSAGE_TEXTS])
def test_every_default_text_is_discreet_when_rendered_and_sent(notify, case, channel, group):
    Signal.objects.filter(case_link__case=case).update(brp_evidence={"leeftijd": AGE_OF[group]})
    step = message_step(case, KIND_OF[channel])
    message = compose(step, now=NOW, signals=case_signals(case), recipient="x")
    assert message.body == render_text(DEFAULT_TEXTS[(channel, group)][1], _values(case, step, channel))
    assert_discreet(message.body, message.subject)
    step = message_send(step.pk, now=NOW)
    assert step.status == StepStatus.VERZONDEN
    [stored] = notify.messages()
    assert step.contact_reference in stored["body"]
    assert_discreet(stored["body"], stored["subject"] or "")
    # Everything we put on the wire for the resident to read (the recipient and ids are no text of ours).
    assert_discreet(*(str(value) for entry in notify.log for value in (entry["body"] or {}).get(
        "personalisation", {}).values()))


def _values(case, step, channel):
    return text_values(case=case, signals=case_signals(case), settings=OutreachSettings.objects.get(
        municipality=case.municipality), municipality_name=case.municipality.name, handler="", on=NOW.date(),
        reference=step.contact_reference, channel=channel)


@pytest.mark.parametrize("channel", [Channel.SMS, Channel.EMAIL])
def test_a_saved_text_with_every_allowed_field_is_discreet(notify, case, channel):
    MessageTemplate.objects.filter(channel=channel).update(is_active=False)
    for group in TargetGroup.values:
        MessageTemplate.objects.create(municipality=case.municipality, channel=channel, target_group=group,
                                       version=2, subject=_every_field(channel) if channel == Channel.EMAIL else "",
                                       body=_every_field(channel), edited_at=timezone.now())
    step = message_send(message_step(case, KIND_OF[channel]).pk, now=NOW)
    assert step.status == StepStatus.VERZONDEN
    [stored] = notify.messages()
    assert_discreet(stored["body"], stored["subject"] or "")


def test_every_saved_template_in_the_database_is_discreet(notify, case):
    """Whatever texts the test database holds for SMS and e-mail, rendered for this case."""
    templates = list(MessageTemplate.objects.filter(channel__in=[Channel.SMS, Channel.EMAIL]))
    assert len(templates) >= len(MESSAGE_TEXTS)
    for n, template in enumerate(templates, start=1):
        MessageTemplate.objects.filter(channel=template.channel).update(is_active=False)
        MessageTemplate.objects.filter(pk=template.pk).update(is_active=True)
        Signal.objects.filter(case_link__case=case).update(brp_evidence={"leeftijd": AGE_OF[template.target_group]})
        step = message_step(case, KIND_OF[template.channel], position=n)
        message = compose(step, now=NOW, signals=case_signals(case), recipient="x")
        assert message is not None
        assert_discreet(message.body, message.subject)


def test_the_markers_would_be_caught(case):
    """The check itself: a text that does name them fails it."""
    with pytest.raises(AssertionError):
        assert_discreet(f"Uw schuld bij {CREDITOR} is € 1.234,56")
