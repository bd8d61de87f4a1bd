"""The BRP check of a signal against the fake BRP with the official test persons and the demo population.

What the mock data holds (shared/haal-centraal/personen-mock-test-data.json):
- Binckhorstlaan 32, 2516 BD 's-Gravenhage (0518): 32 A Eleonora de Crooy (1969-12-28, 999995455),
  32 B Anne-Marie Verheul (1972-09-29, 999995467).
- Jan de Vries (999997646), 1935-05-05, died 2020-11-03, last address Domstraat 4, 3512 JB Utrecht (0344).
- Philippe de Zeeuw (999997269), 1992-05-06, emigrated to Belgium in 2008: RNI (1999), no Dutch address.
- Bella Jacobs (999996423), 2019-06-12, Franciscus Romanusweg 60, 6221 AH Maastricht (0935), with her
  parents Reinier Lodivicus Maria Jacobs and Christina Annabel Christiaansen and sisters Muriel, Manon, Vica.
- Schakelstraat 14 H, 1014 AW Amsterdam (0363; H is a huisnummertoevoeging): Gerrit den Braber (1968-03-18),
  Wilma van Zon and the children Alexander (2009-05-29) and Zoey (2018-11-14) den Braber.
"""
import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import demo.population
from demo.brp_fake.persons import is_elfproef_valid
from demo.brp_fake.server import FakeBrpServer
from signals import normalise
from signals.brp.client import BrpClient, BrpUnavailable
from signals.brp.decide import BrpOutcome, check_person
from signals.brp.matching import WHOLE, Wanted, _surname_level
from signals.brp.records import PersonSummary, name_key, without_diacritics

TODAY = dt.date(2026, 6, 1)
INHABITANTS = {"0518": 566_221}


@pytest.fixture(scope="module")
def population():
    return FakeBrpServer(inhabitants=INHABITANTS).store


@pytest.fixture
def brp(population):
    """A fake BRP of this test's own (its own port, counters and faults), sharing the module's persons."""
    with FakeBrpServer(today=TODAY, store=population) as fake:
        yield fake


@pytest.fixture
def client(brp):
    with BrpClient(brp.url, retries=2, backoff=0.01, timeout=2) as brp_client:
        yield brp_client


def check(client, **signal):
    decision = check_person(client, today=TODAY, **signal)
    json.dumps(decision.as_evidence())  # always storable as JSON
    return decision


def household_bsns(decision) -> set[str]:
    return {member.bsn for member in decision.household}


# --- the cases --------------------------------------------------------------------------


def test_binckhorstlaan_32_a_and_b_are_told_apart(client):
    crooy = check(client, municipality_code="0518", postcode="2516BD", house_number=32, house_letter="A",
                  surname="Crooy", prefix="de", first_names="Eleonora", birth_date=dt.date(1969, 12, 28))
    assert crooy.outcome == BrpOutcome.FOUND and crooy.bsn == "999995455"
    assert household_bsns(crooy) == {"999995455"}
    verheul = check(client, municipality_code="0518", postcode="2516BD", house_number=32, house_letter="B",
                    surname="Verheul", first_names="Anne-Marie", birth_date=dt.date(1972, 9, 29))
    assert verheul.outcome == BrpOutcome.FOUND and household_bsns(verheul) == {"999995467"}
    evidence = verheul.as_evidence()
    assert evidence["bsn"] == "999995467" and evidence["naam"] == "Anne-Marie Verheul"
    assert evidence["gemeente_van_inschrijving"] == {"code": "0518", "omschrijving": "'s-Gravenhage"}
    assert evidence["uitkomst_omschrijving"] == "Gevonden op het adres"
    assert evidence["bevragingen"][0] == {
        "type": "ZoekMetPostcodeEnHuisnummer", "postcode": "2516BD", "huisnummer": 32, "huisletter": "B",
        "geslachtsnaam": "Verheul", "geboortedatum": "1972-09-29", "inclusiefOverledenPersonen": True, "aantal": 1}


def test_binckhorstlaan_32_without_letter_narrows_by_name_and_keeps_the_household_to_one_dwelling(client):
    decision = check(client, municipality_code="0518", postcode="2516BD", house_number=32, surname="Crooy",
                     prefix="de", first_names="Eleonora", birth_date=dt.date(1969, 12, 28))
    assert decision.outcome == BrpOutcome.FOUND and decision.bsn == "999995455"
    assert household_bsns(decision) == {"999995455"}  # not the neighbour at 32 B


