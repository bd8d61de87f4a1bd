"""Property tests (hypothesis) for normalisation: notation never changes who or where."""
import string

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from signals import normalise

digits = st.sampled_from("123456789")
letters = st.sampled_from(string.ascii_uppercase)
spaces = st.text(alphabet=" \u00a0\t", max_size=3)


@st.composite
def postcodes(draw):
    number = draw(digits) + "".join(draw(st.lists(st.sampled_from(string.digits), min_size=3, max_size=3)))
    pair = draw(letters) + draw(letters)
    if pair in ("SA", "SD", "SS"):  # not issued
        pair = "AB"
    return number, pair


@given(postcodes(), spaces, spaces, spaces, st.booleans())
def test_postcode_notation_does_not_matter(code, lead, middle, trail, lower):
    number, pair = code
    written = f"{lead}{number}{middle}{pair.lower() if lower else pair}{trail}"
    assert normalise.postcode(written) == number + pair
    assert normalise.postcode(normalise.postcode(written)) == number + pair


@given(st.text(max_size=8))
def test_postcode_either_normalises_to_the_canonical_form_or_refuses(text):
    try:
        result = normalise.postcode(text)
    except ValueError as exc:
        assert "postcode" in str(exc)
    else:
        assert len(result) == 6 and result[:4].isdigit() and result[4:].isalpha() and result.isupper()


# 06-1… to 06-5… are issued mobile ranges.
@given(st.from_regex(r"[1-5][0-9]{7}", fullmatch=True),
       st.sampled_from(["06{0}", "06-{0}", "06 {0}", "+316{0}", "+31 6 {0}", "0031 6{0}", "(06) {0}"]))
def test_dutch_mobile_numbers_in_any_notation_are_one_number(subscriber, pattern):
    grouped = f"{subscriber[:2]} {subscriber[2:4]} {subscriber[4:6]} {subscriber[6:]}"
    spaced = grouped if "+31 6" in pattern else subscriber
    assert normalise.phone_number(pattern.format(spaced)) == f"+316{subscriber}"


@given(st.text(max_size=20))
def test_phone_numbers_normalise_to_e164_or_refuse(text):
    try:
        result = normalise.phone_number(text)
    except ValueError as exc:
        assert str(exc) == "Geen geldig telefoonnummer."
    else:
        assert result.startswith("+") and result[1:].isdigit()
        assert normalise.phone_number(result) == result


surnames = st.text(alphabet=string.ascii_letters + "éëïöü-'", min_size=2, max_size=15).filter(
    lambda s: s.strip("-'") and s.lower() not in normalise.SURNAME_PREFIXES
    and not s.lower().startswith(("d'", "l'")))  # "d'Ancona": a glued prefix, split off (tested below)


@given(st.sampled_from(normalise.SURNAME_PREFIXES), surnames, st.booleans())
def test_prefix_inside_the_surname_is_split_off(prefix, surname, title):
    written = f"{prefix.title() if title else prefix} {surname}"
    assert normalise.split_surname(written) == (surname, prefix)


@given(st.sampled_from(normalise.SURNAME_PREFIXES), surnames, spaces)
def test_given_prefix_is_kept_and_normalised(prefix, surname, pad):
    assert normalise.split_surname(f"{pad}{surname}{pad}", f"{pad}{prefix.upper()}{pad}") == (surname, prefix)


@given(surnames)
def test_surname_without_prefix_is_left_alone(surname):
    assert normalise.split_surname(surname) == (surname, "")


@pytest.mark.parametrize(("written", "expected"), [
    ("van der Berg", ("Berg", "van der")), ("Berg, van der", ("Berg", "van der")),
    ("Van Der Berg", ("Berg", "van der")), ("d'Ancona", ("Ancona", "d'")), ("D\u2019Ancona", ("Ancona", "d'")),
    ("\u2019t Hart", ("Hart", "'t")), ("De la Cruz", ("Cruz", "de la")), ("van \u2019t Hof", ("Hof", "van 't")),
    ("Vries-Jansen, de", ("Vries-Jansen", "de")), ("Van den Heuvel-de Vries", ("Heuvel-de Vries", "van den")),
])
def test_the_ways_creditors_write_a_prefix_are_split_alike(written, expected):
    assert normalise.split_surname(written) == expected


@given(st.text(alphabet=string.ascii_letters + ". ", max_size=12).filter(lambda s: any(c.isalpha() for c in s)))
def test_initials_are_upper_case_letters_with_dots_and_stable(text):
    result = normalise.initials(text)
    assert result == "".join(f"{c.upper()}." for c in text if c.isalpha())
    assert normalise.initials(result) == result


@given(st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=4), spaces, st.booleans())
def test_house_number_addition_notation(addition, pad, dash):
    written = f"{pad}{'-' if dash else ''}{addition.lower()}{pad}"
    assert normalise.house_number_addition(written) == addition.upper()


@given(letters, spaces)
def test_house_letter_notation(letter, pad):
    assert normalise.house_letter(f"{pad}{letter.lower()}{pad}") == letter


