"""Two deliveries of the same signals at the same time store each signal once."""
import threading

import pytest
from django.db import connection

from signals.models import Signal
from signals.services import delivery_create
from tests.factories import CreditorFactory, MunicipalityFactory, signal_payload


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
def test_concurrent_identical_deliveries_store_each_signal_once(round_):
    MunicipalityFactory()
    creditor = CreditorFactory()
    items = [signal_payload(i, signaalId=f"R{round_}-{i}") for i in range(300)]
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def deliver():
        try:
            barrier.wait()
            outcomes.append(delivery_create(creditor=creditor, items=items)[1])
        except Exception as exc:  # surfaced in the main thread below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Signal.objects.count() == 300
    statuses = sorted(tuple(r.status for r in results) for results in outcomes)
    # One request stored everything; the other saw every signal as already received.
    assert statuses == [("al_ontvangen",) * 300, ("ontvangen",) * 300]
