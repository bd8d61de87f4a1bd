"""Webhooks: each published feed item is POSTed, signed, to its own creditor's endpoints, against real
HTTP receivers on loopback (tests/e2e_support.Receiver)."""
import datetime as dt
import hashlib
import hmac
import json
import socket
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from cases import services as case_services
from feedback import services
from feedback.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from feedback.selectors import webhook_endpoints_due
from feedback.services import feedback_issue_for_signal
from feedback.webhooks import ADDRESS_REFUSED
from signals.models import SignalStatus
from tests.auth import login
from tests.e2e_support import Receiver, hanging, statuses, wait_until
from tests.factories import CreditorFactory, UserFactory, make_signal, open_case, reach
from tests.feedback.helpers import NOW
from vroegsignalering.celery import app
from vroegsignalering.common.vocab import Outcome

pytestmark = pytest.mark.django_db
FEED = "/api/v1/terugkoppelingen"
ITEM_FIELDS = {"id", "signaalId", "gemeentecode", "code", "omschrijving", "datum", "incassorustTot"}


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    settings.WEBHOOK_ALLOW_HTTP = True  # the receivers are plain http on loopback
    settings.WEBHOOK_TIMEOUT = 1.0


def issue(municipality, creditor, n: int = 1, outcome=Outcome.OVERLEDEN) -> list:
    return [feedback_issue_for_signal(signal=make_signal(municipality, creditor=creditor,
                                                         status=SignalStatus.AFGEHANDELD),
                                      outcome=outcome, now=NOW)
            for _ in range(n)]


def publish(django_capture_on_commit_callbacks) -> int:
    """Publish as the feed or the sweep does; the enqueued delivery runs execute (eager) on commit."""
    with django_capture_on_commit_callbacks(execute=True):
        return services.feedback_publish()


def verify(secret: str, body: bytes, header: str) -> bool:
    """The receiver's check, written from docs/webhooks.md (not with the sender's code)."""
    parts = dict(part.split("=", 1) for part in header.split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"]) and abs(time.time() - int(parts["t"])) < 300


def test_each_item_is_posted_signed_and_is_exactly_the_feed_item(api, municipality, worker,
                                                                  django_capture_on_commit_callbacks):
    with Receiver() as receiver:
        endpoint, secret = services.webhook_endpoint_create(creditor=api.creditor, url=receiver.url)
        issue(municipality, api.creditor, 1, Outcome.OVERLEDEN)
        issue(municipality, api.creditor, 1, Outcome.ONTERECHT_SIGNAAL)
        case = open_case(municipality, {"creditor": api.creditor})
        reach(case, worker)
        case_services.case_close(case=case, outcome=Outcome.QUICK_FIX, by=worker, now=NOW)
        assert publish(django_capture_on_commit_callbacks) == 3

    feed = api.get(FEED).json()["terugkoppelingen"]
    assert [item["code"] for item in feed] == ["overleden", "niet_opgepakt_onterecht_signaal", "hulp_geaccepteerd"]
    assert feed[2]["incassorustTot"] == (NOW.date() + dt.timedelta(days=30)).isoformat()
    # In feed order, and each body is exactly the feed's item: no field more, no field less.
    assert [json.loads(r.body) for r in receiver.requests] == feed
    assert all(set(json.loads(r.body)) == ITEM_FIELDS for r in receiver.requests)
    for request, item in zip(receiver.requests, feed, strict=True):
        assert request.headers["Content-Type"] == "application/json"
        assert verify(secret, request.body, request.headers["Signature"])
        assert not verify(secret, request.body.replace(b'"code":"', b'"code":"x'), request.headers["Signature"])
        assert not verify("whsec_een-ander-geheim", request.body, request.headers["Signature"])
        assert request.headers["Idempotency-Key"] == item["id"]
    # The cursor header resumes the feed right after that item.
    after_first = api.get(FEED, {"vanaf": receiver.requests[0].headers["Feed-Cursor"]}).json()
    assert after_first["terugkoppelingen"] == feed[1:]
    assert api.get(FEED, {"vanaf": receiver.requests[-1].headers["Feed-Cursor"]}).json()["terugkoppelingen"] == []
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint)
    assert set(deliveries.values_list("status", "attempts", "last_http_status")) == {(DeliveryStatus.DELIVERED, 1,
                                                                                     200)}
    # Published once, pushed once: a second publish or sweep sends nothing again.
    assert publish(django_capture_on_commit_callbacks) == 0
    assert services.webhook_endpoint_deliver(endpoint_id=endpoint.pk).delivered == 0
    assert len(receiver.requests) == 3


