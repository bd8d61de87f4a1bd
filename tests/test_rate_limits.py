"""Rate limits hold under concurrency (review D10): 20 parallel clients against a live server fire more
requests than the limit within one window; at most the limit get through, the rest get 429 with
Retry-After. On the configured cache (Redis in CI: ``CACHE_URL=redis://…``) and on LocMemCache (the
embedded run)."""
import threading
import time

import httpx
import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from accounts.models import Role
from tests.caches import own_caches
from tests.factories import CreditorFactory, MunicipalityFactory, UserFactory, issued_key
from tests.factories.accounts import token_for
from vroegsignalering.common.ratelimit import client_ip, hit

CLIENTS = 20
PER_CLIENT = 3
LIMIT = 25  # 60 requests against 25 an hour
RATE = f"{LIMIT}/h"
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rate-limit-test"}}


@pytest.fixture(params=["configured", "locmem"])
def cache_kind(request, settings):
    """The configured cache (Redis where CACHE_URL says so), and LocMemCache."""
    if request.param == "locmem":
        settings.CACHES = own_caches(LOCMEM)
    elif "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        pytest.skip("CACHE_URL is not Redis here; the locmem variant runs (CI runs both)")
    return request.param


def fresh_window(group: str, ident: str) -> None:
    """Wait for a new window when less than 20 s are left of this one: the burst must fit in one."""
    left = hit(group, ident, RATE, increment=False).retry_after
    if left < 20:
        time.sleep(left + 1)


def burst(url: str, *, method: str = "GET", headers: dict | None = None) -> list[httpx.Response]:
    """CLIENTS threads, released together, each sending PER_CLIENT requests on its own connection."""
    start = threading.Barrier(CLIENTS)
    responses: list[httpx.Response] = []
    lock = threading.Lock()

    def client() -> None:
        with httpx.Client(timeout=30, headers=headers or {}) as http:
            start.wait()
            for _ in range(PER_CLIENT):
                response = http.request(method, url)
                with lock:
                    responses.append(response)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(responses) == CLIENTS * PER_CLIENT
    return responses


def assert_limit_held(responses: list[httpx.Response], *, problem: bool) -> None:
    accepted = [r for r in responses if r.status_code != 429]
    refused = [r for r in responses if r.status_code == 429]
    assert len(accepted) == LIMIT, [r.status_code for r in responses]  # exact: no count lost, none extra
    assert len(refused) == CLIENTS * PER_CLIENT - LIMIT
    for response in refused:
        assert 0 < int(response.headers["Retry-After"]) <= 3600
        if problem:
            assert response.headers["Content-Type"] == "application/problem+json"
            assert response.json()["title"] == "Te veel verzoeken."
        else:
            assert "Te veel inlogpogingen" in response.text


@pytest.mark.django_db(transaction=True)
def test_the_creditor_limit_holds_under_20_parallel_clients(live_server, settings, cache_kind):
    settings.API_RATE_LIMIT = RATE
    creditor = CreditorFactory(name="Zorgverzekeraar Druk")
    MunicipalityFactory()
    key = issued_key(creditor)
    fresh_window("creditor_key", f"creditor-{creditor.pk}")
    responses = burst(f"{live_server.url}/api/v1/signalen/ZV-1", headers={"X-Api-Key": key})
    assert {r.status_code for r in responses} == {404, 429}
    assert_limit_held(responses, problem=True)
    # Another creditor has its own count.
    other = CreditorFactory(name="Energie Rustig")
    answer = httpx.get(f"{live_server.url}/api/v1/signalen/ZV-1", headers={"X-Api-Key": issued_key(other)})
    assert answer.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_user_token_limit_holds_under_20_parallel_clients(live_server, settings, cache_kind):
    settings.API_RATE_LIMIT = RATE
    gemeente = MunicipalityFactory(cbs_code="0100", name="Proefdorp")
    worker = UserFactory(role=Role.VROEGSIGNALEERDER, municipalities=[gemeente])
    fresh_window("gemeente_token", f"user-{worker.pk}")
    token = token_for(worker)
    responses = burst(f"{live_server.url}/api/v1/gemeente/bakjes", headers={"Authorization": f"Token {token}"})
    assert {r.status_code for r in responses} == {200, 429}
    assert_limit_held(responses, problem=True)


