"""Issue 9, point 2: text that cannot be stored gets a field error, never a 500.

Control characters and lone surrogates in any string (values and keys, at any depth) refuse
that one signal with a Dutch field-level reason, through the API and the CSV import; the rest
of the batch is stored. Every stored signaalId can be read back. Text is NFC-normalised before
storage and comparison.
"""
import itertools
import json
import unicodedata

import pytest
from django.utils.encoding import escape_uri_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signals.csv_columns import COLUMNS
from signals.csv_services import process_rows
from signals.models import Delivery, Signal
from signals.schemas import SIGNAL_ID_PATTERN, signal_id_is_valid
from tests.factories import signal_payload

PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                           HealthCheck.too_slow])
_ids = itertools.count(1)

# What cannot be stored: C0 controls (but tab/LF/CR inside a value), DEL, C1 controls, lone surrogates.
UNSTORABLE = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + [chr(c) for c in range(0x7F, 0xA0)] + [
    "\ud800", "\udbff", "\udc00", "\udfff"]
unstorable = st.sampled_from(UNSTORABLE) | st.integers(0xD800, 0xDFFF).map(chr)
plain_text = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12)


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.API_RATE_LIMIT = "1000000/min"


def post(api, path, body):
    """Posted as JSON text with \\u escapes, so that lone surrogates travel as creditors can send them."""
    return api.post(path, json.dumps(body, ensure_ascii=True), content_type="application/json")