def test_a_creditor_receives_only_its_own_events(municipality, django_capture_on_commit_callbacks):
    north, south, silent = (CreditorFactory(name=name) for name in ("Noord", "Zuid", "Zonder webhook"))
    with Receiver() as north_rx, Receiver() as north_rx2, Receiver() as south_rx:
        services.webhook_endpoint_create(creditor=north, url=north_rx.url)
        services.webhook_endpoint_create(creditor=north, url=north_rx2.url, description="tweede systeem")
        services.webhook_endpoint_create(creditor=south, url=south_rx.url)
        events = []
        for _ in range(3):
            events += issue(municipality, north) + issue(municipality, south) + issue(municipality, silent)
        publish(django_capture_on_commit_callbacks)

    def ids(receiver):
        return [json.loads(r.body)["signaalId"] for r in receiver.requests]

    expected = {creditor: [e.signal.signal_id for e in events if e.creditor_id == creditor.pk]
                for creditor in (north, south)}
    assert ids(north_rx) == ids(north_rx2) == expected[north]
    assert ids(south_rx) == expected[south]
    assert not WebhookDelivery.objects.filter(event__creditor=silent).exists()


def test_a_failing_receiver_is_retried_with_growing_backoff_until_it_succeeds(api, municipality,
                                                                               django_capture_on_commit_callbacks):
    with Receiver(statuses(500, 503)) as receiver:
        endpoint, _ = services.webhook_endpoint_create(creditor=api.creditor, url=receiver.url)
        first, second = issue(municipality, api.creditor, 2)
        t0 = timezone.now()
        publish(django_capture_on_commit_callbacks)
        # The first item failed; the second waits behind it (delivery in feed order).
        assert len(receiver.requests) == 1
        endpoint.refresh_from_db()
        head = WebhookDelivery.objects.get(event=first)
        assert (head.status, head.attempts, head.last_http_status) == (DeliveryStatus.PENDING, 1, 500)
        assert head.last_error == "Antwoord met HTTP-status 500."
        wait_1 = endpoint.retry_at - t0
        assert dt.timedelta(seconds=45) <= wait_1 <= dt.timedelta(seconds=75)  # 1 minute ± 20 %
        assert head.next_attempt_at == endpoint.retry_at

        # Not before its time: neither a run nor the sweep touches it.
        early = t0 + dt.timedelta(seconds=40)
        assert not services.webhook_endpoint_deliver(endpoint_id=endpoint.pk, now=early).claimed
        assert webhook_endpoints_due(now=early) == []
        assert webhook_endpoints_due(now=endpoint.retry_at) == [endpoint.pk]

        t1 = endpoint.retry_at
        run = services.webhook_endpoint_deliver(endpoint_id=endpoint.pk, now=t1)
        assert (run.delivered, run.failed_attempts) == (0, 1)
        endpoint.refresh_from_db()
        wait_2 = endpoint.retry_at - t1
        assert dt.timedelta(seconds=96) <= wait_2 <= dt.timedelta(seconds=144)  # 2 minutes ± 20 %

        run = services.webhook_endpoint_deliver(endpoint_id=endpoint.pk, now=endpoint.retry_at)
        assert (run.delivered, run.failed_attempts) == (2, 0)

    bodies = [json.loads(r.body) for r in receiver.requests]
    assert [b["signaalId"] for b in bodies] == [first.signal.signal_id] * 3 + [second.signal.signal_id]
    # A retry is the same item with the same id (receivers drop duplicates), signed anew.
    assert len({r.headers["Idempotency-Key"] for r in receiver.requests[:3]}) == 1
    assert len({r.headers["Signature"] for r in receiver.requests[:3]}) == 3
    head.refresh_from_db()
    assert (head.status, head.attempts, head.last_http_status, head.last_error) == (DeliveryStatus.DELIVERED, 3,
                                                                                    200, "")
    endpoint.refresh_from_db()
    assert (endpoint.failures, endpoint.retry_at) == (0, None)


