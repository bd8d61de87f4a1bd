"""Issue 9, point 1: optional data never costs a signal.

Signals with valid required fields and arbitrary optional values (junk text, Unicode, overlong,
wrong JSON types) are all received through the real API; each unusable value is stored as
delivered and reported back as a warning. Phone numbers in many notations and internationalised
e-mail addresses are usable.
"""
import copy
import datetime as dt
import hashlib
import itertools
import json
import unicodedata

import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signals import normalise
from signals.models import Signal
from signals.schemas import MAX_STORED_RAW, OPTIONAL_FIELDS, judge_signals
from tests.auth import login
from tests.factories import signal_payload

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                           HealthCheck.too_slow])
_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.API_RATE_LIMIT = "1000000/min"


def deliver(api, *items):
    response = api.post("/api/v1/leveringen", json.dumps({"signalen": list(items)}), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


# Text a creditor may send: any Unicode but control characters (point 2) and lone surrogates;
# tab, CR and LF are whitespace inside a value.
key_chars = st.characters(exclude_categories=("Cs", "Cc"))
text_chars = key_chars | st.sampled_from("\t\r\n")
junk_text = st.text(text_chars, max_size=40) | st.text(text_chars, min_size=201, max_size=1500)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | junk_text
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(key_chars, max_size=10), children,
                                                                      max_size=4),
    max_leaves=10,
)
# geslachtsnaam stays valid (it is required when there is no bedrijfsnaam).
ARBITRARY_FIELDS = sorted(OPTIONAL_FIELDS - {("klant", "geslachtsnaam")})
KINDS = ("vroegsignaal", "eindelevering", "afsluiting", "ontruiming")
CRISIS_DATES = {"eindelevering": "datumEindeLevering", "afsluiting": "datumAfsluiting",
                "ontruiming": "datumOntruiming"}


def _put(payload: dict, path: tuple, value) -> None:
    target = payload
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


def _nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    return value


def _same(stored, delivered) -> bool:
    """Equal as JSON values; a number may come back from PostgreSQL's jsonb as int or float."""
    if isinstance(stored, list) and isinstance(delivered, list):
        return len(stored) == len(delivered) and all(map(_same, stored, delivered))
    if isinstance(stored, dict) and isinstance(delivered, dict):
        return stored.keys() == delivered.keys() and all(_same(stored[k], delivered[k]) for k in stored)
    numbers = (int, float)
    if isinstance(stored, numbers) and isinstance(delivered, numbers) and not isinstance(stored, bool) \
            and not isinstance(delivered, bool):
        return float(stored) == float(delivered)
    return stored == delivered and type(stored) is type(delivered)


@PROPERTY
@given(data=st.data(), size=st.integers(1, 4))
def test_arbitrary_optional_values_never_cost_a_signal(api, data, size):
    payloads = []
    for _ in range(size):
        payload = signal_payload(next(_ids))
        payload["signaalId"] = f"OPT-{next(_ids)}"
        fields = data.draw(st.lists(st.sampled_from(ARBITRARY_FIELDS), unique=True, min_size=1, max_size=8))
        for path in fields:
            value = data.draw(json_values)
            _put(payload, path, value)
        payloads.append(payload)

    body = deliver(api, *payloads)

    assert [r["status"] for r in body["resultaten"]] == ["ontvangen"] * size, body
    for payload, result in zip(payloads, body["resultaten"], strict=True):
        signal = Signal.objects.get(creditor=api.creditor, signal_id=payload["signaalId"])
        assert signal.surname == "Proefpersoon" and signal.postcode == "1011AB"
        stored = {w["naam"]: w for w in signal.intake_warnings}
        assert [w["naam"] for w in result.get("waarschuwingen", [])] == list(stored)
        for name, warning in stored.items():
            assert warning["reden"] and warning["code"]
            path = name.split(".")
            delivered = payload
            for part in path:
                part, _, index = part.partition("[")
                delivered = delivered[part]
                if index:
                    delivered = delivered[int(index[:-1])]
            if len(json.dumps(delivered, ensure_ascii=False)) <= MAX_STORED_RAW:
                if name not in ("klant.geboortedatum", "signaaldatum") or not isinstance(delivered, str):
                    assert _same(warning["waarde"], _nfc(delivered))
        # An unusable house letter or addition never goes into the household key.
        assert signal.address_key == normalise.address_key(
            signal.postcode, signal.house_number, signal.house_letter, signal.house_number_addition)
        assert all(phone.startswith("+") for phone in signal.phone_numbers)
    # The same delivery again changes nothing.
    again = deliver(api, *payloads)
    assert [r["status"] for r in again["resultaten"]] == ["al_ontvangen"] * size
    assert again["aantalMetWaarschuwingen"] == sum(1 for r in body["resultaten"] if r.get("waarschuwingen"))