def test_binckhorstlaan_32_with_the_wrong_letter_goes_to_review(client):
    decision = check(client, municipality_code="0518", postcode="2516BD", house_number=32, house_letter="B",
                     surname="Crooy", prefix="de", first_names="Eleonora", birth_date=dt.date(1969, 12, 28))
    assert decision.outcome == BrpOutcome.NOT_FOUND and decision.needs_review
    assert decision.candidates[0].person.bsn == "999995455"
    assert {c.person.bsn for c in decision.candidates} == {"999995455", "999995467"}
    assert "huisletter" in decision.note


def test_jan_de_vries_is_deceased(client):
    decision = check(client, municipality_code="0344", postcode="3512JB", house_number=4, surname="de Vries",
                     first_names="Jan", birth_date=dt.date(1935, 5, 5))
    assert decision.outcome == BrpOutcome.DECEASED and decision.bsn == "999997646"
    evidence = decision.as_evidence()
    assert evidence["overlijdensdatum"] == "2020-11-03" and evidence["leeftijd"] is None
    assert evidence["huishouden"] == []  # nobody else lives there


def test_philippe_de_zeeuw_emigrated(client):
    # the creditor still has an old address in Vlissingen; the BRP knows him only in the RNI
    decision = check(client, municipality_code="0718", postcode="4381AA", house_number=1, surname="Zeeuw",
                     prefix="de", first_names="Philippe", birth_date=dt.date(1992, 5, 6))
    assert decision.outcome == BrpOutcome.EMIGRATED and decision.bsn == "999997269"
    evidence = decision.as_evidence()
    assert evidence["land"] == "België"
    assert "huishouden" not in evidence and "Sint Denijslaan" not in json.dumps(evidence)  # no foreign address
    assert [q["type"] for q in evidence["bevragingen"]] == [
        "ZoekMetPostcodeEnHuisnummer", "ZoekMetPostcodeEnHuisnummer", "ZoekMetGeslachtsnaamEnGeboortedatum",
        "RaadpleegMetBurgerservicenummer"]


def test_bella_jacobs_is_a_minor_with_her_household_and_parents(client):
    decision = check(client, municipality_code="0935", postcode="6221AH", house_number=60, surname="Jacobs",
                     first_names="Bella", birth_date=dt.date(2019, 6, 12))
    assert decision.outcome == BrpOutcome.MINOR and decision.bsn == "999996423" and decision.age == 6
    assert len(decision.household) == 6 and decision.minors_in_household == 2  # Bella and Vica
    evidence = decision.as_evidence()
    assert evidence["minderjarig"] is True
    assert {p["naam"]: p["woont_op_adres"] for p in evidence["ouders"]} == {
        "Reinier Lodivicus Maria Jacobs": True, "Christina Annabel Christiaansen": True}


def test_den_braber_at_schakelstraat_14_h_with_the_children(client):
    decision = check(client, municipality_code="0363", postcode="1014AW", house_number=14, addition="H",
                     surname="Braber", prefix="den", first_names="Gerrit", birth_date=dt.date(1968, 3, 18))
    assert decision.outcome == BrpOutcome.FOUND and decision.bsn == "999994542"
    members = {m["naam"]: m for m in decision.as_evidence()["huishouden"]}
    assert set(members) == {"Gerrit den Braber", "Wilma van Zon", "Alexander den Braber", "Zoey den Braber"}
    assert members["Alexander den Braber"]["minderjarig"] and members["Alexander den Braber"]["leeftijd"] == 17
    assert members["Zoey den Braber"]["minderjarig"] and not members["Wilma van Zon"]["minderjarig"]
    assert decision.as_evidence()["minderjarigen_in_huishouden"] == 2


def test_schakelstraat_14_h_delivered_as_a_house_letter_is_the_same_dwelling(client):
    decision = check(client, municipality_code="0363", postcode="1014AW", house_number=14, house_letter="H",
                     surname="den Braber", first_names="Gerrit", birth_date=dt.date(1968, 3, 18))
    assert decision.outcome == BrpOutcome.FOUND and len(decision.household) == 4


