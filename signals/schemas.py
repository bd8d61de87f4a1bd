"""The contract's `<Signaal>`: its shape, field rules and normalisation, as pydantic models.

One code path for the REST API and the CSV import: both hand plain dicts to
:func:`judge_signals`, which returns, per item, a :class:`Judgement`: the normalised signal (or
None when it is refused), the field errors that refuse it and the warnings about optional values
that could not be used (Dutch, with the contract's dotted field names).

Only the fields the contract marks required can refuse a signal (:data:`OPTIONAL_FIELDS` lists
the others). An optional value that fails its rule is left out of the signal, kept as delivered
and reported as a warning, so optional data never costs a signal. Text that cannot be stored
(control characters, lone surrogates: in values and in keys, at any depth) refuses the signal
with code ``invalid_character``; all text is NFC-normalised before it is judged.
"""
import datetime as dt
import json
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
    # Normalised to E.164 (one by one, an unusable one left out) by _phone_numbers before the model.
    telefoonnummers: Annotated[list[str], Field(max_length=5)] | None = None
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


# A signaalId must come back unchanged through GET /api/v1/signalen/{signaalId} (percent-encoded
# as any path) and in the Location header: no control, format, private-use or surrogate
# characters, no whitespace but an inner space, none of ? # % \ (they end or escape a path), '/'
# only between two parts, and no part '.' or '..' (clients resolve those). ECMA and Python syntax
# alike, so the OpenAPI document publishes the very rule applied here.
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
    if not _SIGNAL_ID.fullmatch(value):
        raise PydanticCustomError("invalid", SIGNAL_ID_REASON)
    return value


def signal_id_is_valid(value: Any) -> bool:
    """Whether ``value`` is a signaalId that can be stored and read back (after NFC)."""
    return isinstance(value, str) and 1 <= len(value) <= 64 and bool(_SIGNAL_ID.fullmatch(value))


class Signaal(_Strict):
    """One signal as a creditor delivers it (the contract's `<Signaal>`)."""

    signaalId: Annotated[str, Field(min_length=1, max_length=64, json_schema_extra={"pattern": SIGNAL_ID_PATTERN}),
                         AfterValidator(_signal_id)]
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
        expected = str(ctx.get("expected", "")).replace(" or ", " of ")
        return "invalid_choice", f"Ongeldige waarde; kies uit: {expected}."
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
    "signaalId": SIGNAL_ID_REASON,
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


# --- Text that cannot be stored -------------------------------------------------------------

# Anywhere: C0 controls but tab, LF and CR (inside a value those are whitespace, which the field
# rules collapse to one space), DEL, C1 controls, lone surrogates. In a key: also tab, LF, CR.
_UNSTORABLE_IN_VALUE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_UNSTORABLE_IN_KEY = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# Deeper than this is never signal data (the contract nests two levels): the rest is cut off.
MAX_DEPTH = 16
TOO_DEEP = "…"


def has_unstorable_text(value: str, *, key: bool = False) -> bool:
    return bool((_UNSTORABLE_IN_KEY if key else _UNSTORABLE_IN_VALUE).search(value))


def escape_unstorable(value: str, *, key: bool = True) -> str:
    """Each character that cannot be stored written as ``\\uXXXX`` (for names in an answer)."""
    pattern = _UNSTORABLE_IN_KEY if key else _UNSTORABLE_IN_VALUE
    return pattern.sub(lambda match: f"\\u{ord(match.group()):04X}", value)


def _character_kind(char: str) -> str:
    if 0xD800 <= ord(char) <= 0xDFFF:
        return "een losse surrogaat (geen geldig Unicode-teken)"
    return "een stuurteken"


def _unstorable_error(name: str, text: str, *, key: bool) -> FieldError:
    char = (_UNSTORABLE_IN_KEY if key else _UNSTORABLE_IN_VALUE).search(text).group()
    what = "De naam van dit veld" if key else "Deze waarde"
    return FieldError(
        name, "invalid_character",
        f"{what} bevat een teken dat niet kan worden opgeslagen: U+{ord(char):04X}, {_character_kind(char)}. "
        "Verwijder het teken en lever het signaal opnieuw aan.",
    )


