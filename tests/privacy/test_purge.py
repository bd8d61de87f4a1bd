"""The daily purge (issue 12, item 4): what goes on the day its term ends, what stays, in batches, reported."""
import datetime as dt
from collections import Counter

import pytest
from django.conf import settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from audit.models import AuditEvent
from audit.vocab import Action
from cases.models import Case, CaseHistory, CaseStatus
from contacts.models import ContactAttempt, PlannedVisit
from feedback.models import DeliveryStatus, FeedbackEvent, WebhookDelivery, WebhookEndpoint
from feedback.representations import feed_item
from feedback.selectors import feedback_page_for_creditor
from monitor.models import SignalFact
from privacy import purge_other, purge_records
from privacy.models import INSTALLATION, PurgeRun
from privacy.purge import personal_data_purge
from shv.models import ShvRegistration
from signals.models import CsvImport, Delivery, FalloutDecision, RecurrenceFact, Signal, SignalHistory, SignalStatus
from tests.auth import login
from tests.factories import MunicipalityFactory, UserFactory, issued_key, make_case, make_signal
from tests.factories.dates import aware
from vroegsignalering.common.vocab import Outcome

from . import world

pytestmark = pytest.mark.django_db

CASE_ROWS = {"cases_case": 1, "contacts_plannedvisit": 1, "contacts_contactattempt": 1, "contacts_followup": 1,
             "cases_casehistory": 1, "cases_casesignal": 1, "signals_signal": 1, "signals_signalhistory": 1,
             "signals_falloutdecision": 1}


@pytest.fixture
def town(db):
    return MunicipalityFactory(retention_months=6, retention_months_help_accepted=12)


@pytest.fixture
def worker(town):
    return UserFactory(username="medewerker", role=Role.VROEGSIGNALEERDER, municipalities=[town])


def _times(counts: dict, n: int) -> dict:
    return {table: rows * n for table, rows in counts.items()}


def test_an_expired_case_goes_with_everything_that_hangs_from_it_and_the_run_counts_exactly(town, worker):
    case = world.expired_case(town, worker)
    signal_pk = case.case_signals.get().signal_id
    report = personal_data_purge(now=world.DUE)
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not Signal.objects.filter(pk=signal_pk).exists()
    for model in (ContactAttempt, PlannedVisit, CaseHistory, SignalHistory, FalloutDecision):
        assert not model._base_manager.exists(), model
    run = PurgeRun.objects.get()
    assert run.counts == {town.cbs_code: CASE_ROWS} == report.as_json()
    assert run.day == dt.date(2026, 9, 10) and run.finished_at >= run.started_at
    event = AuditEvent.objects.get(action=Action.DESTROY)
    assert event.count == sum(CASE_ROWS.values()) and event.object_id == str(run.pk)


def test_nothing_goes_the_day_before_its_term_ends(town, worker):
    case = world.expired_case(town, worker)
    assert personal_data_purge(now=world.BEFORE).total == 0
    assert Case.objects.filter(pk=case.pk).exists()
    assert personal_data_purge(now=world.DUE).total == sum(CASE_ROWS.values())


def test_accepted_help_waits_for_the_longer_term(town, worker):
    case = world.close(make_case(town, kinds=["energie"]), outcome=Outcome.QUICK_FIX)
    assert personal_data_purge(now=world.DUE).total == 0
    assert personal_data_purge(now=aware(2027, 3, 10, 2)).as_json()[town.cbs_code]["cases_case"] == 1
    assert not Case.objects.filter(pk=case.pk).exists()


@pytest.mark.parametrize("status", [CaseStatus.OPEN, CaseStatus.IN_BEHANDELING, CaseStatus.HEROPEND])
def test_an_active_or_reopened_case_stays_however_old(town, worker, status):
    case = world.expired_case(town, worker)
    Case.objects.filter(pk=case.pk).update(status=status)
    assert personal_data_purge(now=aware(2030, 1, 1)).as_json().get(town.cbs_code, {}).get("cases_case") is None
    assert Case.objects.filter(pk=case.pk).exists()


def test_batches_of_three_over_ten_cases(town, worker, monkeypatch):
    for _ in range(10):
        world.expired_case(town, worker)
    batches = []
    real = purge_records._locked_ids

    def spy(queryset, after, size):
        ids = real(queryset, after, size)
        batches.append(len(ids))
        return ids

    monkeypatch.setattr(purge_records, "_locked_ids", spy)
    report = personal_data_purge(now=world.DUE, batch_size=3)
    assert report.as_json()[town.cbs_code] == _times(CASE_ROWS, 10)
    assert batches[:5] == [3, 3, 3, 1, 0]
    assert not Case.objects.exists()


