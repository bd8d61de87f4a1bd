"""The DDAS v1.2 export: the national schema (Draft 2020-12, format checks on), our export of a generated month,
the minimised client, and the command and the download (tenancy, roles, bad input, the audit event)."""
from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from jsonschema import Draft202012Validator

from accounts.models import Role
from audit.models import AuditEvent
from cases import deadlines
from cases import services as case_services
from contacts.models import Reached
from monitor.ddas import client, ddas_export
from monitor.models import AttemptFact, CaseFact, SignalFact
from signals.models import Signal, SignalStatus
from tests.auth import login
from tests.factories import MunicipalityFactory, UserFactory, make_signal, open_cases
from tests.factories.cases import TEAM_OPENED
from tests.factories.contacts import reach
from tests.factories.dates import aware
from tests.factories.signals import address
from tests.monitor.recorded import record_facts
from vroegsignalering.common.vocab import ContactKind, CreditorKind, Outcome

DDAS = Path(settings.BASE_DIR).parent / "shared" / "ddas" / "v1.2"
SCHEMA = json.loads((DDAS / "json_schema_Uitwisselmodel.json").read_text(encoding="utf-8"))
VAN, TOT = dt.date(2026, 5, 1), dt.date(2026, 6, 30)
NOW = aware(2026, 7, 1, 10)
BSN = "999993653"
# What a generated person is called and where they live: none of it may reach the message.
NEVER = ("Zwartjesveld", "Hendrikus", "Kastanjelaan", "Grootebroek", "0687654321", "h.zwartjes@example.org",
         "POL-", "C-")


def validator() -> Draft202012Validator:
    Draft202012Validator.check_schema(SCHEMA)
    return Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors_of(message: dict) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(message)]


# --- the schema and its examples ---------------------------------------------------------------------------


def test_format_checks_are_real_date_time_included():
    assert "date-time" in Draft202012Validator.FORMAT_CHECKER.checkers  # rfc3339-validator is installed
    assert "date" in Draft202012Validator.FORMAT_CHECKER.checkers
    message = {"startdatumLevering": "2026-01-01", "einddatumLevering": "2026-06-30",
               "aanleverdatumEnTijd": "gisteren", "codeGegevensleverancier": "x"}
    assert any("date-time" in e for e in errors_of(message))
    assert errors_of({**message, "aanleverdatumEnTijd": "2026-07-01T10:00:00Z"}) == []


@pytest.mark.parametrize("name", ["enkelvoudigVoorbeeld.json", "meervoudigVoorbeeld.json",
                                  "uitgebreidVoorbeeld.json"])
