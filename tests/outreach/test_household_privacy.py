"""A household's members do not read each other's situation (the review of issue 13): an SMS or e-mail goes only
to the addressee's own number or address, a letter names only the addressee's own creditors and amount, and the
SMS, the e-mail and the letter of one case address the same person in the same form."""
from __future__ import annotations

import datetime as dt

import pytest

from outreach.letters import letter_build
from outreach.models import Channel, OutreachSettings, SkipReason, StepKind, StepStatus
from outreach.sending import message_send
from outreach.texts import age_of, case_signals, own_signals, text_values
from signals.models import Signal
from tests.factories import open_case
from tests.outreach.gateway_support import NOW, message_step, notify_fixture, texts_for  # noqa: F401

pytestmark = pytest.mark.django_db
PIET, QUINTEN = "999993653", "999991772"


@pytest.fixture
def household(municipality):
    """Piet (oldest signal: no phone, no e-mail, € 100 health insurance) and his housemate Quinten (rent,
    € 900, with phone and e-mail) in one case."""
    texts_for(municipality)
    case = open_case(municipality,
                     {"kind": "zorgverzekering", "amount": "100.00", "phone": False, "email": False,
                      "signal_date": dt.date(2026, 5, 1), "age": 70},
                     {"kind": "huur", "amount": "900.00", "signal_date": dt.date(2026, 5, 5), "age": 22})
    piet, quinten = case_signals(case)
    Signal.objects.filter(pk=piet.pk).update(bsn=PIET, first_names="Piet")
    Signal.objects.filter(pk=quinten.pk).update(bsn=QUINTEN, first_names="Quinten")
    return case


@pytest.mark.parametrize("kind", [StepKind.SMS, StepKind.EMAIL])
def test_a_message_never_goes_to_a_housemates_number_or_address(notify, household, kind):
    step = message_send(message_step(household, kind).pk, now=NOW)
    assert (step.status, step.skip_reason) == (StepStatus.OVERGESLAGEN, SkipReason.GEEN_CONTACTGEGEVENS)
    assert notify.messages() == []


def test_a_letter_names_only_the_addressees_own_creditors_and_amount(household):
    signals = case_signals(household)
    assert [s.bsn for s in own_signals(signals)] == [PIET]
    values = text_values(case=household, signals=signals, settings=OutreachSettings.objects.get(
        municipality=household.municipality), municipality_name="Proefdorp", handler="", on=NOW.date(),
        reference="VS-TEST", channel=Channel.BRIEF)
    assert values["bedrag"] == "€ 100,00" and values["soort_achterstand"] == "zorgverzekering"
    assert values["voornaam"] == "Piet"
    letter, _ = letter_build(household, reference="VS-TEST-1", now=NOW)
    assert "900" not in letter.body_html and letter.addressee.endswith("Proef")


def test_every_channel_takes_the_addressees_age(household):
    # Piet is 70 (the AOW text), his 22-year-old housemate's age must not make it the youth text.
    assert age_of(case_signals(household), NOW.date()) == 70
    letter, _ = letter_build(household, reference="VS-TEST-1", now=NOW)
    assert letter.template.target_group == "aow"
