"""The inzage report (AVG art. 15): a resident with signals from two creditors, a case with an attempt,
feedback and reads by two users; another person at the same address; the same resident in another
municipality. The report lists exactly this resident's data; the screen, its downloads, the audit trail,
the re-authentication and the tenancy."""
from __future__ import annotations

import calendar
import datetime as dt
import json
import re
import time
import zlib
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.session import AUTHENTICATED_AT
from audit.hashing import person_hash
from audit.models import AuditEvent
from audit.vocab import Action, Principal
from cases import deadlines, services
from cases.models import Case
from contacts.services import contact_attempt_register
from monitor.ddas import DdasSummary
from monitor.ddas_audit import record_command
from privacy.inzage_pdf import leesbaar, no_resources
from shv.models import ShvRegistration
from signals.models import Signal, SignalStatus
from tests.auth import login
from tests.factories import CreditorFactory, UserFactory, make_signal
from vroegsignalering.common.vocab import ContactKind, CreditorKind, Outcome, Reached

PIET, QUINTEN, KANDIDAAT = "999993653", "999991772", "999995571"  # elfproef-valid test BSNs
ADDRESS = {"postcode": "1234AB", "house_number": 7, "house_letter": "", "house_number_addition": ""}
INZAGE, JSON_URL, PDF_URL = "privacy:inzage", "privacy:inzage_json", "privacy:inzage_pdf"


def _brp(bsn: str, name: str, *, household=(), candidates=()) -> dict:
    return {"uitkomst": "gevonden", "uitkomst_omschrijving": "Gevonden op het adres", "gecontroleerd_op": "2026-05-11",
            "bsn": bsn, "naam": name, "geboortedatum": "1980-04-01", "leeftijd": 46, "minderjarig": False,
            "huishouden": list(household), "kandidaten": list(candidates),
            "bevragingen": [{"type": "ZoekMetPostcodeEnHuisnummer", "aantal": 2}]}


def _person_signal(municipality, creditor, kind, *, bsn, first, surname, contract, phone, brp) -> Signal:
    signal = make_signal(municipality, at=ADDRESS, kind=kind, creditor=creditor, contract=contract,
                         signal_date=_period_day(), status=SignalStatus.GECONTROLEERD)
    Signal.objects.filter(pk=signal.pk).update(bsn=bsn, first_names=first, surname=surname, phone_numbers=[phone],
                                               email=f"{first.lower()}@example.nl", brp_evidence=brp)
    signal.refresh_from_db()
    return signal


def _opened() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=2)


def _period_day() -> dt.date:
    return deadlines.last_ended_period(deadlines.local_date(_opened())).start + dt.timedelta(days=9)


@dataclass
class World:
    gemeente: object
    andere: object
    admin: object
    worker: object
    lead: object
    piet: list  # Piet's two signals (two creditors)
    quinten: Signal  # another person at the same address, in the same case
    elsewhere: Signal  # Piet in another municipality
    case: Case


@pytest.fixture
def admin(gemeente):
    return UserFactory(role=Role.FUNCTIONEEL_BEHEERDER, municipalities=[gemeente], username="beheerder", is_staff=True)


