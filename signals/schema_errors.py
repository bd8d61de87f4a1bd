"""Field errors in the contract's words, and pydantic's errors translated into them (Dutch).

A :class:`FieldError` names a field by its dotted contract name (``klant.telefoonnummers[0]``),
a stable code and a Dutch reason. Nothing here knows the signal contract, so that one translation
serves every API.
"""
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import ValidationError


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



def field_name(loc: tuple) -> str:
    """('klant', 'telefoonnummers', 0) → 'klant.telefoonnummers[0]'."""
    name = ""
    for part in loc:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += ("." if name else "") + str(part)
    return name



def errors_from(exc: ValidationError, skip: int = 0, *,
                pattern_reasons: Mapping[str, str] | None = None) -> dict[int | None, list[FieldError]]:
    """Group pydantic errors per item index (with ``skip`` leading loc parts stripped).

    ``pattern_reasons`` (field name → Dutch reason) replaces the generic "Ongeldige notatie." of a
    pattern that does not match (for signals: :data:`signals.schemas.judging.PATTERN_REASONS`)."""
    grouped: dict[int | None, list[FieldError]] = {}
    for error in exc.errors(include_url=False, include_input=False):
        loc = error["loc"][skip:]
        index = loc[0] if loc and isinstance(loc[0], int) else None
        rest = loc[1:] if index is not None else loc
        code, reason = _message(error)
        name = field_name(rest)
        if code == "invalid" and error["type"] == "string_pattern_mismatch":
            reason = (pattern_reasons or {}).get(name, reason)
        grouped.setdefault(index, []).append(FieldError(name or "signaal", code, reason))
    return grouped
