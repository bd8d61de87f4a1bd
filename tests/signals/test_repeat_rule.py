"""The repeat rule ("niet opgepakt: herhaalde melding") over generated sequences of deliveries,
through the real checks against the fake BRP on loopback.

Contract: "same arrear already signalled recently by this creditor and not higher". Every earlier
signal that passed the checks counts, whether it waits for the period close or is in a case: an
identical re-delivery under a new ``signaalId`` is a repeat, a higher amount passes (and updates the
open case), another arrear is never a repeat, and of two identical signals exactly one passes.
"""
import copy
import datetime as dt
import random
import threading
from decimal import Decimal

import pytest
from django.db import connection

from accounts.models import Municipality
from cases import deadlines, services
from cases.models import SignalRole
from demo import deliveries, generator
from feedback.models import FeedbackEvent
from signals.checks import run_checks
from signals.fallout import fallout_decide
from signals.models import Signal, SignalStatus
from signals.services import delivery_create
from signals.tasks import checks_sweep
from tests.factories import UserFactory
from vroegsignalering.common.vocab import CreditorKind, Outcome

S = SignalStatus
PASSED = {S.GECONTROLEERD, S.IN_MELDING}


@pytest.fixture
def the_hague(db):
    # No threshold and no arrear-age windows: a re-delivery weeks later is judged by the repeat rule only.
    return Municipality.objects.create(
        cbs_code="0518", name="'s-Gravenhage", inhabitants=566_221, threshold_amount=Decimal("0"),
        arrear_age_windows={kind: [0, None] for kind in CreditorKind.values},
    )


def _deliver(payloads) -> list[Signal]:
    creditors = deliveries.demo_creditors()
    signals = []
    for payload in payloads:
        creditor = creditors[payload["soortVasteLast"]]
        _, results = delivery_create(creditor=creditor, items=[payload])
        assert results[0].status == "ontvangen", results[0]
        signals.append(Signal.objects.get(creditor=creditor, signal_id=payload["signaalId"],
                                          forwarded_from__isnull=True))
    return signals


def _month(month: str) -> list[dict]:
    """A generated month of signals for the fake BRP's population of 's-Gravenhage (seed 0)."""
    return generator.generate_month("0518", 566_221, month, seed=0, scale=0.01, place="'s-Gravenhage")


def _base_arrears(month: str, seed: int) -> list[dict]:
    """The month's generated signals that pass every check (found in the BRP, not known to SHV);
    some without contract number (then the arrear is the customer, the kind and the due date)."""
    rng = random.Random(seed)
    payloads = _month(month)
    payloads = [p for p in payloads if p.get("soortSignaal", "vroegsignaal") == "vroegsignaal"]
    for payload in payloads:
        if rng.random() < 0.4:
            payload.pop("contractnummer", None)
    signals = _deliver(payloads)
    for signal in signals:
        run_checks(signal_id=signal.pk)
    passed = {s.signal_id for s in Signal.objects.filter(pk__in=[s.pk for s in signals], status__in=PASSED)}
    return [p for p in payloads if p["signaalId"] in passed]


def _variant(base: dict, signal_id: str, day: dt.date, *, amount: Decimal | None = None,
             other_arrear: int = 0) -> dict:
    payload = copy.deepcopy(base)
    payload["signaalId"] = signal_id
    payload["signaaldatum"] = day.isoformat()
    if amount is not None:
        payload["achterstand"]["bedrag"] = f"{amount:.2f}"
    if other_arrear:  # another contract, or (without one) another invoice; a new one per number
        if payload.get("contractnummer"):
            payload["contractnummer"] = f"{payload['contractnummer']}-B{other_arrear}"
        due = dt.date.fromisoformat(payload["achterstand"]["vervaldatumOudsteFactuur"])
        payload["achterstand"]["vervaldatumOudsteFactuur"] = (due - dt.timedelta(days=other_arrear)).isoformat()
    return payload


def _arrear(payload: dict) -> tuple:
    if payload.get("contractnummer"):
        return (payload["soortVasteLast"], "contract", payload["contractnummer"])
    klant = payload["klant"]
    return (payload["soortVasteLast"], klant.get("geslachtsnaam"), klant.get("geboortedatum"),
            payload["achterstand"]["vervaldatumOudsteFactuur"])


