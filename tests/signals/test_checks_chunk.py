"""The checks of a chunk (``check_chunk``): the same results as one ``run_checks`` per signal, against the
fake BRP on loopback, and nothing lost or decided twice when the BRP or the database fails mid-chunk."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from cases.models import Case
from demo import deliveries, generator
from feedback.models import FeedbackEvent
from signals.checks import run_checks
from signals.checks_chunk import _begin, _check_and_apply, run_checks_chunk
from signals.models import Signal, SignalEvent, SignalHistory, SignalStatus
from signals.services import delivery_create
from signals.tasks import checks_sweep
from tests.factories import CreditorFactory, MunicipalityFactory
from vroegsignalering.common.vocab import Outcome

pytestmark = pytest.mark.django_db

S = SignalStatus
CODE, INHABITANTS = "0935", 121_000


@pytest.fixture
def town(db):
    return MunicipalityFactory(cbs_code=CODE, name="Maastricht", inhabitants=INHABITANTS,
                               threshold_amount=Decimal("50.00"))


def _deliver_month(count: int) -> list[int]:
    """A month of generated signals of the town (people the fake BRP knows, with the creditors' typos,
    old addresses, several signals per household), stored through the intake."""
    today = timezone.localdate()
    month = f"{today.year:04d}-{today.month:02d}"
    payloads = generator.generate_month(CODE, INHABITANTS, generator.previous_months(month, 1)[0], scale=3.0)
    creditors = deliveries.demo_creditors()
    per_creditor: dict = {}
    for payload in payloads[:count]:
        per_creditor.setdefault(creditors[payload["soortVasteLast"]], []).append(payload)
    for creditor, items in per_creditor.items():
        delivery_create(creditor=creditor, items=items)
    return list(Signal.objects.order_by("pk").values_list("pk", flat=True))


def _state(ids) -> dict:
    """Everything a person could notice of the checks: per signal its status, outcome, BSN, evidence
    and history (without row ids); the cases by their signals; the feedback per signal."""
    signals = {s.pk: (s.status, s.outcome, s.bsn, s.brp_evidence, s.shv_evidence, s.forwarded_to_id)
               for s in Signal.objects.filter(pk__in=ids)}
    history = {}
    for row in SignalHistory.objects.filter(signal_id__in=ids).order_by("signal_id", "id"):
        params = {key: value for key, value in row.params.items() if key != "case"}  # ids differ: see "cases"
        history.setdefault(row.signal_id, []).append((row.event, row.from_status, row.to_status, params, row.at))
    cases = sorted(tuple(sorted(case.case_signals.values_list("signal_id", flat=True))) for case in Case.objects.all())
    feedback = sorted(FeedbackEvent.objects.values_list("signal_id", "code"))
    return {"signals": signals, "history": history, "cases": cases, "feedback": feedback}


def test_a_chunk_decides_exactly_what_one_check_per_signal_decides(brp, town):
    ids = _deliver_month(150)
    now = timezone.now()
    savepoint = transaction.savepoint()
    for signal_id in ids:
        run_checks(signal_id=signal_id, now=now)
    one_by_one = _state(ids)
    asked_one_by_one = brp.request_count
    transaction.savepoint_rollback(savepoint)

    brp.reset()
    counts = run_checks_chunk(ids, now=now)
    chunked = _state(ids)

    for part in ("signals", "history"):
        differing = {pk: (one_by_one[part].get(pk), chunked[part].get(pk)) for pk in ids
                     if one_by_one[part].get(pk) != chunked[part].get(pk)}
        for pk, (a, b) in list(differing.items())[:1]:
            for x, y in zip(a, b, strict=False):
                assert x == y, (pk, x, y)
        assert not differing
    assert chunked == one_by_one
    statuses = {status for status, *_ in chunked["signals"].values()}
    assert {S.GECONTROLEERD, S.AFGEHANDELD, S.UITVAL} <= statuses, statuses  # the set covers the outcomes
    assert sum(n for status, n in counts.items() if status != "overgeslagen") == len(ids)
    assert brp.request_count <= asked_one_by_one


def test_running_a_chunk_twice_decides_nothing_twice(brp, town):
    ids = _deliver_month(40)
    run_checks_chunk(ids)
    before = _state(ids)
    asked = brp.request_count
    counts = run_checks_chunk(ids)
    assert _state(ids) == before
    assert brp.request_count == asked
    assert counts == {"overgeslagen": len(ids)}


def test_the_brp_down_for_the_whole_chunk_makes_every_signal_wait_then_the_sweeper_finishes(brp, town):
    ids = _deliver_month(30)
    brp.set_down(True)
    run_checks_chunk(ids)
    waiting = Signal.objects.filter(pk__in=ids, status=S.WACHT_OP_BRP)
    rules_ended = Signal.objects.filter(pk__in=ids, status=S.AFGEHANDELD)
    assert waiting.count() + rules_ended.count() == len(ids)
    assert waiting.exists()
    assert all(s.next_check_at > timezone.now() for s in waiting)
    assert SignalHistory.objects.filter(signal_id__in=ids, event=SignalEvent.REGISTER_DOWN).count() == waiting.count()

    brp.set_down(False)
    later = timezone.now() + dt.timedelta(hours=2)
    run_checks_chunk(ids, now=later)
    assert not Signal.objects.filter(pk__in=ids, status__in=[S.ONTVANGEN, S.IN_CONTROLE, S.WACHT_OP_BRP]).exists()
    _assert_checked_once(ids)


def test_the_brp_failing_mid_chunk_loses_nothing_and_decides_nothing_twice(brp, town, settings):
    ids = _deliver_month(60)
    settings.BRP_RETRIES = 0
    brp.fail_next(8, status=503)  # the first questions fail, the rest are answered
    run_checks_chunk(ids)
    assert not Signal.objects.filter(pk__in=ids, status__in=[S.ONTVANGEN, S.IN_CONTROLE]).exists()
    later = timezone.now() + dt.timedelta(hours=2)
    run_checks_chunk(ids, now=later)
    assert not Signal.objects.filter(pk__in=ids, status__in=[S.ONTVANGEN, S.IN_CONTROLE, S.WACHT_OP_BRP]).exists()
    _assert_checked_once(ids)


def test_a_signal_another_worker_took_over_is_left_to_it(brp, town):
    """The chunk's lease ran out while it asked the BRP, and the sweeper gave its signals to another worker
    (one more attempt each): this chunk writes nothing for them."""
    ids = _deliver_month(10)
    now = timezone.now()
    work, _ = _begin(ids, now)
    assert work
    Signal.objects.filter(pk__in=[w.signal.pk for w in work]).update(check_attempts=F("check_attempts") + 1)
    history = SignalHistory.objects.filter(signal_id__in=ids).count()
    assert _check_and_apply(work, now) == {}
    assert set(Signal.objects.filter(pk__in=[w.signal.pk for w in work]).values_list("status", flat=True)) == {
        S.IN_CONTROLE}
    assert SignalHistory.objects.filter(signal_id__in=ids).count() == history


def _fail_updates_of(signal_id: int):
    """A database that refuses any change to one signal (a trigger): a fault inside the apply phase."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"""CREATE FUNCTION refuse_one() RETURNS trigger AS $$ BEGIN
                IF NEW.id = {signal_id} THEN RAISE EXCEPTION 'weigerd'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql""")
            cursor.execute("CREATE TRIGGER refuse_one BEFORE UPDATE ON signals_signal FOR EACH ROW "
                           "EXECUTE FUNCTION refuse_one()")
        else:
            cursor.execute(f"CREATE TRIGGER refuse_one BEFORE UPDATE ON signals_signal WHEN NEW.id = {signal_id} "
                           "BEGIN SELECT RAISE(ABORT, 'geweigerd'); END")


def test_a_signal_the_database_refuses_does_not_hold_up_the_rest_of_its_chunk(brp, town):
    ids = _deliver_month(30)
    now = timezone.now()
    work, _ = _begin(ids, now)
    victim = work[len(work) // 2].signal.pk
    _fail_updates_of(victim)
    counts = _check_and_apply(work, now)
    assert sum(counts.values()) == len(work) - 1
    assert Signal.objects.get(pk=victim).status == S.IN_CONTROLE  # the sweeper gives it another go
    others = [w.signal.pk for w in work if w.signal.pk != victim]
    assert not Signal.objects.filter(pk__in=others, status=S.IN_CONTROLE).exists()


def test_two_identical_signals_in_one_chunk_exactly_one_passes(brp, town):
    payload = generator.generate_month(CODE, INHABITANTS, "2026-10", scale=3.0)[0]
    payload = payload | {"signaaldatum": timezone.localdate().isoformat()}
    creditor = CreditorFactory(name="Dubbel")
    delivery_create(creditor=creditor, items=[payload, payload | {"signaalId": payload["signaalId"] + "-b"}])
    ids = list(Signal.objects.order_by("pk").values_list("pk", flat=True))
    run_checks_chunk(ids)
    statuses = sorted(Signal.objects.filter(pk__in=ids).values_list("status", "outcome"))
    if statuses[0][0] == S.UITVAL:
        pytest.fail(f"the generated person was not found: {statuses}")
    assert len(statuses) == 2 and (S.GECONTROLEERD, "") in statuses
    assert (S.AFGEHANDELD, Outcome.HERHAALDE_MELDING) in statuses, statuses


def test_the_sweeper_enqueues_chunks_that_finish_every_due_signal(brp, town, settings):
    settings.CHECKS_CHUNK_SIZE = 7
    ids = _deliver_month(25)
    # the intake enqueued none of them (a lost message): the sweeper takes received signals after 5 minutes
    Signal.objects.filter(pk__in=ids).update(received_at=timezone.now() - dt.timedelta(minutes=10))
    assert checks_sweep() == len(ids)  # eager: the chunks run at once
    assert not Signal.objects.filter(pk__in=ids, status__in=[S.ONTVANGEN, S.IN_CONTROLE]).exists()
    _assert_checked_once(ids)


def _assert_checked_once(ids) -> None:
    """Every signal's checks ended once (one end of checks in its history) and no creditor hears twice."""
    ends = {SignalEvent.PASSED, SignalEvent.ENDED, SignalEvent.FALLOUT, SignalEvent.FORWARDED, SignalEvent.HELD}
    for signal_id in ids:
        events = list(SignalHistory.objects.filter(signal_id=signal_id, event__in=ends).values_list("event", flat=True))
        assert len([e for e in events if e != SignalEvent.HELD]) <= 1, (signal_id, events)
    feedback = list(FeedbackEvent.objects.filter(signal_id__in=ids).values_list("signal_id", flat=True))
    assert len(feedback) == len(set(feedback))