def test_other_junk_under_the_same_signal_id_is_a_conflict(api):
    deliver(api, signal_payload(1, klant={"emailadres": "geen mail"}))
    result = deliver(api, signal_payload(1, klant={"emailadres": "nog steeds geen mail"}))["resultaten"][0]
    assert result["status"] == "geweigerd" and result["fouten"][0]["code"] == "conflict"


def test_a_signal_without_warnings_hashes_as_before(api):
    """Signals stored before issue 9 keep their content hash: a redelivery is still al_ontvangen."""
    from signals.services import content_hash

    judged = judge_signals([signal_payload(1)], today=dt.date(2026, 10, 1))[0]
    legacy = hashlib.sha256(judged.signal.model_dump_json(exclude_none=True).encode()).hexdigest()
    assert content_hash(judged.signal, judged.warnings) == legacy


@pytest.mark.parametrize(("overrides", "name", "code"), [
    # A required field still refuses, and an unusable name leaves no name at all.
    ({"klant": {"geslachtsnaam": 12}}, "klant.geslachtsnaam", "invalid"),
    ({"klant": {"geslachtsnaam": None, "bedrijfsnaam": ["x"]}}, "klant.bedrijfsnaam", "invalid"),
    # The date a crisis signal requires: unusable → refused.
    ({"soortSignaal": "ontruiming", "datumOntruiming": "morgen"}, "datumOntruiming", "invalid"),
    ({"soortSignaal": "afsluiting"}, "datumAfsluiting", "required"),
    ({"achterstand": {"vervaldatumOudsteFactuur": "1980-01-01"}}, "achterstand.vervaldatumOudsteFactuur", "invalid"),
])
def test_required_fields_still_refuse(api, overrides, name, code):
    result = deliver(api, signal_payload(1, **overrides))["resultaten"][0]
    assert result["status"] == "geweigerd"
    assert {e["naam"]: e["code"] for e in result["fouten"]}[name] == code


def test_an_unusable_surname_is_a_warning_when_the_trade_name_names_the_customer(api):
    result = deliver(api, signal_payload(1, klant={"geslachtsnaam": "x" * 300, "bedrijfsnaam": "Proef B.V."}))
    assert result["resultaten"][0]["status"] == "ontvangen"
    assert result["resultaten"][0]["waarschuwingen"][0]["naam"] == "klant.geslachtsnaam"
    assert Signal.objects.get().trade_name == "Proef B.V."


def test_soort_signaal_is_not_optional_data():
    assert ("soortSignaal",) not in OPTIONAL_FIELDS


@PROPERTY
@given(kind=json_values.filter(lambda v: v not in KINDS), date_field=st.sampled_from(sorted(CRISIS_DATES.values())))
def test_a_present_soort_signaal_that_is_none_of_the_four_refuses_the_signal(api, kind, date_field):
    """A misspelt kind ("ontruimming") never turns an eviction into a vroegsignaal: the default is for
    an absent soortSignaal only. The rest of the delivery is stored."""
    payload = signal_payload(next(_ids), soortSignaal=kind, **{date_field: "2026-12-01"})
    other = signal_payload(next(_ids))
    refused, accepted = deliver(api, payload, other)["resultaten"]
    assert refused["status"] == "geweigerd" and accepted["status"] == "ontvangen"
    error = {e["naam"]: e for e in refused["fouten"]}["soortSignaal"]
    assert error["code"] == "invalid_choice"
    assert error["reden"].startswith("Ongeldige waarde; kies uit:") and all(k in error["reden"] for k in KINDS)
    assert " or " not in error["reden"]
    assert not Signal.objects.filter(signal_id=payload["signaalId"]).exists()