def test_backoff_grows_to_a_ceiling_and_an_old_item_is_given_up(api, municipality,
                                                                django_capture_on_commit_callbacks):
    with Receiver(lambda n: 500) as receiver:
        endpoint, _ = services.webhook_endpoint_create(creditor=api.creditor, url=receiver.url)
        (old,) = issue(municipality, api.creditor)
        publish(django_capture_on_commit_callbacks)
        waits, at = [], timezone.now()
        for _ in range(11):
            endpoint.refresh_from_db()
            waits.append(endpoint.retry_at - at)
            at = endpoint.retry_at
            services.webhook_endpoint_deliver(endpoint_id=endpoint.pk, now=at)
        assert len(receiver.requests) == 12
        nominal = [min(60 * 2 ** i, 6 * 3600) for i in range(11)]
        assert all(0.8 * n <= w.total_seconds() <= 1.2 * n for w, n in zip(waits, nominal, strict=True))

        # A day later the item is given up (the feed still has it); a newer one goes out.
        (new,) = issue(municipality, api.creditor)
        publish(django_capture_on_commit_callbacks)  # the endpoint is backing off: nothing sent now
        assert len(receiver.requests) == 12
        receiver.respond = lambda n: 200
        day_later = WebhookDelivery.objects.get(event=old).created_at + dt.timedelta(hours=24, minutes=1)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(retry_at=None)
        WebhookDelivery.objects.filter(event=new).update(created_at=day_later - dt.timedelta(minutes=5))
        run = services.webhook_endpoint_deliver(endpoint_id=endpoint.pk, now=day_later)
        assert (run.given_up, run.delivered) == (1, 1)
        assert [json.loads(r.body)["signaalId"] for r in receiver.requests[12:]] == [new.signal.signal_id]
        given_up = WebhookDelivery.objects.get(event=old)
        assert given_up.status == DeliveryStatus.FAILED
        assert given_up.last_error.startswith("Opgegeven")

        # A functional administrator can send it again.
        with django_capture_on_commit_callbacks(execute=True):
            assert services.webhook_deliveries_retry(delivery_ids=[given_up.pk]) == 1
        assert json.loads(receiver.requests[-1].body)["signaalId"] == old.signal.signal_id
        assert WebhookDelivery.objects.get(event=old).status == DeliveryStatus.DELIVERED


def test_an_unreachable_or_hanging_endpoint_costs_one_short_attempt_per_run(api, municipality,
                                                                            django_capture_on_commit_callbacks):
    with Receiver(hanging(10.0)) as receiver:
        endpoint, _ = services.webhook_endpoint_create(creditor=api.creditor, url=receiver.url)
        issue(municipality, api.creditor, 5)
        started = time.monotonic()
        publish(django_capture_on_commit_callbacks)
        elapsed = time.monotonic() - started
    assert len(receiver.requests) == 1  # not five timeouts in a row
    # The 1 s timeout (tests) bounds the run: neither the receiver's 10 s nor five timeouts (5 s).
    assert elapsed < 4.5
    head = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("seq").first()
    assert head.last_error == "Geen antwoord binnen 1 s."
    assert head.last_http_status is None
    # Nothing listens here any more: a refused connection is a failure like any other.
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(retry_at=None)
    run = services.webhook_endpoint_deliver(endpoint_id=endpoint.pk)
    assert run.failed_attempts == 1
    assert WebhookDelivery.objects.get(pk=head.pk).last_error.startswith("Verbinding mislukt")