def test_the_three_v12_examples_validate(name):
    assert errors_of(json.loads((DDAS / "examples" / name).read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("bad, what", [
    ({"bedrag": 12.5}, "bedrag"), ({"signaaldatum": "2026-02-30"}, "signaaldatum"),
    ({"client": {"burgerservicenummer": BSN, "postcode": "1011AB"}}, "client"),
    ({"client": {"voornamen": "Hendrikus", "postcode": "1011AB", "huisnummer": "1"}}, "client"),
])
def test_the_schema_refuses_what_we_must_never_send(bad, what):
    signal = {"ID": "1", "signaalpartner": {"type": "Zorg"}, "client": {"burgerservicenummer": BSN}, **bad}
    message = {"startdatumLevering": "2026-01-01", "einddatumLevering": "2026-06-30",
               "aanleverdatumEnTijd": "2026-07-01T10:00:00Z", "codeGegevensleverancier": "x",
               "leveringen": [{"teller": 1, "gemeentecode": "0363", "aanleverendeOrganisatie": {},
                               "vroegsignalen": [signal]}]}
    assert errors_of(message), what


# --- the minimised client -----------------------------------------------------------------------------------


def test_client_is_the_bsn_alone_or_the_address_without_names():
    assert client(BSN, "1011AB", 12, "A", "2", dt.date(1980, 4, 1)) == {"burgerservicenummer": BSN}
    assert client("", "1011AB", 12, "A", "2", dt.date(1980, 4, 1)) == {
        "postcode": "1011AB", "huisnummer": "12", "huisnummertoevoeging": "A 2", "geboortedatum": "1980-04-01"}
    assert client("", "1011AB", 12, "", "", None) == {"postcode": "1011AB", "huisnummer": "12"}
    assert client("", "", 0, "", "", None) is None  # purged or blanked: cannot be sent


# --- a generated month ------------------------------------------------------------------------------------------


@pytest.fixture
def month(db):
    """May 2026 of Amsterdam: 8 cases (the period closed on 1 June), attempts of every kind, closings with
    v1.2 end results, signals without a case, and one signal whose personal data was purged."""
    amsterdam = MunicipalityFactory(cbs_code="0363", name="Amsterdam", kvk_number="34366966",
                                    ddas_contact_name="Team Vroegsignalering", ddas_contact_email="vs@example.org")
    worker = UserFactory(role=Role.VROEGSIGNALEERDER, municipalities=[amsterdam])
    period = deadlines.period_for(dt.date(2026, 5, 1))
    cases = open_cases(amsterdam, [*range(8), address(50, "A", "2")], opened=TEAM_OPENED, period=period,
                       kind=CreditorKind.GAS)
    Signal.objects.filter(case_link__case=cases[0]).update(bsn=BSN)
    kinds = [ContactKind.TELEFOON, ContactKind.AFSPRAAK_OP_LOCATIE, ContactKind.HUISBEZOEK, ContactKind.BRIEF]
    for number, case in enumerate(cases[:4]):
        reach(case, worker, kind=kinds[number], reached=Reached.JA)
    reach(cases[4], worker, kind=ContactKind.SMS, reached=Reached.NEE)
    reach(cases[5], worker, kind=ContactKind.MAIL, reached=Reached.ONBEKEND)
    closing = aware(2026, 6, 5, 11)
    case_services.case_close(case=cases[0], outcome=Outcome.VERVOLGHULP, by=worker, now=closing)
    case_services.case_close(case=cases[1], outcome=Outcome.GEEN_HULP_GEWENST, by=worker, now=closing)
    case_services.case_close(case=cases[4], outcome=Outcome.VERWIJZING_ZONDER_CONTACT, by=worker, now=closing)
    ended = make_signal(amsterdam, at=300, status=SignalStatus.AFGEHANDELD, signal_date=dt.date(2026, 5, 12))
    Signal.objects.filter(pk=ended.pk).update(outcome=Outcome.HERHAALDE_MELDING)
    make_signal(amsterdam, at=301, status=SignalStatus.UITVAL, signal_date=dt.date(2026, 6, 3),
                kind=CreditorKind.DRINKWATER)
    make_signal(amsterdam, at=302, signal_date=dt.date(2026, 4, 20))  # received in April: not in the period
    Signal.objects.filter(municipality=amsterdam).update(
        surname="Zwartjesveld", first_names="Hendrikus", street="Kastanjelaan", city="Grootebroek",
        phone_numbers=["0687654321"], email="h.zwartjes@example.org", birth_date=dt.date(1980, 4, 1))
    gone = make_signal(amsterdam, at=303, status=SignalStatus.AFGEHANDELD, signal_date=dt.date(2026, 5, 14))
    record_facts(amsterdam)
    Signal.objects.filter(pk=gone.pk).delete()  # the purge: the fact stays, the person is gone
    return amsterdam


def export(municipality, start=VAN, end=TOT, **kwargs):
    out = io.StringIO()
    summary = ddas_export(out, municipality=municipality, start=start, end=end, now=NOW, **kwargs)
    return json.loads(out.getvalue()), summary, out.getvalue()


def test_the_export_of_a_generated_month_validates_and_its_counts_equal_the_facts(month):
    message, summary, _ = export(month, chunk_size=3)  # several chunks
    assert errors_of(message) == []
    delivery = message["leveringen"][0]
    facts = SignalFact.objects.filter(municipality=month, received_on__range=(VAN, TOT))
    cases = CaseFact.objects.filter(municipality=month, opened_on__range=(VAN, TOT))
    attempts = AttemptFact.objects.filter(case_ref__in=cases.values("case_ref"))
    assert facts.count() == 12 and cases.count() == 9 and attempts.count() == 6
    assert (summary.vroegsignalen, summary.al_vernietigd) == (11, 1) == (len(delivery["vroegsignalen"]), 1)
    assert summary.zaken == len(delivery["vroegsignaalzaken"]) == cases.count()
    assert summary.contactpogingen == attempts.count() == sum(
        len(z["contactpogingen"]) for z in delivery["vroegsignaalzaken"])
    assert summary.per_status == Counter({"Opgepakt": 9, "Nog niet opgepakt": 1,
                                          "Niet opgepakt: herhaalde melding": 1})
    assert summary.per_status == Counter(s["status"] for s in delivery["vroegsignalen"])
    sent = {s["ID"] for s in delivery["vroegsignalen"]}
    assert sent == {str(f.export_id) for f in facts if Signal.objects.filter(pk=f.signal_ref).exists()}


def test_the_message_carries_the_v12_values_and_the_organisation(month):
    message, _, _ = export(month)
    assert message["aanleverdatumEnTijd"] == "2026-07-01T08:00:00Z"
    assert message["codeGegevensleverancier"] == "Vroegsignalering 1.0.0"
    delivery = message["leveringen"][0]
    assert delivery["gemeentecode"] == "0363" and delivery["teller"] == 1
    assert delivery["aanleverendeOrganisatie"] == {
        "naam": "Amsterdam", "kvk-nummer": "34366966",
        "contactpersonen": [{"naam": "Team Vroegsignalering", "email": "vs@example.org"}]}
    zaken = delivery["vroegsignaalzaken"]
    results = Counter(z.get("resultaat") for z in zaken)
    assert results == Counter({None: 6, "Vervolghulp en/of verwijzing": 1,
                               "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering": 1,
                               "Verwijzing zonder tussenkomst inwoner": 1})
    attempts = [a for z in zaken for a in z["contactpogingen"]]
    assert {a["soort"] for a in attempts} == {"Telefoon", "Afspraak op locatie", "Huisbezoek", "Brief",
                                              "SMS/Whatsapp", "Mail"}
    assert Counter(a.get("bereikt") for a in attempts) == Counter({True: 4, False: 1, None: 1})
    assert all(z["matchingsdatum"] == z["datumOpgepakt"] == "2026-06-01" for z in zaken)
    assert all(z["startdatumMatchingperiode"] == "2026-05-01" for z in zaken)
    partners = Counter(s["signaalpartner"]["type"] for s in delivery["vroegsignalen"])
    assert partners == Counter({"Energie": 9, "Zorg": 1, "Water": 1})
    sent = {s["ID"] for s in delivery["vroegsignalen"]}
    assert all(ref["ID"] in sent for z in zaken for ref in z["vroegsignalen"])


def test_the_client_is_minimised_and_no_name_or_contact_detail_leaves(month):
    message, _, text = export(month)
    clients = [s["client"] for s in message["leveringen"][0]["vroegsignalen"]]
    assert clients.count({"burgerservicenummer": BSN}) == 1
    assert {"postcode", "huisnummer", "huisnummertoevoeging", "geboortedatum"} == set().union(
        *(c for c in clients if "huisnummertoevoeging" in c))
    assert all(set(c) <= {"postcode", "huisnummer", "huisnummertoevoeging", "geboortedatum"}
               for c in clients if "burgerservicenummer" not in c)
    for value in NEVER:
        assert value not in text, value


def test_an_empty_period_is_a_valid_message(month):
    message, summary, _ = export(month, dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert errors_of(message) == []
    assert (summary.vroegsignalen, summary.zaken) == (0, 0)
    assert message["leveringen"][0]["vroegsignalen"] == []


def test_without_ddas_contact_the_organisation_has_no_contactpersonen(month):
    month.ddas_contact_name = month.ddas_contact_email = month.kvk_number = ""
    month.save()
    message, _, _ = export(month)
    assert message["leveringen"][0]["aanleverendeOrganisatie"] == {"naam": "Amsterdam"}
    assert errors_of(message) == []


# --- the command --------------------------------------------------------------------------------------------------


def test_the_command_writes_the_file_and_one_audit_event_with_counts(month, tmp_path):
    target = tmp_path / "levering.json"
    out = io.StringIO()
    call_command("ddas_export", "--gemeente", "0363", "--van", "2026-05-01", "--tot", "2026-06-30",
                 "--uitvoer", str(target), stdout=out)
    assert errors_of(json.loads(target.read_text(encoding="utf-8"))) == []
    assert "vroegsignalen=11" in out.getvalue() and "al vernietigd=1" in out.getvalue()
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id, event.count, event.municipality_id) == (
        "export", "ddas_levering", "0363:2026-05-01..2026-06-30", 11, month.pk)
    assert {"vroegsignalen=11", "zaken=9", "contactpogingen=6", "al vernietigd=1"} <= set(event.object_ids)
    assert event.persons == [] and BSN not in json.dumps(event.object_ids)


def test_the_command_writes_json_to_standard_output(month):
    out, err = io.StringIO(), io.StringIO()
    call_command("ddas_export", "--gemeente", "0363", "--van", "2026-05-01", "--tot", "2026-06-30",
                 stdout=out, stderr=err)
    assert errors_of(json.loads(out.getvalue())) == []
    assert "vroegsignalen=11" in err.getvalue()


@pytest.mark.parametrize("args, message", [
    (["--gemeente", "9999", "--van", "2026-05-01", "--tot", "2026-06-30"], "Gemeente '9999' bestaat niet"),
    (["--gemeente", "0363", "--van", "1-mei", "--tot", "2026-06-30"], "--van: Vul de begindatum in als JJJJ-MM-DD"),
    (["--gemeente", "0363", "--van", "2026-07-01", "--tot", "2026-06-30"],
     "--tot: De einddatum ligt vóór de begindatum."),
    (["--gemeente", "0363", "--van", "1999-07-01", "--tot", "2026-06-30"], "--van: Kies een datum tussen 2000"),
    (["--gemeente", "0363", "--van", "2026-05-01", "--tot", "2026-06-30", "--uitvoer", "/geen/map/x.json"],
     "--uitvoer: de map '/geen/map' bestaat niet."),
])
def test_the_command_refuses_bad_input_in_dutch_and_records_nothing(month, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        call_command("ddas_export", *args, stdout=io.StringIO())
    assert not AuditEvent.objects.exists()


# --- the download -------------------------------------------------------------------------------------------------


@pytest.fixture
def admin_of(month):
    def make(*municipalities, role=Role.FUNCTIONEEL_BEHEERDER):
        return UserFactory(role=role, municipalities=list(municipalities))
    return make


URL = "/monitor/ddas/"


def test_the_url_is_the_download():
    assert reverse("ddas:export") == URL


def test_the_administrator_downloads_the_file_of_their_municipality(client, month, admin_of):
    login(client, admin_of(month))
    page = client.get(URL)
    assert page.status_code == 200 and "Amsterdam (0363)" in page.content.decode()
    response = client.post(URL, {"gemeente": "0363", "van": "2026-05-01", "tot": "2026-06-30"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ddas-0363-2026-05-01-2026-06-30.json"'
    text = b"".join(response.streaming_content).decode()
    assert errors_of(json.loads(text)) == []
    assert not any(value in text for value in NEVER)
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id, event.count, event.municipality_id, event.purpose) == (
        "export", "0363:2026-05-01..2026-06-30", 11, month.pk, "beheer")
    assert "zaken=9" in event.object_ids and event.route == "ddas:export"


def test_another_municipalitys_administrator_cannot_export_it(client, month, admin_of):
    other = MunicipalityFactory(cbs_code="0599", name="Rotterdam")
    login(client, admin_of(other))
    page = client.get(URL)
    assert "0363" not in page.content.decode()
    response = client.post(URL, {"gemeente": "0363", "van": "2026-05-01", "tot": "2026-06-30"})
    assert response.status_code == 400
    assert "Kies een gemeente uit de lijst." in response.content.decode()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("role", [Role.VROEGSIGNALEERDER, Role.TEAMLEIDER, Role.AUDITOR, Role.INSTALLATIEBEHEERDER])
def test_other_roles_are_refused(client, month, admin_of, role):
    login(client, admin_of(month, role=role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"gemeente": "0363", "van": "2026-05-01", "tot": "2026-06-30"}).status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()


def test_bad_input_is_shown_per_field_in_dutch(client, month, admin_of):
    login(client, admin_of(month))
    response = client.post(URL, {"gemeente": "0363", "van": "2026-13-01", "tot": "2026-01-01"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Vul de begindatum in als JJJJ-MM-DD" in body and "De levering is niet gemaakt" in body
    response = client.post(URL, {"gemeente": "0363", "van": "2026-06-01", "tot": "2026-05-01"})
    assert "De einddatum ligt vóór de begindatum." in response.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()
