"""Issue 9 review: no value a creditor sends, nor anything the intake derives from it, is longer
than its column. PostgreSQL refuses such a value (DataError) and that would fail the whole
delivery with a 500; SQLite does not check lengths, so run this file on PostgreSQL too
(``DATABASE_URL=postgres://…``).

Generated through the real API: valid required fields, and names and address text as creditors
write them, with commas ("Jansen, J.P.", "Bakker, Mevrouw Anna Maria Theodora", "Vries, de, J."),
prefixes, titles and text up to and beyond every limit. Every delivery is answered 201 and every
signal is received.
"""
import itertools
import json
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signals import normalise
from signals.models import Signal
from tests.factories import signal_payload

PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                            HealthCheck.too_slow])
_ids = itertools.count(1)
COLUMNS = {f.name: f.max_length for f in Signal._meta.get_fields() if getattr(f, "max_length", None)}


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.API_RATE_LIMIT = "1000000/min"


# Any storable text: no control characters or lone surrogates (those refuse a signal, point 2).
chars = st.characters(exclude_categories=("Cs", "Cc"))
words = (st.text(chars, min_size=1, max_size=30)
         | st.sampled_from(normalise.SURNAME_PREFIXES).map(lambda p: st.sampled_from((p, p.title(), p.upper())))
         .flatmap(lambda s: s)
         | st.sampled_from(("Mevrouw", "Dhr.", "de heer", "J.P.", "A.", "Anna", "Maria", "Theodora", "’t", "d’")))
separators = st.sampled_from((" ", ", ", ",", " , ", "-", "  "))


@st.composite
def written(draw, *, max_size: int) -> str:
    """Words and commas as creditors write names and streets, any length up to ``max_size``."""
    parts = draw(st.lists(st.tuples(words, separators), min_size=1, max_size=40))
    text = "".join(word + sep for word, sep in parts)
    text = draw(st.sampled_from((text, text * 8)))  # now and then far too long
    return text[:max_size]


def _surname():
    """Required: non-blank and at most 200 characters (else the signal is refused, as it should be)."""
    return written(max_size=200).filter(lambda s: normalise.collapse(s))


def _optional():
    return written(max_size=1200) | st.none()


@PROPERTY
@given(data=st.data(), size=st.integers(1, 3))
def test_any_names_and_address_text_are_received_and_fit_their_columns(api, data, size):
    payloads = []
    for _ in range(size):
        klant = {"geslachtsnaam": data.draw(_surname(), "geslachtsnaam")}
        for name in ("voorvoegsel", "voorletters", "voornamen", "bedrijfsnaam", "emailadres"):
            value = data.draw(_optional(), name)
            if value is not None:
                klant[name] = value
        adres = {name: value for name in ("straatnaam", "woonplaats", "huisnummertoevoeging", "huisletter")
                 if (value := data.draw(_optional(), name)) is not None}
        payload = signal_payload(next(_ids), klant=klant, adres=adres)
        payload["klant"] = {k: v for k, v in payload["klant"].items() if k in klant or k == "geboortedatum"}
        contract = data.draw(_optional(), "contractnummer")
        if contract is not None:
            payload["contractnummer"] = contract
        payloads.append(payload)

    response = api.post("/api/v1/leveringen", json.dumps({"signalen": payloads}), content_type="application/json")

    assert response.status_code == 201, response.content
    assert [r["status"] for r in response.json()["resultaten"]] == ["ontvangen"] * size, response.json()
    for payload, result in zip(payloads, response.json()["resultaten"], strict=True):
        warned = {w["naam"] for w in result.get("waarschuwingen", [])}
        signal = Signal.objects.get(creditor=api.creditor, signal_id=payload["signaalId"])
        for column, limit in COLUMNS.items():
            value = getattr(signal, column)
            assert not isinstance(value, str) or len(value) <= limit, (column, value)
        given_prefix = payload["klant"].get("voorvoegsel")
        if given_prefix is not None and "klant.voorvoegsel" not in warned and normalise.collapse(given_prefix):
            assert signal.surname_prefix == normalise.surname_prefix(unicodedata.normalize("NFC", given_prefix))
        elif not signal.surname_prefix:
            pass
        else:  # found in the surname: always a prefix from the table, never the rest of a sentence
            assert signal.surname_prefix in normalise.SURNAME_PREFIXES, signal.surname_prefix
        assert "," not in signal.surname or not signal.surname.split(",")[0].strip()


@pytest.mark.parametrize(("surname", "stored"), [
    ("Jansen, J.P.", ("Jansen", "", "", "J.P.")),
    ("Vries, de, J.", ("Vries", "de", "", "J.")),
    ("Berg, J. van der", ("Berg", "van der", "", "J.")),
    ("Bakker, Mevrouw Anna Maria Theodora", ("Bakker", "", "Anna Maria Theodora", "")),
])
def test_given_names_after_the_comma_are_stored_as_given_names(api, surname, stored):
    payload = signal_payload(1, klant={"geslachtsnaam": surname})
    del payload["klant"]["voornamen"], payload["klant"]["voorvoegsel"]
    response = api.post("/api/v1/leveringen", json.dumps({"signalen": [payload]}), content_type="application/json")
    assert response.status_code == 201 and response.json()["resultaten"][0]["status"] == "ontvangen"
    signal = Signal.objects.get()
    assert (signal.surname, signal.surname_prefix, signal.first_names, signal.initials) == stored
