"""End to end with a real Celery worker on Redis and the database (PostgreSQL in CI):

a generated month delivered through the API → checks against the fake BRP → period close →
routed cases; and the fault test: the BRP answering 503 and timing out for a while, after which
every signal reaches a final state exactly once.

In CI (`.ci/run`) the worker consumes from Redis on PostgreSQL; in the embedded default (no
CELERY_BROKER_URL) the same tests use Celery's in-memory transport, still with a real worker.
"""
import datetime as dt
from collections import Counter

import pytest
from django.db.models import Count
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Municipality
from cases.models import Case, CaseSignal, PeriodClose
from cases.presets import routing_preset_install
from demo import deliveries, generator
from signals.models import Signal, SignalHistory, SignalStatus
from tests.e2e_support import wait_until
from tests.factories import issued_key
from vroegsignalering.celery import app

pytestmark = pytest.mark.django_db(transaction=True)

S = SignalStatus
FINAL = {S.GECONTROLEERD, S.IN_MELDING, S.AFGEHANDELD, S.DOORGESTUURD, S.UITVAL}
CHECKS_END = {S.GECONTROLEERD, S.AFGEHANDELD, S.DOORGESTUURD, S.UITVAL}  # where the checks leave a signal


@pytest.fixture
def worker(e2e_worker):
    """A Celery worker thread consuming from Redis, with a clean queue (tests/e2e_support.py)."""


def checked_all(ids) -> bool:
    return not Signal.objects.filter(pk__in=ids).exclude(status__in=FINAL).exists()


def deliver_month(month: str, scale: float) -> list[int]:
    municipality = Municipality.objects.get(cbs_code="0518")
    payloads = generator.generate_month("0518", municipality.inhabitants, month, seed=0, scale=scale,
                                        place=municipality.name)
    creditors = deliveries.demo_creditors()
    clients = {}
    for creditor in set(creditors.values()):
        clients[creditor.pk] = APIClient()
        clients[creditor.pk].credentials(HTTP_X_API_KEY=issued_key(creditor))
    per_creditor: dict[int, list] = {}
    for payload in payloads:
        per_creditor.setdefault(creditors[payload["soortVasteLast"]].pk, []).append(payload)
    for creditor_id, items in per_creditor.items():
        for start in range(0, len(items), 1000):
            response = clients[creditor_id].post("/api/v1/leveringen", {"signalen": items[start:start + 1000]},
                                                 format="json")
            assert response.status_code == 201
    return list(Signal.objects.values_list("pk", flat=True))


@pytest.fixture
def the_hague(db):
    municipality = Municipality.objects.create(cbs_code="0518", name="'s-Gravenhage", inhabitants=566_221)
    routing_preset_install(municipality=municipality, preset="gemeente4")
    return municipality


def last_month() -> str:
    first = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


def test_a_month_from_delivery_to_routed_cases(worker, the_hague):
    ids = deliver_month(last_month(), scale=0.03)
    assert len(ids) > 40
    wait_until(lambda: checked_all(ids))

    app.tasks["cases.tasks.periods_close"].delay()
    wait_until(lambda: PeriodClose.objects.filter(municipality=the_hague).exists())

    statuses = Counter(Signal.objects.values_list("status", flat=True))
    # Every signal ended somewhere; none is left half-way.
    assert set(statuses) <= FINAL - {S.GECONTROLEERD}
    assert sum(statuses.values()) == len(ids)
    # Every signal in a case is in exactly one case, and every case has its signals and a tray.
    in_case = Signal.objects.filter(status=S.IN_MELDING)
    assert CaseSignal.objects.count() == in_case.count() == statuses[S.IN_MELDING]
    assert statuses[S.IN_MELDING] > 0.8 * len(ids)
    assert not Case.objects.annotate(n=Count("case_signals")).filter(n=0).exists()
    assert not Case.objects.filter(tray__isnull=True).exists()
    # One case per household (address) per period.
    assert Case.objects.count() == in_case.values("address_key").distinct().count()
    # The deliberate noise of the generator (persons not in the population) waits for review.
    assert statuses[S.UITVAL] > 0


def test_brp_outage_every_signal_reaches_a_final_state_exactly_once(worker, the_hague, brp):
    brp.fail_next(40, status=503)
    brp.set_delay(3.0, count=6)  # beyond the client's timeout (2 s in tests)
    ids = deliver_month(last_month(), scale=0.01)
    wait_until(lambda: not Signal.objects.filter(pk__in=ids, status__in=[S.ONTVANGEN, S.IN_CONTROLE]).exists())
    waiting = Signal.objects.filter(pk__in=ids, status=S.WACHT_OP_BRP).count()
    assert waiting > 0  # the outage was felt

    brp.reset()  # the BRP is back
    # Time passes: their retry is due now.
    Signal.objects.filter(pk__in=ids, status=S.WACHT_OP_BRP).update(next_check_at=timezone.now())
    app.tasks["signals.tasks.checks_sweep"].delay()
    wait_until(lambda: checked_all(ids))

    # The checks ended exactly once for each signal: one such history row each.
    finals = Counter(
        SignalHistory.objects.filter(signal_id__in=ids, to_status__in=CHECKS_END).values_list("signal_id", flat=True)
    )
    assert set(finals) == set(ids)
    assert max(finals.values()) == 1