def test_one_run_per_endpoint_at_a_time(api, municipality, django_capture_on_commit_callbacks):
    with Receiver() as receiver:
        endpoint, _ = services.webhook_endpoint_create(creditor=api.creditor, url=receiver.url)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(lease_until=timezone.now() + dt.timedelta(minutes=1))
        issue(municipality, api.creditor, 2)
        publish(django_capture_on_commit_callbacks)
        assert receiver.requests == []  # another run holds the endpoint
        # A run that died leaves its lease behind; after it expires the next run takes over.
        later = timezone.now() + dt.timedelta(minutes=2)
        assert services.webhook_endpoint_deliver(endpoint_id=endpoint.pk, now=later).delivered == 2
    assert len(receiver.requests) == 2


def test_an_inactive_endpoint_or_creditor_gets_nothing(api, municipality, django_capture_on_commit_callbacks):
    former = CreditorFactory(name="Voormalige partner", is_active=False)
    with Receiver() as receiver:
        services.webhook_endpoint_create(creditor=api.creditor, url=receiver.url, active=False)
        services.webhook_endpoint_create(creditor=former, url=receiver.url)
        issue(municipality, api.creditor, 2)
        issue(municipality, former, 2)
        publish(django_capture_on_commit_callbacks)
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_https_is_required_outside_development(api, settings):
    settings.WEBHOOK_ALLOW_HTTP = False
    with pytest.raises(ValidationError) as refused:
        services.webhook_endpoint_create(creditor=api.creditor, url="http://partner.example.nl/hook")
    assert "https" in refused.value.message_dict["url"][0]
    for bad in ("", "partner.example.nl/hook", "https://gebruiker:wachtwoord@partner.example.nl/hook"):
        with pytest.raises(ValidationError):
            services.webhook_endpoint_create(creditor=api.creditor, url=bad)
    endpoint, secret = services.webhook_endpoint_create(creditor=api.creditor, url="https://partner.example.nl/h")
    assert secret.startswith("whsec_") and len(secret) > 40
    assert WebhookEndpoint.objects.get() == endpoint


def test_command_adds_an_endpoint_and_prints_the_secret_once(api, capsys, settings):
    call_command("add_webhook", api.creditor.name, "https://partner.example.nl/vroegsignalering")
    out = capsys.readouterr().out
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.creditor == api.creditor and endpoint.active
    assert endpoint.secret in out
    from django.core.management.base import CommandError

    settings.WEBHOOK_ALLOW_HTTP = False
    with pytest.raises(CommandError, match="https"):
        call_command("add_webhook", api.creditor.name, "http://partner.example.nl/x")
    assert WebhookEndpoint.objects.count() == 1