@PROPERTY
@given(kind=st.sampled_from((None, "vroegsignaal")), dates=st.sets(st.sampled_from(sorted(CRISIS_DATES.values())),
                                                                   min_size=1))
def test_a_crisis_date_without_a_crisis_kind_is_kept_with_a_warning(api, kind, dates):
    payload = signal_payload(next(_ids), **{name: "2026-12-01" for name in dates})
    if kind is not None:
        payload["soortSignaal"] = kind
    result = deliver(api, payload)["resultaten"][0]
    assert result["status"] == "ontvangen"
    assert {w["naam"]: w["code"] for w in result["waarschuwingen"]} == {name: "inconsistent" for name in dates}
    signal = Signal.objects.get(signal_id=payload["signaalId"])
    stored = {"datumEindeLevering": signal.end_of_supply_date, "datumAfsluiting": signal.disconnection_date,
              "datumOntruiming": signal.eviction_date}
    assert signal.signal_kind == "vroegsignaal"
    assert all(stored[name] == dt.date(2026, 12, 1) for name in dates)
    assert deliver(api, payload)["resultaten"][0]["status"] == "al_ontvangen"


def test_usable_phone_numbers_are_kept_beside_unusable_ones_and_at_most_five(api):
    numbers = ["06 12345678", "bel maar", "+31 (0)20 123 45 67", 612345678, "0031 6 9999 9999", "06-11111111",
               "06.22222222", "+32 470 12 34 56"]
    result = deliver(api, signal_payload(1, klant={"telefoonnummers": numbers}))["resultaten"][0]
    assert result["status"] == "ontvangen"
    assert {w["naam"]: w["code"] for w in result["waarschuwingen"]} == {
        "klant.telefoonnummers[1]": "invalid", "klant.telefoonnummers[3]": "invalid",
        "klant.telefoonnummers[7]": "max_items"}
    signal = Signal.objects.get()
    assert signal.phone_numbers == ["+31612345678", "+31201234567", "+31699999999", "+31611111111", "+31622222222"]


def test_the_single_post_answers_the_resource_with_its_warnings(api):
    response = api.post("/api/v1/signalen", json.dumps(signal_payload(1, klant={"geboortedatum": "2999-01-01"})),
                        content_type="application/json")
    assert response.status_code == 201
    assert response.json()["waarschuwingen"] == [
        {"naam": "klant.geboortedatum", "code": "invalid", "reden": "De geboortedatum ligt in de toekomst."}]
    assert "geboortedatum" not in response.json()["klant"]
    summary = api.get(f"/api/v1/leveringen/{response.json()['leveringId']}").json()
    assert summary["aantalMetWaarschuwingen"] == 1
    assert summary["resultaten"][0]["waarschuwingen"] == response.json()["waarschuwingen"]


# --- Phone numbers in many notations ----------------------------------------------------------

REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)
TYPES = [phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]


def _examples() -> list[phonenumbers.PhoneNumber]:
    found = []
    for region in REGIONS:
        for kind in TYPES:
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None and phonenumbers.is_possible_number(number):
                found.append(number)
    return found


EXAMPLES = _examples()


@st.composite
def phone_notations(draw):
    """An example number of some region, written as people write numbers."""
    number = draw(st.sampled_from(EXAMPLES))
    international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    notations = [
        international,
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        "00" + international[1:],
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.RFC3966).removeprefix("tel:"),
    ]
    if phonenumbers.region_code_for_number(number) == "NL":
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        notations += [national, national.replace(" ", ""), f"+31 (0){national[1:]}"]
    written = draw(st.sampled_from(notations))
    separator = draw(st.sampled_from([" ", "-", ".", "", "  "]))
    written = written.replace(" ", separator) if not written.startswith("+31 (0)") else written
    if draw(st.booleans()) and written.startswith("+") and separator == " ":
        code, _, rest = written.partition(" ")
        first, _, tail = rest.partition(" ")
        if tail:
            written = f"{code} ({first}) {tail}"  # parentheses around the area code
    pad = draw(st.sampled_from(["", " ", "\u00a0"]))
    return number, f"{pad}{written}{pad}"


