"""schemathesis over both APIs, in-process against the WSGI app: the creditor API (`/api/v1/…`) and the
municipal API (`/api/v1/gemeente/…`), both described by the one document at `/api/v1/openapi.json`.

Every generated request (valid and invalid, from the examples, coverage and fuzzing phases) must get an
answer that is no server error and conforms to the document: a documented status code, content type,
headers and body. Authenticated as a creditor (`X-Api-Key`) and as a team lead (`Authorization: Token`), with
real deliveries, signals, feedback, cases, contact attempts and trays in the database; a generated request
uses the real ids, codes and names for about half of the cases (chosen from the case's own content, so a rerun
chooses alike), so GETs find objects and POSTs reach the services.
Each example runs in a savepoint that is rolled back: every example sees the same database.

Bounded for CI (SCHEMATHESIS_MAX_EXAMPLES, default 10 per operation and phase, derandomised so a run
never differs from the last); the long run raises it:

    SCHEMATHESIS_MAX_EXAMPLES=1000 .venv/bin/python -m pytest tests/test_api_schemathesis.py -p no:randomly
"""
import datetime as dt
import os
import zlib

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.utils import timezone
from rest_framework.test import APIClient
from schemathesis.core.parameters import ParameterLocation

from accounts.models import Role
from cases import services as case_services
from contacts.models import Reached
from contacts.services import contact_attempt_register
from feedback.services import feedback_publish
from signals.models import Delivery, Signal
from tests.factories import (
    MunicipalityFactory,
    UserFactory,
    creditor_for,
    issued_key,
    open_cases,
    signal_payload,
    token_for,
)
from vroegsignalering.common.vocab import ContactKind, CreditorKind, Outcome
from vroegsignalering.wsgi import application

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))

CONFIG = schemathesis.Config.from_dict({
    "seed": 20261206,
    "checks": {
        # A delivery of more than 1,000 signals is refused with 413, as the contract says.
        "negative_data_rejection": {"expected-statuses": [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 429]},
    },
})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)

# All of schemathesis's checks except:
# - positive_data_acceptance: a request the document calls valid may still be refused for a reason no schema
#   can express (an unknown municipality, a case of another municipality, a closed case, a signaalId already
#   delivered with other content): those are documented 400/404/409 answers, not defects;
# - use_after_free, ensure_resource_availability: stateful checks about DELETE; neither API deletes anything;
# - negative_data_rejection is replaced by `invalid_data_is_refused_or_reported` (below) for the intake.
EXCLUDED = {"positive_data_acceptance", "use_after_free", "ensure_resource_availability", "negative_data_rejection"}
INTAKE = {"POST /leveringen", "POST /signalen"}


def _reported(answer) -> bool:
    """The intake's answer names a problem: a refused signal or a warning about a field."""
    if isinstance(answer, dict):
        if answer.get("status") == "geweigerd" or answer.get("waarschuwingen"):
            return True
        return any(_reported(value) for value in answer.values())
    if isinstance(answer, list):
        return any(_reported(value) for value in answer)
    return False


def invalid_data_is_refused_or_reported(ctx, response, case):
    """schemathesis's negative_data_rejection, except that the contract has the intake judge each signal on its
    own: a delivery with an invalid signal is stored (201) with that signal `geweigerd`, and an invalid value of an
    optional field is stored with a warning (`waarschuwingen`). So an invalid intake body is either refused or
    accepted with the problem reported in the answer."""
    from schemathesis.checks import negative_data_rejection

    body_negative = case.meta is not None and case.meta.is_negative_at(ParameterLocation.BODY)
    if case.operation.label in INTAKE and body_negative and 200 <= response.status_code < 300:
        assert _reported(response.json()), "An invalid signal was accepted without a refusal or a warning."
        return None
    return negative_data_rejection(ctx, response, case)


def _checks():
    from schemathesis.checks import CHECKS, load_all_checks

    load_all_checks()
    return [*(CHECKS.get_one(name) for name in CHECKS.get_all_names() if name not in EXCLUDED),
            invalid_data_is_refused_or_reported]


