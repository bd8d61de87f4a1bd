"""Logs without personal data (review D13): an end-to-end flow with a resident whose data is
unmistakable (surname Zwartekraaienburg, street Kwikstaartjesdreef, BSN 987654317, …), with every log
record captured as the configured handler writes it (root at DEBUG) and gunicorn's access log line for
every request; then the captured text is searched for each of the resident's values: 0 hits."""
import ast
import datetime as dt
import io
import json
import logging
import os
import runpy
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import httpx
import pytest
from celery.signals import before_task_publish
from django.conf import settings as django_settings
from django.core.signals import request_started
from django.http import BadHeaderError
from django.utils import timezone
from gunicorn.config import Config
from rest_framework.test import APIClient

from accounts.models import Municipality, Role
from cases import services as case_services
from cases.models import Case, CaseSignal, FirstReaction
from cases.presets import routing_preset_install
from cases.tasks import periods_close
from contacts.models import Reached
from contacts.services import contact_attempt_register
from demo.brp_fake.server import FakeBrpServer
from feedback import services as feedback_services
from signals.models import Signal, SignalStatus
from signals.tasks import check_signal
from tests.auth import login
from tests.e2e_support import drop_connections
from tests.factories import CreditorFactory, UserFactory, issued_key
from vroegsignalering.celery import app
from vroegsignalering.common.gunicorn_logging import GunicornLogger
from vroegsignalering.common.logging import is_bsn, mask
from vroegsignalering.common.vocab import ContactKind, Outcome

ROOT = Path(__file__).resolve().parent.parent
BSN = "987654317"
SURNAME = "Zwartekraaienburg"
FIRST_NAMES = "Xandertje Quirijn"
STREET = "Kwikstaartjesdreef"
POSTCODE, HOUSE_NUMBER = "2597QX", 317
PHONE = "06-98765432"
EMAIL = "x.zwartekraaienburg@privacytoets.example"
BIRTH = dt.date(1970, 3, 14)
# Every way a value could appear in a log line.
NEEDLES = [BSN, "9876.54.317", SURNAME, SURNAME.lower(), FIRST_NAMES, "Xandertje", "Quirijn", STREET,
           "Kwikstaartjes", POSTCODE, "2597 QX", "2597qx", f"{POSTCODE} {HOUSE_NUMBER}", "98765432", "+31698765432",
           EMAIL, "privacytoets", "1970-03-14", "19700314"]


def resident_mock_file(tmp_path) -> Path:
    """The resident in the format of the official BRP mock test data (the fake BRP's own input)."""
    person = {
        "burgerservicenummer": BSN,
        "geslacht": {"code": "M", "omschrijving": "man"},
        "naam": {"voornamen": FIRST_NAMES, "geslachtsnaam": SURNAME,
                 "aanduidingNaamgebruik": {"code": "E", "omschrijving": "eigen geslachtsnaam"}},
        "geboorte": {"datum": BIRTH.strftime("%Y%m%d"), "plaats": {"code": "0518", "omschrijving": "'s-Gravenhage"},
                     "land": {"code": "6030", "omschrijving": "Nederland"}},
        "verblijfplaats": {"functieAdres": {"code": "W", "omschrijving": "woonadres"},
                           "datumAanvangAdreshouding": "20100101", "straat": STREET,
                           "huisnummer": str(HOUSE_NUMBER), "postcode": POSTCODE, "woonplaats": "'s-Gravenhage"},
        "gemeenteVanInschrijving": {"code": "0518", "omschrijving": "'s-Gravenhage"},
        "datumInschrijvingInGemeente": "20100101",
        "kinderen": [], "ouders": [], "partners": [], "nationaliteiten": [],
    }
    path = tmp_path / "brp-mock.json"
    path.write_text(json.dumps([person]), encoding="utf-8")
    return path


def signal_payload(signal_id: str) -> dict:
    day = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=11)
    return {
        "signaalId": signal_id, "gemeentecode": "0518", "soortVasteLast": "huur",
        "klant": {"voornamen": FIRST_NAMES, "geslachtsnaam": SURNAME, "geboortedatum": BIRTH.isoformat(),
                  "telefoonnummers": [PHONE], "emailadres": EMAIL},
        "adres": {"postcode": POSTCODE, "huisnummer": HOUSE_NUMBER, "straatnaam": STREET, "woonplaats": "Den Haag"},
        "achterstand": {"bedrag": "412.50", "vervaldatumOudsteFactuur": (day - dt.timedelta(days=45)).isoformat()},
        "contractnummer": "C-PRIV-1", "signaaldatum": day.isoformat(),
    }


