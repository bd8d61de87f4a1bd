"""``decide_many``: a chunk of checks decided concurrently from shared answers gives exactly the
decisions of one ``check_person`` per signal, with far fewer BRP requests, and fails only the checks
a failed question concerns. Against the fake BRP on loopback."""
import json
import time

import pytest

from demo.brp_fake.server import Behaviour, FakeBrpServer
from signals.brp.client import BrpClient
from signals.brp.decide import check_chosen_person, check_person
from signals.brp.errors import BrpRequestError, BrpUnavailable
from signals.brp.many import ChosenCheck, PersonCheck, decide_many
from tests.signals.brp import names_population
from tests.signals.brp.chunk_signals import (
    TODAY,
    chosen_checks,
    names_checks,
    official_checks,
    realistic_checks,
    write_population,
)


@pytest.fixture(scope="module")
def households():
    return names_population.population(60, seed=9)


@pytest.fixture(scope="module")
def persons(tmp_path_factory, households):
    path = write_population(tmp_path_factory.mktemp("brp"), households)
    return FakeBrpServer(mock_data=path, inhabitants={"0518": 566_221}, today=TODAY).store


@pytest.fixture
def brp(persons, settings):
    with FakeBrpServer(store=persons, today=TODAY) as fake:
        settings.BRP_BASE_URL = fake.url
        settings.BRP_API_KEY = ""
        settings.BRP_OAUTH_TOKEN_URL = ""
        settings.BRP_RETRIES = 1
        settings.BRP_TIMEOUT = 5.0
        settings.BRP_CONCURRENCY = 16
        yield fake


def one_by_one(url, checks):
    """The sequential path: one check_person (or check_chosen_person) per check."""
    results = []
    with BrpClient(url, retries=1, backoff=0.01, timeout=5.0) as client:
        for check in checks:
            arguments = dict(vars(check))
            try:
                if isinstance(check, ChosenCheck):
                    results.append(check_chosen_person(client, **arguments))
                else:
                    results.append(check_person(client, **arguments))
            except BrpRequestError as exc:
                results.append(exc)
    return results


def evidence(result):
    if isinstance(result, Exception):
        return type(result).__name__
    return json.dumps(result.as_evidence(), sort_keys=True, default=str)


def assert_same(checks, sequential, concurrent):
    assert len(concurrent) == len(checks)
    different = [(check, evidence(a), evidence(b)) for check, a, b in zip(checks, sequential, concurrent, strict=True)
                 if evidence(a) != evidence(b)]
    assert not different, different[:2]


# --- the same decisions -----------------------------------------------------------------------


def test_official_mock_persons_get_the_decisions_of_the_sequential_path(brp):
    checks = official_checks()
    sequential = one_by_one(brp.url, checks)
    brp.reset()
    concurrent = decide_many(checks)
    assert_same(checks, sequential, concurrent)
    outcomes = {r.outcome.value for r in concurrent if not isinstance(r, Exception)}
    assert {"gevonden", "overleden", "verhuisd", "vertrokken", "minderjarig", "niet_gevonden",
            "meerdere_kandidaten"} <= outcomes
    assert brp.request_count < 1.2 * len(checks)


def test_generated_names_get_the_decisions_of_the_sequential_path(brp, households):
    """Prefixes, diacritics, letters written as additions, partners' names, no birth date, swapped
    names, near misses; many signals per dwelling in one chunk."""
    checks = names_checks(households)
    sequential = one_by_one(brp.url, checks)
    concurrent = decide_many(checks)
    assert_same(checks, sequential, concurrent)


def test_a_chosen_person_gets_the_decision_of_the_sequential_path(brp):
    checks = chosen_checks()
    sequential = one_by_one(brp.url, checks)
    brp.reset()
    concurrent = decide_many(checks)
    assert_same(checks, sequential, concurrent)
    # 20 BSNs per question; record and household share the address searches
    assert brp.requests_by_type["RaadpleegMetBurgerservicenummer"] <= len(checks) / 20 + 2


def test_a_realistic_chunk_of_200_needs_at_most_1_2_requests_per_signal(brp):
    checks = realistic_checks(200)
    sequential = one_by_one(brp.url, checks)
    asked_one_by_one = brp.request_count
    brp.reset()
    concurrent = decide_many(checks)
    assert_same(checks, sequential, concurrent)
    print(f"requests per signal: {brp.request_count / len(checks):.3f} "
          f"(one by one {asked_one_by_one / len(checks):.2f}) {dict(brp.requests_by_type)}")
    assert brp.request_count <= 1.2 * len(checks)