def _paths(node, path=()):
    """Every (container path, key or index) of a payload, to put a bad character anywhere."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield path, index
            yield from _paths(value, (*path, index))


@st.composite
def poisoned_payloads(draw):
    """A valid signal with one unstorable character in one string: a value or a key, at any depth
    (also inside an extra optional junk object)."""
    payload = signal_payload(1, signaalId=f"BAD-{next(_ids)}")
    if draw(st.booleans()):
        payload["adres"]["straatnaam"] = {"a": [{"b": "diep"}]}  # junk: a warning, not an error
    where, slot = draw(st.sampled_from(list(_paths(payload))))
    container = payload
    for part in where:
        container = container[part]
    bad = draw(unstorable)
    position = draw(st.integers(0, 20))
    if isinstance(slot, str) and draw(st.booleans()):  # poison the key
        key = slot[:position] + bad + slot[position:]
        container[key] = container.pop(slot)
    else:
        value = container[slot]
        if not isinstance(value, str):
            value = draw(plain_text)
        container[slot] = value[:position] + bad + value[position:]
    return payload


@PROPERTY
@given(poisoned_payloads())
def test_unstorable_text_anywhere_refuses_only_that_signal(api, poisoned):
    good = signal_payload(2, signaalId=f"GOOD-{next(_ids)}")
    response = post(api, "/api/v1/leveringen", {"signalen": [poisoned, good]})
    assert response.status_code == 201, response.content
    refused, accepted = response.json()["resultaten"]
    assert refused["status"] == "geweigerd"
    codes = {e["code"] for e in refused["fouten"]}
    assert "invalid_character" in codes
    for error in refused["fouten"]:
        if error["code"] == "invalid_character":
            assert "niet kan worden opgeslagen" in error["reden"]
            assert error["naam"].isprintable()
    assert accepted["status"] == "ontvangen"
    assert Signal.objects.filter(signal_id=good["signaalId"]).exists()
    assert not Signal.objects.exclude(signal_id__startswith="GOOD-").exists()
    # The stored delivery can be read back.
    delivery = api.get(f"/api/v1/leveringen/{response.json()['leveringId']}")
    assert delivery.status_code == 200 and delivery.json()["resultaten"] == response.json()["resultaten"]

    single = post(api, "/api/v1/signalen", poisoned)
    assert single.status_code == 400, single.content
    assert single["Content-Type"] == "application/problem+json"
    assert "invalid_character" in {p["code"] for p in single.json()["invalidParams"]}


json_with_bad_text = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.text(st.sampled_from(UNSTORABLE), max_size=3),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.text(max_size=4) | st.text(st.sampled_from(UNSTORABLE), min_size=1, max_size=2), children, max_size=3),
    max_leaves=10,
)


@PROPERTY
@given(body=json_with_bad_text | st.fixed_dictionaries({"signalen": st.lists(json_with_bad_text, max_size=3)}))
def test_any_json_with_unstorable_text_is_answered_never_500(api, body):
    for path in ("/api/v1/leveringen", "/api/v1/signalen"):
        response = post(api, path, body)
        assert response.status_code in (200, 201, 400, 409, 413), response.content
        assert response["Content-Type"] in ("application/json", "application/problem+json")
        json.loads(response.content)


def test_a_lone_surrogate_that_reaches_the_answer_is_escaped_not_a_crash(api):
    from signals.api.renderers import SafeJSONRenderer

    assert json.loads(SafeJSONRenderer().render({"x": "a\ud800"})) == {"x": "a\ud800"}
    assert SafeJSONRenderer().render({"x": "é"}) == '{"x":"é"}'.encode()


@pytest.mark.parametrize(("value", "collapsed"), [
    ("Jan\tde\r\nVries", "Jan de Vries"), ("Dorps\nstraat", "Dorps straat")])
def test_tab_and_line_breaks_inside_a_value_collapse_to_a_space(api, value, collapsed):
    response = post(api, "/api/v1/leveringen", {"signalen": [signal_payload(1, klant={"voornamen": value},
                                                                            adres={"straatnaam": value})]})
    assert response.json()["resultaten"][0]["status"] == "ontvangen"
    signal = Signal.objects.get()
    assert signal.first_names == collapsed and signal.street == collapsed


def test_a_tab_in_a_key_is_refused(api):
    payload = signal_payload(1)
    payload["klant"]["voor\tnamen"] = payload["klant"].pop("voornamen")
    result = post(api, "/api/v1/leveringen", {"signalen": [payload]}).json()["resultaten"][0]
    assert result["fouten"] == [{"naam": "klant.voor\\u0009namen", "code": "invalid_character", "reden": (
        "De naam van dit veld bevat een teken dat niet kan worden opgeslagen: U+0009, een stuurteken. "
        "Verwijder het teken en lever het signaal opnieuw aan.")}]


# --- The CSV import: the same judgement per row -----------------------------------------------

def _row(payload: dict) -> list[str]:
    cells = {}
    for key, value in payload.items():
        if isinstance(value, dict):
            for field, inner in value.items():
                cells[f"{key}.{field}"] = "|".join(inner) if isinstance(inner, list) else str(inner)
        else:
            cells[key] = str(value)
    return [cells.get(column, "") for column in COLUMNS]


@PROPERTY
@given(data=st.data(), bad=st.sampled_from([c for c in UNSTORABLE if not 0xD800 <= ord(c) <= 0xDFFF]))
def test_a_csv_cell_with_a_control_character_refuses_that_row_only(creditor, municipality, data, bad):
    # A fixed-length id: Hypothesis draws a position inside a cell, so no cell may change length between examples.
    poisoned = _row(signal_payload(1, signaalId=f"CSV-BAD-{next(_ids):08d}"))
    index = data.draw(st.sampled_from([i for i, cell in enumerate(poisoned) if len(cell) >= 2]))
    position = data.draw(st.integers(1, len(poisoned[index]) - 1))  # inside: an outer one is trimmed off
    poisoned[index] = poisoned[index][:position] + bad + poisoned[index][position:]
    good_id = f"CSV-GOOD-{next(_ids)}"
    _, results = process_rows(creditor=creditor, columns=COLUMNS,
                              rows=[(2, poisoned), (3, _row(signal_payload(2, signaalId=good_id)))])
    refused, accepted = results
    assert refused["regel"] == 2 and refused["status"] == "geweigerd"
    assert any(e["naam"].startswith(COLUMNS[index]) and e["code"] == "invalid_character" for e in refused["fouten"])
    assert refused["signaalId"] is None or refused["signaalId"].isprintable()
    assert accepted["status"] == "ontvangen" and Signal.objects.filter(signal_id=good_id).exists()
    json.dumps(results, ensure_ascii=False).encode()  # the report can be stored and shown


def test_the_csv_report_lists_warnings_per_row(creditor, municipality):
    row = _row(signal_payload(1, klant={"telefoonnummers": ["06 12345678", "onbekend"], "emailadres": "geen"}))
    _, results = process_rows(creditor=creditor, columns=COLUMNS, rows=[(2, row)])
    assert results == [{"regel": 2, "signaalId": "ZV-000001", "status": "ontvangen", "waarschuwingen": [
        {"naam": "klant.telefoonnummers (nummer 2)", "code": "invalid", "reden": "Geen geldig telefoonnummer."},
        {"naam": "klant.emailadres", "code": "invalid", "reden": "Geen geldig e-mailadres."},
    ]}]


# --- NFC: one text, one signal ----------------------------------------------------------------

DECOMPOSABLE = "äëïöüÄËÏÖÜéèêáàâíìóòúùçñÑåÅøØşŞğĞıİčČžŽšŠ"
names = st.text(st.sampled_from(DECOMPOSABLE + "abcdefghijklmnop -'"), min_size=1, max_size=30).filter(
    lambda s: s.strip(" -'"))


def _nfd(payload):
    if isinstance(payload, str):
        return unicodedata.normalize("NFD", payload)
    if isinstance(payload, dict):
        return {k: _nfd(v) for k, v in payload.items()}
    if isinstance(payload, list):
        return [_nfd(v) for v in payload]
    return payload


@PROPERTY
@given(surname=names, first=names, street=names, city=names, junk=names, nfd_first=st.booleans())
def test_nfd_and_nfc_deliveries_are_one_signal(api, surname, first, street, city, junk, nfd_first):
    payload = signal_payload(1, signaalId=f"NFC-{next(_ids)}-ü", klant={"geslachtsnaam": surname, "voornamen": first,
                                                                       "emailadres": junk},
                             adres={"straatnaam": street, "woonplaats": city})
    composed = json.loads(json.dumps(payload))
    for key in ("klant", "adres"):
        composed[key] = {k: unicodedata.normalize("NFC", v) if isinstance(v, str) else v
                         for k, v in composed[key].items()}
    decomposed = _nfd(composed)
    first_delivery, second_delivery = (decomposed, composed) if nfd_first else (composed, decomposed)
    results = [post(api, "/api/v1/leveringen", {"signalen": [body]}).json()["resultaten"][0]["status"]
               for body in (first_delivery, second_delivery)]
    assert results == ["ontvangen", "al_ontvangen"]
    signal = Signal.objects.get(creditor=api.creditor, signal_id=unicodedata.normalize("NFC", payload["signaalId"]))
    for stored in (signal.signal_id, signal.surname, signal.first_names, signal.street, signal.city):
        assert unicodedata.is_normalized("NFC", stored)
    # Found by either form of its id.
    for form in ("NFC", "NFD"):
        response = api.get(escape_uri_path("/api/v1/signalen/" + unicodedata.normalize(form, signal.signal_id)))
        assert response.status_code == 200


def test_nfd_in_the_csv_import_is_the_same_signal(creditor, municipality):
    payload = signal_payload(1, klant={"geslachtsnaam": "Müller", "voornamen": "Zoë"})
    rows = [(2, _row(payload)), (3, _row(_nfd(payload)))]
    _, results = process_rows(creditor=creditor, columns=COLUMNS, rows=rows)
    assert [r["status"] for r in results] == ["ontvangen", "al_ontvangen"]
    assert Signal.objects.get().surname == "Müller"


# --- signaalId: every stored id can be fetched back ---------------------------------------------

id_chars = st.characters(codec="utf-8") | st.sampled_from("/?#%. \\-_:+&=;@!$'()*,~[]{}\t\u00a0\u200b")


@PROPERTY
@given(signal_id=st.text(id_chars, min_size=1, max_size=66)
       | st.from_regex(SIGNAL_ID_PATTERN, fullmatch=True).filter(lambda s: len(s) <= 64))
def test_every_stored_signal_id_can_be_fetched_back(api, signal_id):
    response = post(api, "/api/v1/signalen", signal_payload(1, signaalId=signal_id))
    assert response.status_code in (200, 201, 400), response.content
    stored_id = unicodedata.normalize("NFC", signal_id)
    if response.status_code == 400:
        assert not Signal.objects.filter(creditor=api.creditor).exists()
        assert "signaalId" in {p["name"] for p in response.json()["invalidParams"]}
        assert not signal_id_is_valid(stored_id)
        return
    assert signal_id_is_valid(stored_id)
    for url in (response["Location"], escape_uri_path(f"/api/v1/signalen/{stored_id}")):
        fetched = api.get(url)
        assert fetched.status_code == 200, (url, fetched.content)
        assert fetched.json()["signaalId"] == stored_id
    # and the id appears in the feed and the delivery as it was stored
    delivery = api.get(f"/api/v1/leveringen/{response.json()['leveringId']}").json()
    assert delivery["resultaten"][0]["signaalId"] == stored_id
    Signal.objects.filter(creditor=api.creditor, signal_id=stored_id).delete()
    Delivery.objects.filter(pk=response.json()["leveringId"]).delete()


@pytest.mark.parametrize("signal_id", [
    "/A-1", "A-1/", "A//1", "A/./1", "A/../1", "./A", "..", ".", "A?1", "A#1", "A%201", "A\\1", " A-1", "A-1 ",
    "A /1", "A\t1", "A\u00a01", "A\u200b1", "A\n1", "A\u00001", "A\ud8001", "x" * 65,
])
def test_signal_ids_that_could_break_later_answers_are_refused(api, signal_id):
    response = post(api, "/api/v1/signalen", signal_payload(1, signaalId=signal_id))
    assert response.status_code == 400, response.content
    assert Signal.objects.count() == 0


@pytest.mark.parametrize("signal_id", ["HUUR/2026/0001", "A 1", "Ω-ü-1", "...", ".a/b.", "a:b@c+d", "(1)[2]{3}"])
def test_ordinary_signal_ids_are_accepted_and_read_back(api, signal_id):
    response = post(api, "/api/v1/signalen", signal_payload(1, signaalId=signal_id))
    assert response.status_code == 201
    assert api.get(response["Location"]).json()["signaalId"] == signal_id


@pytest.mark.parametrize("key", ["sig\u0000nalen", "\ud800"])
def test_an_unknown_envelope_key_with_unstorable_text_is_named_escaped(api, key):
    response = post(api, "/api/v1/leveringen", {"signalen": [signal_payload(1)], key: 1})
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    names = [p["name"] for p in response.json()["invalidParams"]]
    assert names == [key.replace("\u0000", "\\u0000").replace("\ud800", "\\uD800")]
    assert Signal.objects.count() == 0


@pytest.mark.parametrize("body", [[], "tekst", 12, None, {"signalen": "x"}, {"signalen": {"a": 1}}, {"signalen": 3}])
def test_a_body_that_is_not_an_envelope_is_400(api, body):
    for path in ("/api/v1/leveringen", "/api/v1/signalen"):
        response = post(api, path, body)
        assert response.status_code == 400, (path, response.content)
        assert response["Content-Type"] == "application/problem+json"
