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

# Voorvoegsels (surname prefixes) as the BRP knows them, longest first so that "van der" wins
# over "van". Stored lower case, as the BRP does.
SURNAME_PREFIXES = sorted(
    {
        "van", "de", "der", "den", "het", "'t", "te", "ter", "ten", "op", "in", "aan", "bij",
        "van der", "van den", "van de", "van het", "van 't", "van ter", "in de", "in het",
        "in 't", "op de", "op den", "op het", "op 't", "aan de", "aan den", "aan het", "bij de",
        "uit de", "uit den", "uit het", "uijt de", "voor de", "voor den", "onder de", "over de",
        "la", "le", "les", "du", "des", "di", "da", "del", "della", "dos", "das", "el", "al",
        "von", "zu", "von der", "von dem", "vom", "zum", "zur", "d'", "l'", "mac", "mc",
    },
    key=len,
    reverse=True,
)
_PREFIX_SET = frozenset(SURNAME_PREFIXES)


def collapse(value: str) -> str:
    """Trim and collapse inner whitespace (including non-breaking spaces)."""
    return _WS.sub(" ", value.replace("\u00a0", " ")).strip()


def postcode(value: str) -> str:
    """'1234 ab' → '1234AB'."""
    compact = _WS.sub("", value).upper()
    try:
        nl_postcode.validate(compact)
    except StdnumError:
        raise ValueError("Geen geldige postcode; gebruik vier cijfers en twee letters, bv. 1234 AB.") from None
    return compact


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
    """' Van  Der ' → 'van der'. Unknown prefixes are kept (collapsed, lower case)."""
    return collapse(value).lower()


def split_surname(surname: str, prefix: str = "") -> tuple[str, str]:
    """Split a prefix written inside the surname: ('van der Berg', '') → ('Berg', 'van der').

    A given prefix is kept; a surname that is only a prefix word ("de") is left alone.
    """
    name = collapse(surname)
    prefix = surname_prefix(prefix) if prefix else ""
    if prefix:
        return name, prefix
    lowered = name.lower()
    for candidate in SURNAME_PREFIXES:
        if lowered.startswith(candidate + " ") and len(name) > len(candidate) + 1:
            return name[len(candidate) + 1 :].strip(), candidate
    return name, ""


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
