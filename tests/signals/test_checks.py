"""The checks on arrival, end to end against the fake BRP on loopback (no patching of our code)."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Municipality
from signals.checks import run_checks
from signals.fallout import ReviewError, fallout_decide
from signals.history import signal_history_text
from signals.models import FalloutDecision, Signal, SignalHistory, SignalStatus
from signals.selectors import signals_due_for_checks
from signals.services import delivery_create
from tests.auth import login
from tests.factories import CreditorFactory, MunicipalityFactory, UserFactory
from vroegsignalering.common.vocab import Outcome

pytestmark = pytest.mark.django_db

S = SignalStatus


@pytest.fixture
def municipalities(db):
    return {
        "0518": MunicipalityFactory(cbs_code="0518", name="'s-Gravenhage", inhabitants=566_221,
                                    threshold_amount=Decimal("50.00")),
        "0363": MunicipalityFactory(cbs_code="0363", name="Amsterdam", inhabitants=931_298),
        "0344": MunicipalityFactory(cbs_code="0344", name="Utrecht", inhabitants=374_238),
    }


@pytest.fixture
def insurer(db):
    return CreditorFactory(name="Zorgverzekeraar Test")


def deliver(creditor, **fields) -> Signal:
    today = timezone.localdate()
    payload = {
        "signaalId": fields.pop("signaalId", "S-1"),
        "gemeentecode": fields.pop("gemeentecode", "0518"),
        "soortVasteLast": fields.pop("soortVasteLast", "zorgverzekering"),
        "klant": fields.pop("klant"),
        "adres": fields.pop("adres"),
        "achterstand": fields.pop("achterstand", {
            "bedrag": "250.00", "vervaldatumOudsteFactuur": (today - dt.timedelta(days=45)).isoformat()}),
        **fields,
    }
    _, results = delivery_create(creditor=creditor, items=[payload])
    assert results[0].status == "ontvangen", results[0].errors
    return Signal.objects.get(creditor=creditor, signal_id=payload["signaalId"], forwarded_from__isnull=True)


EVELIEN = {"klant": {"voornamen": "Eleonora", "voorvoegsel": "de", "geslachtsnaam": "Crooy",
                     "geboortedatum": "1969-12-28"},
           "adres": {"postcode": "2516 BD", "huisnummer": 32, "huisletter": "A"}}


def history(signal) -> list[str]:
    return list(SignalHistory.objects.filter(signal=signal).order_by("at", "id").values_list("to_status", flat=True))


def test_a_resident_passes_every_check_and_waits_for_matching(brp, municipalities, insurer):
    signal = deliver(insurer, **EVELIEN)
    step = run_checks(signal_id=signal.pk)
    signal.refresh_from_db()
    assert step.status == S.GECONTROLEERD == signal.status
    assert signal.bsn == "999995455"
    assert signal.brp_evidence["uitkomst"] == "gevonden"
    assert signal.shv_evidence["status"] == "onbekend"
    assert history(signal) == [S.ONTVANGEN, S.IN_CONTROLE, S.IN_CONTROLE, S.GECONTROLEERD]


def test_running_the_checks_twice_changes_nothing_the_second_time(brp, municipalities, insurer):
    signal = deliver(insurer, **EVELIEN)
    run_checks(signal_id=signal.pk)
    requests = brp.request_count
    step = run_checks(signal_id=signal.pk)
    assert step.detail == "niet aan de beurt"
    assert brp.request_count == requests
    assert len(history(signal)) == 4


def test_deceased_person_ends_as_overleden(brp, municipalities, insurer):
    signal = deliver(insurer, gemeentecode="0344", klant={"voornamen": "Jan", "voorvoegsel": "de",
                     "geslachtsnaam": "Vries", "geboortedatum": "1935-05-05"},
                     adres={"postcode": "3512 JB", "huisnummer": 4})
    run_checks(signal_id=signal.pk)
    signal.refresh_from_db()
    assert (signal.status, signal.outcome) == (S.AFGEHANDELD, Outcome.OVERLEDEN)


def test_emigrated_person_is_no_resident(brp, municipalities, insurer):
    signal = deliver(insurer, gemeentecode="0363", klant={"voornamen": "Philippe", "voorvoegsel": "de",
                     "geslachtsnaam": "Zeeuw", "geboortedatum": "1992-05-06"},
                     adres={"postcode": "1011 AB", "huisnummer": 1})
    run_checks(signal_id=signal.pk)
    signal.refresh_from_db()
    assert (signal.status, signal.outcome) == (S.AFGEHANDELD, Outcome.GEEN_INWONER)


def test_person_living_in_another_served_municipality_is_forwarded_there(brp, municipalities, insurer):
    # Eleonora de Crooy lives in 's-Gravenhage; the creditor sent the signal to Amsterdam.
    signal = deliver(insurer, gemeentecode="0363", klant=EVELIEN["klant"],
                     adres={"postcode": "1011 AB", "huisnummer": 1})
    run_checks(signal_id=signal.pk)
    signal.refresh_from_db()
    assert (signal.status, signal.outcome) == (S.DOORGESTUURD, Outcome.GEEN_INWONER)
    assert signal.forwarded_to.cbs_code == "0518"
    copy = Signal.objects.get(forwarded_from=signal)
    assert copy.municipality.cbs_code == "0518" and copy.status == S.ONTVANGEN
    # The copy is a new signal there, at the person's address there, checked for that person.
    assert (copy.postcode, copy.house_number, copy.house_letter) == ("2516BD", 32, "A")
    run_checks(signal_id=copy.pk)
    copy.refresh_from_db()
    assert (copy.status, copy.bsn) == (S.GECONTROLEERD, "999995455")
    assert copy.brp_evidence["gemeente_van_inschrijving"]["code"] == "0518"
    # The original keeps no trace of the new address; the creditor's API shows only the original.
    assert "2516" not in str(signal.brp_evidence)


def test_person_living_in_a_municipality_not_served_is_listed_for_manual_forwarding(brp, municipalities, insurer):
    Municipality.objects.filter(cbs_code="0518").delete()
    signal = deliver(insurer, gemeentecode="0363", klant=EVELIEN["klant"],
                     adres={"postcode": "1011 AB", "huisnummer": 1})
    run_checks(signal_id=signal.pk)
    signal.refresh_from_db()
    assert (signal.status, signal.forwarded_to) == (S.DOORGESTUURD, None)
    assert not Signal.objects.filter(forwarded_from=signal).exists()


def test_legal_entity_and_threshold_end_before_the_brp_is_asked(brp, municipalities, insurer):
    company = deliver(insurer, signaalId="BV", klant={"bedrijfsnaam": "Proef Installatie B.V."},
                      adres=EVELIEN["adres"])
    small = deliver(insurer, signaalId="KLEIN", achterstand={"bedrag": "20.00", "vervaldatumOudsteFactuur":
                    (timezone.localdate() - dt.timedelta(days=45)).isoformat()}, **EVELIEN)
    run_checks(signal_id=company.pk)
    run_checks(signal_id=small.pk)
    company.refresh_from_db()
    small.refresh_from_db()
    assert company.outcome == Outcome.ANDERE_REDEN
    assert small.outcome == Outcome.ONTERECHT_SIGNAAL
    assert brp.request_count == 0


def test_a_misspelt_name_lands_in_fallout_and_a_reviewer_decides(brp, municipalities, insurer, client,
                                                            django_capture_on_commit_callbacks):
    signal = deliver(insurer, klant={"voornamen": "Eleonora", "geslachtsnaam": "Croij", "geboortedatum": "2000-01-01"},
                     adres=EVELIEN["adres"])
    run_checks(signal_id=signal.pk)
    signal.refresh_from_db()
    assert signal.status == S.UITVAL
    reviewer = UserFactory(municipalities=[municipalities["0518"]])
    outsider = UserFactory(municipalities=[municipalities["0363"]])

    # The review screen: only for this municipality's staff, the right person on top.
    login(client, outsider)
    assert client.get(f"/uitval/{signal.pk}").status_code == 404
    login(client, reviewer)
    page = client.get("/uitval").content.decode()
    assert f"/uitval/{signal.pk}" in page
    detail = client.get(f"/uitval/{signal.pk}").content.decode()
    assert detail.index("999995455") < detail.index("Geen inwoner")

    # Nothing leaves the queue without a decision; a decision needs a valid choice.
    assert client.post(f"/uitval/{signal.pk}", {"keuze": "persoon:123456789"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/uitval/{signal.pk}", {"keuze": "persoon:999995455"})
    assert response.status_code == 302
    signal.refresh_from_db()
    decision = FalloutDecision.objects.get(signal=signal)
    assert (decision.decision, decision.bsn, decision.decided_by) == ("persoon", "999995455", reviewer)
    # The decision resumes the checks (eager Celery in tests): SHV, then waiting for matching.
    assert signal.status == S.GECONTROLEERD
    assert signal.bsn == "999995455"
    # The chosen person's record was fetched: age and household for routing, and who chose.
    assert signal.brp_evidence["uitkomst"] == "gevonden"
    assert signal.brp_evidence["leeftijd"] >= 56
    assert signal.brp_evidence["beoordeling"]["bsn"] == "999995455"
    with pytest.raises(ReviewError):
        fallout_decide(signal_id=signal.pk, decided_by=reviewer, decision="geen_inwoner")


def test_not_picking_up_from_fallout_needs_a_reason(brp, municipalities, insurer):
    signal = deliver(insurer, klant={"geslachtsnaam": "Onbekend"}, adres=EVELIEN["adres"])
    run_checks(signal_id=signal.pk)
    reviewer = UserFactory(municipalities=[municipalities["0518"]])
    with pytest.raises(ReviewError, match="reden"):
        fallout_decide(signal_id=signal.pk, decided_by=reviewer, decision="niet_opgepakt")
    fallout_decide(signal_id=signal.pk, decided_by=reviewer, decision="niet_opgepakt", reason="Garagebox")
    signal.refresh_from_db()
    assert (signal.status, signal.outcome) == (S.AFGEHANDELD, Outcome.ANDERE_REDEN)


def test_while_the_brp_is_down_the_signal_waits_and_is_checked_once_after_recovery(brp, municipalities, insurer):
    signal = deliver(insurer, **EVELIEN)
    brp.set_down(True)
    step = run_checks(signal_id=signal.pk)
    signal.refresh_from_db()
    assert step.status == S.WACHT_OP_BRP == signal.status
    assert signal.next_check_at > timezone.now()
    assert signal.pk not in signals_due_for_checks()

    brp.set_down(False)
    later = signal.next_check_at + dt.timedelta(seconds=1)
    assert signal.pk in signals_due_for_checks(now=later)
    run_checks(signal_id=signal.pk, now=later)
    run_checks(signal_id=signal.pk, now=later)  # a duplicate message does nothing
    signal.refresh_from_db()
    assert signal.status == S.GECONTROLEERD
    assert history(signal).count(S.GECONTROLEERD) == 1


def test_intake_enqueues_the_checks_on_commit(brp, municipalities, insurer, checks_on_intake,
                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        signal = deliver(insurer, **EVELIEN)
    assert len(callbacks) == 1
    signal.refresh_from_db()
    assert signal.status == S.GECONTROLEERD  # eager Celery ran the check


def test_the_sweeper_takes_received_signals_the_intake_did_not_reach(brp, municipalities, insurer):
    signal = deliver(insurer, **EVELIEN)
    assert signal.pk not in signals_due_for_checks()  # just enqueued by the intake
    assert signal.pk in signals_due_for_checks(now=timezone.now() + dt.timedelta(minutes=6))


def test_a_question_the_brp_refuses_goes_to_a_person(brp, municipalities, insurer):
    signal = deliver(insurer, **EVELIEN)
    brp.fail_next(1, status=400)
    step = run_checks(signal_id=signal.pk)
    signal.refresh_from_db()
    assert step.status == S.UITVAL == signal.status
    assert "weigerde" in signal_history_text(SignalHistory.objects.filter(signal=signal).last())


def test_a_check_that_keeps_stalling_goes_to_a_person(brp, municipalities, insurer):
    signal = deliver(insurer, **EVELIEN)
    Signal.objects.filter(pk=signal.pk).update(status=S.IN_CONTROLE, check_attempts=5, next_check_at=None)
    run_checks(signal_id=signal.pk)
    signal.refresh_from_db()
    assert signal.status == S.UITVAL
    assert brp.request_count == 0
