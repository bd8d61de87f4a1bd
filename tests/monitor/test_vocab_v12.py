"""The vocabularies at DDAS v1.2: every project value has its v1.2 counterpart, the data migrations rewrite the
stored values both ways, history written before keeps reading, and the municipal API takes the two v0.9 strings
for one release."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cases.forms import CloseForm, ContactAttemptForm, FollowUpForm
from cases.history import case_history_text
from cases.models import Case, CaseHistory
from monitor.ddas_vocab import SIGNAL_PARTNERS, SIGNAL_STATUSES, signal_partner, signal_status
from signals.history import signal_history_text
from signals.models import SignalHistory, SignalStatus
from tests.cases.api import API
from tests.factories import MunicipalityFactory, UserFactory, client_for, make_signal, open_cases
from vroegsignalering.common.vocab import (
    HELP_ACCEPTED,
    OUTCOMES,
    RECORDABLE_CONTACT_KINDS,
    ContactKind,
    CreditorKind,
    MonitorCategory,
    Outcome,
)

SCHEMA = json.loads((Path(settings.BASE_DIR).parent / "shared/ddas/v1.2/json_schema_Uitwisselmodel.json")
                    .read_text(encoding="utf-8"))["$defs"]
OLD_GEEN_HULP = "Inwoner hoeft geen hulp vanuit vroegsignalering"
OLD_ZONDER_CONTACT = "Verwijzing zonder contact"


def enum(name: str) -> set[str]:
    return set(SCHEMA[name]["enum"])


def test_end_results_and_contact_kinds_are_exactly_the_v12_enums():
    assert set(Outcome.values) == enum("EnumEindresultaat")
    assert set(ContactKind.values) == enum("EnumContactsoort")
    assert Outcome.GEEN_HULP_GEWENST == "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering"
    assert Outcome.VERWIJZING_ZONDER_CONTACT == "Verwijzing zonder tussenkomst inwoner"


def test_vervolghulp_is_accepted_help_with_its_own_monitor_category_and_the_usual_feedback_code():
    assert Outcome.VERVOLGHULP in HELP_ACCEPTED
    assert OUTCOMES[Outcome.VERVOLGHULP] == (MonitorCategory.HULP_VERWIJZING, "hulp_geaccepteerd")
    assert MonitorCategory.HULP_VERWIJZING.label == "Wil hulp: vervolghulp of verwijzing"
    # the creditor feedback codes did not change
    assert OUTCOMES[Outcome.GEEN_HULP_GEWENST][1] == OUTCOMES[Outcome.VERWIJZING_ZONDER_CONTACT][1] == "afgesloten"


def test_signal_statuses_and_partners_are_v12_values():
    assert set(SIGNAL_STATUSES) == enum("EnumSignaalstatus")
    assert set(SIGNAL_PARTNERS) == set(CreditorKind.values)
    assert set(SIGNAL_PARTNERS.values()) <= enum("EnumSignaalpartner")
    assert {signal_partner(k) for k in (CreditorKind.ELEKTRICITEIT, CreditorKind.GAS, CreditorKind.WARMTE)} == {
        "Energie"}
    assert (signal_partner(CreditorKind.DRINKWATER), signal_partner(CreditorKind.ZORGVERZEKERING)) == ("Water", "Zorg")


@pytest.mark.parametrize("status, outcome, case, expected", [
    (SignalStatus.ONTVANGEN, "", {}, "Nog niet opgepakt"),
    (SignalStatus.UITVAL, "", {}, "Nog niet opgepakt"),
    (SignalStatus.WACHT_OP_BRP, "", {}, "Nog niet opgepakt"),
    (SignalStatus.GECONTROLEERD, "", {}, "Nog niet opgepakt"),
    (SignalStatus.IN_MELDING, "", {}, "Opgepakt"),
    (SignalStatus.IN_MELDING, "", {"case_outcome": Outcome.BEKEND_BIJ_SHV, "closed_at_routing": True},
     "Inwoner al bekend bij schuldhulpverlening"),
    (SignalStatus.IN_MELDING, "", {"case_outcome": Outcome.BEKEND_BIJ_SHV}, "Opgepakt"),  # picked up, then found
    (SignalStatus.AFGEHANDELD, Outcome.BEKEND_BIJ_SHV, {}, "Inwoner al bekend bij schuldhulpverlening"),
    (SignalStatus.AFGEHANDELD, Outcome.HERHAALDE_MELDING, {}, "Niet opgepakt: herhaalde melding"),
    (SignalStatus.AFGEHANDELD, Outcome.ONTERECHT_SIGNAAL, {}, "Niet opgepakt: onterecht signaal"),
    (SignalStatus.AFGEHANDELD, Outcome.OVERLEDEN, {}, "Inwoner is overleden"),
    (SignalStatus.AFGEHANDELD, "", {}, "Niet opgepakt: andere reden"),
    (SignalStatus.DOORGESTUURD, Outcome.GEEN_INWONER, {}, "Persoon is geen inwoner (meer) in de gemeente"),
    (SignalStatus.DOORGESTUURD, "", {}, "Persoon is geen inwoner (meer) in de gemeente"),
])
def test_signal_status_is_derived(status, outcome, case, expected):
    assert signal_status(status, outcome, **case) == expected


def test_onbekend_is_not_offered_to_whoever_registers_an_attempt():
    assert ContactKind.ONBEKEND not in RECORDABLE_CONTACT_KINDS
    assert ContactKind.AFSPRAAK_OP_LOCATIE in RECORDABLE_CONTACT_KINDS
    for form in (ContactAttemptForm, FollowUpForm):
        offered = {value for value, _ in form.base_fields["soort"].choices}
        assert "Onbekend" not in offered and "Afspraak op locatie" in offered
    offered = {value for _, group in CloseForm.base_fields["eindresultaat"].choices[1:] for value, _ in group}
    assert offered == set(Outcome.values)


# --- history written before v1.2 keeps reading -------------------------------------------------------------------


def test_history_with_a_v09_end_result_still_reads(gemeente):
    case = open_cases(gemeente, [1])[0]
    now = timezone.now()
    row = CaseHistory.objects.create(case=case, at=now, actor_name="werker", from_status="open",
                                     to_status="gesloten", params={"kind": "closed", "outcome": OLD_ZONDER_CONTACT,
                                                                   "consent": False, "note": ""})
    assert "Verwijzing zonder tussenkomst inwoner" in case_history_text(row)
    signal = make_signal(gemeente, at=2, status=SignalStatus.AFGEHANDELD)
    row = SignalHistory.objects.create(signal=signal, at=now, actor="regels", from_status="in_controle",
                                       to_status="afgehandeld", event="afgehandeld",
                                       params={"outcome": OLD_GEEN_HULP, "reason": "x"})
    assert "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering" in signal_history_text(row)


# --- the municipal API: the v0.9 strings as aliases for one release ----------------------------------------------


@pytest.mark.parametrize("old, new", [(OLD_ZONDER_CONTACT, Outcome.VERWIJZING_ZONDER_CONTACT),
                                      (OLD_GEEN_HULP, Outcome.GEEN_HULP_GEWENST)])
def test_the_api_accepts_the_old_strings_and_stores_the_v12_value(gemeente, old, new):
    worker = UserFactory(municipalities=[gemeente])
    api = client_for(worker)
    case = open_cases(gemeente, [1])[0]
    moment = (timezone.localtime() - dt.timedelta(hours=1)).isoformat()
    api.post(f"{API}/meldingen/{case.pk}/contactpogingen", {"soortContact": "Telefoon", "tijdstip": moment,
                                                              "bereikt": "ja"}, format="json")
    response = api.post(f"{API}/meldingen/{case.pk}/afsluiting", {"eindresultaat": old}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["eindresultaat"] == new.value
    assert Case.objects.get(pk=case.pk).outcome == new.value


def test_the_api_refuses_onbekend_for_a_new_attempt_and_documents_the_aliases(gemeente, client):
    api = client_for(UserFactory(municipalities=[gemeente]))
    case = open_cases(gemeente, [1])[0]
    moment = (timezone.localtime() - dt.timedelta(hours=1)).isoformat()
    response = api.post(f"{API}/meldingen/{case.pk}/contactpogingen",
                        {"soortContact": "Onbekend", "tijdstip": moment}, format="json")
    assert response.status_code == 400
    assert any(p["name"] == "soortContact" for p in response.json()["invalidParams"])
    ok = api.post(f"{API}/meldingen/{case.pk}/contactpogingen",
                  {"soortContact": "Afspraak op locatie", "tijdstip": moment}, format="json")
    assert ok.status_code == 201, ok.content
    document = client.get("/api/v1/openapi.json").json()
    closing = document["components"]["schemas"]["AfsluitingNieuw"]["properties"]["eindresultaat"]
    assert OLD_ZONDER_CONTACT in json.dumps(closing, ensure_ascii=False)
    assert "nog één release" in closing["description"]


# --- the data migrations, forwards and backwards -------------------------------------------------------------------

BEFORE = [("signals", "0010_forwarded_copy_survives_the_original"), ("cases", "0008_history_event_contact_data"),
          ("contacts", "0003_followup_to_cases"), ("monitor", "0001_initial")]
AFTER = [("signals", "0011_ddas_v12_vocabularies"), ("cases", "0009_ddas_v12_vocabularies"),
         ("contacts", "0004_ddas_v12_vocabularies"), ("monitor", "0002_ddas_v12_vocabularies")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migrations_rewrite_stored_end_results_and_back():
    gemeente = MunicipalityFactory(cbs_code="0100", name="Proefdorp")
    case = open_cases(gemeente, [1])[0]
    signal = make_signal(gemeente, at=5, status=SignalStatus.AFGEHANDELD)
    try:
        apps = migrate(BEFORE)
        apps.get_model("cases", "Case").objects.filter(pk=case.pk).update(outcome=OLD_GEEN_HULP)
        apps.get_model("cases", "Tray").objects.filter(pk=case.tray_id).update(end_outcome=OLD_ZONDER_CONTACT)
        apps.get_model("signals", "Signal").objects.filter(pk=signal.pk).update(outcome=OLD_ZONDER_CONTACT)
        history = apps.get_model("cases", "CaseHistory").objects.create(
            case_id=case.pk, at=timezone.now(), actor_name="x", to_status="gesloten",
            params={"outcome": OLD_GEEN_HULP})

        apps = migrate(AFTER)
        stored = apps.get_model("cases", "Case").objects.get(pk=case.pk)
        assert stored.outcome == Outcome.GEEN_HULP_GEWENST.value
        assert apps.get_model("cases", "Tray").objects.get(pk=case.tray_id).end_outcome == \
            Outcome.VERWIJZING_ZONDER_CONTACT.value
        assert apps.get_model("signals", "Signal").objects.get(pk=signal.pk).outcome == \
            Outcome.VERWIJZING_ZONDER_CONTACT.value
        # history is append-only: kept as written, read through the alias map
        assert apps.get_model("cases", "CaseHistory").objects.get(pk=history.pk).params["outcome"] == OLD_GEEN_HULP
        apps.get_model("contacts", "ContactAttempt").objects.create(
            case_id=case.pk, kind="Afspraak op locatie", at=timezone.now(), dagdeel="Ochtend",
            registered_at=timezone.now())

        apps = migrate(BEFORE)
        assert apps.get_model("cases", "Case").objects.get(pk=case.pk).outcome == OLD_GEEN_HULP
        assert apps.get_model("signals", "Signal").objects.get(pk=signal.pk).outcome == OLD_ZONDER_CONTACT
        assert apps.get_model("contacts", "ContactAttempt").objects.get(case_id=case.pk).kind == "Overige"

        apps = migrate(AFTER)
        apps.get_model("cases", "Case").objects.filter(pk=case.pk).update(outcome=Outcome.VERVOLGHULP.value)
        with pytest.raises(RuntimeError, match="Terugdraaien kan niet: 1 rij"):
            migrate(BEFORE)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