def test_mixed_chunk_of_persons_and_chosen_persons(brp):
    checks = [*realistic_checks(30, seed=3), *chosen_checks(10, seed=4)]
    assert_same(checks, one_by_one(brp.url, checks), decide_many(checks))


def test_an_empty_chunk_asks_nothing(brp):
    assert decide_many([]) == []
    assert brp.request_count == 0


# --- failures stay with the checks they concern -------------------------------------------------


def test_a_refused_question_fails_only_its_check(brp):
    good = realistic_checks(10, seed=5)
    bad = PersonCheck(municipality_code="0518", postcode="0000AA", house_number=1, surname="Jansen",
                      birth_date=TODAY, today=TODAY)
    results = decide_many([*good, bad])
    assert isinstance(results[-1], BrpRequestError)
    assert not any(isinstance(r, Exception) for r in results[:-1])


def test_a_bad_bsn_in_a_batch_does_not_fail_the_others(brp):
    checks = chosen_checks(15, seed=6)
    bad = ChosenCheck(bsn="12345", municipality_code="0518", today=TODAY)
    results = decide_many([*checks, bad])
    assert isinstance(results[-1], BrpRequestError)
    assert_same(checks, one_by_one(brp.url, checks), results[:-1])


def test_never_more_queries_in_flight_than_brp_concurrency(brp, settings):
    settings.BRP_CONCURRENCY = 4
    brp.set_behaviour(Behaviour(latency_ms=20))
    results = decide_many(realistic_checks(60, seed=7))
    assert not any(isinstance(r, Exception) for r in results)
    assert brp.max_in_flight == 4


def test_throttled_by_the_brp_the_chunk_slows_down_and_finishes(brp, settings):
    settings.BRP_CONCURRENCY = 12
    brp.set_behaviour(Behaviour(latency_ms=20, max_concurrent=3, retry_after_s=0.2))
    checks = realistic_checks(40, seed=8)
    results = decide_many(checks)
    assert brp.throttled > 0
    brp.set_behaviour(Behaviour())
    assert_same(checks, one_by_one(brp.url, checks), results)


def test_a_burst_of_503_is_retried(brp):
    checks = realistic_checks(20, seed=9)
    brp.fail_next(4, status=503)
    results = decide_many(checks)
    assert_same(checks, one_by_one(brp.url, checks), results)


def test_brp_down_every_check_waits_and_the_breaker_stops_asking_soon(brp):
    brp.set_down()
    started = time.monotonic()
    results = decide_many(realistic_checks(100, seed=10))
    assert all(isinstance(r, BrpUnavailable) for r in results)
    assert time.monotonic() - started < 5.0
    assert brp.request_count < 40  # not 100 × (1 + retries)


def test_a_brp_slower_than_the_timeout_is_unavailable(brp, settings):
    settings.BRP_TIMEOUT = 0.2
    settings.BRP_RETRIES = 0
    brp.set_delay(1.0)
    results = decide_many(realistic_checks(5, seed=11))
    assert all(isinstance(r, BrpUnavailable) for r in results)


def test_the_budget_ends_the_call(brp):
    brp.set_delay(3.0)
    started = time.monotonic()
    results = decide_many(realistic_checks(10, seed=12), budget=0.5)
    assert time.monotonic() - started < 2.0
    assert all(isinstance(r, BrpUnavailable) for r in results)
    assert "tijd" in str(results[0])


def test_oauth_token_is_renewed_once_when_revoked(persons, settings):
    with FakeBrpServer(store=persons, today=TODAY, oauth_clients={"vroegsignalering": "s3cret"}) as fake:
        settings.BRP_BASE_URL = fake.url
        settings.BRP_API_KEY = ""
        settings.BRP_OAUTH_TOKEN_URL = fake.token_url
        settings.BRP_OAUTH_CLIENT_ID = "vroegsignalering"
        settings.BRP_OAUTH_CLIENT_SECRET = "s3cret"
        settings.BRP_RETRIES = 1
        checks = realistic_checks(10, seed=13)
        first = decide_many(checks)
        assert not any(isinstance(r, Exception) for r in first)
        fake.revoke_tokens()
        again = decide_many(checks)
        assert_same(checks, first, again)
        assert fake.token_request_count == 2