def clean_item(item: Any) -> tuple[Any, list[FieldError]]:
    """A copy of ``item`` with every string (value and key) NFC-normalised, and the errors for text
    that cannot be stored (which is written as ``\\uXXXX`` in the copy, so that the rest can still
    be judged). Iterative, so any depth the JSON parser accepts is safe; containers deeper than
    :data:`MAX_DEPTH` become :data:`TOO_DEEP`."""
    problems: list[FieldError] = []
    holder: list[Any] = [None]
    stack: list[tuple[Any, Any, Any, tuple]] = [(item, holder, 0, ())]
    while stack:
        value, parent, slot, path = stack.pop()
        if isinstance(value, str):
            if has_unstorable_text(value):
                problems.append(_unstorable_error(field_name(path) or "signaal", value, key=False))
                value = escape_unstorable(value, key=False)
            parent[slot] = normalise.nfc(value)
        elif isinstance(value, (dict, list)) and len(path) >= MAX_DEPTH:
            parent[slot] = TOO_DEEP
        elif isinstance(value, dict):
            copy: dict[Any, Any] = {}
            parent[slot] = copy
            children = []
            for key, child in value.items():
                if isinstance(key, str):
                    if has_unstorable_text(key, key=True):
                        escaped = escape_unstorable(key)
                        problems.append(_unstorable_error(field_name((*path, escaped)), key, key=True))
                        key = escaped
                    key = normalise.nfc(key)
                copy[key] = None
                children.append((child, copy, key, (*path, key)))
            stack.extend(reversed(children))
        elif isinstance(value, list):
            copy_list: list[Any] = [None] * len(value)
            parent[slot] = copy_list
            stack.extend((child, copy_list, index, (*path, index)) for index, child in reversed(list(enumerate(value))))
        else:
            parent[slot] = value
    return holder[0], problems


# --- Optional values: kept as delivered, left out of the signal, reported ---------------------

# Every field but these may be left out of a signal when its value cannot be used. The required
# ones: signaalId, gemeentecode, soortVasteLast, klant, adres (postcode, huisnummer) and
# achterstand (bedrag, vervaldatumOudsteFactuur); also klant.geslachtsnaam or klant.bedrijfsnaam
# (one of them must be usable) and the date a crisis soortSignaal requires (see _requirements).
# soortSignaal is vroegsignaal only when it is absent: a value that is present but not one of the
# four refuses the signal, for a misspelt "ontruimming" must not turn an eviction into a vroegsignaal.
OPTIONAL_FIELDS = frozenset({
    ("warmeOverdracht",), ("contractnummer",), ("signaaldatum",),
    ("datumEindeLevering",), ("datumAfsluiting",), ("datumOntruiming",),
    ("klant", "geslachtsnaam"), ("klant", "bedrijfsnaam"), ("klant", "voorvoegsel"), ("klant", "voornamen"),
    ("klant", "voorletters"), ("klant", "geboortedatum"), ("klant", "telefoonnummers"), ("klant", "emailadres"),
    ("adres", "huisletter"), ("adres", "huisnummertoevoeging"), ("adres", "straatnaam"), ("adres", "woonplaats"),
    ("achterstand", "aantalTermijnen"), ("achterstand", "termijnbedrag"),
})
MAX_PHONE_NUMBERS = 5
# A raw value longer than this (as JSON text) is stored cut off; the content hash uses it whole.
MAX_STORED_RAW = 1000


@dataclass(frozen=True, slots=True)
class Unusable:
    """An optional value that could not be used: left out of the signal, kept as delivered."""

    name: str
    code: str
    reason: str
    value: Any

    def as_contract(self) -> dict:
        return {"naam": self.name, "code": self.code, "reden": self.reason}

    def as_stored(self) -> dict:
        return {**self.as_contract(), "waarde": stored_raw(self.value)}