def test_admin_shows_the_secret_once_and_refuses_http(api, client, settings, municipality):
    settings.WEBHOOK_ALLOW_HTTP = False
    admin = UserFactory(role="installatiebeheerder")  # installation-wide (security review D4)
    login(client, admin)
    url = "/beheer/feedback/webhookendpoint/add/"
    refused = client.post(url, {"creditor": api.creditor.pk, "url": "http://partner.example.nl/x", "active": "on"})
    assert refused.status_code == 200
    assert "https" in refused.content.decode()
    assert not WebhookEndpoint.objects.exists()
    created = client.post(url, {"creditor": api.creditor.pk, "url": "https://partner.example.nl/x",
                                "description": "productie", "active": "on"}, follow=True)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in created.content.decode()
    change = f"/beheer/feedback/webhookendpoint/{endpoint.pk}/change/"
    page = client.get(change).content.decode()
    assert endpoint.secret not in page and endpoint.secret[:10] in page
    # Editing keeps the secret and the creditor; a bad address is refused on the field.
    other = CreditorFactory(name="Een ander")
    assert "https" in client.post(change, {"url": "http://partner.example.nl/y"}).content.decode()
    client.post(change, {"creditor": other.pk, "url": "https://partner.example.nl/nieuw", "description": "productie"})
    edited = WebhookEndpoint.objects.get()
    assert (edited.url, edited.active, edited.creditor, edited.secret) == (
        "https://partner.example.nl/nieuw", False, api.creditor, endpoint.secret)
    # A case worker has no business here, nor a municipality's functional administrator.
    login(client, UserFactory(role="functioneel_beheerder", municipalities=[municipality]))
    assert client.get("/beheer/feedback/webhookendpoint/").status_code == 403
    assert client.get("/beheer/feedback/webhookdelivery/").status_code == 200  # their own municipality's
    login(client, UserFactory(municipalities=[municipality]))
    assert client.get("/beheer/feedback/webhookendpoint/").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_a_failing_endpoint_does_not_delay_the_healthy_one(e2e_worker, municipality, settings):
    """On a real worker: one delivery run per endpoint, in parallel; the healthy receiver has every
    item before the hanging one's single attempt has even timed out."""
    settings.WEBHOOK_TIMEOUT = 5.0  # room for five deliveries on a busy CI machine
    healthy_creditor, slow_creditor = CreditorFactory(name="Gezond"), CreditorFactory(name="Traag")
    with Receiver() as healthy, Receiver(hanging(10.0)) as slow:
        services.webhook_endpoint_create(creditor=healthy_creditor, url=healthy.url)
        slow_endpoint, _ = services.webhook_endpoint_create(creditor=slow_creditor, url=slow.url)
        for _ in range(5):
            issue(municipality, slow_creditor)
            issue(municipality, healthy_creditor)
        app.tasks["feedback.tasks.feedback_sweep"].delay()
        wait_until(lambda: len(healthy.requests) == 5 and len(slow.requests) == 1, timeout=30, step=0.05)
        assert healthy.requests[-1].at < slow.requests[0].at + 5.0  # within the slow one's 5 s timeout
        wait_until(lambda: WebhookDelivery.objects.filter(endpoint=slow_endpoint, attempts=1).exists(), timeout=30)
    assert not WebhookDelivery.objects.filter(endpoint__creditor=healthy_creditor).exclude(
        status=DeliveryStatus.DELIVERED).exists()
    assert WebhookDelivery.objects.filter(endpoint=slow_endpoint, status=DeliveryStatus.PENDING).count() == 5
    assert {json.loads(r.body)["signaalId"] for r in healthy.requests} == set(
        WebhookDelivery.objects.filter(endpoint__creditor=healthy_creditor).values_list("event__signal__signal_id",
                                                                                        flat=True))


def test_the_verification_example_in_the_docs_accepts_our_requests(api, municipality,
                                                                   django_capture_on_commit_callbacks):
    text = (Path(__file__).resolve().parents[2] / "docs" / "webhooks.md").read_text()
    example = text.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(compile(example, "docs/webhooks.md", "exec"), namespace)  # noqa: S102 (our own document)
    docs_verify = namespace["verify"]
    with Receiver() as receiver:
        _, secret = services.webhook_endpoint_create(creditor=api.creditor, url=receiver.url)
        issue(municipality, api.creditor)
        publish(django_capture_on_commit_callbacks)
    (request,) = receiver.requests
    header = request.headers["Signature"]
    sent_at = int(header.split(",")[0].removeprefix("t="))
    assert docs_verify(secret, request.body, header)
    assert not docs_verify(secret, request.body + b" ", header)
    assert not docs_verify(secret, request.body, header, now=sent_at + 301)  # a replay, later
    assert not docs_verify(secret, request.body, "v1=abc")


# --- Only public internet addresses (no probing of the internal network) ---------------------------------------

REFUSED_ADDRESSES = ["127.0.0.1", "10.0.0.1", "169.254.169.254", "::1"]
PUBLIC_ADDRESS = "93.184.216.34"


@pytest.fixture
def dns(monkeypatch):
    """A fake DNS for the names in ``dns.answers`` (a list of addresses, or a function of the lookup count);
    other names and IP literals resolve as usual. ``dns.lookups`` lists the names looked up."""
    real = socket.getaddrinfo

    class Dns:
        answers: dict = {}
        lookups: list = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in Dns.answers:
            return real(host, port, *args, **kwargs)
        Dns.lookups.append(host)
        answer = Dns.answers[host]
        addresses = answer(Dns.lookups.count(host)) if callable(answer) else answer
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, port, 0, 0)) if ":" in a
                else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    Dns.answers, Dns.lookups = {}, []
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return Dns


