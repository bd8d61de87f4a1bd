"""The contract's `<Signaal>`: its shape, field rules and normalisation, as pydantic models.

One code path for the REST API and the CSV import: both hand plain dicts to
:func:`validate_signals`, which returns, per item, either the normalised signal or the list of
field errors (Dutch, with the contract's dotted field names).
"""
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from vroegsignalering.common.vocab import CreditorKind, SignalKind

from . import normalise

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
    telefoonnummers: Annotated[
        list[Annotated[str, AfterValidator(_rule(normalise.phone_number))]], Field(max_length=5)
    ] | None = None
    emailadres: Annotated[str, Field(max_length=254), AfterValidator(_rule(normalise.email))] | None = None


class Adres(_Strict):
    postcode: Annotated[str, AfterValidator(_rule(normalise.postcode))]
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


class Signaal(_Strict):
    """One signal as a creditor delivers it (the contract's `<Signaal>`)."""

    signaalId: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^\S(.*\S)?$")]
    gemeentecode: Annotated[str, Field(pattern=r"^\d{4}$")]
    soortVasteLast: Literal[tuple(CreditorKind.values)]  # type: ignore[valid-type]
    soortSignaal: Literal[tuple(SignalKind.values)] = SignalKind.VROEGSIGNAAL.value  # type: ignore[valid-type]
    warmeOverdracht: bool | None = None
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


@dataclass(frozen=True, slots=True)
class FieldError:
    name: str
    code: str
    reason: str

    def as_contract(self) -> dict:
        return {"naam": self.name, "code": self.code, "reden": self.reason}


# pydantic's error types → (our code, Dutch reason). Our own rules carry their own message.
def _message(error: dict) -> tuple[str, str]:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "required", "Dit veld is verplicht."
    if kind == "extra_forbidden":
        return "unknown_field", "Onbekend veld; dit veld hoort niet in een signaal."
    if kind in ("string_type", "string_sub_type"):
        return "invalid", "Geef tekst."
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "invalid", "Geef een geheel getal."
    if kind in ("bool_type", "bool_parsing"):
        return "invalid", "Geef true of false."
    if kind in ("list_type",):
        return "invalid", "Geef een lijst."
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "invalid", "Geef een object."
    if kind == "literal_error":
        return "invalid_choice", f"Ongeldige waarde; kies uit: {ctx.get('expected', '')}."
    if kind == "string_too_short":
        return "required", "Dit veld mag niet leeg zijn."
    if kind == "string_too_long":
        return "max_length", f"Maximaal {ctx.get('max_length')} tekens."
    if kind == "too_long" and ctx.get("field_type") != "List":
        return "max_length", f"Maximaal {ctx.get('max_length')} tekens."
    if kind == "too_long":
        return "max_items", f"Maximaal {ctx.get('max_length')} waarden."
    if kind == "too_short":
        return "min_items", f"Ten minste {ctx.get('min_length')} waarde(n)."
    if kind == "greater_than_equal":
        return "min_value", f"De waarde moet ten minste {ctx.get('ge')} zijn."
    if kind == "less_than_equal":
        return "max_value", f"De waarde mag hoogstens {ctx.get('le')} zijn."
    if kind == "string_pattern_mismatch":
        return "invalid", "Ongeldige notatie."
    if kind == "none_required" or kind.endswith("_type"):
        return "invalid", "Ongeldig type."
    return kind, str(error["msg"])


_PATTERN_REASONS = {
    "gemeentecode": "Geef de CBS-gemeentecode van 4 cijfers, bv. \"0363\".",
    "signaalId": "Een signaalId heeft 1 tot 64 tekens en begint en eindigt niet met een spatie.",
}


def field_name(loc: tuple) -> str:
    """('klant', 'telefoonnummers', 0) → 'klant.telefoonnummers[0]'."""
    name = ""
    for part in loc:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += ("." if name else "") + str(part)
    return name


def errors_from(exc: ValidationError, skip: int = 0) -> dict[int | None, list[FieldError]]:
    """Group pydantic errors per item index (with ``skip`` leading loc parts stripped)."""
    grouped: dict[int | None, list[FieldError]] = {}
    for error in exc.errors(include_url=False, include_input=False):
        loc = error["loc"][skip:]
        index = loc[0] if loc and isinstance(loc[0], int) else None
        rest = loc[1:] if index is not None else loc
        code, reason = _message(error)
        name = field_name(rest)
        if code == "invalid" and error["type"] == "string_pattern_mismatch":
            reason = _PATTERN_REASONS.get(name, reason)
        grouped.setdefault(index, []).append(FieldError(name or "signaal", code, reason))
    return grouped


def cross_field_errors(signal: Signaal, *, today: dt.date) -> list[FieldError]:
    """Rules that span fields."""
    errors = []
    klant = signal.klant
    if not klant.geslachtsnaam and not klant.bedrijfsnaam:
        errors.append(
            FieldError("klant.geslachtsnaam", "required", "Geef de geslachtsnaam (of een bedrijfsnaam).")
        )
    required_date = {
        SignalKind.EINDELEVERING: ("datumEindeLevering", signal.datumEindeLevering),
        SignalKind.AFSLUITING: ("datumAfsluiting", signal.datumAfsluiting),
        SignalKind.ONTRUIMING: ("datumOntruiming", signal.datumOntruiming),
    }.get(signal.soortSignaal)
    if required_date and required_date[1] is None:
        errors.append(
            FieldError(required_date[0], "required", f"Verplicht bij soortSignaal '{signal.soortSignaal}'.")
        )
    if klant.geboortedatum is not None:
        if klant.geboortedatum > today:
            errors.append(FieldError("klant.geboortedatum", "invalid", "De geboortedatum ligt in de toekomst."))
        elif klant.geboortedatum.year < 1900:
            errors.append(FieldError("klant.geboortedatum", "invalid", "De geboortedatum ligt vóór 1900."))
    if signal.signaaldatum is not None and signal.signaaldatum > today + dt.timedelta(days=1):
        errors.append(FieldError("signaaldatum", "invalid", "De signaaldatum ligt in de toekomst."))
    if signal.achterstand.vervaldatumOudsteFactuur.year < 1990:
        errors.append(
            FieldError("achterstand.vervaldatumOudsteFactuur", "invalid", "De vervaldatum ligt vóór 1990.")
        )
    return errors


_batch = TypeAdapter(list[Signaal])


def validate_signals(items: list[Any], *, today: dt.date) -> list[Signaal | list[FieldError]]:
    """Validate every item on its own; return per item the signal or its errors (all of them)."""
    try:
        parsed: list[Signaal | list[FieldError]] = list(_batch.validate_python(items))
        shape_errors: dict[int | None, list[FieldError]] = {}
    except ValidationError as exc:
        shape_errors = errors_from(exc)
        parsed = []
        for index, item in enumerate(items):
            if index in shape_errors:
                parsed.append(shape_errors[index])
            else:
                parsed.append(Signaal.model_validate(item))
    for index, signal in enumerate(parsed):
        if isinstance(signal, Signaal):
            errors = cross_field_errors(signal, today=today)
            if errors:
                parsed[index] = errors
    return parsed