@pytest.fixture
def world(gemeente, andere, worker, lead, admin, client):
    zorg = CreditorFactory(name="Zorgverzekeraar Noord", kinds=[CreditorKind.ZORGVERZEKERING])
    water = CreditorFactory(name="Waterbedrijf Oost", kinds=[CreditorKind.DRINKWATER])
    piet_brp = _brp(PIET, "Piet Proef", household=[{"bsn": QUINTEN, "naam": "Quinten Huisgenoot", "leeftijd": 30}],
                    candidates=[{"bsn": KANDIDAAT, "naam": "Karel Kandidaat", "geboortedatum": "1979-01-01"}])
    piet = [
        _person_signal(gemeente, zorg, CreditorKind.ZORGVERZEKERING, bsn=PIET, first="Piet", surname="Proef",
                       contract="POLIS-PIET", phone="+31612345678", brp=piet_brp),
        _person_signal(gemeente, water, CreditorKind.DRINKWATER, bsn=PIET, first="Piet", surname="Proef",
                       contract="WATER-PIET", phone="+31612345678", brp=piet_brp),
    ]
    quinten = _person_signal(gemeente, zorg, CreditorKind.ZORGVERZEKERING, bsn=QUINTEN, first="Quinten",
                             surname="Huisgenoot", contract="POLIS-QUINTEN", phone="+31687654321",
                             brp=_brp(QUINTEN, "Quinten Huisgenoot"))
    elsewhere = _person_signal(andere, zorg, CreditorKind.ZORGVERZEKERING, bsn=PIET, first="Piet", surname="Proef",
                               contract="POLIS-ANDERSTAD", phone="+31611111111", brp=_brp(PIET, "Piet Proef"))
    services.period_close(municipality=gemeente, now=_opened())
    case = Case.objects.get(case_signals__signal=piet[0])
    assert set(case.case_signals.values_list("signal_id", flat=True)) == {piet[0].pk, piet[1].pk, quinten.pk}
    now = timezone.now()
    contact_attempt_register(case=case, kind=ContactKind.TELEFOON, at=now - dt.timedelta(hours=2), by=worker,
                             reached=Reached.JA, note="Gebeld: Piet wil hulp", now=now)
    services.case_close(case=case, outcome=Outcome.QUICK_FIX, by=worker, help_description="Betalingsregeling")
    for bsn, product in ((PIET, "budgetcoaching"), (QUINTEN, "schuldregeling")):
        ShvRegistration.objects.create(municipality=gemeente, bsn=bsn, product=product,
                                       start_date=dt.date(2025, 1, 1), imported_at=now, source="shv-export.csv")
    ShvRegistration.objects.create(municipality=andere, bsn=PIET, product="budgetbeheer",
                                   start_date=dt.date(2025, 2, 1), imported_at=now, source="anderstad.csv")
    for reader in (worker, lead):  # two users read the case page (the audit trail records it)
        login(client, reader)
        assert client.get(reverse("case_detail", args=[case.pk])).status_code == 200
        client.logout()
    other_worker = UserFactory(municipalities=[andere], username="anderstad-werker")
    AuditEvent.objects.create(at=now, principal=Principal.USER, user=other_worker, username=other_worker.username,
                              municipality=andere, action=Action.VIEW, object_type="signal",
                              object_id=str(elsewhere.pk), persons=[person_hash(PIET)], method="GET", path="/x")
    return World(gemeente, andere, admin, worker, lead, piet, quinten, elsewhere, case)


def _search(client, world, **data):
    return client.post(reverse(INZAGE), {"gemeente": world.gemeente.pk, **data})


def _admin_client(client, world):
    login(client, world.admin)
    return client


def _report(client, world, **search) -> dict:
    assert _search(client, world, **search).status_code == 200
    response = client.get(reverse(JSON_URL))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment")
    return json.loads(response.content)


# --- the report --------------------------------------------------------------------------------------------