def literal(address: str) -> str:
    return f"[{address}]" if ":" in address else address


@pytest.mark.parametrize("address", REFUSED_ADDRESSES)
def test_an_internal_address_is_refused_when_saved(api, settings, dns, address):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    dns.answers["intern.partner.example"] = [address]
    for url in (f"https://{literal(address)}/hook", "https://intern.partner.example/hook"):
        with pytest.raises(ValidationError) as refused:
            services.webhook_endpoint_create(creditor=api.creditor, url=url)
        assert "niet toegestaan" in refused.value.message_dict["url"][0]
    assert not WebhookEndpoint.objects.exists()
    # One internal address among public ones is enough to refuse; changing an address is checked too.
    dns.answers["gemengd.partner.example"] = [PUBLIC_ADDRESS, address]
    with pytest.raises(ValidationError):
        services.webhook_endpoint_create(creditor=api.creditor, url="https://gemengd.partner.example/hook")
    dns.answers["partner.example"] = [PUBLIC_ADDRESS]
    endpoint, _ = services.webhook_endpoint_create(creditor=api.creditor, url="https://partner.example/hook")
    with pytest.raises(ValidationError) as refused:
        services.webhook_endpoint_update(endpoint=endpoint, url="https://intern.partner.example/hook")
    assert "niet toegestaan" in refused.value.message_dict["url"][0]
    endpoint.refresh_from_db()
    assert endpoint.url == "https://partner.example/hook"
    # With the setting on (development, tests) the same addresses are accepted.
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    services.webhook_endpoint_create(creditor=api.creditor, url=f"https://{literal(address)}/hook")
    services.webhook_endpoint_create(creditor=api.creditor, url="https://intern.partner.example/hook")
    assert WebhookEndpoint.objects.count() == 3


def test_other_forms_of_internal_addresses_and_unknown_names_are_refused_alike(api, settings, dns):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    messages = set()
    for url in ("https://localhost/hook", "https://[::ffff:10.0.0.1]/hook", "https://0.0.0.0/hook",
                "https://192.168.1.10/hook", "https://172.16.0.1/hook", "https://100.64.0.1/hook",
                "https://224.0.0.1/hook", "https://[fe80::1]/hook", "https://[fd00::1]/hook"):
        with pytest.raises(ValidationError, match="niet toegestaan") as refused:
            services.webhook_endpoint_create(creditor=api.creditor, url=url)
        messages.add(refused.value.message_dict["url"][0])
    # A name that does not resolve gets the very same message: no probing of internal names (D14).
    dns.answers["nog-niet.partner.example"] = []
    with pytest.raises(ValidationError) as refused:
        services.webhook_endpoint_create(creditor=api.creditor, url="https://nog-niet.partner.example/hook")
    messages.add(refused.value.message_dict["url"][0])
    assert len(messages) == 1
    assert not WebhookEndpoint.objects.exists()


def test_the_admin_refuses_an_internal_address_on_the_field(api, client, settings, municipality):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    login(client, UserFactory(role="installatiebeheerder"))
    page = client.post("/beheer/feedback/webhookendpoint/add/", {
        "creditor": api.creditor.pk, "url": "https://169.254.169.254/latest/meta-data/", "active": "on"})
    assert page.status_code == 200
    assert "niet toegestaan" in page.content.decode()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("address", REFUSED_ADDRESSES)