def test_reversed_name_parts_with_a_placeholder_birth_date_are_found(client):
    # 'Reinier' as surname and 'Jacobs' as given name: swapped, they fit one resident of the dwelling.
    decision = check(client, municipality_code="0935", postcode="6221AH", house_number=60, surname="Reinier",
                     first_names="Jacobs", birth_date=dt.date(2000, 1, 1))
    assert decision.outcome == BrpOutcome.FOUND and not decision.needs_review
    assert decision.bsn == "999996381"
    # the placeholder date was not used to narrow, and no nationwide search was made with it
    assert all("geboortedatum" not in q for q in decision.queries)


# --- more outcomes ------------------------------------------------------------------------------


def test_moved_to_another_municipality(client):
    # a signal for Eleonora de Crooy at an old address in Utrecht
    decision = check(client, municipality_code="0344", postcode="3512JB", house_number=4, surname="Crooy",
                     prefix="de", first_names="Eleonora", birth_date=dt.date(1969, 12, 28))
    assert decision.outcome == BrpOutcome.MOVED and decision.moved_to_municipality_code == "0518"
    evidence = decision.as_evidence()
    assert evidence["verhuisd_naar_gemeente"] == "0518"
    assert "Binckhorstlaan" not in json.dumps(evidence)  # never the new address


def test_living_elsewhere_in_the_same_municipality_goes_to_review(client):
    decision = check(client, municipality_code="0518", postcode="2516BA", house_number=9, surname="Crooy",
                     prefix="de", first_names="Eleonora", birth_date=dt.date(1969, 12, 28))
    assert decision.outcome == BrpOutcome.NOT_FOUND
    assert decision.candidates[0].person.bsn == "999995455" and not decision.candidates[0].at_address
    assert "ander adres" in decision.note


def test_same_surname_without_birth_date_or_first_name_is_ambiguous(client):
    decision = check(client, municipality_code="0935", postcode="6221AH", house_number=60, surname="Jacobs",
                     birth_date=dt.date(2000, 1, 1))
    assert decision.outcome == BrpOutcome.AMBIGUOUS
    # the five Jacobses, and Christina Christiaansen: married to Reinier Jacobs, she may use his name
    assert {c.person.bsn for c in decision.candidates} == {"999996289", "999996290", "999996381", "999996411",
                                                           "999996423", "999996277"}
    assert len({c.score for c in decision.candidates}) == 1  # a real tie: nothing on the signal tells them apart
    christina = next(c for c in decision.candidates if c.person.bsn == "999996277")
    assert "Achternaam komt overeen met de naam van de partner (naamgebruik)" in christina.reasons


def test_a_partners_name_finds_the_person_who_uses_it(client):
    # Christina Annabel Christiaansen, married to Reinier Jacobs, as her energy company knows her
    for surname, first_names in (("Jacobs", "Christina"), ("Jacobs-Christiaansen", "C.A."),
                                 ("Christiaansen-Jacobs", "Christina Annabel"), ("JACOBS", "Christina A.")):
        decision = check(client, municipality_code="0935", postcode="6221AH", house_number=60, surname=surname,
                         first_names=first_names)
        assert decision.outcome == BrpOutcome.FOUND and decision.bsn == "999996277", (surname, decision.note)


def test_first_name_picks_one_of_several_with_the_same_surname(client):
    decision = check(client, municipality_code="0935", postcode="6221AH", house_number=60, surname="Jacobs",
                     first_names="Muriel")
    assert decision.outcome == BrpOutcome.FOUND and decision.bsn == "999996290"


def test_only_the_surname_matching_with_another_first_name_is_not_accepted(client):
    decision = check(client, municipality_code="0518", postcode="2516BD", house_number=32, house_letter="B",
                     surname="Verheul", first_names="Petra")
    assert decision.outcome == BrpOutcome.NOT_FOUND and decision.candidates[0].person.bsn == "999995467"


def test_nobody_at_the_address(client):
    decision = check(client, municipality_code="0518", postcode="2516BD", house_number=31, surname="Zwaan",
                     first_names="Eleonora")
    assert decision.outcome == BrpOutcome.NOT_FOUND and decision.candidates == ()
    assert decision.as_evidence()["toelichting"] == "Op dit adres staat niemand ingeschreven."