class World:
    """The objects in the database and how to address them."""

    def __init__(self):
        self.gemeente = MunicipalityFactory(cbs_code="0363", name="Amsterdam")
        creditor = creditor_for(CreditorKind.ZORGVERZEKERING)
        self.creditor_key = issued_key(creditor)
        self.lead = UserFactory(username="leider", role=Role.TEAMLEIDER, municipalities=[self.gemeente])
        self.worker = UserFactory(username="werker", municipalities=[self.gemeente])
        self.token = token_for(self.lead)
        # Cases opened two days ago (the window is open): one with a letter, one reached and closed.
        cases = open_cases(self.gemeente, [1, 2, 3], kind=CreditorKind.ZORGVERZEKERING)
        now = timezone.now()
        letter = contact_attempt_register(case=cases[0], kind=ContactKind.BRIEF, at=now - dt.timedelta(hours=2),
                                          by=self.worker)
        contact_attempt_register(case=cases[1], kind=ContactKind.TELEFOON, at=now - dt.timedelta(hours=1),
                                 reached=Reached.JA, by=self.worker)
        case_services.case_close(case=cases[1], outcome=Outcome.QUICK_FIX, by=self.worker,
                                 help_description="Betalingsregeling")
        feedback_publish()
        # A delivery through the API itself.
        client = APIClient()
        client.credentials(HTTP_X_API_KEY=self.creditor_key)
        delivered = client.post("/api/v1/leveringen", {"signalen": [signal_payload(1), signal_payload(2)]},
                                format="json")
        assert delivered.json()["aantalOntvangen"] == 2, delivered.content
        self.case_ids = [c.pk for c in cases]
        self.attempt = (cases[0].pk, letter.pk)
        self.delivery_ids = [str(pk) for pk in Delivery.objects.filter(creditor=creditor).values_list("pk", flat=True)]
        self.signal_ids = list(Signal.objects.filter(creditor=creditor).values_list("signal_id", flat=True))
        self.month = timezone.localdate().strftime("%Y-%m")

    def headers(self, case) -> dict:
        if case.path.startswith("/gemeente/"):
            return {"Authorization": f"Token {self.token}"}
        return {"X-Api-Key": self.creditor_key}

    def use_real_objects(self, case) -> None:
        """For about half of the cases, point the ids, codes and names at objects that exist; a part generated
        as invalid (negative) stays as it is."""
        content = repr((case.operation.label, case.path_parameters, case.query, case.body)).encode()
        pick = zlib.crc32(content)
        if pick % 2:
            return

        def negative(location):
            return case.meta is not None and case.meta.is_negative_at(location)

        path = case.path_parameters
        if path and not negative(ParameterLocation.PATH):
            if "leveringId" in path:
                path["leveringId"] = self.delivery_ids[pick % len(self.delivery_ids)]
            if "signaalId" in path:
                path["signaalId"] = self.signal_ids[pick % len(self.signal_ids)]
            if "contactpogingId" in path:
                path["meldingId"], path["contactpogingId"] = self.attempt
            elif "meldingId" in path:
                path["meldingId"] = self.case_ids[pick % len(self.case_ids)]
        query = case.query
        if query and not negative(ParameterLocation.QUERY):
            if "gemeentecode" in query:
                query["gemeentecode"] = self.gemeente.cbs_code
            if "maand" in query:
                query["maand"] = self.month
        body = case.body
        if isinstance(body, dict) and not negative(ParameterLocation.BODY):
            items = [body, *(i for i in body.get("signalen") or [] if isinstance(i, dict))]
            for item in items:
                if isinstance(item.get("gemeentecode"), str):
                    item["gemeentecode"] = self.gemeente.cbs_code
            if isinstance(body.get("gebruikersnaam"), str):
                body["gebruikersnaam"] = self.worker.username


@pytest.fixture
def world(db, settings):
    settings.API_RATE_LIMIT = "1000000/min"  # many requests a minute here; the throttle has its own tests
    settings.UNAUTHENTICATED_RATE_LIMIT = "1000000/min"  # so are refused keys (tests/test_rate_limits.py)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return World()


@pytest.fixture
def keep_test_transaction():
    """The WSGI handler closes "old" connections around each request, which would end the test's transaction;
    Django's own test client switches that off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis.settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None,
                     suppress_health_check=list(hypothesis.HealthCheck))
def test_api_conforms_to_its_openapi_document(case, world, keep_test_transaction):
    world.use_real_objects(case)
    with transaction.atomic():
        case.call_and_validate(headers=world.headers(case), checks=_checks())
        transaction.set_rollback(True)