@pytest.fixture
def captured_logs():
    """The configured console handler writes into a buffer, with the root logger at DEBUG (as with
    LOG_LEVEL=DEBUG: the loggers the config pins keep their level)."""
    root = logging.getLogger()
    # The configured handler, wherever the config attached it (root, django.server); an earlier test's
    # Celery worker may have run the config again, leaving a second instance on one logger.
    loggers = [root, *(lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger))]
    handlers = list({id(h): h for lg in loggers for h in lg.handlers if h.name == "console"}.values())
    assert handlers, "the LOGGING config's console handler"
    buffer = io.StringIO()
    saved_streams = [h.setStream(buffer) for h in handlers]
    saved_level = root.level
    root.setLevel(logging.DEBUG)
    yield buffer
    root.setLevel(saved_level)
    for handler, stream in zip(handlers, saved_streams, strict=True):
        handler.setStream(stream)


@pytest.fixture
def access_log():
    """gunicorn's access log, as configured in gunicorn.conf.py, for every request the test makes."""
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", conf["access_log_format"])
    assert conf["logger_class"] == "vroegsignalering.common.gunicorn_logging.GunicornLogger"
    logger = GunicornLogger(cfg)
    buffer = io.StringIO()
    for handler in logger.access_log.handlers:
        handler.setStream(buffer)

    def log(sender, environ, **kwargs):
        environ = dict(environ)
        query = environ.get("QUERY_STRING", "")
        environ["RAW_URI"] = environ["PATH_INFO"] + (f"?{query}" if query else "")
        environ.setdefault("SERVER_PROTOCOL", "HTTP/1.1")
        headers = [(key[5:].replace("_", "-"), value) for key, value in environ.items() if key.startswith("HTTP_")]
        logger.access(SimpleNamespace(status="200", sent=123, headers=[]), SimpleNamespace(headers=headers),
                      environ, dt.timedelta(milliseconds=5))

    request_started.connect(log)
    yield buffer
    request_started.disconnect(log)


def hits(text: str) -> list[str]:
    lowered = text.lower()
    return [needle for needle in NEEDLES if needle.lower() in lowered]


@pytest.mark.django_db(transaction=True)
def test_an_end_to_end_flow_leaves_no_personal_data_in_any_log(captured_logs, access_log, settings, tmp_path,
                                                                client):
    settings.CHECKS_ON_INTAKE = True
    with FakeBrpServer(mock_data=resident_mock_file(tmp_path), inhabitants={}) as brp:
        settings.BRP_BASE_URL, settings.BRP_RETRIES, settings.BRP_TIMEOUT = brp.url, 1, 2.0
        the_hague = Municipality.objects.create(cbs_code="0518", name="'s-Gravenhage", inhabitants=566_221,
                                                threshold_amount=Decimal("50.00"))
        routing_preset_install(municipality=the_hague, preset="gemeente4")
        landlord = CreditorFactory(name="Woningcorporatie Haaglanden", kinds=["huur"])
        api = APIClient()
        api.credentials(HTTP_X_API_KEY=issued_key(landlord))

        # Intake through the creditor API; the checks run against the fake BRP on loopback.
        response = api.post("/api/v1/leveringen", {"signalen": [signal_payload("HUUR-PRIV-1")]}, format="json")
        assert response.status_code == 201, response.content
        assert Signal.objects.get().status == SignalStatus.GECONTROLEERD
        # A bad request with the resident's data in it, a 404 on signal ids (one with the BSN in it).
        bad = signal_payload("HUUR-PRIV-2")
        bad["klant"]["geboortedatumm"] = SURNAME
        bad["adres"]["huisnummer"] = f"{STREET} {HOUSE_NUMBER}"
        assert api.post("/api/v1/leveringen", {"signalen": [bad]}, format="json").status_code == 201  # refused inside
        assert api.post("/api/v1/leveringen", {"signalen": [bad], SURNAME: EMAIL}, format="json").status_code == 400
        assert api.get(f"/api/v1/signalen/{SURNAME}-{BSN}").status_code == 404
        assert api.get(f"/api/v1/signalen/X?bsn={BSN}&naam={SURNAME}").status_code == 404
        broken = f'{{"signalen": "{SURNAME} {EMAIL}"'
        assert api.post("/api/v1/leveringen", data=broken, content_type="application/json",
                        HTTP_REFERER=f"https://crm.example/zoek?naam={SURNAME}").status_code == 400

        # The period close forms the case; a worker opens it, registers an attempt and closes it.
        periods_close.delay()
        case = Case.objects.get(pk=CaseSignal.objects.get().case_id)
        worker = UserFactory(municipalities=[the_hague])
        login(client, worker)
        page = client.get(f"/meldingen/{case.pk}", HTTP_REFERER=f"https://vs.example/werkvoorraad?q={SURNAME}")
        assert page.status_code == 200 and SURNAME in page.content.decode()  # the data is there to leak
        contact_attempt_register(case=case, kind=ContactKind.TELEFOON, at=timezone.now(), reached=Reached.JA, by=worker,
                                 note=f"Gebeld op {PHONE}, mail naar {EMAIL}")
        case_services.case_close(case=case, outcome=Outcome.QUICK_FIX, by=worker, first_reaction=FirstReaction.POSITIEF,
                                 help_description=f"Regeling voor {SURNAME}, {STREET} {HOUSE_NUMBER}")

        # The creditor fetches its feedback.
        feedback_services.feedback_publish()
        feed = api.get("/api/v1/terugkoppelingen").json()["terugkoppelingen"]
        assert [item["signaalId"] for item in feed] == ["HUUR-PRIV-1"]

        # An administrator searches by BSN, by name and by postcode.
        admin = UserFactory(role=Role.FUNCTIONEEL_BEHEERDER, municipalities=[the_hague], is_staff=True,
                            is_superuser=True)
        login(client, admin)
        for query in (BSN, SURNAME, f"{POSTCODE} {HOUSE_NUMBER}", EMAIL):
            assert client.get("/beheer/signals/signal/", {"q": query}).status_code == 200
        assert client.get(f"/beheer/signals/signal/{BSN}/change/").status_code in (302, 404)

    logs, access = captured_logs.getvalue(), access_log.getvalue()
    assert "Not Found: /api/v1/signalen/" in logs  # the log was captured, and says what happened
    assert "/beheer/signals/signal/" in access and "leveringen" in access
    assert hits(logs) == [], logs
    assert hits(access) == [], access