def test_without_a_birth_date_namesakes_elsewhere_in_the_municipality_are_suggested_never_chosen(client):
    # Eleonora de Crooy lives at 32 A; the creditor has number 31 and no birth date
    decision = check(client, municipality_code="0518", postcode="2516BD", house_number=31, surname="de Crooy",
                     first_names="Eleonora")
    assert decision.outcome == BrpOutcome.NOT_FOUND and decision.needs_review
    assert decision.candidates[0].person.bsn == "999995455"
    assert not any(c.at_address for c in decision.candidates)
    assert "elders in de gemeente" in decision.note
    assert {k: v for k, v in decision.queries[-1].items() if k != "aantal"} == {
        "type": "ZoekMetNaamEnGemeenteVanInschrijving", "geslachtsnaam": "Crooy", "voornamen": "Eleonora*",
        "gemeenteVanInschrijving": "0518"}


def test_a_trade_name_without_person_name_goes_to_review(client):
    decision = check(client, municipality_code="0518", postcode="2516BD", house_number=32, house_letter="A")
    assert decision.outcome == BrpOutcome.NOT_FOUND and [c.person.bsn for c in decision.candidates] != []


# --- the demo population ------------------------------------------------------------------------


def test_demo_persons_are_found_with_their_household(client, brp):
    checked = 0
    for index in range(5, 2000, 97):
        household = demo.population.household("0518", index)
        for person in household.persons:
            decision = check(client, municipality_code="0518", postcode=household.postcode,
                             house_number=household.huisnummer, house_letter=household.huisletter,
                             addition=household.huisnummertoevoeging, surname=person.geslachtsnaam,
                             prefix=person.voorvoegsel, first_names=person.voornamen.split()[0],
                             birth_date=person.geboortedatum)
            expected = BrpOutcome.MINOR if person.age_on(TODAY) < 18 else BrpOutcome.FOUND
            assert decision.outcome == expected, (person, decision.note)
            assert decision.bsn == brp.bsn_for(person) and not is_elfproef_valid(decision.bsn)
            assert len(decision.household) == len(household.persons)
            checked += 1
    assert checked > 30


# --- faults -------------------------------------------------------------------------------------


def test_brp_unavailable_reaches_the_caller(client, brp):
    brp.fail_next(10, status=503)
    with pytest.raises(BrpUnavailable):
        check(client, municipality_code="0518", postcode="2516BD", house_number=32, surname="Crooy")


def test_a_short_outage_is_bridged_by_the_retries(client, brp):
    brp.fail_next(2, status=503)
    decision = check(client, municipality_code="0518", postcode="2516BD", house_number=32, house_letter="A",
                     surname="Crooy", birth_date=dt.date(1969, 12, 28))
    assert decision.outcome == BrpOutcome.FOUND


# --- however a creditor writes the name (generated) ----------------------------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyzëéèïöüçşğłıñ"


@settings(max_examples=300, deadline=None)
@given(prefix=st.sampled_from(["", *normalise.SURNAME_PREFIXES]),
       surname=st.text(alphabet=_LETTERS, min_size=2, max_size=12).filter(
           lambda s: s not in normalise.SURNAME_PREFIXES and not s.startswith(("d'", "l'"))),
       second=st.one_of(st.just(""), st.text(alphabet=_LETTERS, min_size=2, max_size=8)))
def test_every_way_of_writing_a_surname_folds_to_the_same_whole_name(prefix, surname, second):
    name = surname.capitalize() + (f"-{second.capitalize()}" if second else "")
    whole = f"{prefix} {name}".strip()
    brp = PersonSummary(bsn="1", prefix=prefix, surname=name)
    written = [(name, prefix), (whole, ""), (whole.upper(), ""), (whole.title(), ""), (name, prefix.upper()),
               (without_diacritics(whole), ""), (whole.replace("'", "\u2019"), ""), (f"  {whole}  ", "")]
    if prefix:
        written.append((f"{name}, {prefix}", ""))
    for surname_field, prefix_field in written:
        wanted = Wanted.from_signal(surname=surname_field, prefix=prefix_field, initials="X")
        assert wanted.full == name_key(whole), (surname_field, prefix_field)
        assert _surname_level(brp, wanted) == WHOLE, (surname_field, prefix_field)
    # the BRP holding the whole name as geslachtsnaam, without voorvoegsel, is the same person
    assert _surname_level(PersonSummary(bsn="2", surname=whole), Wanted.from_signal(surname=name, prefix=prefix)) \
        == WHOLE
