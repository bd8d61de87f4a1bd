"""The BRP client against the fake BRP over real HTTP on loopback: retries, errors, auth, fields."""
import datetime as dt
import socket
import time

import httpx
import pytest

from demo.brp_fake.server import FakeBrpServer
from signals.brp.client import (
    BrpAuthenticationError,
    BrpClient,
    BrpRequestError,
    BrpUnavailable,
    OAuthCredentials,
    client_from_settings,
)
from signals.brp.errors import _retry_after as retry_after_of
from tests.e2e_support import wait_until

TODAY = dt.date(2026, 6, 1)
ADDRESS_FIELDS = ["burgerservicenummer", "naam.geslachtsnaam"]


@pytest.fixture(scope="module")
def population():
    return FakeBrpServer(today=TODAY).store


@pytest.fixture
def brp(population):
    """A fake BRP of this test's own: its counters and faults are this test's alone (a late question
    of an earlier test's timed-out client goes to that test's server, which is gone)."""
    with FakeBrpServer(today=TODAY, store=population) as fake:
        yield fake


class Sleeps(list):
    """Records the waits between attempts instead of sleeping them."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def quick_client(url: str, **options) -> BrpClient:
    options = {"retries": 3, "backoff": 0.01, "timeout": 10.0, **options}  # generous: CI runs tests in parallel
    return BrpClient(url, **options)


def test_search_by_address_finds_both_dwellings_of_a_house_number(brp):
    with quick_client(brp.url) as client:
        persons = client.search_by_address(postcode="2516BD", house_number=32, fields=ADDRESS_FIELDS)
    assert sorted(p["naam"]["geslachtsnaam"] for p in persons) == ["Crooy", "Verheul"]
    assert brp.queries[-1] == {"type": "ZoekMetPostcodeEnHuisnummer", "postcode": "2516BD", "huisnummer": 32,
                               "fields": ADDRESS_FIELDS}


def test_retries_on_503_then_succeeds(brp):
    brp.fail_next(2, status=503)
    sleeps = Sleeps()
    with quick_client(brp.url, sleep=sleeps) as client:
        persons = client.get_by_bsn(["999993112"], fields=["burgerservicenummer"])
    assert persons == [{"burgerservicenummer": "999993112"}]
    assert brp.request_count == 3
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0] * 1.4  # exponential backoff (with jitter)


def test_gives_up_with_brp_unavailable_after_the_retries(brp):
    brp.fail_next(10, status=503)
    with quick_client(brp.url, retries=2) as client, pytest.raises(BrpUnavailable) as caught:
        client.get_by_bsn(["999993112"], fields=["burgerservicenummer"])
    assert brp.request_count == 3  # the first attempt and two retries
    assert caught.value.status == 503
    assert caught.value.title == "Bronservice BRP is tijdelijk niet beschikbaar."


def test_timeout_is_retried_and_then_succeeds(brp):
    brp.set_delay(5.0, count=1)
    with quick_client(brp.url, timeout=1.0) as client:
        started = time.monotonic()
        persons = client.get_by_bsn(["999993112"], fields=["burgerservicenummer"])
    # About the 1 s timeout, far from the slow answer's 5 s (margins wide enough for a busy CI machine).
    assert persons and time.monotonic() - started < 3.0
    assert brp.request_count == 2


def test_a_brp_that_keeps_timing_out_is_unavailable(brp):
    brp.set_delay(5.0)
    with (quick_client(brp.url, timeout=1.0, retries=1) as client,
          pytest.raises(BrpUnavailable, match="niet binnen 1 seconden")):
        client.get_by_bsn(["999993112"], fields=["burgerservicenummer"])
    # The first attempt and one retry: the fake may count the retry just after the client gave up.
    wait_until(lambda: brp.request_count >= 2, timeout=10, step=0.01)
    assert brp.request_count == 2


def test_429_waits_at_least_retry_after(brp):
    brp.fail_next(1, status=429, retry_after=2)
    sleeps = Sleeps()
    with quick_client(brp.url, sleep=sleeps) as client:
        assert client.get_by_bsn(["999993112"], fields=["burgerservicenummer"])
    assert sleeps == [2.0]


def test_a_long_retry_after_is_not_waited_for(brp):
    brp.fail_next(1, status=503, retry_after=600)
    sleeps = Sleeps()
    with quick_client(brp.url, sleep=sleeps) as client, pytest.raises(BrpUnavailable) as caught:
        client.get_by_bsn(["999993112"], fields=["burgerservicenummer"])
    assert caught.value.retry_after == 600 and sleeps == [] and brp.request_count == 1


def test_a_brp_that_closes_connections_is_unavailable(brp):
    brp.set_down(True)
    with quick_client(brp.url, retries=2) as client, pytest.raises(BrpUnavailable, match="niet bereikbaar"):
        client.get_by_bsn(["999993112"], fields=["burgerservicenummer"])
    assert brp.request_count == 3
    brp.set_down(False)
    with quick_client(brp.url) as client:
        assert client.get_by_bsn(["999993112"], fields=["burgerservicenummer"])


def test_connection_refused_is_unavailable():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with quick_client(f"http://127.0.0.1:{port}/haalcentraal/api/brp", retries=1) as client:
        with pytest.raises(BrpUnavailable):
            client.get_by_bsn(["999993112"], fields=["burgerservicenummer"])


def test_problem_json_400_is_a_request_error_with_its_details_and_not_retried(brp):
    with quick_client(brp.url) as client, pytest.raises(BrpRequestError) as caught:
        client.personen({"type": "ZoekMetPostcodeEnHuisnummer", "huisnummer": 32, "fields": ["burgerservicenummer"]})
    error = caught.value
    assert not isinstance(error, BrpUnavailable)
    assert error.status == 400 and error.code == "paramsCombination"
    assert error.title == "Minimale combinatie van parameters moet worden opgegeven."
    assert error.detail == "De foutieve parameter(s) zijn: postcode."
    assert error.invalid_params == [{"code": "required", "name": "postcode", "reason": "Parameter is verplicht."}]
    assert "postcode" in str(error)
    assert brp.request_count == 1


def test_fields_are_respected(brp):
    with quick_client(brp.url) as client:
        assert client.get_by_bsn(["999993112"], fields=["naam.voornamen"]) == [{"naam": {"voornamen": "Wilma"}}]
        person, = client.get_by_bsn(["999993112"], fields=["geslacht.code", "geboorte.datum.jaar", "kinderen.naam"])
    # a table value and a date come whole; only the asked-for parts of a collection
    assert person["geslacht"] == {"code": "V", "omschrijving": "vrouw"}
    assert person["geboorte"] == {"datum": {"type": "Datum", "datum": "1970-04-07", "langFormaat": "7 april 1970"}}
    assert [child["naam"]["voornamen"] for child in person["kinderen"]] == ["Zoey", "Alexander"]
    assert set(person) == {"geslacht", "geboorte", "kinderen"}
    assert all(set(child) == {"naam"} for child in person["kinderen"])


def test_automatic_fields_come_unasked_and_may_not_be_asked(brp):
    with quick_client(brp.url) as client:
        person, = client.get_by_bsn(["999997646"], fields=["burgerservicenummer"])
        assert person["opschortingBijhouding"]["reden"] == {"code": "O", "omschrijving": "overlijden"}
        with pytest.raises(BrpRequestError) as caught:
            client.get_by_bsn(["999997646"],
                              fields=["burgerservicenummer", "opschortingBijhouding", "naam.bestaatniet"])
    assert [(p["name"], p["code"]) for p in caught.value.invalid_params] == [("fields[1]", "fields"),
                                                                             ("fields[2]", "fields")]


def test_more_than_twenty_bsns_are_asked_in_chunks(brp):
    bsns = ["999993112", "999994542", "999995807", "999995832"] * 6 + [f"99999{n:04d}" for n in range(21)]
    with quick_client(brp.url) as client:
        persons = client.get_by_bsn(bsns, fields=["burgerservicenummer"])
    assert {p["burgerservicenummer"] for p in persons} >= {"999993112", "999994542", "999995807", "999995832"}
    # 25 distinct numbers in two questions of at most 20, each number asked once.
    assert brp.request_count == brp.requests_by_type["RaadpleegMetBurgerservicenummer"] == 2
    chunks = [q["burgerservicenummer"] for q in brp.queries]
    assert sorted(sum(chunks, [])) == sorted(set(bsns)) and all(len(chunk) <= 20 for chunk in chunks)


def test_api_key_is_required_when_configured():
    with FakeBrpServer(api_key="geheim-123", mock_data=False) as brp:
        with quick_client(brp.url) as client, pytest.raises(BrpAuthenticationError) as caught:
            client.get_by_bsn(["999993112"], fields=["burgerservicenummer"])
        assert caught.value.status == 401 and brp.request_count == 1  # not retried
        with quick_client(brp.url, api_key="fout") as client, pytest.raises(BrpAuthenticationError):
            client.get_by_bsn(["999993112"], fields=["burgerservicenummer"])
        with quick_client(brp.url, api_key="geheim-123") as client:
            assert client.get_by_bsn(["999993112"], fields=["burgerservicenummer"]) == []


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_oauth_token_is_cached_until_it_expires():
    clock = Clock()
    with FakeBrpServer(oauth_clients={"vroegsignalering": "s3cret"}, token_lifetime=300, mock_data=False) as brp:
        credentials = OAuthCredentials(brp.token_url, "vroegsignalering", "s3cret")
        with quick_client(brp.url, oauth=credentials, clock=clock) as client:
            for _ in range(3):
                client.get_by_bsn(["999993112"], fields=["burgerservicenummer"])
            assert brp.token_request_count == 1
            clock.now += 290  # within 30 s of expiry: renewed before use
            client.get_by_bsn(["999993112"], fields=["burgerservicenummer"])
            assert brp.token_request_count == 2
            brp.revoke_tokens()  # a 401 with a cached token: one fresh token, then the answer
            client.get_by_bsn(["999993112"], fields=["burgerservicenummer"])
            assert brp.token_request_count == 3


def test_oauth_with_a_wrong_secret_is_an_authentication_error():
    with FakeBrpServer(oauth_clients={"vroegsignalering": "s3cret"}, mock_data=False) as brp:
        credentials = OAuthCredentials(brp.token_url, "vroegsignalering", "fout")
        with quick_client(brp.url, oauth=credentials) as client, pytest.raises(BrpAuthenticationError):
            client.get_by_bsn(["999993112"], fields=["burgerservicenummer"])
        assert brp.request_count == 0


def test_retry_after_as_http_date():
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=120)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert 100 < retry_after_of(httpx.Response(503, headers={"Retry-After": later})) <= 120
    assert retry_after_of(httpx.Response(503, headers={"Retry-After": "7"})) == 7
    assert retry_after_of(httpx.Response(503)) is None


def test_client_from_settings(settings):
    settings.BRP_BASE_URL = "https://brp.example.nl/haalcentraal/api/brp/"
    settings.BRP_API_KEY = "sleutel"
    settings.BRP_OAUTH_TOKEN_URL = "https://login.example.nl/token"
    settings.BRP_OAUTH_CLIENT_ID = "vs"
    settings.BRP_OAUTH_CLIENT_SECRET = "geheim"
    settings.BRP_TIMEOUT = 4
    settings.BRP_RETRIES = 5
    with client_from_settings() as client:
        assert client.url == "https://brp.example.nl/haalcentraal/api/brp/personen"
        assert (client.timeout, client.retries) == (4.0, 5)
        assert client._api_key == "sleutel"
        assert client._tokens.credentials == OAuthCredentials("https://login.example.nl/token", "vs", "geheim")


def test_client_from_settings_defaults_to_the_local_fake(settings):
    for name in ("BRP_BASE_URL", "BRP_API_KEY", "BRP_OAUTH_TOKEN_URL", "BRP_TIMEOUT", "BRP_RETRIES"):
        if hasattr(settings, name):
            delattr(settings, name)
    with client_from_settings() as client:
        assert client.url == "http://127.0.0.1:5010/haalcentraal/api/brp/personen"
        assert (client.timeout, client.retries, client._tokens) == (10.0, 3, None)
