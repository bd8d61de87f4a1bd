"""The contract's `<Signaal>` and `<Levering>` as pydantic models: shape, field rules, normalisation.

Every text is NFC-normalised before it gets here (:mod:`.text`); which failed rules refuse a
signal and which only leave an optional value out is decided in :mod:`.judging`.
"""
import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, WithJsonSchema
from pydantic_core import PydanticCustomError

from vroegsignalering.common.vocab import CreditorKind, SignalKind

from .. import normalise

MAX_SIGNALS_PER_DELIVERY = 1000

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_AMOUNT = re.compile(r"^\d{1,8}([.,]\d{1,2})?$")


def _rule(function, code: str = "invalid"):
    """Wrap a normaliser: a ValueError becomes a field error with a Dutch message."""

    def apply(value):
        try:
            return function(value)
        except ValueError as exc:
            raise PydanticCustomError(code, str(exc)) from None

    return apply


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PydanticCustomError("invalid", "Geen geldige datum; gebruik JJJJ-MM-DD, bv. 2026-11-20.")


def _parse_amount(value: Any) -> Decimal:
    if isinstance(value, str) and _AMOUNT.match(value.strip()):
        amount = Decimal(value.strip().replace(",", "."))
        if amount <= 0:
            raise PydanticCustomError("min_value", "Het bedrag moet groter dan 0 zijn.")
        return amount.quantize(Decimal("0.01"))
    raise PydanticCustomError(
        "invalid", 'Geen geldig bedrag; geef euro\'s als tekst met hoogstens 2 decimalen, bv. "312.50".'
    )


def _not_blank(value: str) -> str:
    value = normalise.collapse(value)
    if not value:
        raise PydanticCustomError("required", "Dit veld mag niet leeg zijn.")
    return value


def _optional_text(value: str) -> str:
    return normalise.collapse(value)


Date = Annotated[
    dt.date, BeforeValidator(_parse_date), WithJsonSchema({"type": "string", "format": "date"})
]
Amount = Annotated[
    Decimal,
    BeforeValidator(_parse_amount),
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,8}([.,]\d{1,2})?$", "example": "312.50"}),
]
Text = Annotated[str, AfterValidator(_optional_text)]
NonBlank = Annotated[str, AfterValidator(_not_blank)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=500, hide_input_in_errors=True)


class Klant(_Strict):
    geslachtsnaam: Annotated[NonBlank, Field(max_length=200)] | None = None
    voorvoegsel: Annotated[Text, Field(max_length=20), AfterValidator(normalise.surname_prefix)] | None = None
    voornamen: Annotated[Text, Field(max_length=200)] | None = None
    # At most 20 letters: normalised with dots ("J.P.") they fill the 40 characters stored.
    voorletters: Annotated[Text, Field(max_length=40), AfterValidator(_rule(normalise.initials))] | None = None
    bedrijfsnaam: Annotated[NonBlank, Field(max_length=200)] | None = None
    geboortedatum: Date | None = None
    # Normalised to E.164 (one by one, an unusable one left out) by _phone_numbers before the model.
    telefoonnummers: Annotated[list[str], Field(max_length=5)] | None = None
    emailadres: Annotated[str, Field(max_length=254), AfterValidator(_rule(normalise.email))] | None = None


# What normalise.postcode accepts: four digits (not starting with 0) and two letters, with spaces or
# hyphens anywhere and an optional "NL" in front (stored as 1234AB). SA, SD and SS are refused as well.
POSTCODE_PATTERN = (r"^[\s-]*(?:[Nn][Ll][\s-]*)?[1-9][\s-]*[0-9][\s-]*[0-9][\s-]*[0-9][\s-]*[A-Za-z][\s-]*"
                    r"[A-Za-z][\s-]*$")


class Adres(_Strict):
    postcode: Annotated[str, Field(json_schema_extra={"pattern": POSTCODE_PATTERN, "example": "1011 AB"}),
                        AfterValidator(_rule(normalise.postcode))]
    huisnummer: Annotated[int, Field(ge=1, le=99999)]
    huisletter: Annotated[str, AfterValidator(_rule(normalise.house_letter))] | None = None
    huisnummertoevoeging: Annotated[str, AfterValidator(_rule(normalise.house_number_addition))] | None = None
    straatnaam: Annotated[Text, Field(max_length=200)] | None = None
    woonplaats: Annotated[Text, Field(max_length=200)] | None = None