def stored_raw(value: Any) -> Any:
    """The raw value as stored on the signal: as delivered, cut off when very long."""
    if isinstance(value, str):
        return value if len(value) <= MAX_STORED_RAW else value[:MAX_STORED_RAW] + "…"
    text = json.dumps(value, ensure_ascii=False)
    return value if len(text) <= MAX_STORED_RAW else text[:MAX_STORED_RAW] + "…"


@dataclass(frozen=True, slots=True)
class Judgement:
    """One item judged: the signal (None when refused), its errors and its warnings."""

    signal: Signaal | None
    errors: tuple[FieldError, ...] = ()
    warnings: tuple[Unusable, ...] = ()
    signal_id: str | None = None  # as delivered (NFC), when it is text that can be stored


def _optional_field(loc: tuple) -> tuple | None:
    for size in (2, 1):
        if len(loc) >= size and tuple(loc[:size]) in OPTIONAL_FIELDS:
            return tuple(loc[:size])
    return None


def _pop(data: dict, path: tuple) -> Any:
    target = data
    for part in path[:-1]:
        target = target[part]
    return target.pop(path[-1])


_phone = TypeAdapter(Annotated[str, Field(max_length=500), AfterValidator(_rule(normalise.phone_number))])


def _phone_numbers(data: dict) -> list[Unusable]:
    """Normalise the phone numbers one by one (E.164): keep the usable ones (at most five), report the rest."""
    klant = data.get("klant")
    numbers = klant.get("telefoonnummers") if isinstance(klant, dict) else None
    if not isinstance(numbers, list):
        return []  # absent, null, or not a list: the model judges it
    kept, unusable = [], []
    for index, number in enumerate(numbers):
        name = f"klant.telefoonnummers[{index}]"
        try:
            normalised = _phone.validate_python(number)
        except ValidationError as exc:
            code, reason = _message(exc.errors(include_url=False, include_input=False)[0])
            unusable.append(Unusable(name, code, reason, number))
            continue
        if len(kept) == MAX_PHONE_NUMBERS:
            unusable.append(Unusable(name, "max_items", f"Hoogstens {MAX_PHONE_NUMBERS} telefoonnummers; "
                                                        "dit nummer is niet gebruikt.", number))
            continue
        kept.append(normalised)
    klant["telefoonnummers"] = kept
    return unusable


def _judge(item: Any, *, today: dt.date) -> Judgement:
    data, errors = clean_item(item)
    raw_id = data.get("signaalId") if isinstance(data, dict) else None
    signal_id = raw_id if isinstance(raw_id, str) and not any(e.name == "signaalId" for e in errors) else None
    warnings: list[Unusable] = _phone_numbers(data) if isinstance(data, dict) else []
    signal = None
    while True:
        try:
            signal = Signaal.model_validate(data)
            break
        except ValidationError as exc:
            refusing: list[FieldError] = []
            dropped: dict[tuple, Unusable] = {}
            for error in exc.errors(include_url=False, include_input=False):
                loc = error["loc"]
                optional = _optional_field(loc) if error["type"] != "extra_forbidden" else None
                code, reason = _message(error)
                name = field_name(loc)
                if code == "invalid" and error["type"] == "string_pattern_mismatch":
                    reason = _PATTERN_REASONS.get(name, reason)
                if optional is None:
                    refusing.append(FieldError(name or "signaal", code, reason))
                elif optional not in dropped:
                    dropped[optional] = Unusable(field_name(optional), code, reason, None)
            for path, unusable in dropped.items():
                warnings.append(Unusable(unusable.name, unusable.code, unusable.reason, _pop(data, path)))
            if refusing or not dropped:
                errors.extend(refusing)
                break
    if signal is not None:
        errors.extend(_requirements(signal, warnings, today=today))
    if errors:
        # Text that cannot be stored was judged in its escaped form: report only the character.
        bad = {e.name for e in errors if e.code == "invalid_character"}
        errors = [e for e in errors if e.code == "invalid_character" or e.name not in bad]
        warnings = [w for w in warnings if w.name not in bad]
        signal = None
    return Judgement(signal, tuple(errors), tuple(warnings), signal_id)