def _feedback_codes(signal: Signal) -> list[str]:
    return list(FeedbackEvent.objects.filter(signal=signal).values_list("code", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(("month", "seed"), [("2026-06", 1), ("2026-07", 2), ("2026-08", 3)])
def test_generated_deliveries_every_identical_re_delivery_is_a_repeat(brp, the_hague, month, seed):
    rng = random.Random(seed)
    bases = _base_arrears(month, seed)
    assert len(bases) >= 8
    # The model: per arrear the amount of the latest signal that passed.
    latest = {_arrear(p): Decimal(p["achterstand"]["bedrag"]) for p in bases}
    period = deadlines.period_for(dt.date.fromisoformat(f"{month}-15"))
    start = period.end
    closed = False
    counts = {"repeat": 0, "higher": 0, "updated": 0, "other": 0}
    for round_ in range(1, 7):
        day = start + dt.timedelta(days=10 * round_)
        if round_ == 3 and not closed:  # the August cases open: later re-deliveries meet cases
            services.period_close(municipality=the_hague, period=period,
                                  now=deadlines.start_of_day(period.end + dt.timedelta(days=2)))
            closed = True
        plan = []
        for number, base in enumerate(rng.sample(bases, k=max(4, len(bases) // 2))):
            action = rng.choice(["identical", "identical", "lower", "higher", "other"])
            key = _arrear(base)
            amount = latest[key]
            signal_id = f"{base['signaalId']}-R{round_}-{number}"
            if action == "identical":
                plan.append((action, _variant(base, signal_id, day, amount=amount)))
            elif action == "lower":
                plan.append((action, _variant(base, signal_id, day, amount=max(Decimal("1.00"), amount - 25))))
            elif action == "higher":
                plan.append((action, _variant(base, signal_id, day, amount=amount + Decimal("40.00"))))
            else:
                plan.append((action, _variant(base, signal_id, day, amount=amount,
                                                 other_arrear=100 * round_ + number + 1)))
        signals = _deliver([payload for _, payload in plan])
        order = list(range(len(plan)))
        rng.shuffle(order)
        for index in order:
            run_checks(signal_id=signals[index].pk)
        for (action, payload), signal in zip(plan, signals, strict=True):
            signal.refresh_from_db()
            key = _arrear(payload)
            if action in ("identical", "lower"):
                assert (signal.status, signal.outcome) == (S.AFGEHANDELD, Outcome.HERHAALDE_MELDING), (action, payload)
                assert _feedback_codes(signal) == ["niet_opgepakt_herhaalde_melding"]
                counts["repeat"] += 1
            elif action == "higher":
                assert signal.status in PASSED and not _feedback_codes(signal), payload
                earlier = (Signal.objects.filter(creditor=signal.creditor, status=S.IN_MELDING,
                                                 case_link__case__status__in=["open", "in_behandeling", "heropend"])
                           .exclude(pk=signal.pk))
                earlier = [s for s in earlier if _arrear_of(s) == _arrear_of(signal)]
                if earlier:  # an open case holds the arrear: the higher amount updates it
                    assert signal.status == S.IN_MELDING
                    assert signal.case_link.case_id == earlier[0].case_link.case_id
                    assert signal.case_link.role == SignalRole.UPDATE
                    counts["updated"] += 1
                latest[key] = Decimal(payload["achterstand"]["bedrag"])
                counts["higher"] += 1
            else:
                assert signal.status in PASSED, payload  # another arrear: never a repeat
                counts["other"] += 1
    assert counts["repeat"] and counts["higher"] and counts["updated"] and counts["other"], counts


def _arrear_of(signal: Signal) -> tuple:
    if signal.contract_number:
        return ("contract", signal.contract_number)
    return (signal.bsn, signal.creditor_kind, signal.oldest_due_date)


def _fresh_arrears(month: str, seed: int, n: int) -> list[dict]:
    """``n`` generated arrears whose person passes every check, each under a new arrear (another
    contract number, or another due date) that no signal reported before."""
    bases = _base_arrears(month, seed)
    assert len(bases) >= n
    return [_variant(base, base["signaalId"] + "-N", dt.date.fromisoformat(base["signaaldatum"]),
                     other_arrear=900 + number) for number, base in enumerate(bases[:n])]


def _sweep_until_quiet(rounds: int = 5) -> None:
    """What the periodic sweeper does: re-run the checks of signals that are due again."""
    for _ in range(rounds):
        if not checks_sweep():
            return


@pytest.mark.django_db
def test_two_identical_signals_in_one_delivery_exactly_one_passes(brp, the_hague):
    arrears = _fresh_arrears("2026-09", seed=5, n=6)
    twins = [_variant(p, p["signaalId"] + "-TWEE", dt.date.fromisoformat(p["signaaldatum"])) for p in arrears]
    signals = _deliver([*arrears, *twins])
    for signal in reversed(signals):  # the twin is checked first: it waits for the earlier original
        run_checks(signal_id=signal.pk)
    _sweep_until_quiet()
    exercised = 0
    for first, second in zip(signals[:6], signals[6:], strict=True):
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status in PASSED and not _feedback_codes(first)
        assert second.outcome == Outcome.HERHAALDE_MELDING
        assert _feedback_codes(second) == ["niet_opgepakt_herhaalde_melding"]
        exercised += 1
    assert exercised == len(arrears) == 6


@pytest.mark.django_db(transaction=True)
def test_identical_signals_checked_concurrently_exactly_one_passes(brp, the_hague):
    arrears = _fresh_arrears("2026-10", seed=6, n=4)
    copies = 3
    groups = []
    for base in arrears:
        day = dt.date.fromisoformat(base["signaaldatum"])
        groups.append(_deliver([_variant(base, f"{base['signaalId']}-K{n}", day) for n in range(copies)]))
    barrier = threading.Barrier(copies)
    errors = []

    def check(signal_id):
        try:
            barrier.wait(timeout=10)
            run_checks(signal_id=signal_id)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    for group in groups:
        threads = [threading.Thread(target=check, args=(s.pk,)) for s in group]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        barrier.reset()
    assert not errors, errors
    _sweep_until_quiet()  # a copy that met an earlier one still in its checks waited for it
    exercised = 0
    for group in groups:
        statuses = [Signal.objects.get(pk=s.pk) for s in group]
        passed = [s for s in statuses if s.status in PASSED]
        assert len(passed) == 1, [(s.status, s.outcome) for s in statuses]
        assert sum(s.outcome == Outcome.HERHAALDE_MELDING for s in statuses) == copies - 1
        assert all(len(_feedback_codes(s)) == (0 if s in passed else 1) for s in statuses)
        exercised += 1
    assert exercised == len(arrears) == 4


def _garbled(payload: dict, signal_id: str) -> dict:
    """The same arrear, but a surname the BRP cannot match: the signal falls out to a person."""
    garbled = copy.deepcopy(payload)
    garbled["signaalId"] = signal_id
    garbled["klant"]["geslachtsnaam"] = "Qxzvwy" + garbled["klant"]["geslachtsnaam"][:3]
    garbled["klant"].pop("voorvoegsel", None)
    return garbled


@pytest.mark.django_db
@pytest.mark.parametrize("decision", ["persoon", "geen_inwoner", "niet_opgepakt"])
def test_a_later_signal_waits_while_the_earlier_one_is_in_fallout(brp, the_hague, decision):
    """An earlier signal of the same arrear still in fallout: the later identical one (ten days later)
    waits; once a person decides, the later one is a repeat if the earlier passed, and passes if the
    earlier ended without being picked up. Every signal ends with exactly one end result."""
    arrears = [p for p in _fresh_arrears("2026-06", seed=7, n=20) if p.get("contractnummer")][:4]
    assert len(arrears) == 4
    reviewer = UserFactory(municipalities=[the_hague])
    for number, base in enumerate(arrears):
        earlier = _deliver([_garbled(base, base["signaalId"] + f"-U{number}")])[0]
        run_checks(signal_id=earlier.pk)
        earlier.refresh_from_db()
        assert earlier.status == S.UITVAL, earlier.status
        day = dt.date.fromisoformat(base["signaaldatum"]) + dt.timedelta(days=10)
        later = _deliver([_variant(base, base["signaalId"] + f"-L{number}", day)])[0]
        run_checks(signal_id=later.pk)
        later.refresh_from_db()
        assert later.status == S.WACHT_OP_BRP and not _feedback_codes(later)  # waits for the decision
        if decision == "persoon":
            person = later.bsn
            assert person in {c.get("bsn") for c in earlier.brp_evidence.get("kandidaten", [])}
            fallout_decide(signal_id=earlier.pk, decided_by=reviewer, decision="persoon", bsn=person)
            run_checks(signal_id=earlier.pk)  # what the decision enqueues on commit
        elif decision == "geen_inwoner":
            fallout_decide(signal_id=earlier.pk, decided_by=reviewer, decision="geen_inwoner")
        else:
            fallout_decide(signal_id=earlier.pk, decided_by=reviewer, decision="niet_opgepakt", reason="Onduidelijk")
        _sweep_until_quiet()
        earlier.refresh_from_db()
        later.refresh_from_db()
        if decision == "persoon":
            assert earlier.status in PASSED and not _feedback_codes(earlier)
            assert later.outcome == Outcome.HERHAALDE_MELDING
            assert _feedback_codes(later) == ["niet_opgepakt_herhaalde_melding"]
        else:
            assert earlier.status == S.AFGEHANDELD and len(_feedback_codes(earlier)) == 1
            assert later.status in PASSED and not _feedback_codes(later)
