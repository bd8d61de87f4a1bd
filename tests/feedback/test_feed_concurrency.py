"""Feed completeness while events are written: two writers issue events in transactions that
commit out of id order while a reader pages with limit 7; the reader sees each event exactly
once, in feed order. Run on PostgreSQL to test the real thing (docs/adr/0005); set
FEED_CONCURRENCY_EVENTS (default 600) to 10000 for the full run."""
import os
import random
import threading
import time

import pytest
from django.db import connection, transaction

from feedback.models import FeedbackEvent
from feedback.services import feedback_issue_for_signal
from signals.models import Signal, SignalStatus
from tests.factories import make_signals
from tests.feedback.helpers import NOW
from vroegsignalering.common.vocab import Outcome

EVENTS = int(os.environ.get("FEED_CONCURRENCY_EVENTS", "600"))


@pytest.mark.django_db(transaction=True)
def test_two_writers_and_a_paging_reader_see_each_event_exactly_once_in_order(api, municipality, settings):
    settings.API_RATE_LIMIT = "1000000/min"  # the reader pages as fast as it can
    make_signals(municipality, [{"at": n, "creditor": api.creditor, "status": SignalStatus.AFGEHANDELD}
                                for n in range(EVENTS)])
    ids = list(Signal.objects.order_by("pk").values_list("pk", flat=True))
    halves = [ids[0::2], ids[1::2]]
    errors: list[Exception] = []
    done = threading.Event()
    running = [2]
    lock = threading.Lock()

    def write(signal_ids, seed):
        rng = random.Random(seed)
        try:
            signals = list(Signal.objects.filter(pk__in=signal_ids).order_by("pk"))
            position = 0
            while position < len(signals):
                batch = signals[position:position + rng.randint(1, 5)]
                position += len(batch)
                with transaction.atomic():
                    for signal in batch:
                        feedback_issue_for_signal(signal=signal, outcome=Outcome.OVERLEDEN, now=NOW)
                    if rng.random() < 0.3:
                        time.sleep(rng.random() / 100)  # hold the transaction: commits out of id order
                time.sleep(rng.random() / 1000)  # a pace the reader keeps up with: it reads at the tail
        except Exception as exc:  # surfaced in the main thread below
            errors.append(exc)
        finally:
            connection.close()
            with lock:
                running[0] -= 1
                if running[0] == 0:
                    done.set()

    threads = [threading.Thread(target=write, args=(half, seed)) for seed, half in enumerate(halves)]
    for thread in threads:
        thread.start()
    seen, cursor, pages = [], None, 0
    try:
        while True:
            finished = done.is_set()  # read before the page: an empty page after this means all is read
            response = api.get("/api/v1/terugkoppelingen", {"limiet": 7} | ({"vanaf": cursor} if cursor else {}))
            assert response.status_code == 200, response.content
            body = response.json()
            pages += 1
            assert len(body["terugkoppelingen"]) <= 7
            seen += [item["id"] for item in body["terugkoppelingen"]]
            if body["volgende"]:
                cursor = body["volgende"]
            elif finished:
                break
    finally:
        for thread in threads:
            thread.join()

    assert errors == []
    expected = [str(pk) for pk in FeedbackEvent.objects.filter(creditor=api.creditor).order_by("seq")
                .values_list("public_id", flat=True)]
    assert len(expected) == EVENTS
    assert len(seen) == len(set(seen)) == EVENTS  # each exactly once
    assert seen == expected  # in feed order
    assert pages > EVENTS // 7
