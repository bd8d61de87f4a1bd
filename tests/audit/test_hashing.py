"""Keyed hashes stand for BSNs and search terms: stable for the same value and key, different with another key,
and the same BSN written differently is the same person."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.hashing import normalise_bsn, person_hash, search_hash


@given(st.from_regex(r"\A[0-9]{9}\Z"))
def test_a_bsn_hash_is_keyed_stable_and_never_the_bsn(bsn):
    digest = person_hash(bsn)
    assert len(digest) == 64 and bsn not in digest
    assert person_hash(f" {bsn[:3]} {bsn[3:]} ") == digest


def test_another_key_gives_other_hashes(settings):
    before = person_hash("999990019")
    settings.AUDIT_HASH_KEY = "een-andere-sleutel"
    assert person_hash("999990019") != before
    assert person_hash("999990019") == person_hash("999990019")


@pytest.mark.parametrize("value, expected", [("99999001", "099999001"), ("abc", ""), ("", ""),
                                            ("1234567890", ""), ("999.990.019", "999990019")])
def test_normalise_bsn(value, expected):
    assert normalise_bsn(value) == expected


def test_a_search_term_hash_ignores_case_and_spaces():
    assert search_hash("  Jansen  ") == search_hash("jansen") != search_hash("janssen")
    assert search_hash(" ") == ""