class Achterstand(_Strict):
    bedrag: Amount
    vervaldatumOudsteFactuur: Date
    aantalTermijnen: Annotated[int, Field(ge=0, le=999)] | None = None
    termijnbedrag: Amount | None = None


# A signaalId must come back unchanged through GET /api/v1/signalen/{signaalId} (percent-encoded
# as any path) and in the Location header: no control, format, private-use or surrogate
# characters, no whitespace but an inner space, none of ? # % \ (they end or escape a path), '/'
# only between two parts, and no part '.' or '..' (clients resolve those). ECMA and Python syntax
# alike, so the OpenAPI document publishes the rule applied here; beyond it (a pattern would need
# hundreds of ranges) the id must be printable as Python knows it: no other format character
# (U+061C, tag characters, …), no unassigned code point or noncharacter.
_ID_NEVER = (r"\u007F-\u00A0\u00AD/?#%\\\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u206F\u3000"
             r"\uD800-\uDFFF\uE000-\uF8FF\uFEFF\uFFF0-\uFFFF")
_ID_CHAR = rf"[^\u0000-\u0020{_ID_NEVER}]"
_ID_CHAR_NO_DOT = rf"[^.\u0000-\u0020{_ID_NEVER}]"
_ID_CHAR_OR_SPACE = rf"[^\u0000-\u001F{_ID_NEVER}]"
_ID_PART = (rf"(?:{_ID_CHAR_NO_DOT}(?:{_ID_CHAR_OR_SPACE}*{_ID_CHAR})?"
            rf"|\.(?:{_ID_CHAR_OR_SPACE}+{_ID_CHAR}|{_ID_CHAR_NO_DOT}))")
SIGNAL_ID_PATTERN = rf"^{_ID_PART}(?:/{_ID_PART})*$"
_SIGNAL_ID = re.compile(rf"{_ID_PART}(?:/{_ID_PART})*")
SIGNAL_ID_REASON = (
    "Een signaalId heeft 1 tot 64 tekens: letters, cijfers, leestekens en spaties, maar geen ?, #, % of \\, "
    "geen stuurtekens en geen spatie aan het begin, aan het eind of naast een /. Een / staat alleen tussen "
    "twee delen (niet vooraan, achteraan of dubbel) en een deel is nooit . of .."
)


def _signal_id(value: str) -> str:
    if not _SIGNAL_ID.fullmatch(value) or not value.isprintable():  # isprintable: a space is printable
        raise PydanticCustomError("invalid", SIGNAL_ID_REASON)
    return value


def signal_id_is_valid(value: Any) -> bool:
    """Whether ``value`` is a signaalId that can be stored and read back (after NFC)."""
    return (isinstance(value, str) and 1 <= len(value) <= 64 and bool(_SIGNAL_ID.fullmatch(value))
            and value.isprintable())


class Signaal(_Strict):
    """One signal as a creditor delivers it (the contract's `<Signaal>`)."""

    signaalId: Annotated[str, Field(min_length=1, max_length=64, json_schema_extra={"pattern": SIGNAL_ID_PATTERN}),
                         AfterValidator(_signal_id)]
    gemeentecode: Annotated[str, Field(pattern=r"^\d{4}$")]
    soortVasteLast: Literal[tuple(CreditorKind.values)]  # type: ignore[valid-type]
    soortSignaal: Literal[tuple(SignalKind.values)] = SignalKind.VROEGSIGNAAL.value  # type: ignore[valid-type]
    warmeOverdracht: StrictBool | None = None  # JSON true/false only, not 0, 1 or "ja" (the CSV maps ja/nee)
    klant: Klant
    adres: Adres
    achterstand: Achterstand
    contractnummer: Annotated[Text, Field(max_length=64)] | None = None
    datumEindeLevering: Date | None = None
    datumAfsluiting: Date | None = None
    datumOntruiming: Date | None = None
    signaaldatum: Date | None = None


class Levering(_Strict):
    """A delivery: 1 to 1,000 signals."""

    signalen: Annotated[list[Signaal], Field(min_length=1, max_length=MAX_SIGNALS_PER_DELIVERY)]