def test_a_bsn_search_lists_exactly_this_persons_data(client, world):
    report = _report(_admin_client(client, world), world, bsn=PIET)
    text = json.dumps(report, ensure_ascii=False)

    assert {s["signaal_id"] for s in report["signalen"]} == {s.signal_id for s in world.piet}
    assert {s["vastelastenpartner"] for s in report["signalen"]} == {"Zorgverzekeraar Noord", "Waterbedrijf Oost"}
    first = next(s for s in report["signalen"] if s["signaal_id"] == world.piet[0].signal_id)
    assert first["herkomst"]["bron"] == "API" and first["herkomst"]["levering"] == str(world.piet[0].delivery_id)
    assert first["klant"]["telefoonnummers"] == ["+31612345678"]
    assert first["brp_controle"]["naam"] == "Piet Proef"
    assert first["brp_controle"]["aantal_kandidaten_beoordeeld"] == 1
    assert first["brp_controle"]["aantal_personen_in_huishouden"] == 1
    assert first["melding"] == world.case.pk
    assert report["personen"] == [{"bsn": PIET, "naam": "Piet Proef", "geboortedatum": "1980-04-01"}]

    [case] = report["meldingen"]
    assert case["melding_id"] == world.case.pk
    assert set(case["signalen"]) == {s.signal_id for s in world.piet}
    assert case["signalen_van_anderen_weggelaten"] is True
    assert [(a["soort"], a["bereikt"], a["notitie"]) for a in case["contactpogingen"]] == [
        ("Telefoon", "Bereikt", "Gebeld: Piet wil hulp")]
    assert case["eindresultaat"] == Outcome.QUICK_FIX.label
    assert any("Gesloten met eindresultaat" in h["tekst"] for h in case["geschiedenis"])
    # When its data will be destroyed: six months (the default term) after the day it closed.
    world.case.refresh_from_db()
    closed = timezone.localtime(world.case.closed_at).date()
    expected = dt.date(closed.year + (closed.month + 5) // 12, (closed.month + 5) % 12 + 1, 1)
    expected = expected.replace(day=min(closed.day, calendar.monthrange(expected.year, expected.month)[1]))
    assert case["persoonsgegevens_vernietigd_op"] == expected.isoformat()
    month = ("januari februari maart april mei juni juli augustus september oktober november december").split()[
        expected.month - 1]
    assert case["bewaartermijn"] == f"Persoonsgegevens worden vernietigd op {expected.day} {month} {expected.year}."
    assert first["persoonsgegevens_vernietigd_op"] is None  # in a case: it goes with the case

    assert sorted((t["signaal_id"], t["vastelastenpartner"], t["code"]) for t in report["terugkoppelingen"]) == sorted(
        (s.signal_id, s.creditor.name, "hulp_geaccepteerd") for s in world.piet)
    assert [(r["bsn"], r["product"]) for r in report["schuldhulpverlening"]] == [(PIET, "budgetcoaching")]

    readers = {(e["wie"], e["handeling"]) for e in report["ingezien_door"]}
    assert {(world.worker.username, "Bekeken"), (world.lead.username, "Bekeken")} <= readers
    assert {e["wie"] for e in report["ingezien_door"]} >= {world.worker.username, world.lead.username}

    # Nothing of the other person at the address, of the other candidates, or of the other municipality.
    for foreign in (QUINTEN, "Quinten", "Huisgenoot", "POLIS-QUINTEN", world.quinten.signal_id, "+31687654321",
                    KANDIDAAT, "Karel Kandidaat", world.elsewhere.signal_id, "POLIS-ANDERSTAD", "Anderstad",
                    "anderstad-werker", "budgetbeheer", "schuldregeling"):
        assert foreign not in text, foreign


def test_an_address_search_lists_every_person_at_the_address_and_says_so(client, world):
    client = _admin_client(client, world)
    response = _search(client, world, postcode="1234 ab", huisnummer="7")
    assert response.status_code == 200
    assert "alle personen" in response.content.decode()
    report = json.loads(client.get(reverse(JSON_URL)).content)

    assert {s["signaal_id"] for s in report["signalen"]} == {*(s.signal_id for s in world.piet),
                                                             world.quinten.signal_id}
    assert {p["bsn"] for p in report["personen"]} == {PIET, QUINTEN}
    assert report["zoekopdracht"] == {"soort": "adres", "adres": "1234AB 7"}
    assert report["meldingen"][0]["signalen_van_anderen_weggelaten"] is False
    assert len(report["terugkoppelingen"]) == 3
    assert {r["product"] for r in report["schuldhulpverlening"]} == {"budgetcoaching", "schuldregeling"}
    assert world.elsewhere.signal_id not in json.dumps(report)


def test_the_pdf_is_a_dutch_letter_with_the_persons_signals(client, world):
    client = _admin_client(client, world)
    _search(client, world, bsn=PIET)
    response = client.get(reverse(PDF_URL))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdf_strings(response.content)
    for signal in world.piet:  # each signal is a heading, so a bookmark with its id
        assert f"Signaal {signal.signal_id} van {signal.creditor.name}" in text
    assert "Inzage in persoonsgegevens (artikel 15 AVG)" in text
    assert world.quinten.signal_id not in text


def _pdf_strings(pdf: bytes) -> str:
    """The PDF's streams inflated, with its UTF-16 strings (<feff…>) decoded: enough to find the bookmarks."""
    parts = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)).decode("latin-1"))
        except zlib.error:
            continue
    text = "\n".join(parts)
    decoded = [bytes.fromhex(h).decode("utf-16-be") for h in re.findall(r"<feff([0-9a-f]+)>", text, re.I)]
    return text + "\n" + "\n".join(decoded)