def test_the_mask_catches_the_forms_of_bsn_phone_email_and_query_strings():
    text = (f"GET /beheer/shv/shvregistration/?q={BSN} bsn {BSN} / 9876.54.317 / 9876 54 317 mail {EMAIL} "
            "tel 06-98765432 0698765432 +31 6 98765432 +31(0)70-1234567 0031 70 123 4567 070 123 45 67 "
            f"https://vs.example/zoek?naam={SURNAME}")
    masked = mask(text)
    assert hits(masked) == [] and "1234567" not in masked and "123 4567" not in masked
    # Not masked: ids, amounts, dates, nine digits that fail the elfproef, times.
    kept = "signal 123456789 case 4711 bedrag 412.50 op 2026-12-06 om 17:05:03.123456 uuid 0b5e9c4e-1234"
    assert mask(kept) == kept


def test_an_exception_and_a_bad_header_are_logged_without_the_value(captured_logs):
    logger = logging.getLogger("django.request")
    try:
        raise BadHeaderError(f"Header values can't contain newlines, got '{SURNAME}\\n{BSN}'")
    except BadHeaderError:
        logger.error("Internal Server Error: %s", "/api/v1/signalen/x", exc_info=True)
    try:
        raise ValueError(f"kapot bij {EMAIL} / {BSN} / {PHONE}")
    except ValueError:
        logging.getLogger("signals").exception("Fout voor %s", EMAIL)
    logs = captured_logs.getvalue()
    assert "BadHeaderError" in logs and "ValueError" in logs and "Traceback" in logs
    assert hits(logs) == [], logs


PRODUCT_APPS = ["accounts", "shv", "feedback", "signals", "cases", "contacts", "monitor", "demo", "vroegsignalering"]
ENQUEUE = {"delay", "delay_on_commit", "apply_async", "s", "si", "send_task"}


def _is_internal_id(node) -> bool:
    """``x_id``, ``pk``, ``x.pk``, ``str(<one of those>)``, or a timestamp's ``.isoformat()``."""
    if isinstance(node, ast.Name):
        return node.id == "pk" or node.id.endswith("_id") or node.id.endswith("_ids")
    if isinstance(node, ast.Attribute):
        return node.attr in {"pk", "id"} or node.attr.endswith("_id")
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str" and len(node.args) == 1:
        return _is_internal_id(node.args[0])
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "isoformat":
        return True
    return False


def _is_super(node) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"


def test_every_task_is_enqueued_with_internal_ids_only():
    """Task arguments travel through the broker and show up in worker logs and monitoring: ids only,
    never a BSN, name or address (checked in the source of every product module)."""
    calls, offending = 0, []
    for app_name in PRODUCT_APPS:
        for path in (ROOT / app_name).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ENQUEUE \
                        and not _is_super(node.func.value):
                    calls += 1
                    arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
                    if not all(_is_internal_id(argument) for argument in arguments):
                        offending.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    assert calls >= 10  # the scan found the enqueuing calls
    assert offending == []


def _database_url(database: dict) -> str | None:
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}"
    if database["ENGINE"] == "django.db.backends.postgresql":
        password = f":{quote(database['PASSWORD'])}" if database.get("PASSWORD") else ""
        return (f"postgres://{quote(database['USER'])}{password}@{database['HOST'] or '127.0.0.1'}:"
                f"{database['PORT'] or 5432}/{database['NAME']}")
    return None


