"""Rectification (AVG art. 16): a worker corrects or removes a phone number or e-mail address on the case
page; every signal of the case that holds it changes, and the history records which field changed (never
the old or new value) with a Dutch sentence."""
from __future__ import annotations

import json

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from audit.vocab import Action
from cases.exceptions import CaseActionError
from cases.history import case_history_text
from cases.models import CaseEvent, CaseStatus
from cases.services import case_contact_correct
from signals.models import Signal
from tests.auth import login
from tests.factories import UserFactory, open_cases

OLD_PHONE, OLD_EMAIL = "0612345678", "test@example.com"  # as the factory's creditors sent them


@pytest.fixture
def case(gemeente):
    [case] = open_cases(gemeente, [5, 5])  # two signals at one address: one case
    assert case.case_signals.count() == 2
    return case


def _signals(case):
    return list(Signal.objects.filter(case_link__case=case).order_by("pk"))


def _post(client, case, **data):
    return client.post(reverse("case_contact_correct", args=[case.pk]), data)


def test_a_worker_corrects_a_phone_number_in_every_signal_and_the_history_says_which_field(client, worker, case):
    login(client, worker)
    before = AuditEvent.objects.count()
    response = _post(client, case, gegeven=f"telefoonnummer|{OLD_PHONE}", nieuwe_waarde="06 8765 4321")

    assert response.status_code == 302 and response["Location"] == reverse("case_detail", args=[case.pk])
    assert [s.phone_numbers for s in _signals(case)] == [["+31687654321"], ["+31687654321"]]
    [row] = case.history.filter(event=CaseEvent.CONTACT_DATA)
    assert row.actor == worker
    assert row.params == {"kind": "contact_corrected", "field": "telefoonnummer", "change": "gecorrigeerd",
                          "signals": [s.signal_id for s in _signals(case)],
                          "creditors": ["Testpartij zorgverzekering"]}
    stored = json.dumps(row.params) + row.reason
    assert OLD_PHONE not in stored and "687654321" not in stored  # no values in the history
    sentence = case_history_text(row)
    assert sentence.startswith("Telefoonnummer gecorrigeerd (rectificatie, AVG art. 16) in 2 signalen: ")
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("pk").action == Action.CHANGE

    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "+31687654321" in page and OLD_PHONE not in page
    assert "Telefoonnummer gecorrigeerd (rectificatie, AVG art. 16)" in page


def test_removing_an_email_address(client, worker, case):
    login(client, worker)
    response = _post(client, case, gegeven=f"e-mailadres|{OLD_EMAIL}", verwijderen="on")
    assert response.status_code == 302
    assert [s.email for s in _signals(case)] == ["", ""]
    [row] = case.history.filter(event=CaseEvent.CONTACT_DATA)
    assert row.params["change"] == "verwijderd" and row.params["field"] == "e-mailadres"
    assert case_history_text(row).startswith("E-mailadres verwijderd (rectificatie, AVG art. 16) in 2 signalen")


def test_only_the_signals_holding_the_value_change(worker, case):
    first, second = _signals(case)
    Signal.objects.filter(pk=second.pk).update(phone_numbers=["+31201234567", OLD_PHONE])
    Signal.objects.filter(pk=first.pk).update(phone_numbers=["+31201234567"])
    changed = case_contact_correct(case=case, field="telefoonnummer", old=OLD_PHONE, new="+31 20 7654321", by=worker)
    assert [s.pk for s in changed] == [second.pk]
    assert [s.phone_numbers for s in _signals(case)] == [["+31201234567"], ["+31201234567", "+31207654321"]]
    row = case.history.get(event=CaseEvent.CONTACT_DATA)
    assert case_history_text(row) == (f"Telefoonnummer gecorrigeerd (rectificatie, AVG art. 16) in 1 signaal: "
                                      f"{second.signal_id} (van Testpartij zorgverzekering).")


def test_a_closed_case_can_still_be_corrected(client, worker, case):
    case.__class__.objects.filter(pk=case.pk).update(status=CaseStatus.GESLOTEN)
    login(client, worker)
    assert _post(client, case, gegeven=f"e-mailadres|{OLD_EMAIL}", nieuwe_waarde="Piet@Example.NL").status_code == 302
    assert {s.email for s in _signals(case)} == {"piet@example.nl"}


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"gegeven": f"telefoonnummer|{OLD_PHONE}", "nieuwe_waarde": "12ab"}, "nieuwe_waarde",
     "Geen geldig telefoonnummer. Vul een juist telefoonnummer in."),
    ({"gegeven": f"e-mailadres|{OLD_EMAIL}", "nieuwe_waarde": "piet@"}, "nieuwe_waarde",
     "Geen geldig e-mailadres. Vul een juist e-mailadres in."),
    ({"gegeven": f"e-mailadres|{OLD_EMAIL}"}, "nieuwe_waarde", "Vul het juiste gegeven in"),
    ({"gegeven": f"e-mailadres|{OLD_EMAIL}", "nieuwe_waarde": "a@example.nl", "verwijderen": "on"}, "nieuwe_waarde",
     "Vul geen nieuw gegeven in als u het gegeven verwijdert."),
    ({"nieuwe_waarde": "a@example.nl"}, "gegeven", "Kies het telefoonnummer of e-mailadres dat niet klopt."),
    ({"gegeven": "telefoonnummer|+31600000000", "nieuwe_waarde": "0611111111"}, "gegeven",
     "Dit gegeven staat niet (meer) bij deze melding."),
])
def test_bad_input_gets_a_dutch_field_error_and_changes_nothing(client, worker, case, data, field, message):
    login(client, worker)
    response = _post(client, case, **data)
    assert response.status_code == 400
    assert message in " ".join(response.context["contact_form"].errors[field])
    assert [(s.phone_numbers, s.email) for s in _signals(case)] == [([OLD_PHONE], OLD_EMAIL)] * 2
    assert not case.history.filter(event=CaseEvent.CONTACT_DATA).exists()


def test_the_same_value_is_refused_by_the_service(worker, case):
    with pytest.raises(CaseActionError, match="gelijk aan het oude"):
        case_contact_correct(case=case, field="e-mailadres", old=OLD_EMAIL, new="TEST@example.com", by=worker)


def test_another_municipalitys_worker_gets_a_404(client, andere, case):
    login(client, UserFactory(municipalities=[andere]))
    response = _post(client, case, gegeven=f"telefoonnummer|{OLD_PHONE}", nieuwe_waarde="0687654321")
    assert response.status_code == 404
    assert [s.phone_numbers for s in _signals(case)] == [[OLD_PHONE]] * 2
