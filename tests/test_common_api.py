"""The one pydantic-error translator (vroegsignalering.common.api) words each API's errors as before."""
import pytest

from vroegsignalering.common.api import MUNICIPAL_WORDING, SIGNAL_WORDING, pydantic_message

# pydantic error type, context → (code, Dutch reason) as the creditor API and the CSV import word it.
SIGNAL = [
    ('missing', {}, ('required', 'Dit veld is verplicht.')),
    ('extra_forbidden', {}, ('unknown_field', 'Onbekend veld; dit veld hoort niet in een signaal.')),
    ('string_type', {}, ('invalid', 'Geef tekst.')),
    ('string_sub_type', {}, ('invalid', 'Geef tekst.')),
    ('int_type', {}, ('invalid', 'Geef een geheel getal.')),
    ('int_parsing', {}, ('invalid', 'Geef een geheel getal.')),
    ('int_from_float', {}, ('invalid', 'Geef een geheel getal.')),
    ('bool_type', {}, ('invalid', 'Geef true of false.')),
    ('bool_parsing', {}, ('invalid', 'Geef true of false.')),
    ('list_type', {}, ('invalid', 'Geef een lijst.')),
    ('model_type', {}, ('invalid', 'Geef een object.')),
    ('model_attributes_type', {}, ('invalid', 'Geef een object.')),
    ('dict_type', {}, ('invalid', 'Geef een object.')),
    ('literal_error', {'expected': "'a', 'b' or 'c'"},
     ('invalid_choice', "Ongeldige waarde; kies uit: 'a', 'b' of 'c'.")),
    ('string_too_short', {}, ('required', 'Dit veld mag niet leeg zijn.')),
    ('string_too_long', {'max_length': 5}, ('max_length', 'Maximaal 5 tekens.')),
    ('too_long', {'max_length': 3, 'field_type': 'List'}, ('max_items', 'Maximaal 3 waarden.')),
    ('too_long', {'max_length': 3, 'field_type': 'Value'}, ('max_length', 'Maximaal 3 tekens.')),
    ('too_short', {'min_length': 1}, ('min_items', 'Ten minste 1 waarde(n).')),
    ('greater_than_equal', {'ge': 1}, ('min_value', 'De waarde moet ten minste 1 zijn.')),
    ('less_than_equal', {'le': 9}, ('max_value', 'De waarde mag hoogstens 9 zijn.')),
    ('string_pattern_mismatch', {}, ('invalid', 'Ongeldige notatie.')),
    ('none_required', {}, ('invalid', 'Ongeldig type.')),
    ('float_type', {}, ('invalid', 'Ongeldig type.')),
    ('invalid', {}, ('invalid', 'Eigen melding.')),
    ('min_value', {}, ('min_value', 'Eigen melding.')),
    ('value_error', {}, ('value_error', 'Eigen melding.')),
]


@pytest.mark.parametrize(("kind", "ctx", "expected"), SIGNAL)
def test_the_creditor_api_and_csv_keep_their_wording(kind, ctx, expected):
    error = {"type": kind, "ctx": ctx, "msg": "Eigen melding."}
    assert pydantic_message(error, SIGNAL_WORDING) == expected


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
