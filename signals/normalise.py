"""Normalisation of what creditors send, so that the same person and address compare equal.

Each function takes the raw value and returns the normalised one, or raises ``ValueError`` with
a Dutch message for the creditor. The address key built here is what matching groups on.
"""
import functools
import re
import unicodedata

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import postcode as nl_postcode

_WS = re.compile(r"\s+")

# Voorvoegsels (surname prefixes) as the BRP knows them (after its table 36), longest first so that
# "van der" wins over "van". Stored lower case, as the BRP does. The table is only a hint for
# splitting a name: the BRP check also compares whole names (prefix and surname glued), so a name
# the table splits differently from the BRP (e.g. "El Idrissi" held without voorvoegsel) is found.
SURNAME_PREFIXES = sorted(
    {
        "van", "de", "der", "den", "het", "'t", "te", "ter", "ten", "op", "in", "aan", "bij",
        "van der", "van den", "van de", "van het", "van 't", "van ter", "in de", "in het",
        "in 't", "op de", "op den", "op het", "op 't", "aan de", "aan den", "aan het", "bij de",
        "uit de", "uit den", "uit het", "uijt de", "voor de", "voor den", "onder de", "over de",
        "la", "le", "les", "du", "des", "di", "da", "del", "della", "dos", "das", "do", "el", "al",
        "de la", "de las", "de los", "de l'", "dal", "dalla", "degli", "dei", "lo", "los", "las",
        "von", "zu", "von der", "von dem", "von den", "vom", "zum", "zur", "d'", "l'", "mac", "mc",
    },
    key=len,
    reverse=True,
)
_PREFIX_SET = frozenset(SURNAME_PREFIXES)


def collapse(value: str) -> str:
    """Trim and collapse inner whitespace (including non-breaking spaces)."""
    return _WS.sub(" ", value.replace("\u00a0", " ")).strip()


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u02bc": "'"})


def apostrophes(value: str) -> str:
    """Typographic apostrophes (’ ‘ ` ´ ʼ) as the plain apostrophe the BRP uses: '’t Hart' → "'t Hart"."""
    return value.translate(_APOSTROPHES)


def postcode(value: str) -> str:
    """'1234 ab' → '1234AB'."""
    compact = _WS.sub("", value)
    try:
        if not compact.isascii():  # 'ß'.upper() is 'SS', 'ﬀ'.upper() 'FF': no letters but A–Z
            raise ValueError
        # stdnum also takes hyphens and an "NL" in front; stored is its compact form, 1234AB.
        return nl_postcode.validate(compact).replace(" ", "")
    except (StdnumError, ValueError):
        raise ValueError("Geen geldige postcode; gebruik vier cijfers en twee letters, bv. 1234 AB.") from None


def house_letter(value: str) -> str:
    letter = collapse(value).upper()
    if len(letter) != 1 or not ("A" <= letter <= "Z"):
        raise ValueError("Een huisletter is precies één letter (A–Z).")
    return letter


def house_number_addition(value: str) -> str:
    """'-2', ' bis ', 'hs' → '2', 'BIS', 'HS'."""
    addition = collapse(value).lstrip("-").strip().upper()
    if not addition or len(addition) > 4 or not addition.isalnum():
        raise ValueError("Een huisnummertoevoeging is 1 tot 4 letters of cijfers.")
    return addition


def surname_prefix(value: str) -> str:
    """' Van  Der ' → 'van der', '’T' → "'t". Unknown prefixes are kept (collapsed, lower case)."""
    return collapse(apostrophes(value)).lower()


_TITLES = frozenset({
    "dhr", "hr", "heer", "de heer", "mevr", "mw", "mevrouw", "mej", "mejuffrouw", "mr", "dr", "drs", "ir", "ing",
    "prof", "bc", "ds", "fam", "familie",
})
_INITIAL_WORD = re.compile(r"^(?:[^\W\d_]\.)+[^\W\d_]?$|^[^\W\d_]$")


def _prefix_of(text: str) -> str:
    """The text as a known prefix ('Van Der' → 'van der'), or '' when it is none."""
    folded = surname_prefix(text)
    return folded if folded in _PREFIX_SET else ""


def _split_trailing_prefix(text: str) -> tuple[str, str]:
    """'J.P. van der' → ('J.P.', 'van der'): the Dutch index form puts the prefix after the given names."""
    words = text.split(" ")
    for size in range(min(3, len(words) - 1), 0, -1):
        prefix = _prefix_of(" ".join(words[-size:]))
        if prefix:
            return " ".join(words[:-size]), prefix
    return text, ""


