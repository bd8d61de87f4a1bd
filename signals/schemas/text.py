"""Text that cannot be stored (control characters, lone surrogates: in values and in keys, at any
depth) and the NFC normalisation of everything delivered, before it is judged."""
import re
from typing import Any

from vroegsignalering.common.api import FieldError, field_name

from .. import normalise

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
    be judged). Containers deeper than :data:`MAX_DEPTH` become :data:`TOO_DEEP`, so any depth the
    JSON parser accepts is safe: the walk never descends further than that."""
    problems: list[FieldError] = []
    return _clean(item, (), problems), problems


def _clean_text(value: str, path: tuple, problems: list[FieldError]) -> str:
    if _UNSTORABLE_IN_VALUE.search(value):
        problems.append(_unstorable_error(field_name(path) or "signaal", value, key=False))
        value = escape_unstorable(value, key=False)
    return value if value.isascii() else normalise.nfc(value)  # ASCII is NFC already


def _clean(value: Any, path: tuple, problems: list[FieldError]) -> Any:
    """One value of :func:`clean_item`, depth first in delivery order (a dict's keys before its values)."""
    if isinstance(value, str):
        return _clean_text(value, path, problems)
    if not isinstance(value, dict | list):
        return value
    if len(path) >= MAX_DEPTH:
        return TOO_DEEP
    if isinstance(value, list):
        return [child if child is None or type(child) in (int, float, bool) else _clean(child, (*path, index), problems)
                for index, child in enumerate(value)]
    copy: dict[Any, Any] = {}
    children = []
    for key, child in value.items():
        if isinstance(key, str):
            if _UNSTORABLE_IN_KEY.search(key):
                escaped = escape_unstorable(key)
                problems.append(_unstorable_error(field_name((*path, escaped)), key, key=True))
                key = escaped
            if not key.isascii():
                key = normalise.nfc(key)
        copy[key] = None
        children.append((key, child))
    for key, child in children:  # a later key that NFC makes equal to an earlier one wins, as in a dict
        copy[key] = _clean(child, (*path, key), problems)
    return copy