@pytest.mark.django_db(transaction=True)
def test_the_login_limit_per_ip_holds_under_20_parallel_clients(live_server, settings, cache_kind):
    settings.LOGIN_RATE_LIMIT = RATE
    fresh_window("login-ip", "127.0.0.1")
    responses = burst(f"{live_server.url}/inloggen", method="POST")
    assert {r.status_code for r in responses} == {403, 429}  # 403: no CSRF token; counted all the same
    assert_limit_held(responses, problem=False)
    assert httpx.post(f"{live_server.url}/beheer/login/").status_code == 429  # the admin's login shares it
    assert httpx.get(f"{live_server.url}/inloggen").status_code == 200  # the page itself still opens


@pytest.mark.django_db(transaction=True)
def test_requests_without_credentials_are_limited_per_ip(live_server, settings, cache_kind):
    settings.UNAUTHENTICATED_RATE_LIMIT = RATE
    fresh_window("unauthenticated-ip", "127.0.0.1")
    responses = burst(f"{live_server.url}/api/v1/signalen")
    assert {r.status_code for r in responses} == {401, 429}
    assert_limit_held(responses, problem=True)


@pytest.mark.django_db(transaction=True)
def test_refused_keys_count_against_the_ip_and_then_block_it(live_server, settings, cache_kind):
    """A refused key or token is counted after its 401; beyond the limit the IP is refused before the
    key is even looked up (also a valid one: guessing keys from that address stops). Checked and counted
    separately, so parallel guesses may pass the limit by at most the number in flight."""
    settings.UNAUTHENTICATED_RATE_LIMIT = RATE
    creditor = CreditorFactory(name="Zorgverzekeraar Geldig")
    MunicipalityFactory()
    valid = issued_key(creditor)
    fresh_window("unauthenticated-ip", "127.0.0.1")
    responses = burst(f"{live_server.url}/api/v1/signalen/ZV-1", headers={"X-Api-Key": "fout.sleutel"})
    accepted = [r for r in responses if r.status_code == 401]
    assert LIMIT <= len(accepted) < LIMIT + CLIENTS
    assert {r.status_code for r in responses} == {401, 429}
    after = httpx.get(f"{live_server.url}/api/v1/signalen/ZV-1", headers={"X-Api-Key": valid})
    assert after.status_code == 429 and int(after.headers["Retry-After"]) > 0


@pytest.mark.django_db
def test_refused_keys_one_after_another_stop_at_the_limit(settings):
    settings.UNAUTHENTICATED_RATE_LIMIT = "3/h"
    client = APIClient(HTTP_X_API_KEY="fout.sleutel")
    statuses = [client.get("/api/v1/signalen/ZV-1").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
    other_ip = APIClient(REMOTE_ADDR="198.51.100.7", HTTP_X_API_KEY="fout.sleutel")
    assert other_ip.get("/api/v1/signalen").status_code == 401  # another address has its own count


@pytest.mark.parametrize(("trusted", "remote", "forwarded", "expected"), [
    (0, "198.51.100.7", "203.0.113.9", "198.51.100.7"),  # no proxy trusted: the header is ignored
    (1, "10.0.0.2", "203.0.113.9", "203.0.113.9"),
    (1, "10.0.0.2", "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # the client's own (forged) entry is skipped
    (2, "10.0.0.2", "1.2.3.4, 203.0.113.9, 10.0.0.3", "203.0.113.9"),
    (2, "10.0.0.2", "", "10.0.0.2"),  # fewer entries than proxies: the peer
    (1, "10.0.0.2", "geen-adres", "10.0.0.2"),  # not an address: the peer
    (0, "2001:db8:1:2:3:4:5:6", "", "2001:db8:1:2::"),  # IPv6 per /64
])
def test_the_client_ip_trusts_only_the_configured_proxies(settings, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
