"""Every answer carries a request id: the one the proxy sent when well formed, otherwise a new one."""
import pytest


@pytest.mark.django_db
def test_each_request_gets_its_own_id(client):
    first = client.get("/inloggen")["X-Request-ID"]
    second = client.get("/inloggen")["X-Request-ID"]
    assert len(first) == 32 and first != second


@pytest.mark.django_db
@pytest.mark.parametrize("offered, kept", [("abcdef12-3456", True), ("kort", False), ("a\tb" * 10, False),
                                           ("x" * 65, False), ("<script>alert(1)</script>", False)])
def test_a_well_formed_id_from_the_proxy_is_kept(client, settings, offered, kept):
    settings.TRUSTED_PROXY_COUNT = 1  # behind a proxy that sets it
    answered = client.get("/inloggen", headers={"X-Request-ID": offered})["X-Request-ID"]
    assert (answered == offered) is kept


@pytest.mark.django_db
def test_without_a_trusted_proxy_a_client_cannot_choose_the_id(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client.get("/inloggen", headers={"X-Request-ID": "abcdef12-3456"})["X-Request-ID"] != "abcdef12-3456"
