"""The fake BRP: the spec's queries, validation and the two populations (mock persons, demo)."""
import datetime as dt
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from stdnum.nl import bsn as nl_bsn

import demo.population
from demo.brp_fake import fieldpaths
from demo.brp_fake.persons import demo_bsn, is_elfproef_valid, load_mock_persons
from demo.brp_fake.server import FakeBrpServer, default_mock_data_path
from demo.brp_fake.v2 import convert_mock_person, v2_date
from tests.e2e_support import wait_until

TODAY = dt.date(2026, 6, 1)
INHABITANTS = {"0518": 566_221, "0216": 29_876}
SPEC = default_mock_data_path().parent / "brp-personen-v2.7.0-openapi.resolved.json"


@pytest.fixture(scope="module")
def population():
    return FakeBrpServer(inhabitants=INHABITANTS).store


@pytest.fixture
def brp(population):
    """A fake BRP of this test's own (its own port, counters and faults), sharing the module's persons."""
    with FakeBrpServer(today=TODAY, store=population) as fake:
        yield fake


@pytest.fixture
def http(brp):
    with httpx.Client(base_url=brp.url, timeout=5) as client:
        yield client


def post(http, body, **headers):
    return http.post("/personen", json=body, headers=headers)


def bsns(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [p["burgerservicenummer"] for p in response.json()["personen"]]


def address_query(**params):
    return {"type": "ZoekMetPostcodeEnHuisnummer", "fields": ["burgerservicenummer"], **params}


def test_all_mock_persons_convert_to_the_v2_format():
    persons = load_mock_persons(default_mock_data_path())
    assert len(persons) == 1176
    assert all(p.data["burgerservicenummer"] and "naam" in p.data for p in persons)
    kinds = {p.data["verblijfplaats"]["type"] for p in persons}
    assert kinds == {"Adres", "VerblijfplaatsBuitenland", "VerblijfplaatsOnbekend", "Locatie"}


def test_date_conversion():
    assert v2_date("19561115") == {"type": "Datum", "datum": "1956-11-15", "langFormaat": "15 november 1956"}
    assert v2_date("19780300") == {"type": "JaarMaandDatum", "jaar": 1978, "maand": 3, "langFormaat": "maart 1978"}
    assert v2_date("19680000") == {"type": "JaarDatum", "jaar": 1968, "langFormaat": "1968"}
    assert v2_date("00000000") == {"type": "DatumOnbekend", "onbekend": True, "langFormaat": "onbekend"}


def test_conversion_of_an_emigrated_person_and_an_unknown_destination():
    abroad = convert_mock_person({"burgerservicenummer": "999999999", "naam": {"geslachtsnaam": "Test"},
                                  "verblijfplaats": {"land": {"code": "5010", "omschrijving": "België"},
                                                     "regel1": "Straat 1", "datumAanvangAdresBuitenland": "20200100"}})
    assert abroad["verblijfplaats"] == {
        "type": "VerblijfplaatsBuitenland",
        "verblijfadres": {"regel1": "Straat 1", "land": {"code": "5010", "omschrijving": "België"}},
        "datumVan": {"type": "JaarMaandDatum", "jaar": 2020, "maand": 1, "langFormaat": "januari 2020"},
    }
    unknown = convert_mock_person({"burgerservicenummer": "999999999", "verblijfplaats": {"land": {"code": "0000"}}})
    assert unknown["verblijfplaats"] == {"type": "VerblijfplaatsOnbekend"}


def test_field_paths_equal_what_the_spec_yields():
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    assert fieldpaths.paths_from_spec(spec, "PersoonBeperkt") == fieldpaths.PERSOON_BEPERKT_PATHS
    assert fieldpaths.paths_from_spec(spec, "Persoon") == fieldpaths.PERSOON_PATHS


def test_postcode_is_case_and_space_insensitive_and_letters_narrow(http):
    assert sorted(bsns(post(http, address_query(postcode="2516 bd", huisnummer=32)))) == ["999995455", "999995467"]
    assert bsns(post(http, address_query(postcode="2516BD", huisnummer=32, huisletter="a"))) == ["999995455"]
    assert bsns(post(http, address_query(postcode="1014AW", huisnummer=14, huisnummertoevoeging="h"))) != []
    assert bsns(post(http, address_query(postcode="1014AW", huisnummer=14, huisletter="H"))) == []


def test_deceased_persons_only_with_inclusief_overleden_personen(http):
    assert bsns(post(http, address_query(postcode="3512JB", huisnummer=4))) == []
    assert bsns(post(http, address_query(postcode="3512JB", huisnummer=4, inclusiefOverledenPersonen=True))) == [
        "999997646"]
    query = {"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": ["999997646"], "fields": ["leeftijd"]}
    person, = post(http, query).json()["personen"]
    assert "leeftijd" not in person and person["opschortingBijhouding"]["reden"]["code"] == "O"


def test_search_by_surname_and_birth_date(http):
    query = {"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "geslachtsnaam": "ZEEUW", "geboortedatum": "1992-05-06",
             "fields": ["burgerservicenummer"]}
    assert bsns(post(http, query)) == ["999997269"]
    assert bsns(post(http, {**query, "geslachtsnaam": "Zee*"})) == ["999997269"]
    assert bsns(post(http, {**query, "geslachtsnaam": "Zee"})) == []
    assert bsns(post(http, {**query, "voorvoegsel": "van"})) == []


def test_narrowing_by_surname_ignores_case_and_follows_the_brps_diacritics_rule(http):
    # RvIG's feature "zoeken met diakriet en wildcard en case insensitive": without diacritics finds
    # the name with them; a diacritic in the question must be in the name.
    assert bsns(post(http, address_query(postcode="2516BD", huisnummer=32, geslachtsnaam="CROOY"))) == ["999995455"]
    assert bsns(post(http, address_query(postcode="2516BD", huisnummer=32, geslachtsnaam="crooÿ"))) == []
    for written, found in (("Bilgic", True), ("BILGIÇ", True), ("bilgiç", True), ("Bilgìç", False), ("Bilgi*", True)):
        query = address_query(postcode="9731HM", huisnummer=60, geslachtsnaam=written)
        assert ("999990032" in bsns(post(http, query))) is found, written
    assert bsns(post(http, address_query(postcode="1019MB", huisnummer=16, geslachtsnaam="haci"))) == ["999990834"]
    name = {"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "geboortedatum": "1965-09-17",
            "fields": ["burgerservicenummer"]}
    assert bsns(post(http, {**name, "geslachtsnaam": "zywialowska"})) == ["999990172"]
    assert bsns(post(http, {**name, "geslachtsnaam": "Żywiałowska"})) == ["999990172"]
    assert bsns(post(http, {**name, "geslachtsnaam": "Zywiałowska"})) == []
    assert bsns(post(http, address_query(postcode="2516BD", huisnummer=32, geslachtsnaam="Verh*"))) == ["999995467"]
    assert bsns(post(http, address_query(postcode="2516BD", huisnummer=32, geboortedatum="1972-09-29"))) == [
        "999995467"]


def test_leeftijd_is_computed_on_the_servers_day(http):
    query = {"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": ["999995832"],
             "fields": ["leeftijd", "geboorte.datum.datum"]}
    assert post(http, query).json()["personen"] == [
        {"leeftijd": 17, "geboorte": {"datum": {"type": "Datum", "datum": "2009-05-29", "langFormaat": "29 mei 2009"}}}]


@pytest.mark.parametrize(("body", "code", "name"), [
    ({"type": "ZoekMetPostcodeEnHuisnummer", "huisnummer": 1, "fields": ["burgerservicenummer"]},
     "required", "postcode"),
    ({"type": "ZoekMetPostcodeEnHuisnummer", "postcode": "2516BD", "huisnummer": 1}, "required", "fields"),
    (address_query(postcode="0516BD", huisnummer=1), "pattern", "postcode"),
    (address_query(postcode="2516BD", huisnummer="32"), "integer", "huisnummer"),
    (address_query(postcode="2516BD", huisnummer=1, huisletter="AB"), "pattern", "huisletter"),
    (address_query(postcode="2516BD", huisnummer=1, straat="Binckhorstlaan"), "unknownParam", "straat"),
    (address_query(postcode="2516BD", huisnummer=1, geboortedatum="28-12-1969"), "date", "geboortedatum"),
    ({"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": ["12345"], "fields": ["naam"]},
     "pattern", "burgerservicenummer[0]"),
    ({"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": ["999993112"], "fields": []},
     "minItems", "fields"),
    ({"type": "ZoekMetPostcodeEnHuisnummer", "postcode": "2516BD", "huisnummer": 1, "fields": ["aNummer"]},
     "fields", "fields[0]"),  # aNummer exists on Persoon, not on PersoonBeperkt
    ({"type": "ZoekMetIets", "fields": ["naam"]}, "value", "type"),
])
def test_invalid_queries_are_400_problem_json(http, body, code, name):
    response = post(http, body)
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["instance"].endswith("/personen")
    assert [(p["code"], p["name"]) for p in problem["invalidParams"]] == [(code, name)]


def test_other_content_types_and_paths(http, brp):
    assert http.post("/personen", content=b"x", headers={"Content-Type": "text/plain"}).status_code == 415
    assert http.post("/ingeschrevenpersonen", json={}).status_code == 404
    assert http.get("/personen").status_code == 405


def test_demo_households_are_found_at_their_address_with_bsns_that_fail_the_elfproef(http, brp):
    for index in range(0, 400, 37):
        household = demo.population.household("0518", index)
        response = post(http, {**address_query(postcode=household.postcode, huisnummer=household.huisnummer),
                               "fields": ["burgerservicenummer", "naam.voornamen", "geboorte.datum.datum"]})
        found = response.json()["personen"]
        assert [p["naam"]["voornamen"] for p in found] == [p.voornamen for p in household.persons]
        for person, answer in zip(household.persons, found, strict=True):
            assert answer["burgerservicenummer"] == brp.bsn_for(person)
            assert not is_elfproef_valid(answer["burgerservicenummer"])
            assert not nl_bsn.is_valid(answer["burgerservicenummer"])
            assert answer["geboorte"]["datum"]["datum"] == person.geboortedatum.isoformat()
        # and RaadpleegMetBurgerservicenummer knows them
        query = {"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": bsns(response),
                 "fields": ["verblijfplaats.verblijfadres.postcode", "gemeenteVanInschrijving.code"]}
        records = post(http, query).json()["personen"]
        assert {(r["verblijfplaats"]["verblijfadres"]["postcode"], r["gemeenteVanInschrijving"]["code"])
                for r in records} == {(household.postcode, "0518")}


def test_demo_bsns_are_deterministic_and_never_valid():
    keys = [f"0363-{n:07d}-{m}" for n in range(3000) for m in (1, 2, 3)]
    numbers = [demo_bsn(key) for key in keys]
    assert numbers == [demo_bsn(key) for key in keys]
    assert all(len(n) == 9 and n.isdigit() and not is_elfproef_valid(n) for n in numbers)
    assert len(set(numbers)) == len(numbers)


def test_without_mock_data_only_demo_persons(tmp_path, caplog):
    with FakeBrpServer(mock_data=tmp_path / "absent.json", inhabitants={"0216": 29_876}) as brp:
        assert brp.store.mock_count == 0
        household = demo.population.household("0216", 3)
        with httpx.Client(base_url=brp.url) as client:
            assert post(client, address_query(postcode="2516BD", huisnummer=32)).json()["personen"] == []
            assert len(bsns(post(client, address_query(postcode=household.postcode,
                                                       huisnummer=household.huisnummer)))) == len(household.persons)
    assert "testpersonen niet gevonden" in caplog.text


def test_a_late_question_of_a_timed_out_client_stays_with_its_own_server(population):
    """Why every test gets its own fake (tests/conftest.py): a question whose client gave up is still
    answered, and counted, later; only by the server it was sent to, never by the next test's."""
    with FakeBrpServer(store=population, today=TODAY) as earlier:
        earlier.set_delay(30.0)
        with httpx.Client(base_url=earlier.url, timeout=0.2) as client, pytest.raises(httpx.TimeoutException):
            post(client, address_query(postcode="2516BD", huisnummer=32))
        with FakeBrpServer(store=population, today=TODAY) as later:
            earlier.stop()  # the earlier test ends: its late question is answered now
            wait_until(lambda: earlier.queries, timeout=10, step=0.01)
            with httpx.Client(base_url=later.url, timeout=5) as client:
                post(client, {"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": ["999993112"],
                              "fields": ["naam"]})
            assert [q["type"] for q in later.queries] == ["RaadpleegMetBurgerservicenummer"]
            assert later.request_count == 1
    assert earlier.request_count == 1 and [q["type"] for q in earlier.queries] == ["ZoekMetPostcodeEnHuisnummer"]


def test_counters(brp, http):
    brp.reset()
    post(http, address_query(postcode="2516BD", huisnummer=32))
    post(http, {"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": ["999993112"], "fields": ["naam"]})
    post(http, {"type": "RaadpleegMetBurgerservicenummer"})  # invalid: counted, not answered
    assert brp.request_count == 3
    assert brp.requests_by_type == {"ZoekMetPostcodeEnHuisnummer": 1, "RaadpleegMetBurgerservicenummer": 1}
    assert len(brp.queries) == 2


def test_run_fake_brp_command_serves_until_interrupted():
    manage = Path(__file__).resolve().parents[2] / "manage.py"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, str(manage), "run_fake_brp", "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stdout.readline()
        assert line.startswith("Nep-BRP luistert op http://127.0.0.1:"), line + process.stderr.read()
        url = line.split()[-1]
        with httpx.Client(base_url=url, timeout=5) as client:
            assert client.post("/personen", json=address_query(postcode="2516BD", huisnummer=32)).status_code == 200
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=10)
        assert process.returncode == 0 and "gestopt" in out
    finally:
        if process.poll() is None:
            process.kill()


def test_search_by_name_in_the_municipality(http):
    query = {"type": "ZoekMetNaamEnGemeenteVanInschrijving", "geslachtsnaam": "crooy", "voornamen": "ELEONORA",
             "gemeenteVanInschrijving": "0518", "fields": ["burgerservicenummer"]}
    assert "999995455" in bsns(post(http, query))
    assert "999995455" in bsns(post(http, {**query, "voornamen": "Ele*", "geslachtsnaam": "Cro*"}))
    assert bsns(post(http, {**query, "gemeenteVanInschrijving": "0344"})) == []
    assert bsns(post(http, {**query, "voornamen": "Eleonor"})) == []  # all given names, or a wildcard
    refused = post(http, {**query, "voornamen": "El*"})  # a wildcard needs three letters
    assert refused.status_code == 400 and refused.json()["invalidParams"][0]["name"] == "voornamen"
    missing = post(http, {k: v for k, v in query.items() if k != "voornamen"})
    assert missing.status_code == 400 and missing.json()["code"] == "paramsCombination"
