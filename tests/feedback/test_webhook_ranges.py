"""Webhook targets (review D14): every special-use range is refused when the address is saved and when a
delivery connects, for its first, a middle and its last address, as an IP literal and behind a name; a
name that does not resolve gets the same message at save time. The ranges are those of the IANA
special-purpose registries (typed in below from the registries, not read from the code under test)."""
import ipaddress
import socket
import time

import pytest
from django.core.exceptions import ValidationError

from feedback import services, webhooks
from feedback.models import WebhookEndpoint
from feedback.webhooks import ADDRESS_REFUSED, URL_REFUSED
from tests.e2e_support import Receiver

pytestmark = pytest.mark.django_db

RANGES = [
    # IPv4 (iana-ipv4-special-registry, multicast, reserved, broadcast)
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.0.0/29", "192.0.0.8/32", "192.0.0.9/32", "192.0.0.10/32", "192.0.0.170/31",
    "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24", "192.168.0.0/16",
    "192.175.48.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    "255.255.255.255/32",
    # IPv6 (iana-ipv6-special-registry, multicast, deprecated site-local and IPv4-compatible)
    "::/128", "::1/128", "::/96", "::ffff:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64",
    "2001::/23", "2001::/32", "2001:1::1/128", "2001:1::2/128", "2001:1::3/128", "2001:2::/48",
    "2001:3::/32", "2001:4:112::/48", "2001:10::/28", "2001:20::/28", "2001:30::/28", "2001:db8::/32",
    "2002::/16", "2620:4f:8000::/48", "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
]


def samples(network: str) -> list[str]:
    net = ipaddress.ip_network(network)
    picks = [net.network_address, net.network_address + net.num_addresses // 2, net.broadcast_address]
    return list(dict.fromkeys(str(ip) for ip in picks))


ADDRESSES = [pytest.param(address, id=f"{network}:{address}") for network in RANGES for address in samples(network)]
# Just outside some ranges, and ordinary public addresses: these stay allowed (nothing is over-blocked).
PUBLIC = ["93.184.216.34", "1.1.1.1", "100.63.255.255", "100.128.0.0", "198.17.255.255", "198.20.0.0",
          "192.0.1.255", "192.0.3.0", "203.0.114.0", "223.255.255.254", "2606:4700:4700::1111",
          "2001:4860:4860::8888", "2001:dba::1", "2003::1", "2a00:1450:4001::1"]


@pytest.fixture
def dns(monkeypatch):
    """Names under ``.partner.example`` resolve to what ``dns.answers`` says; nothing else is looked up."""
    real = socket.getaddrinfo

    class Dns:
        answers: dict = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in Dns.answers:
            return real(host, port, *args, **kwargs)
        addresses = Dns.answers[host]
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, port, 0, 0)) if ":" in a
                else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    Dns.answers = {}
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return Dns


@pytest.fixture
def strict(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_TIMEOUT = 1.0


def literal(address: str) -> str:
    return f"[{address}]" if ":" in address else address


@pytest.mark.parametrize("address", ADDRESSES)
def test_a_special_address_is_refused_when_saved(creditor, strict, dns, address):
    dns.answers["doel.partner.example"] = [address]
    dns.answers["gemengd.partner.example"] = ["93.184.216.34", address]
    for url in (f"https://{literal(address)}/hook", "https://doel.partner.example/hook",
                "https://gemengd.partner.example/hook"):
        with pytest.raises(ValidationError) as refused:
            services.webhook_endpoint_create(creditor=creditor, url=url)
        assert refused.value.message_dict["url"] == [URL_REFUSED]
    assert not WebhookEndpoint.objects.exists()


def test_a_name_that_does_not_resolve_gets_the_same_message_when_saved(creditor, strict, dns):
    dns.answers["bestaat-niet.partner.example"] = []
    with pytest.raises(ValidationError) as refused:
        services.webhook_endpoint_create(creditor=creditor, url="https://bestaat-niet.partner.example/hook")
    assert refused.value.message_dict["url"] == [URL_REFUSED]


@pytest.mark.parametrize("address", PUBLIC)
def test_a_public_address_is_accepted_when_saved(creditor, strict, dns, address):
    dns.answers["partner.example"] = [address]
    services.webhook_endpoint_create(creditor=creditor, url=f"https://{literal(address)}/hook")
    services.webhook_endpoint_create(creditor=creditor, url="https://partner.example/hook")
    assert WebhookEndpoint.objects.count() == 2


@pytest.fixture(scope="module")
def receiver():
    """One loopback listener for the connect tests; it must never hear from them."""
    with Receiver() as rx:
        yield rx


@pytest.mark.parametrize("address", ADDRESSES)
def test_a_special_address_is_refused_when_a_delivery_connects(strict, dns, address, receiver, monkeypatch):
    """The endpoint was saved earlier (or the name pointed elsewhere then); the delivery's own guard
    refuses the address before any socket is opened, and quickly (no connect timeout waited for)."""
    port = int(receiver.url.split(":")[2].split("/")[0])
    connections = []
    create_connection = socket.create_connection

    def recording(target, *args, **kwargs):
        connections.append(target)
        return create_connection(target, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", recording)
    dns.answers["doel.partner.example"] = [address]
    heard_before = len(receiver.requests)  # the listener is shared with the control test below (any order)
    started = time.monotonic()
    with webhooks.client() as http:
        for url in (f"http://{literal(address)}:{port}/webhook", f"http://doel.partner.example:{port}/webhook"):
            attempt = webhooks.post(http, url=url, secret="whsec_test", body=b"{}", event_id="e1", cursor="c1",
                                    timestamp=int(time.time()))
            assert (attempt.ok, attempt.http_status, attempt.error) == (False, None, ADDRESS_REFUSED)
    assert connections == []
    assert len(receiver.requests) == heard_before
    assert time.monotonic() - started < 1.0


def test_the_connection_spy_and_listener_do_see_an_allowed_delivery(settings, strict, dns, receiver, monkeypatch):
    """The control for the test above: with loopback allowed (the tests' setting) the same path connects."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    port = int(receiver.url.split(":")[2].split("/")[0])
    connections = []
    create_connection = socket.create_connection
    monkeypatch.setattr(socket, "create_connection",
                        lambda target, *a, **k: connections.append(target) or create_connection(target, *a, **k))
    before = len(receiver.requests)
    with webhooks.client() as http:
        attempt = webhooks.post(http, url=f"http://127.0.0.1:{port}/webhook", secret="whsec_test", body=b"{}",
                                event_id="e1", cursor="c1", timestamp=int(time.time()))
    assert attempt.ok
    assert connections == [("127.0.0.1", port)]
    assert len(receiver.requests) == before + 1
