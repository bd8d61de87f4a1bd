"""The one pydantic-error translator (vroegsignalering.common.api) words each API's errors as before."""
import pytest

from signals import schemas
from vroegsignalering.common.api import MUNICIPAL_WORDING, SIGNAL_WORDING, pydantic_message

KINDS = [
    ("missing", {}), ("extra_forbidden", {}), ("string_type", {}), ("string_sub_type", {}), ("int_type", {}),
    ("int_parsing", {}), ("int_from_float", {}), ("bool_type", {}), ("bool_parsing", {}), ("list_type", {}),
    ("model_type", {}), ("model_attributes_type", {}), ("dict_type", {}),
    ("literal_error", {"expected": "'a', 'b' or 'c'"}), ("string_too_short", {}),
    ("string_too_long", {"max_length": 5}), ("too_long", {"max_length": 3, "field_type": "List"}),
    ("too_long", {"max_length": 3, "field_type": "Value"}), ("too_short", {"min_length": 1}),
    ("greater_than_equal", {"ge": 1}), ("less_than_equal", {"le": 9}), ("string_pattern_mismatch", {}),
    ("none_required", {}), ("float_type", {}), ("invalid", {}), ("min_value", {}), ("value_error", {}),
]


@pytest.mark.parametrize(("kind", "ctx"), KINDS)
def test_the_creditor_api_and_csv_keep_their_wording(kind, ctx):
    error = {"type": kind, "ctx": ctx, "msg": "Eigen melding."}
    assert pydantic_message(error, SIGNAL_WORDING) == schemas._message(error)


MUNICIPAL = {
    "missing": ("required", "Dit veld is verplicht."),
    "extra_forbidden": ("unknown_field", "Onbekend veld."),
    "string_type": ("invalid", "Geef tekst."),
    "bool_type": ("invalid", "Geef true of false."),
    "bool_parsing": ("invalid", "Geef true of false."),
    "timezone_aware": ("invalid", "Geef het tijdstip met tijdzone, bv. 2026-06-02T19:15:00+02:00."),
    "string_too_short": ("required", "Dit veld mag niet leeg zijn."),
    "string_unicode": ("invalid", "De tekst bevat een ongeldig teken (een losse surrogaat)."),
    "literal_error": ("invalid_choice", "Ongeldige waarde; kies uit: 'a', 'b' or 'c'."),
    "string_too_long": ("max_length", "Maximaal 5 tekens."),
    "datetime_parsing": ("invalid", "Geen geldig tijdstip; geef een tijdstip met tijdzone, bv. "
                                    "2026-06-02T19:15:00+02:00."),
    "timezone_naive": ("invalid", "Geen geldig tijdstip; geef een tijdstip met tijdzone, bv. "
                                  "2026-06-02T19:15:00+02:00."),
    "invalid": ("invalid", "Eigen melding."),
    "value_error": ("invalid", "Ongeldige waarde."),
}


@pytest.mark.parametrize("kind", MUNICIPAL)
def test_the_municipal_api_keeps_its_wording(kind):
    error = {"type": kind, "ctx": {"expected": "'a', 'b' or 'c'", "max_length": 5}, "msg": "Eigen melding."}
    assert pydantic_message(error, MUNICIPAL_WORDING) == MUNICIPAL[kind]