@given(st.from_regex(r"[a-z]{1,10}(\.[a-z]{1,5})?@[a-z]{2,10}\.(nl|com|org)", fullmatch=True), spaces, st.booleans())
def test_email_is_trimmed_and_lower_cased(address, pad, upper):
    assert normalise.email(f"{pad}{address.upper() if upper else address}{pad}") == address


@settings(max_examples=200)
@given(postcodes(), st.integers(1, 99999), st.one_of(st.none(), letters), spaces)
def test_noisy_variants_of_one_address_give_one_address_key(code, number, letter, pad):
    number_pc, pair = code
    tidy = normalise.address_key(number_pc + pair, number, letter or "", "")
    noisy = normalise.address_key(
        normalise.postcode(f"{pad}{number_pc} {pair.lower()}"), number,
        normalise.house_letter(f"{letter.lower()} ") if letter else "", "",
    )
    assert noisy == tidy


def test_different_households_get_different_keys():
    keys = {
        normalise.address_key("1011AB", 1, "", ""),
        normalise.address_key("1011AB", 1, "A", ""),
        normalise.address_key("1011AB", 1, "", "A"),
        normalise.address_key("1011AB", 11, "", ""),
        normalise.address_key("1011AB", 1, "", "1"),
    }
    assert len(keys) == 5


@pytest.mark.parametrize(("function", "value"), [
    (normalise.postcode, "1234"), (normalise.house_letter, "AB"), (normalise.house_number_addition, "-"),
    (normalise.initials, "..."), (normalise.email, "a@"), (normalise.phone_number, "06"),
])
def test_invalid_values_are_refused_in_dutch(function, value):
    with pytest.raises(ValueError) as exc:
        function(value)
    assert any(word in str(exc.value) for word in ("Geen", "Een", "Voorletters"))


# "Surname, <given names>": what follows a comma is the prefix only when it is one.
given_words = st.text(alphabet=string.ascii_lowercase + "éëï", min_size=2, max_size=10).map(str.title).filter(
    lambda w: w.lower() not in normalise.SURNAME_PREFIXES and w.lower().rstrip(".") not in normalise._TITLES)
given_names = st.lists(given_words, min_size=1, max_size=4).map(" ".join)
initials_written = st.lists(st.sampled_from(string.ascii_uppercase), min_size=1, max_size=5).flatmap(
    lambda ls: st.sampled_from(("".join(f"{c}." for c in ls), " ".join(f"{c}." for c in ls))))
titles = st.sampled_from(("", "Dhr. ", "Mevrouw ", "mevr. ", "De heer ", "Mw. "))


@given(surnames, given_names | initials_written)
def test_given_names_after_a_comma_are_never_the_prefix(surname, given_part):
    assert normalise.split_name(f"{surname}, {given_part}") == (surname, "", given_part)


@given(st.sampled_from(normalise.SURNAME_PREFIXES), surnames, initials_written, st.booleans(), st.booleans())
def test_prefix_and_initials_after_a_comma_in_either_order(prefix, surname, initials, prefix_first, title):
    written_prefix = prefix.title() if title else prefix
    tail = f"{written_prefix}, {initials}" if prefix_first else f"{initials} {written_prefix}"
    assert normalise.split_name(f"{surname}, {tail}") == (surname, prefix, initials)


@given(titles, initials_written)
def test_initials_after_the_comma_become_voorletters(title, initials):
    letters = [c for c in initials if c.isalpha()]
    assert normalise.given_from_rest(f"{title}{initials}") == ("", "".join(f"{c}." for c in letters))


@given(titles, given_names)
def test_given_names_after_the_comma_become_voornamen_without_the_title(title, names):
    assume(len(names) > 3 or " " in names)  # 'Jan' alone is a name; 'JP' would be initials
    assert normalise.given_from_rest(f"{title}{names}") == (names, "")


@given(st.text(max_size=300), st.text(max_size=30))
def test_a_split_never_makes_up_a_prefix(surname, prefix):
    """Whatever the surname field holds, the prefix is the one given (folded) or one from the table:
    never the rest of a sentence after a comma, and never longer than the given one or the table's."""
    _, found, _ = normalise.split_name(surname, prefix)
    if prefix.strip():
        assert found == normalise.surname_prefix(prefix)
    else:
        assert found == "" or found in normalise.SURNAME_PREFIXES


@pytest.mark.parametrize(("written", "expected"), [
    ("Jansen, J.P.", ("Jansen", "", "J.P.")), ("Vries, de, J.", ("Vries", "de", "J.")),
    ("Berg, J. van der", ("Berg", "van der", "J.")), ("Bakker, Mevrouw Anna Maria Theodora",
                                                      ("Bakker", "", "Mevrouw Anna Maria Theodora")),
])
def test_the_reported_comma_forms(written, expected):
    assert normalise.split_name(written) == expected


@given(st.sampled_from(normalise.SURNAME_PREFIXES), surnames, st.sampled_from(("", "J.", "Jan Piet")))
def test_a_prefix_after_the_comma_beside_a_given_voorvoegsel_is_never_a_given_name(prefix, surname, given_part):
    written = ", ".join(filter(None, (surname, prefix, given_part)))
    assert normalise.split_name(written, prefix) == (surname, prefix, given_part)