@pytest.mark.django_db(transaction=True)
def test_the_real_gunicorn_logs_no_personal_data(settings, client):
    """gunicorn itself, as gunicorn.conf.py configures it, on loopback against the test database: an admin
    search by BSN and by name, a 404 on a signal id with a name in it, a Referer with a query string."""
    database_url = _database_url(settings.DATABASES["default"])
    if database_url is None:
        pytest.skip("only SQLite and PostgreSQL test databases are passed on to gunicorn here")
    the_hague = Municipality.objects.create(cbs_code="0518", name="'s-Gravenhage", inhabitants=566_221)
    key = issued_key(CreditorFactory(name="Woningcorporatie Haaglanden", kinds=["huur"]))
    login(client, UserFactory(role=Role.FUNCTIONEEL_BEHEERDER, municipalities=[the_hague], is_staff=True,
                                   is_superuser=True))
    cookie = f"{django_settings.SESSION_COOKIE_NAME}={client.cookies[django_settings.SESSION_COOKIE_NAME].value}"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": database_url, "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "2",
           "LOG_LEVEL": "debug", "GUNICORN_MAX_REQUESTS": "0"}
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/inloggen", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, "gunicorn did not start"
                time.sleep(0.2)
        with httpx.Client(base_url=base, headers={"Cookie": cookie}, timeout=10) as http:
            for query in (BSN, SURNAME, f"{POSTCODE} {HOUSE_NUMBER}", EMAIL, PHONE):
                assert http.get("/beheer/signals/signal/", params={"q": query}).status_code == 200
            assert http.get("/inloggen", params={"naam": SURNAME},
                            headers={"Referer": f"{base}/werkvoorraad?q={SURNAME}+{BSN}"}).status_code in (200, 302)
        answer = httpx.get(f"{base}/api/v1/signalen/{SURNAME}-{BSN}", params={"bsn": BSN}, headers={"X-Api-Key": key})
        assert answer.status_code == 404
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert '"GET /beheer/signals/signal/ HTTP/1.1" 200' in output, output  # the access log is there
    assert "Not Found: /api/v1/signalen/<signaal_id:signaalId>" in output, output
    assert hits(output) == [], output


def test_runserver_request_lines_name_the_url_pattern(captured_logs):
    """The embedded run (``make run``) logs each request through ``django.server``."""
    logging.getLogger("django.server").info('"%s" %s %s', f"GET /api/v1/signalen/{SURNAME}?q={BSN} HTTP/1.1", 404, 179)
    logs = captured_logs.getvalue()
    assert '"GET /api/v1/signalen/<signaal_id:signaalId> HTTP/1.1" 404 179' in logs
    assert hits(logs) == []


def test_task_arguments_are_shown_masked_in_the_message():
    """Defence in depth: were a task ever sent a personal value, the argument text Celery shows
    (``argsrepr``/``kwargsrepr`` in events, monitoring and worker logs) is masked; the task still gets it."""
    published = []

    def capture(headers=None, body=None, **_kwargs):
        published.append((headers, body))

    app.conf.task_always_eager = False  # restored by the autouse _eager_celery fixture
    saved = app.conf.broker_url, app.conf.task_default_queue
    app.conf.broker_url, app.conf.task_default_queue = "memory://", f"privacy-{os.getpid()}"
    drop_connections()
    before_task_publish.connect(capture)
    try:
        check_signal.apply_async((BSN,))
        check_signal.apply_async(kwargs={"signal_id": EMAIL})
    finally:
        before_task_publish.disconnect(capture)
        with app.connection_for_write() as connection:
            connection.default_channel.queue_purge(app.conf.task_default_queue)
        app.conf.broker_url, app.conf.task_default_queue = saved
        drop_connections()
    (positional, positional_body), (named, named_body) = published
    assert positional["argsrepr"] == "('[bsn]',)" and named["kwargsrepr"] == "{'signal_id': '[e-mail]'}"
    assert list(positional_body[0]) == [BSN] and named_body[1] == {"signal_id": EMAIL}  # the task gets them unchanged


def test_a_bsn_that_lost_its_leading_zero_is_masked_too():
    """A spreadsheet drops the leading zero of a BSN such as 010000021: eight digits, the elfproef with the zero."""
    lost = [f"{n:09d}"[1:] for n in range(10_000_000, 10_000_400) if is_bsn(f"{n:09d}")]
    assert lost  # the generator found some
    for digits in lost:
        assert mask(f"bsn {digits} in een regel") == "bsn [bsn] in een regel"
    assert mask("factuur 12345678") == "factuur 12345678"  # eight digits failing the elfproef stay
