"""Parsing numbers out of user input (query strings, form fields) without surprises.

``str.isdigit()`` is true for "²" and other Unicode digits that ``int()`` refuses or reads differently,
and ``int()`` refuses strings of more than 4300 digits; a database id has at most 19 digits. So: only
ASCII 0-9, and a bounded length.
"""
from __future__ import annotations

import re

_ASCII_DIGITS = re.compile(r"[0-9]+", re.ASCII)


def parse_id(value: object, max_digits: int = 18) -> int | None:
    """``value`` as a non-negative int when it is 1 to ``max_digits`` ASCII digits (surrounding spaces
    allowed), else None. 18 digits always fit a BigAutoField (at most 2**63 - 1, 19 digits)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > max_digits or not _ASCII_DIGITS.fullmatch(text):
        return None
    return int(text)