def split_name(surname: str, prefix: str = "") -> tuple[str, str, str]:
    """(surname, prefix, rest): the surname field as creditors write it, taken apart.

    'van der Berg' → ('Berg', 'van der', ''); 'Berg, van der' → ('Berg', 'van der', ''); 'Jansen, J.P.'
    → ('Jansen', '', 'J.P.'); 'Berg, J. van der' and 'Berg, van der, J.' → ('Berg', 'van der', 'J.');
    "d'Ancona" → ('Ancona', "d'", ''). After a comma only a known prefix (``SURNAME_PREFIXES``) is
    taken as the prefix; anything else there (initials, given names, a title) is not part of the
    surname and comes back as ``rest`` (see :func:`given_from_rest`). A given prefix is kept; a
    surname that is only a prefix word ("de") is left alone. The prefix table is only a hint for
    the BRP's split.
    """
    name = collapse(apostrophes(surname))
    prefix = surname_prefix(prefix) if prefix else ""
    rest: list[str] = []
    if "," in name:
        head, *tails = (collapse(part) for part in name.split(","))
        if head:
            name = head
            for tail in filter(None, tails):
                found = _prefix_of(tail)
                if found:
                    tail = ""
                else:
                    tail, found = _split_trailing_prefix(tail)
                if found and not prefix:  # a second one (or the voorvoegsel again) is dropped
                    prefix = found
                if tail:
                    rest.append(tail)
    rest_text = " ".join(rest)
    if prefix:
        return name, prefix, rest_text
    lowered = name.lower()
    for candidate in SURNAME_PREFIXES:
        glued = candidate.endswith("'") and lowered.startswith(candidate) and lowered[len(candidate):][:1].isalpha()
        if lowered.startswith(candidate + " ") and len(name) > len(candidate) + 1:
            return name[len(candidate) + 1 :].strip(), candidate, rest_text
        if glued:  # "d'Ancona", "l'Orange": no space after an apostrophe
            return name[len(candidate) :].strip(), candidate, rest_text
    return name, "", rest_text


def split_surname(surname: str, prefix: str = "") -> tuple[str, str]:
    """(surname, prefix) of :func:`split_name`: ('van der Berg', '') → ('Berg', 'van der'),
    ('Berg, van der', '') → ('Berg', 'van der'), ('Jansen, J.P.', '') → ('Jansen', '')."""
    name, prefix, _ = split_name(surname, prefix)
    return name, prefix


def given_from_rest(rest: str) -> tuple[str, str]:
    """(voornamen, voorletters) from what followed the comma in a surname field, titles left out:
    'J.P.' → ('', 'J.P.'); 'Mevrouw Anna Maria' → ('Anna Maria', ''); 'Dhr.' → ('', '')."""
    words = [w for w in collapse(rest).split(" ") if w]
    while words and words[0].lower().rstrip(".") in _TITLES:
        words = words[1:]
    if len(words) >= 2 and f"{words[0]} {words[1]}".lower().rstrip(".") in _TITLES:
        words = words[2:]
    text = " ".join(words)
    if not any(c.isalpha() for c in text):
        return "", ""
    letters = sum(c.isalpha() for c in text)
    if letters <= 20 and (all(_INITIAL_WORD.match(w) for w in words)
                          or (len(words) == 1 and text.isalpha() and text.isupper() and letters <= 3)):
        return "", initials(text)
    return text, ""


def initials(value: str) -> str:
    """'j.p.', 'J P', 'JP' → 'J.P.'"""
    letters = [c for c in collapse(value) if c.isalpha()]
    if not letters:
        raise ValueError("Voorletters bevatten ten minste één letter.")
    if len(letters) > 20:
        raise ValueError("Hoogstens 20 voorletters.")
    return "".join(f"{c.upper()}." for c in letters)


@functools.lru_cache(maxsize=16384)  # pure; the same numbers and addresses recur across creditors
def phone_number(value: str) -> str:
    """Any common Dutch or international notation → E.164 ('06 12345678' → '+31612345678').

    Usable when the number is *possible* (its length fits the country's number plan), Dutch by
    default or international with '+' or '00'; not only when libphonenumber's metadata calls the
    range assigned, because number plans change faster than that metadata.
    """
    try:
        parsed = phonenumbers.parse(value, "NL")
    except phonenumbers.NumberParseException:
        raise ValueError("Geen geldig telefoonnummer.") from None
    if not phonenumbers.is_possible_number(parsed):
        raise ValueError("Geen geldig telefoonnummer.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@functools.lru_cache(maxsize=16384)
def email(value: str) -> str:
    """A syntactically valid address (RFC 5321/5322, and RFC 6531: non-ASCII local part and domain)
    in its normalised form, lower case. Whether the domain receives mail is not checked."""
    try:
        address = validate_email(collapse(value), check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError:
        raise ValueError("Geen geldig e-mailadres.") from None
    return address.normalized.lower()


def nfc(value: str) -> str:
    """Unicode NFC: a composed 'ü' and 'u' + combining diaeresis are one and the same text."""
    return unicodedata.normalize("NFC", value)


def address_key(postcode: str, house_number: int, house_letter: str = "", addition: str = "") -> str:
    """The household key used by matching: normalised postcode, number, letter and addition."""
    return f"{postcode}|{house_number}|{house_letter}|{addition}"