# --- the audit trail ------------------------------------------------------------------------------------------


def test_every_search_and_download_is_one_audit_event_with_the_persons_hash(client, world):
    client = _admin_client(client, world)
    for step, action in ((lambda: _search(client, world, bsn=PIET), Action.SEARCH),
                         (lambda: client.get(reverse(JSON_URL)), Action.EXPORT),
                         (lambda: client.get(reverse(PDF_URL)), Action.EXPORT)):
        before = AuditEvent.objects.count()
        assert step().status_code == 200
        [event] = AuditEvent.objects.order_by("-pk")[:AuditEvent.objects.count() - before]
        assert event.action == action
        assert event.persons == [person_hash(PIET)]
        assert event.username == "beheerder" and event.purpose == "beheer"
        assert event.municipality_id == world.gemeente.pk
        assert PIET not in json.dumps([event.path, event.object_id, event.search_hash])


def test_the_search_itself_shows_in_the_next_report(client, world):
    client = _admin_client(client, world)
    _search(client, world, bsn=PIET)
    report = json.loads(client.get(reverse(JSON_URL)).content)
    assert ("beheerder", "Gezocht") in {(e["wie"], e["handeling"]) for e in report["ingezien_door"]}


# --- the screen ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "field", "message"), [
    ({}, "bsn", "Vul een BSN in, of een postcode en huisnummer."),
    ({"bsn": "123456789"}, "bsn", "Dit is geen geldig BSN: het voldoet niet aan de elfproef."),
    ({"bsn": "12ab"}, "bsn", "Een BSN bestaat uit 9 cijfers."),
    ({"bsn": PIET, "postcode": "1234AB", "huisnummer": "7"}, "bsn", "Zoek op BSN of op adres, niet op allebei."),
    ({"postcode": "12345", "huisnummer": "7"}, "postcode", "Geen geldige postcode"),
    ({"postcode": "1234AB", "huisnummer": "zeven"}, "huisnummer", "Vul een huisnummer in cijfers in."),
    ({"postcode": "1234AB"}, "huisnummer", "Vul het huisnummer in."),
    ({"huisnummer": "7", "huisletter": "ab"}, "huisletter", "Een huisletter is precies één letter"),
    ({"bsn": PIET, "gemeente": "999999"}, "gemeente", "Kies een gemeente die u beheert."),
    ({"bsn": PIET, "gemeente": "x"}, "gemeente", "Kies een gemeente die u beheert."),
])
def test_bad_input_gets_a_dutch_field_error_not_a_500(client, gemeente, admin, data, field, message):
    login(client, admin)
    response = client.post(reverse(INZAGE), {"gemeente": gemeente.pk, **data})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert message.split(":")[0] in response.content.decode()


def test_another_municipalitys_administrator_cannot_ask_for_this_municipality(client, world):
    other_admin = UserFactory(role=Role.FUNCTIONEEL_BEHEERDER, municipalities=[world.andere], is_staff=True)
    login(client, other_admin)
    response = client.post(reverse(INZAGE), {"gemeente": world.gemeente.pk, "bsn": PIET})
    assert response.status_code == 400
    assert "Kies een gemeente die u beheert." in response.content.decode()
    # Its own municipality: only Anderstad's signal of the same person.
    response = client.post(reverse(INZAGE), {"gemeente": world.andere.pk, "bsn": PIET})
    report = json.loads(client.get(reverse(JSON_URL)).content)
    assert [s["signaal_id"] for s in report["signalen"]] == [world.elsewhere.signal_id]
    assert report["meldingen"] == [] and report["terugkoppelingen"] == []
    assert [r["product"] for r in report["schuldhulpverlening"]] == ["budgetbeheer"]
    assert {e["wie"] for e in report["ingezien_door"]} >= {"anderstad-werker"}
    assert world.worker.username not in {e["wie"] for e in report["ingezien_door"]}


