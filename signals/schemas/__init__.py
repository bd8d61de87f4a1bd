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

Layout: :mod:`.contract` (the pydantic models), :mod:`.text` (text that cannot be stored, NFC),
:mod:`.judging` (optional fields, warnings, rules across fields); the field errors and the
translation of pydantic's errors are :mod:`vroegsignalering.common.api`.
"""
from vroegsignalering.common.api import FieldError, errors_from, field_name

from .contract import (
    MAX_SIGNALS_PER_DELIVERY,
    SIGNAL_ID_PATTERN,
    SIGNAL_ID_REASON,
    Achterstand,
    Adres,
    Amount,
    Date,
    Klant,
    Levering,
    NonBlank,
    Signaal,
    Text,
    signal_id_is_valid,
)
from .judging import (
    INCONSISTENT,
    MAX_PHONE_NUMBERS,
    MAX_STORED_RAW,
    OPTIONAL_FIELDS,
    PATTERN_REASONS,
    Judgement,
    Unusable,
    judge_signals,
    stored_raw,
    validate_signals,
)
from .text import MAX_DEPTH, TOO_DEEP, clean_item, escape_unstorable, has_unstorable_text

__all__ = [
    "INCONSISTENT", "MAX_DEPTH", "MAX_PHONE_NUMBERS", "MAX_SIGNALS_PER_DELIVERY", "MAX_STORED_RAW",
    "OPTIONAL_FIELDS", "PATTERN_REASONS", "SIGNAL_ID_PATTERN", "SIGNAL_ID_REASON", "TOO_DEEP", "Achterstand",
    "Adres", "Amount", "Date", "FieldError", "Judgement", "Klant", "Levering", "NonBlank", "Signaal", "Text",
    "Unusable", "clean_item", "errors_from", "escape_unstorable", "field_name", "has_unstorable_text",
    "judge_signals", "signal_id_is_valid", "stored_raw", "validate_signals",
]