def test_delivery_to_an_internal_address_is_a_failed_attempt_without_details(api, municipality, settings, dns,
                                                                             address, monkeypatch,
                                                                             django_capture_on_commit_callbacks):
    """The address was accepted when saved (setting on, or the name pointed elsewhere then); at delivery the
    resolved address is checked again and nothing is sent."""
    connections = []  # every connection opened to the receiver's port, at the socket boundary
    create_connection = socket.create_connection

    def recording(address, *args, **kwargs):
        if str(address[1]) == port:
            connections.append(address)
        return create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", recording)
    with Receiver() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        dns.answers["intern.partner.example"] = [address]
        literal_endpoint, _ = services.webhook_endpoint_create(
            creditor=api.creditor, url=f"http://{literal(address)}:{port}/webhook")
        named_endpoint, _ = services.webhook_endpoint_create(
            creditor=api.creditor, url=f"http://intern.partner.example:{port}/webhook")
        settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
        issue(municipality, api.creditor)
        publish(django_capture_on_commit_callbacks)
        assert connections == []  # refused before any connection (no timeout waited for)
    assert receiver.requests == []
    for endpoint in (literal_endpoint, named_endpoint):
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        assert (delivery.status, delivery.attempts, delivery.last_http_status) == (DeliveryStatus.PENDING, 1, None)
        assert delivery.last_error == ADDRESS_REFUSED
        endpoint.refresh_from_db()
        assert endpoint.failures == 1 and endpoint.retry_at is not None  # backs off like any failure


def test_delivery_to_loopback_with_the_setting_on(api, municipality, dns, django_capture_on_commit_callbacks):
    """The tests' own setting: loopback allowed; a name resolving to 127.0.0.1 is delivered, with its Host."""
    with Receiver() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        dns.answers["intern.partner.example"] = ["127.0.0.1"]
        endpoint, _ = services.webhook_endpoint_create(creditor=api.creditor,
                                                       url=f"http://intern.partner.example:{port}/webhook")
        issue(municipality, api.creditor)
        publish(django_capture_on_commit_callbacks)
    (request,) = receiver.requests
    assert request.headers["Host"] == f"intern.partner.example:{port}"
    assert WebhookDelivery.objects.get(endpoint=endpoint).status == DeliveryStatus.DELIVERED


def test_a_name_that_changes_after_the_check_cannot_redirect_the_connection(api, municipality, settings, dns,
                                                                            monkeypatch,
                                                                            django_capture_on_commit_callbacks):
    """DNS rebinding: the connection goes to the address that was checked, the name is not looked up again.
    Here 127.0.0.1 stands in for a public receiver; any later answer for the name points inside."""
    from feedback import webhooks

    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    monkeypatch.setattr(webhooks, "address_allowed", lambda address: address == "127.0.0.1")
    with Receiver() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        dns.answers["wisselend.partner.example"] = lambda n: ["127.0.0.1"] if n % 2 else ["10.0.0.1"]
        services.webhook_endpoint_create(creditor=api.creditor, url=f"http://wisselend.partner.example:{port}/x")
        assert dns.lookups == ["wisselend.partner.example"]  # the check on saving (answer 1: allowed)
        issue(municipality, api.creditor)
        publish(django_capture_on_commit_callbacks)  # lookup 2 answers 10.0.0.1: refused
        assert receiver.requests == []
        assert WebhookDelivery.objects.get().last_error == ADDRESS_REFUSED
        WebhookEndpoint.objects.update(retry_at=None)
        services.webhook_endpoint_deliver(endpoint_id=WebhookEndpoint.objects.get().pk)  # lookup 3: allowed
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED
    # One lookup per connection: the address checked is the address connected to.
    assert dns.lookups == ["wisselend.partner.example"] * 3


def test_a_name_that_does_not_resolve_at_delivery_gets_the_same_error_as_a_refused_one(
        api, municipality, settings, dns, django_capture_on_commit_callbacks):
    """Otherwise whoever sets the address could tell which internal names exist."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    dns.answers["bestaat-niet.partner.example"] = []
    dns.answers["bestaat-intern.partner.example"] = ["10.1.2.3"]
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # saved while allowed (or while the names pointed outside)
    services.webhook_endpoint_create(creditor=api.creditor, url="https://bestaat-niet.partner.example/hook")
    services.webhook_endpoint_create(creditor=api.creditor, url="https://bestaat-intern.partner.example/hook")
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    issue(municipality, api.creditor)
    publish(django_capture_on_commit_callbacks)
    assert list(WebhookDelivery.objects.values_list("last_error", flat=True)) == [ADDRESS_REFUSED] * 2