COARSENED = ("amount_euros", "received_on", "signal_date", "arrear_start", "ended_on", "updated_at")


def test_the_statistics_store_keeps_every_fact_and_only_coarsens_the_purged_signals_exact_values(
        town, worker, creditor):
    world.facts(town, creditor)
    case = world.expired_case(town, worker)
    purged = SignalFact.objects.get(signal_ref=case.case_signals.get().signal_id)
    assert purged.amount_euros is not None
    before = world.fact_rows()
    assert sum(len(rows) for rows in before) >= 5
    personal_data_purge(now=world.DUE)
    after = world.fact_rows()
    # Every fact stays; everything the figures count (classes, months, outcomes) is unchanged.
    assert [[{k: v for k, v in row.items() if k not in COARSENED} for row in rows] for rows in after] == [
        [{k: v for k, v in row.items() if k not in COARSENED} for row in rows] for rows in before]
    # The facts of signals that stayed are untouched; the purged signal's exact amount and dates are gone.
    assert [row for row in after[0] if row["signal_ref"] != purged.signal_ref] == [
        row for row in before[0] if row["signal_ref"] != purged.signal_ref]
    coarse = SignalFact.objects.get(pk=purged.pk)
    assert coarse.amount_euros is None and coarse.amount_class == purged.amount_class
    assert (coarse.signal_date, coarse.received_on, coarse.arrear_start) == (
        purged.signal_date.replace(day=1), purged.received_on.replace(day=1), purged.arrear_start.replace(day=1))
    assert after[1:] == before[1:]


def test_the_creditor_feed_is_identical_before_and_after(town, worker):
    cases = [world.expired_case(town, worker) for _ in range(3)]
    creditor = cases[0].case_signals.get().signal.creditor

    def feed():
        return [feed_item(e) for e in feedback_page_for_creditor(creditor=creditor, limit=100).events]

    before = feed()
    assert len(before) == 3 and all(item["signaalId"].startswith("T-") for item in before)
    personal_data_purge(now=world.DUE)
    assert not Signal.objects.exists() and FeedbackEvent.objects.count() == 3
    assert feed() == before


def test_the_creditors_signal_status_answers_404_after_the_purge(town, worker):
    case = world.expired_case(town, worker)
    signal = case.case_signals.get().signal
    api = APIClient()
    api.credentials(HTTP_X_API_KEY=issued_key(signal.creditor))
    url = reverse("api-signaal", args=[signal.signal_id])
    assert api.get(url).status_code == 200
    personal_data_purge(now=world.DUE)
    assert api.get(url).status_code == 404


def test_a_second_run_destroys_nothing(town, worker):
    world.expired_case(town, worker)
    world.ended_signal(town)
    assert personal_data_purge(now=world.DUE).total > 0
    second = personal_data_purge(now=world.DUE)
    assert second.total == 0 and second.as_json() == {}
    assert PurgeRun.objects.order_by("pk").last().counts == {}


