"""The asynchronous BRP session of a chunk against the fake BRP on loopback: at most so many queries
in flight, 429 with Retry-After slows it down, 5xx and timeouts are retried, a BRP that is down
stops it soon (circuit breaker), OAuth tokens are renewed once, errors as the synchronous client's."""
import asyncio
import time

import pytest

from demo.brp_fake.server import Behaviour, FakeBrpServer
from signals.brp.client import ZOEK_POSTCODE_HUISNUMMER, BrpAuthenticationError, BrpRequestError, BrpUnavailable
from signals.brp.session import OAuthCredentials
from signals.brp.transport import AsyncBrpSession

FIELDS = ["burgerservicenummer", "naam.geslachtsnaam"]


@pytest.fixture(scope="module")
def population():
    return FakeBrpServer(inhabitants={"0518": 566_221}).store


@pytest.fixture
def brp(population):
    with FakeBrpServer(store=population) as fake:
        yield fake


def query(number: int = 32, postcode: str = "2516BD") -> dict:
    return {"type": ZOEK_POSTCODE_HUISNUMMER, "postcode": postcode, "huisnummer": number, "fields": FIELDS}


def ask_all(session: AsyncBrpSession, queries: list[dict]) -> list:
    """Post every query at once; the answers or errors in order."""
    session.prepare()

    async def run():
        async with session:
            return await asyncio.gather(*(session.personen(q) for q in queries), return_exceptions=True)

    try:
        return asyncio.run(run())
    finally:
        session.close()


def session_for(url: str, **options) -> AsyncBrpSession:
    return AsyncBrpSession(url, **{"retries": 2, "backoff": 0.01, "timeout": 5.0, **options})


def test_answers_as_the_synchronous_client(brp):
    [persons] = ask_all(session_for(brp.url), [query()])
    assert sorted(p["naam"]["geslachtsnaam"] for p in persons) == ["Crooy", "Verheul"]
    assert brp.queries[-1] == query()


def test_never_more_in_flight_than_the_concurrency(brp):
    brp.set_behaviour(Behaviour(latency_ms=30))
    answers = ask_all(session_for(brp.url, concurrency=5), [query(n) for n in range(1, 61, 2)])
    assert not [a for a in answers if isinstance(a, Exception)]
    assert brp.max_in_flight == 5
    assert brp.request_count == 30


def test_a_checks_next_question_goes_before_the_address_searches_still_waiting(brp):
    """A full record (a check under way) gets the next free place before more address searches (new
    checks), so checks finish one after another instead of all at the end."""
    brp.set_behaviour(Behaviour(latency_ms=20))
    record = {"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": ["999995455"], "fields": FIELDS}
    ask_all(session_for(brp.url, concurrency=1), [query(n) for n in range(1, 21, 2)] + [record])
    sent = [q["type"] for q in brp.queries]
    assert sent.index("RaadpleegMetBurgerservicenummer") <= 2, sent  # not the last of 11


def test_429_closes_the_gate_for_retry_after_and_lowers_the_limit(brp):
    brp.set_behaviour(Behaviour(latency_ms=30, max_concurrent=2, retry_after_s=0.3))
    session = session_for(brp.url, concurrency=8)
    started = time.monotonic()
    answers = ask_all(session, [query(n) for n in range(1, 41, 2)])
    assert not [a for a in answers if isinstance(a, Exception)]  # recovered: every query answered
    assert brp.throttled > 0 and session.throttles == brp.throttled
    assert time.monotonic() - started >= 0.3  # waited for Retry-After
    assert session.limit < 8  # lowered, raised again by one per 20 answers


def test_a_retry_after_beyond_the_maximum_is_not_waited_for(brp):
    brp.fail_next(1, status=429, retry_after=120)
    started = time.monotonic()
    [error] = ask_all(session_for(brp.url), [query()])
    assert isinstance(error, BrpUnavailable) and error.retry_after == 120
    assert time.monotonic() - started < 2


def test_a_burst_of_503_is_retried(brp):
    brp.fail_next(3, status=503)
    answers = ask_all(session_for(brp.url, retries=3, concurrency=1), [query(), query(2)])
    assert all(isinstance(a, list) for a in answers)
    assert brp.request_count == 5


def test_503_until_the_retries_run_out_is_unavailable(brp):
    brp.fail_next(10, status=503)
    [error] = ask_all(session_for(brp.url, retries=2), [query()])
    assert isinstance(error, BrpUnavailable) and error.status == 503
    assert brp.request_count == 3


def test_a_refused_query_is_not_repeated(brp):
    [error] = ask_all(session_for(brp.url), [query(postcode="0000AA")])
    assert isinstance(error, BrpRequestError) and error.status == 400
    assert brp.request_count == 1


def test_brp_down_the_breaker_stops_asking(brp):
    brp.set_down()
    session = session_for(brp.url, concurrency=4, retries=3, backoff=0.2, breaker_after=10)
    started = time.monotonic()
    answers = ask_all(session, [query(n) for n in range(1, 401, 2)])
    assert all(isinstance(a, BrpUnavailable) for a in answers)
    assert session.broken
    assert brp.request_count < 20  # 200 queries, not 800 attempts
    assert time.monotonic() - started < 3


def test_slower_than_the_timeout_is_unavailable(brp):
    brp.set_delay(2.0)
    started = time.monotonic()
    [error] = ask_all(session_for(brp.url, timeout=0.2, retries=1), [query()])
    assert isinstance(error, BrpUnavailable) and "0.2 seconden" in str(error)
    assert time.monotonic() - started < 1.5


def test_api_key_is_sent(population):
    with FakeBrpServer(store=population, api_key="geheim") as fake:
        assert isinstance(ask_all(session_for(fake.url, api_key="geheim"), [query()])[0], list)
        [error] = ask_all(session_for(fake.url, api_key="fout"), [query()])
        assert isinstance(error, BrpAuthenticationError) and error.status == 401


def test_a_revoked_oauth_token_is_renewed_once_for_all_queries(population):
    with FakeBrpServer(store=population, oauth_clients={"vroegsignalering": "s3cret"}) as fake:
        credentials = OAuthCredentials(fake.token_url, "vroegsignalering", "s3cret")
        session = session_for(fake.url, oauth=credentials, concurrency=4)
        session.prepare()
        assert fake.token_request_count == 1  # fetched before the loop
        fake.revoke_tokens()
        answers = ask_all(session, [query(n) for n in range(1, 21, 2)])
        assert all(isinstance(a, list) for a in answers)
        assert fake.token_request_count == 2  # one renewal, not one per query


def test_a_token_that_stays_refused_is_an_authentication_error(population):
    with FakeBrpServer(store=population, oauth_clients={"vroegsignalering": "s3cret"}) as fake:
        credentials = OAuthCredentials(fake.token_url, "vroegsignalering", "fout")
        with pytest.raises(BrpAuthenticationError):
            session_for(fake.url, oauth=credentials).prepare()
