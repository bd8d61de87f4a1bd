"""Ranking of BRP candidates for the fallout reviewer."""
import datetime as dt

from signals.brp.records import PersonSummary
from signals.brp.suggest import WantedName, rank, rank_candidates, summary_from_evidence

REINIER = PersonSummary("999996381", "Reinier Lodivicus Maria", "", "Jacobs", dt.date(1973, 8, 13), "1973-08-13")
MURIEL = PersonSummary("999996290", "Muriel", "", "Jacobs", dt.date(2005, 8, 18), "2005-08-18")
CHRISTINA = PersonSummary("999996277", "Christina Annabel", "", "Christiaansen", dt.date(1970, 7, 17), "1970-07-17")
JAN = PersonSummary("999997646", "Jan", "de", "Vries", dt.date(1935, 5, 5), "1935-05-05")
JANNA = PersonSummary("999990001", "Janna", "", "Vries", dt.date(1960, 1, 2), "1960-01-02")
MEHMET = PersonSummary("999990002", "Mehmet", "", "Öztürk", dt.date(1980, 3, 4), "1980-03-04")
MEHMET_2 = PersonSummary("999990003", "Mustafa", "", "Öztürk", dt.date(1950, 1, 1), "1950-01-01")


def best(suggestions):
    return suggestions[0].candidate


def test_reversed_name_parts_with_placeholder_birth_date():
    ranked = rank([MURIEL, CHRISTINA, REINIER], surname="Reinier", first_names="Jacobs",
                  birth_date=dt.date(2000, 1, 1))
    assert best(ranked) == REINIER
    assert ranked[0].score >= 95 > ranked[1].score
    assert "Voornaam en achternaam lijken omgedraaid" in ranked[0].reasons
    assert any("opvuldatum" in reason for reason in ranked[0].reasons)
    assert ranked[-1].candidate == CHRISTINA


def test_prefix_written_after_the_surname():
    ranked = rank([JANNA, JAN], surname="Vries, de", first_names="Jan", birth_date=dt.date(1935, 5, 5))
    assert best(ranked) == JAN and ranked[0].score == 100
    assert "Voorvoegsel achter de achternaam geschreven" in ranked[0].reasons


def test_prefix_inside_the_surname_or_missing():
    assert best(rank([JANNA, JAN], surname="de Vries", first_names="Jan")) == JAN
    ranked = rank([JAN], surname="Vries", first_names="Jan")
    assert ranked[0].score >= 90 and "Voorvoegsel anders geschreven" in ranked[0].reasons


def test_diacritics_are_ignored():
    ranked = rank([MEHMET_2, MEHMET], surname="Ozturk", first_names="Mehmet", birth_date=dt.date(1980, 3, 4))
    assert best(ranked) == MEHMET and ranked[0].score == 100
    assert "Gelijk als accenten en leestekens worden genegeerd" in ranked[0].reasons


def test_initials_instead_of_first_names():
    ranked = rank([MURIEL, REINIER], surname="Jacobs", initials="R.L.M.")
    assert best(ranked) == REINIER and "Voorletters komen overeen" in ranked[0].reasons
    assert best(rank([MURIEL, REINIER], surname="Jacobs", first_names="R.")) == REINIER


def test_day_and_month_swapped_beats_another_date():
    ranked = rank([JANNA, JAN], surname="Vries", first_names="J", birth_date=dt.date(1935, 5, 5))
    assert best(ranked) == JAN
    swapped = rank([JANNA], surname="Vries", first_names="Janna", birth_date=dt.date(1960, 2, 1))[0]
    assert "Geboortedatum met dag en maand omgedraaid" in swapped.reasons and swapped.score >= 90


def test_a_stranger_scores_low():
    ranked = rank([CHRISTINA], surname="Bakker", first_names="Piet", birth_date=dt.date(1990, 1, 1))
    assert ranked[0].score < 40


def test_wanted_name_parsing():
    wanted = WantedName.from_signal(surname="Vries, de", first_names="J.P.")
    assert (wanted.surname, wanted.prefix, wanted.first_names, wanted.initials) == ("vries", "de", "", "jp")
    assert WantedName.from_signal(surname="van der Berg").prefix == "van der"
    assert WantedName.from_signal(surname="x", birth_date=dt.date(2000, 1, 1)).birth_date is None


def test_rank_candidates_for_a_signal_from_stored_evidence():
    from types import SimpleNamespace

    signal = SimpleNamespace(surname="Reinier", surname_prefix="", first_names="Jacobs", initials="",
                             birth_date=dt.date(2000, 1, 1))
    stored = [
        {"bsn": "999996290", "naam": "Muriel Jacobs", "voornamen": "Muriel", "voorvoegsel": "",
         "geslachtsnaam": "Jacobs", "geboortedatum": "2005-08-18"},
        {"bsn": "999996381", "naam": "Reinier Lodivicus Maria Jacobs", "geboortedatum": "1973-08-13"},  # older form
    ]
    ranked = rank_candidates(signal, stored)
    assert [candidate["bsn"] for candidate, _, _ in ranked] == ["999996381", "999996290"]
    assert ranked[0][2][0] == "Voornaam en achternaam lijken omgedraaid"


def test_a_partners_name_counts_for_the_ranking_also_from_stored_evidence():
    wife = PersonSummary(bsn="1", first_names="Fatma", surname="Yılmaz", partner_names=(("", "Demir"),))
    daughter = PersonSummary(bsn="2", first_names="Fatma Elif", surname="Yilmaz")
    stranger = PersonSummary(bsn="3", first_names="Fatma", surname="Demirel")
    ranked = rank([stranger, daughter, wife], surname="Demir", first_names="Fatma")
    assert ranked[0].candidate.bsn == "1"
    assert "Achternaam komt overeen met de naam van de partner (naamgebruik)" in ranked[0].reasons
    stored = {"bsn": "1", "voornamen": "Fatma", "voorvoegsel": "", "geslachtsnaam": "Yılmaz",
              "partnernamen": [{"voorvoegsel": "", "geslachtsnaam": "Demir"}]}
    assert summary_from_evidence(stored).partner_names == (("", "Demir"),)