def test_signals_ended_without_a_case_and_the_never_ended_backstop(town, worker):
    ended = world.ended_signal(town)
    fresh = world.ended_signal(town, at=aware(2026, 3, 11, 9))
    stuck = make_signal(town, status=SignalStatus.UITVAL, received_at=aware(2026, 3, 10, 9))
    world.furnish_signal(stuck, worker)
    report = personal_data_purge(now=world.DUE)
    assert report.as_json()[town.cbs_code] == {"signals_signal": 2, "signals_signalhistory": 1,
                                               "signals_falloutdecision": 1}
    assert report.never_ended == {town.cbs_code: 1} == PurgeRun.objects.get().never_ended
    assert list(Signal.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not Signal.objects.filter(pk__in=[ended.pk, stuck.pk]).exists()


def test_a_forwarded_copy_outlives_its_original_and_stays_hidden_from_the_creditor(town, worker):
    there = MunicipalityFactory(cbs_code="0599", name="Rotterdam", retention_months=12,
                                retention_months_help_accepted=12)
    original = world.ended_signal(town, status=SignalStatus.DOORGESTUURD)
    copy = make_signal(there, status=SignalStatus.GECONTROLEERD, creditor=original.creditor)
    Signal.objects.filter(pk=copy.pk).update(forwarded_from=original, forwarded_copy=True,
                                             signal_id=original.signal_id)
    personal_data_purge(now=world.DUE)
    copy.refresh_from_db()
    assert not Signal.objects.filter(pk=original.pk).exists()
    assert copy.forwarded_from_id is None and copy.forwarded_copy
    api = APIClient()
    api.credentials(HTTP_X_API_KEY=issued_key(original.creditor))
    assert api.get(reverse("api-signaal", args=[original.signal_id])).status_code == 404


def test_shv_rows_deliveries_and_imports_past_their_term(town, creditor):
    current = world.shv_row(town, "111222333", ended=None)
    aftercare = world.shv_row(town, "111222334", ended=dt.date(2026, 1, 1))  # 6 + 6 months: July 2027
    gone = world.shv_row(town, "111222335", ended=dt.date(2025, 3, 10))  # 6 + 6 months: 10 March 2026
    signal = make_signal(town, status=SignalStatus.GECONTROLEERD, creditor=creditor)
    Delivery.objects.filter(pk=signal.delivery_id).update(results=[{"signaalId": signal.signal_id}])
    empty = Delivery.objects.create(creditor=creditor, results=[{"signaalId": "X-1", "status": "geweigerd"}])
    world.age_deliveries(aware(2026, 3, 1))
    imp = world.old_import(creditor, at=aware(2026, 3, 1), results=[{"regel": 1, "signaalId": "X-1"}])
    imp.deliveries.add(empty)
    Signal.objects.filter(pk=signal.pk).update(received_at=aware(2026, 8, 1))  # its own term is later
    report = personal_data_purge(now=world.DUE)
    assert report.as_json() == {
        town.cbs_code: {"shv_shvregistration": 1},
        INSTALLATION: {"signals_delivery.results": 2, "signals_delivery": 1, "signals_csvimport": 1},
    }
    assert set(ShvRegistration.objects.values_list("pk", flat=True)) == {current.pk, aftercare.pk}
    assert not ShvRegistration.objects.filter(pk=gone.pk).exists()
    assert list(Delivery.objects.values_list("pk", "results")) == [(signal.delivery_id, [])]
    assert not CsvImport.objects.exists()


def test_the_audit_trail_and_the_admin_log_keep_their_own_term(town, worker):
    assert settings.AUDIT_RETENTION_MONTHS == 24
    old = AuditEvent.objects.create(at=aware(2024, 9, 10, 23, 59), principal="gebruiker", username="medewerker",
                                    action=Action.VIEW, method="GET", path="/meldingen/1")
    kept = AuditEvent.objects.create(at=aware(2024, 9, 11, 0, 1), principal="gebruiker", username="medewerker",
                                     action=Action.VIEW, method="GET", path="/meldingen/2")
    log = LogEntry.objects.create(user=worker, action_flag=ADDITION, object_repr="Melding 1")
    LogEntry.objects.filter(pk=log.pk).update(action_time=aware(2024, 9, 1))
    report = personal_data_purge(now=world.DUE)
    assert report.as_json()[INSTALLATION] == {"audit_auditevent": 1, "django_admin_log": 1}
    assert not AuditEvent.objects.filter(pk=old.pk).exists() and AuditEvent.objects.filter(pk=kept.pk).exists()
    assert not LogEntry.objects.exists()


def test_the_command_reports_in_dutch_and_a_dry_run_destroys_nothing(town, worker, capsys, monkeypatch):
    case = world.expired_case(town, worker)
    monkeypatch.setattr("privacy.purge.timezone.now", lambda: world.DUE)
    call_command("purge_personal_data", "--dry-run")
    out = capsys.readouterr().out
    assert "proefdraaien: er is niets vernietigd" in out and "1  meldingen" in out and "1  signalen" in out
    assert Case.objects.filter(pk=case.pk).exists() and not PurgeRun.objects.exists()
    call_command("purge_personal_data")
    out = capsys.readouterr().out
    assert f"{town.name} ({town.cbs_code}): vernietigde" in out and "1  contactpogingen" in out
    assert not Case.objects.filter(pk=case.pk).exists()
    call_command("purge_personal_data")
    assert "Geen gegevens waarvan de bewaartermijn verstreken is." in capsys.readouterr().out


def test_the_functional_administrator_sees_its_own_municipalities_counts(client, town, worker):
    other = MunicipalityFactory(cbs_code="0599", name="Rotterdam")
    world.expired_case(town, worker)
    other_worker = UserFactory(username="ander", role=Role.VROEGSIGNALEERDER, municipalities=[other])
    world.expired_case(other, other_worker)
    world.expired_case(other, other_worker)
    personal_data_purge(now=world.DUE)
    admin = UserFactory(username="beheerder", role=Role.FUNCTIONEEL_BEHEERDER, municipalities=[town])
    login(client, admin)
    html = client.get(reverse("privacy:purge_reports")).content.decode()
    assert f"{town.name} ({town.cbs_code})" in html and "Rotterdam (0599)" not in html
    assert "<th scope=\"row\">meldingen</th><td class=\"bedrag\">1</td>" in html
    login(client, worker)
    assert client.get(reverse("privacy:purge_reports")).status_code == 403


def test_the_purge_is_a_daily_beat_job_at_night_outside_the_summer_time_hour():
    job = settings.CELERY_BEAT_SCHEDULE["personal-data-purge"]
    assert job["task"] == "privacy.tasks.personal_data_purge"
    assert job["schedule"].hour == {1} and job["schedule"].minute == {30}


def test_the_task_runs_the_purge(town, worker, monkeypatch):
    from privacy.tasks import personal_data_purge as task  # noqa: PLC0415 (the task module, as beat calls it)

    world.expired_case(town, worker)
    monkeypatch.setattr("privacy.purge.timezone.now", lambda: world.DUE)
    assert task.delay().get() == {town.cbs_code: CASE_ROWS}
    assert Counter(PurgeRun.objects.values_list("day", flat=True)) == {dt.date(2026, 9, 10): 1}


def test_recidive_facts_go_after_their_own_term_per_municipality_and_a_dry_run_only_counts(town, worker):
    other = MunicipalityFactory()
    here, there = make_signal(town), make_signal(other)
    facts = RecurrenceFact.objects.filter(signal_ref__in=[here.pk, there.pk])
    assert facts.count() == 2
    last_day = facts.get(signal_ref=here.pk).expires_on
    Signal.objects.filter(pk=there.pk).update(municipality=other)
    RecurrenceFact.objects.filter(signal_ref=there.pk).update(expires_on=last_day + dt.timedelta(days=30))

    assert personal_data_purge(now=aware(last_day.year, last_day.month, last_day.day, 12)).as_json().get(
        town.cbs_code, {}).get("signals_recurrencefact") is None  # kept through its last day
    day_after = last_day + dt.timedelta(days=1)
    dry = personal_data_purge(now=aware(day_after.year, day_after.month, day_after.day, 12), dry_run=True)
    assert dry.as_json()[town.cbs_code]["signals_recurrencefact"] == 1 and facts.count() == 2
    report = personal_data_purge(now=aware(day_after.year, day_after.month, day_after.day, 12))
    assert report.as_json()[town.cbs_code]["signals_recurrencefact"] == 1
    assert list(facts.values_list("signal_ref", flat=True)) == [there.pk]  # the other municipality's term runs on


def test_finished_webhook_deliveries_go_after_the_audit_term_the_pending_stay(town, worker):
    case = world.expired_case(town, worker)
    event = FeedbackEvent.objects.filter(signal__case_link__case=case).first() or FeedbackEvent.objects.first()
    assert event is not None
    old = aware(2024, 9, 1)
    rows = {status: WebhookDelivery.objects.create(
        endpoint=WebhookEndpoint.objects.create(creditor=event.creditor, url=f"https://partner.example/{n}"),
        event=event, seq=event.seq, status=status, created_at=old, next_attempt_at=old, last_error="HTTP 500: x")
        for n, status in enumerate((DeliveryStatus.DELIVERED, DeliveryStatus.FAILED, DeliveryStatus.PENDING))}
    report = personal_data_purge(now=world.DUE)
    assert report.as_json()[INSTALLATION]["feedback_webhookdelivery"] == 2
    assert list(WebhookDelivery.objects.values_list("pk", flat=True)) == [rows[DeliveryStatus.PENDING].pk]


def test_a_run_that_fails_halfway_still_reports_what_it_destroyed(client, town, worker, monkeypatch):
    world.expired_case(town, worker)

    def broken(*args, **kwargs):  # a crash after the cases were destroyed (fault injection: a dead database)
        raise ConnectionError("verbinding verbroken")

    monkeypatch.setattr(purge_other, "trails_and_logs", broken)
    with pytest.raises(ConnectionError):
        personal_data_purge(now=world.DUE)
    run = PurgeRun.objects.get()
    assert run.interrupted_by == "ConnectionError" and run.counts == {town.cbs_code: CASE_ROWS}
    event = AuditEvent.objects.get(action=Action.DESTROY)
    assert event.object_id == str(run.pk) and event.count == sum(CASE_ROWS.values())
    assert not Case.objects.exists()  # the committed batches stay destroyed
    login(client, UserFactory(username="beheerder", role=Role.FUNCTIONEEL_BEHEERDER, municipalities=[town]))
    html = client.get(reverse("privacy:purge_reports")).content.decode()
    assert "<strong>Afgebroken</strong> (ConnectionError)" in html
    assert "<th scope=\"row\">meldingen</th><td class=\"bedrag\">1</td>" in html

    monkeypatch.undo()
    again = personal_data_purge(now=world.DUE)  # the next run does the rest (here: nothing left)
    assert again.total == 0 and PurgeRun.objects.get(pk=again.run.pk).interrupted_by == ""