@pytest.mark.parametrize("role", [Role.VROEGSIGNALEERDER, Role.TEAMLEIDER, Role.AUDITOR, Role.INSTALLATIEBEHEERDER])
def test_other_roles_are_refused(client, gemeente, role):
    login(client, UserFactory(role=role, municipalities=[gemeente]))
    for name in (INZAGE, JSON_URL, PDF_URL):
        assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse(INZAGE), {"gemeente": gemeente.pk, "bsn": PIET}).status_code == 403


def test_the_downloads_need_a_recent_sign_in(client, world):
    client = _admin_client(client, world)
    _search(client, world, bsn=PIET)
    session = client.session
    session[AUTHENTICATED_AT] = time.time() - 3600
    session.save()
    before = AuditEvent.objects.count()
    for name in (JSON_URL, PDF_URL):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("reauth"))
    assert AuditEvent.objects.count() == before  # nothing shown, nothing recorded


def test_a_download_without_a_search_goes_back_to_the_form(client, admin):
    login(client, admin)
    response = client.get(reverse(JSON_URL))
    assert response.status_code == 302 and response["Location"] == reverse(INZAGE)


def test_the_menu_offers_the_screen_to_the_functional_administrator_only(client, admin, worker):
    login(client, admin)
    assert reverse(INZAGE) in client.get(reverse("home")).content.decode()
    client.logout()
    login(client, worker)
    assert reverse(INZAGE) not in client.get(reverse("home")).content.decode()


def test_a_value_shaped_like_a_date_that_is_none_stays_as_it_is():
    assert leesbaar({"contractnummer": "2024-13-01", "op": "2026-04-09", "moment": "2026-04-09T12:30:00+00:00",
                     "lijst": ["2026-02-30T10:00", True]}) == {
        "contractnummer": "2024-13-01", "op": "9 april 2026", "moment": "9 april 2026 14:30",
        "lijst": ["2026-02-30T10:00", "ja"]}


def test_the_report_names_the_ddas_deliveries_that_carried_the_persons_signals(client, world):
    month = world.piet[0].signal_date
    covering = DdasSummary(gemeentecode=world.gemeente.cbs_code, van=month.replace(day=1), tot=month)
    record_command(covering, world.gemeente)
    earlier = DdasSummary(gemeentecode=world.gemeente.cbs_code, van=dt.date(2020, 1, 1), tot=dt.date(2020, 12, 31))
    record_command(earlier, world.gemeente)  # a period without Piet's signals
    record_command(covering, world.andere)  # another municipality's delivery

    report = _report(_admin_client(client, world), world, bsn=PIET)
    [delivery] = report["ddas_leveringen"]
    assert delivery["periode"] == {"van": covering.van.isoformat(), "tot_en_met": covering.tot.isoformat()}
    assert sorted(delivery["signalen"]) == sorted(s.signal_id for s in world.piet)
    assert delivery["ontvanger"].startswith("CBS")


def test_the_pdf_renderer_fetches_nothing_and_does_not_break_on_a_resource(tmp_path):
    from weasyprint import HTML  # the PDF tests need Pango anyway

    secret = tmp_path / "geheim.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\n")
    html = (f'<p>Brief</p><img src="file://{secret}"><img src="http://127.0.0.1:9/x.png">'
            '<img src="data:image/png;base64,iVBORw0KGgo="><p style="background: url(http://127.0.0.1:9/y)">x</p>')
    fetcher = no_resources()
    with pytest.raises(Exception, match="laadt geen bronnen"):
        fetcher.fetch(f"file://{secret}")
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf()
    assert pdf.startswith(b"%PDF") and b"PNG" not in pdf
