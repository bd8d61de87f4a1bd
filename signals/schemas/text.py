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

