"""Issue 14, item 3: a delivery costs the same number of SQL statements for 10 signals as for 1,000.

The intake stores a batch in bulk (one read of the known signaalIds, COPY of the signals, their
recurrence facts and history, one upsert of the monitor's facts): nothing is asked or written per
signal. On SQLite, Django's bulk_create splits a batch into several INSERTs by its parameter limit
(the signals, their facts and history, the monitor's facts): there only those bulk INSERTs may grow
with the batch, every other statement stays the same.
"""
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from signals.models import Delivery, RecurrenceFact, Signal, SignalHistory
from tests.factories import signal_payload

pytestmark = pytest.mark.django_db

BULK_TABLES = ("signals_signal", "signals_recurrencefact", "signals_signalhistory", "monitor_signalfact")
_BULK_INSERT = re.compile(rf'^INSERT INTO "({"|".join(BULK_TABLES)})"')


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.API_RATE_LIMIT = "1000000/min"


def deliver(api, items) -> tuple[list[str], dict]:
    with CaptureQueriesContext(connection) as queries:
        response = api.post("/api/v1/leveringen", json.dumps({"signalen": items}), content_type="application/json")
    assert response.status_code == 201, response.content[:500]
    return [q["sql"] for q in queries.captured_queries], response.json()


def statements(sql: list[str]) -> tuple[int, int]:
    """(all statements, those that are not one of the bulk INSERTs of BULK_TABLES)."""
    return len(sql), sum(1 for s in sql if not _BULK_INSERT.match(s))


def batch(start: int, count: int, **overrides) -> list[dict]:
    return [signal_payload(n, **overrides) for n in range(start, start + count)]


def test_a_delivery_of_1000_signals_costs_the_statements_of_a_delivery_of_10(api):
    small, small_answer = deliver(api, batch(1, 10))
    large, large_answer = deliver(api, batch(100, 1000))

    assert small_answer["aantalOntvangen"] == 10 and large_answer["aantalOntvangen"] == 1000
    assert Signal.objects.count() == RecurrenceFact.objects.count() == SignalHistory.objects.count() == 1010
    if connection.vendor == "postgresql":
        assert statements(large) == statements(small)
    else:
        assert statements(large)[1] == statements(small)[1]


def test_redelivered_and_refused_signals_cost_no_statement_per_signal(api):
    deliver(api, batch(1, 1000))
    # The same 1,000 again (al_ontvangen), then 1,000 of which half refused and half new.
    again, answer = deliver(api, batch(1, 1000))
    assert answer["aantalAlOntvangen"] == 1000
    mixed_items = batch(2000, 500) + batch(3000, 500, gemeentecode="9999")
    mixed, mixed_answer = deliver(api, mixed_items)
    assert mixed_answer["aantalOntvangen"] == 500 and mixed_answer["aantalGeweigerd"] == 500
    small, _ = deliver(api, batch(5000, 10))

    assert Delivery.objects.count() == 4
    assert statements(again)[1] <= statements(small)[1]  # nothing new: no bulk writes at all
    if connection.vendor == "postgresql":
        assert statements(mixed) == statements(small)
    else:
        assert statements(mixed)[1] == statements(small)[1]