_CRISIS_DATES = {
    SignalKind.EINDELEVERING: "datumEindeLevering",
    SignalKind.AFSLUITING: "datumAfsluiting",
    SignalKind.ONTRUIMING: "datumOntruiming",
}


# The code of a warning about a value that IS used but does not fit another one (not in the content hash).
INCONSISTENT = "inconsistent"


def _promote(warnings: list[Unusable], names: set[str]) -> list[FieldError]:
    """Warnings about values a rule turned out to need: now they refuse the signal."""
    promoted = [w for w in warnings if w.name in names]
    for warning in promoted:
        warnings.remove(warning)
    return [FieldError(w.name, w.code, w.reason) for w in promoted]


def _requirements(signal: Signaal, warnings: list[Unusable], *, today: dt.date) -> list[FieldError]:
    """Rules that span fields. May refuse (returns errors) or leave a value out (adds a warning)."""
    errors = []
    klant = signal.klant
    if not klant.geslachtsnaam and not klant.bedrijfsnaam:
        errors += _promote(warnings, {"klant.geslachtsnaam", "klant.bedrijfsnaam"}) or [
            FieldError("klant.geslachtsnaam", "required", "Geef de geslachtsnaam (of een bedrijfsnaam).")
        ]
    date_field = _CRISIS_DATES.get(signal.soortSignaal)
    if date_field and getattr(signal, date_field) is None:
        errors += _promote(warnings, {date_field}) or [
            FieldError(date_field, "required", f"Verplicht bij soortSignaal '{signal.soortSignaal}'.")
        ]
    if not date_field:  # a crisis date on a vroegsignaal: kept, and the creditor is told
        for kind, name in _CRISIS_DATES.items():
            if getattr(signal, name) is not None:
                warnings.append(Unusable(name, INCONSISTENT, (
                    f"Een {name} hoort bij soortSignaal '{kind}'; dit signaal is ontvangen als "
                    f"'{signal.soortSignaal}' (de datum is bewaard). Gaat het om {kind}? Lever het dan opnieuw "
                    f"aan met soortSignaal '{kind}' en een nieuw signaalId."), getattr(signal, name).isoformat()))
    if signal.achterstand.vervaldatumOudsteFactuur.year < 1990:
        errors.append(
            FieldError("achterstand.vervaldatumOudsteFactuur", "invalid", "De vervaldatum ligt vóór 1990.")
        )
    born = klant.geboortedatum
    if born is not None and (born > today or born.year < 1900):
        reason = "De geboortedatum ligt in de toekomst." if born > today else "De geboortedatum ligt vóór 1900."
        warnings.append(Unusable("klant.geboortedatum", "invalid", reason, born.isoformat()))
        klant.geboortedatum = None
    if signal.signaaldatum is not None and signal.signaaldatum > today + dt.timedelta(days=1):
        warnings.append(Unusable("signaaldatum", "invalid", "De signaaldatum ligt in de toekomst.",
                                 signal.signaaldatum.isoformat()))
        signal.signaaldatum = None
    return errors


def judge_signals(items: list[Any], *, today: dt.date) -> list[Judgement]:
    """Judge every item on its own: per item the signal or all its errors, and its warnings."""
    return [_judge(item, today=today) for item in items]


def validate_signals(items: list[Any], *, today: dt.date) -> list[Signaal | list[FieldError]]:
    """Per item the signal (possibly without some unusable optional values) or its errors."""
    return [j.signal if j.signal is not None else list(j.errors) for j in judge_signals(items, today=today)]
