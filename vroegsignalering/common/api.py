"""The plumbing every JSON API of the project shares: field errors, pydantic errors in Dutch, query
parameters, request bodies and the problem+json responses of the OpenAPI document.

The views of each API (signals/api, feedback/api, monitor/api, cases/api) stay thin: they parse with
these helpers, collect every ``FieldError`` and raise one ``InvalidParams`` (a 400 listing all of them,
``common.problems``).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import RequestDataTooBig
from drf_spectacular.utils import OpenApiResponse
from pydantic import BaseModel, ValidationError

from .params import parse_id
from .problems import PROBLEM_CONTENT_TYPE, InvalidParams, PayloadTooLarge, Problem

# --- field errors -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldError:
    name: str
    code: str
    reason: str

    def as_contract(self) -> dict:
        return {"naam": self.name, "code": self.code, "reden": self.reason}


# At most this many errors are named for one item (a signal, a request body); the rest are counted in
# one last entry, so that no request, however odd, produces a disproportionate answer or stored result.
MAX_ERRORS_PER_ITEM = 20
TOO_MANY_ERRORS = "too_many_errors"


def capped(errors: list, *, limit: int = MAX_ERRORS_PER_ITEM, name: str = "body", what: str = "fouten",
           make=None) -> list:
    """``errors`` with at most ``limit`` entries: the first ``limit - 1`` and one that counts the rest
    (``make(name, code, reason)`` builds it; a :class:`FieldError` by default)."""
    if len(errors) <= limit:
        return list(errors)
    rest = len(errors) - (limit - 1)
    reason = f"En nog {rest:,} {what}; die worden niet afzonderlijk genoemd.".replace(",", ".")
    return [*errors[: limit - 1], (make or FieldError)(name, TOO_MANY_ERRORS, reason)]


def field_name(loc: tuple) -> str:
    """('klant', 'telefoonnummers', 0) → 'klant.telefoonnummers[0]'."""
    name = ""
    for part in loc:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += ("." if name else "") + str(part)
    return name


# --- pydantic's errors in Dutch -----------------------------------------------------------------------


@dataclass(frozen=True)
class Wording:
    """Where the two APIs word the same pydantic error differently. Both texts are public, so each API
    keeps its own: an unknown field, the list of choices, and an error type without a Dutch text
    (``otherwise``; None: pydantic's own type and message)."""

    unknown_field: str
    choices_in_dutch: bool
    otherwise: tuple[str, str] | None


SIGNAL_WORDING = Wording("Onbekend veld; dit veld hoort niet in een signaal.", True, None)  # creditor API, CSV
MUNICIPAL_WORDING = Wording("Onbekend veld.", False, ("invalid", "Ongeldige waarde."))

_TIMESTAMP_EXAMPLE = "2026-06-02T19:15:00+02:00"
# pydantic's error types → (our code, Dutch reason). Our own rules carry their own message.
_MESSAGES = {
    "missing": ("required", "Dit veld is verplicht."),
    "string_type": ("invalid", "Geef tekst."),
    "string_sub_type": ("invalid", "Geef tekst."),
    "int_type": ("invalid", "Geef een geheel getal."),
    "int_parsing": ("invalid", "Geef een geheel getal."),
    "int_from_float": ("invalid", "Geef een geheel getal."),
    "bool_type": ("invalid", "Geef true of false."),
    "bool_parsing": ("invalid", "Geef true of false."),
    "list_type": ("invalid", "Geef een lijst."),
    "model_type": ("invalid", "Geef een object."),
    "model_attributes_type": ("invalid", "Geef een object."),
    "dict_type": ("invalid", "Geef een object."),
    "string_too_short": ("required", "Dit veld mag niet leeg zijn."),
    "string_pattern_mismatch": ("invalid", "Ongeldige notatie."),
    "string_unicode": ("invalid", "De tekst bevat een ongeldig teken (een losse surrogaat)."),
    "timezone_aware": ("invalid", f"Geef het tijdstip met tijdzone, bv. {_TIMESTAMP_EXAMPLE}."),
}


def pydantic_message(error: dict, wording: Wording = SIGNAL_WORDING) -> tuple[str, str]:
    """One pydantic error (from ``ValidationError.errors()``) as (code, Dutch reason)."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return "unknown_field", wording.unknown_field
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        if wording.choices_in_dutch:
            expected = expected.replace(" or ", " of ")
        return "invalid_choice", f"Ongeldige waarde; kies uit: {expected}."
    if kind == "string_too_long" or (kind == "too_long" and ctx.get("field_type") != "List"):
        return "max_length", f"Maximaal {ctx.get('max_length')} tekens."
    if kind == "too_long":
        return "max_items", f"Maximaal {ctx.get('max_length')} waarden."
    if kind == "too_short":
        return "min_items", f"Ten minste {ctx.get('min_length')} waarde(n)."
    if kind == "greater_than_equal":
        return "min_value", f"De waarde moet ten minste {ctx.get('ge')} zijn."
    if kind == "less_than_equal":
        return "max_value", f"De waarde mag hoogstens {ctx.get('le')} zijn."
    if kind.startswith(("datetime", "timezone")):
        return "invalid", f"Geen geldig tijdstip; geef een tijdstip met tijdzone, bv. {_TIMESTAMP_EXAMPLE}."
    if kind == "none_required" or kind.endswith("_type"):
        return "invalid", "Ongeldig type."
    if kind == "invalid":  # our own validators carry a Dutch message
        return "invalid", str(error["msg"])
    return wording.otherwise or (kind, str(error["msg"]))


def errors_from(exc: ValidationError, skip: int = 0, *, wording: Wording = SIGNAL_WORDING,
                pattern_reasons: Mapping[str, str] | None = None,
                unnamed: str = "body") -> dict[int | None, list[FieldError]]:
    """Group pydantic errors per item index (with ``skip`` leading loc parts stripped). A pattern
    mismatch of a field in ``pattern_reasons`` gets that reason; an error without a field is ``unnamed``."""
    grouped: dict[int | None, list[FieldError]] = {}
    for error in exc.errors(include_url=False, include_input=False):
        loc = error["loc"][skip:]
        index = loc[0] if loc and isinstance(loc[0], int) else None
        rest = loc[1:] if index is not None else loc
        code, reason = pydantic_message(error, wording)
        name = field_name(rest)
        if code == "invalid" and error["type"] == "string_pattern_mismatch":
            reason = (pattern_reasons or {}).get(name, reason)
        grouped.setdefault(index, []).append(FieldError(name or unnamed, code, reason))
    return grouped


# --- request bodies -----------------------------------------------------------------------------------


def body_data(request) -> object:
    """The parsed body; a body over Django's upload limit is a 413 (not a bare 400)."""
    try:
        return request.data
    except RequestDataTooBig:
        raise PayloadTooLarge("De inhoud is groter dan toegestaan.") from None


def body_parse(request, model: type[BaseModel], *, wording: Wording = MUNICIPAL_WORDING) -> BaseModel:
    """The body, a JSON object, as ``model``; else a 400 listing every field error (a 413 when too large)."""
    data = body_data(request)
    if not isinstance(data, dict):
        raise InvalidParams([FieldError("body", "invalid", "Geef een JSON-object.")])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = []
        for error in exc.errors(include_url=False, include_input=False):
            code, reason = pydantic_message(error, wording)
            errors.append(FieldError(field_name(error["loc"]) or "body", code, reason))
        raise InvalidParams(capped(errors)) from None


# --- query parameters ---------------------------------------------------------------------------------

# ASCII digits only (\d also matches e.g. Arabic-Indic digits), the whole value (`$` also matches
# before a final newline): checked with fullmatch.
_MUNICIPALITY_CODE = re.compile(r"[0-9]{4}")
MUNICIPALITY_CODE_SCHEMA = {"type": "string", "pattern": r"^[0-9]{4}$"}  # for OpenApiParameter


def query_params(request, allowed: Iterable[str], errors: list[FieldError]) -> dict[str, str]:
    """The query's parameters, each given once, in the order given; an unknown or repeated one is an error."""
    allowed = set(allowed)
    values = {}
    for name in request.query_params:
        if name not in allowed:
            errors.append(FieldError(name, "unknown_parameter", "Onbekende parameter."))
            continue
        given = request.query_params.getlist(name)
        if len(given) > 1:
            errors.append(FieldError(name, "invalid", "Geef deze parameter hoogstens één keer."))
            continue
        values[name] = given[0]
    return values


def unknown_params(request, allowed: Iterable[str]) -> list[FieldError]:
    """An error for each parameter not in ``allowed`` (read the others with :func:`single_param`)."""
    allowed = set(allowed)
    return [FieldError(name, "unknown_parameter", "Onbekende parameter.") for name in request.query_params
            if name not in allowed]


def single_param(request, name: str, errors: list[FieldError]) -> str | None:
    """The parameter's value; None when absent or (an error) given more than once."""
    values = request.query_params.getlist(name)
    if len(values) > 1:
        errors.append(FieldError(name, "invalid", "Geef deze parameter hoogstens één keer."))
        return None
    return values[0] if values else None


def int_param(value: str | None, name: str, low: int, high: int, default: int, errors: list[FieldError]) -> int:
    """A whole number from ``low`` to ``high`` (ASCII digits); ``default`` when absent or invalid."""
    if value is None:
        return default
    number = parse_id(value)
    if number is None or not low <= number <= high:
        errors.append(FieldError(name, "invalid", f"Geef een geheel getal van {low} tot {high}."))
        return default
    return number


def municipality_code_param(value: str | None, errors: list[FieldError], *, required: bool) -> str | None:
    """A CBS municipality code (``gemeentecode``) of exactly four ASCII digits."""
    if value is None:
        if required:
            errors.append(FieldError("gemeentecode", "required", "Deze parameter is verplicht."))
        return None
    if not _MUNICIPALITY_CODE.fullmatch(value):
        errors.append(FieldError("gemeentecode", "invalid", "Geef een CBS-gemeentecode van 4 cijfers, bv. 0363."))
        return None
    return value


# --- the OpenAPI document -----------------------------------------------------------------------------


def problem_responses(descriptions: Mapping[int, str], *codes: int, **overrides: str) -> dict:
    """The problem+json responses ``codes`` for ``extend_schema(responses=…)``, described by the API's
    ``descriptions``; ``_404="…"`` overrides one description for one operation."""
    texts = {**descriptions, **{int(key.lstrip("_")): text for key, text in overrides.items()}}
    return {(code, PROBLEM_CONTENT_TYPE): OpenApiResponse(Problem, description=texts[code]) for code in codes}