@settings(max_examples=400, deadline=None)
@given(phone_notations())
def test_phone_numbers_in_any_notation_of_any_country_are_usable(example):
    number, written = example
    expected = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    assert normalise.phone_number(normalise.collapse(written)) == expected, written


@PROPERTY
@given(st.lists(phone_notations(), min_size=1, max_size=5))
def test_generated_phone_numbers_are_usable_through_the_api(api, examples):
    payload = signal_payload(1, signaalId=f"TEL-{next(_ids)}", klant={"telefoonnummers": [w for _, w in examples]})
    result = deliver(api, payload)["resultaten"][0]
    assert result["status"] == "ontvangen" and "waarschuwingen" not in result, result
    signal = Signal.objects.get(creditor=api.creditor, signal_id=payload["signaalId"])
    expected = [phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164) for n, _ in examples]
    assert signal.phone_numbers == list(dict.fromkeys(expected))


def test_possible_numbers_in_ranges_the_metadata_does_not_know_are_usable():
    # 06-9… is not (yet) assigned by the metadata; the length is right for a Dutch mobile number.
    assert normalise.phone_number("06 9999 9999") == "+31699999999"


# --- E-mail: internationalised addresses --------------------------------------------------------

LETTERS = st.characters(categories=("Ll", "Lu", "Lo"), codec="utf-8")
IDN_LETTERS = "abcdefghijklmnopqrstuvwxyzäöüéèñçøåßдфжхцчшщ例子中国日本語"


@st.composite
def international_addresses(draw):
    local = draw(st.text(LETTERS, min_size=1, max_size=20))
    label = draw(st.text(st.sampled_from(IDN_LETTERS), min_size=2, max_size=15))
    tld = draw(st.sampled_from(["nl", "de", "com", "中国", "рф"]))
    return f"{local}@{label}.{tld}"


@settings(max_examples=300, deadline=None)
@given(st.emails() | international_addresses())
def test_internationalised_e_mail_addresses_are_valid_and_normalise_stably(address):
    try:
        normalised = normalise.email(address)
    except ValueError:
        # Only what RFC 5321/6531 itself forbids (e.g. a local part over 64 octets) may be refused.
        from email_validator import EmailNotValidError, validate_email
        with pytest.raises(EmailNotValidError):
            validate_email(address.lower(), check_deliverability=False)
        return
    assert normalise.email(normalised) == normalised
    assert normalised == normalised.lower()


@pytest.mark.parametrize("address", ["jösé@bücher.de", "用户@例子.广告", "Ω@ελληνικά.gr", "P.Jansen@Example.NL"])
def test_internationalised_address_is_stored_normalised(api, address):
    result = deliver(api, signal_payload(1, klant={"emailadres": address}))["resultaten"][0]
    assert result["status"] == "ontvangen" and "waarschuwingen" not in result
    assert Signal.objects.get().email == normalise.email(address)


# --- The worker sees the raw value with a note ---------------------------------------------------

def test_the_fallout_screen_shows_unusable_contact_data_as_delivered(api, client, municipality):
    from signals.models import SignalStatus
    from tests.factories import UserFactory

    deliver(api, signal_payload(1, klant={"geboortedatum": "31-02-1980", "telefoonnummers": ["06 12345678", "bel 3x"],
                                          "emailadres": "jan at proef.nl"}))
    signal = Signal.objects.get()
    Signal.objects.filter(pk=signal.pk).update(status=SignalStatus.UITVAL, brp_evidence={"uitkomst": "niet_gevonden"})
    login(client, UserFactory(municipalities=[municipality]))
    page = client.get(f"/uitval/{signal.pk}").content.decode()
    assert "31-02-1980" in page and "niet bruikbaar: geen geldige datum" in page
    assert "bel 3x" in page and "jan at proef.nl" in page and "niet bruikbaar: geen geldig e-mailadres" in page


def test_copy_of_payload_is_not_changed_by_judging():
    payload = signal_payload(1, klant={"telefoonnummers": ["x", "06 12345678"]})
    before = copy.deepcopy(payload)
    judge_signals([payload], today=dt.date(2026, 10, 1))
    assert payload == before
