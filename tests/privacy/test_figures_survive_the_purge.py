"""The figures outlive the data (issue 12): a generated month goes through the system as in production
(intake, checks, period close, attempts, closing); the monitor's figures, its CSV, the creditor's efforts and
the DDAS export's counts agree with each other; after the purge has destroyed every resident's personal
data, the monitor's figures are exactly what they were, and the DDAS export says how many signals it can no
longer send instead of sending less without a word."""
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
import time_machine
from jsonschema import Draft202012Validator

from accounts.models import Municipality
from cases import deadlines, services
from cases.models import Case
from contacts.models import ContactAttempt
from demo import deliveries, generator
from monitor.ddas import ddas_export
from monitor.exports import csv_bytes
from monitor.figures import monitor_figures
from monitor.models import AttemptFact, CaseFact, SignalFact
from monitor.selectors import efforts_for_creditor
from privacy.purge import personal_data_purge
from signals.checks import run_checks
from signals.models import Signal
from signals.services import delivery_create
from tests.factories import UserFactory, aware, reach
from vroegsignalering.common.vocab import HELP_ACCEPTED, CreditorKind, Outcome, Reached

pytestmark = pytest.mark.django_db

MAY, JUNE = dt.date(2026, 5, 1), dt.date(2026, 6, 1)
SCHEMA = "../shared/ddas/v1.2/json_schema_Uitwisselmodel.json"


@pytest.fixture
def the_hague(db):
    return Municipality.objects.create(
        cbs_code="0518", name="'s-Gravenhage", inhabitants=566_221, threshold_amount=Decimal("25"),
        arrear_age_windows={kind: [0, None] for kind in CreditorKind.values},
    )


def _a_month_through_the_system(the_hague):
    payloads = generator.generate_month("0518", 566_221, "2026-05", seed=0, scale=0.01, place="'s-Gravenhage")
    creditors = deliveries.demo_creditors()
    with time_machine.travel(aware(2026, 5, 29, 10), tick=False):  # delivered and checked in May
        for creditor in {creditors[p["soortVasteLast"]] for p in payloads}:
            delivery_create(creditor=creditor,
                            items=[p for p in payloads if creditors[p["soortVasteLast"]] == creditor])
        for pk in Signal.objects.values_list("pk", flat=True):
            run_checks(signal_id=pk)
    services.period_close(municipality=the_hague, period=deadlines.period_for(dt.date(2026, 5, 15)),
                          now=aware(2026, 6, 1, 6))
    worker = UserFactory(municipalities=[the_hague])
    outcomes = (Outcome.QUICK_FIX, Outcome.GEEN_HULP_GEWENST, Outcome.VERVOLGHULP_FINANCIEEL)
    for number, case in enumerate(Case.objects.filter(status="open").order_by("pk")[:9]):
        reach(case, worker, reached=Reached.JA if number % 3 else Reached.NEE)
        if number % 3:
            outcome = outcomes[number % 3]
            services.case_close(case=case, outcome=outcome, by=worker, now=aware(2026, 6, 10, 12),
                                help_description="Betalingsregeling afgesproken" if outcome in HELP_ACCEPTED else "")
    services.cases_close_expired(now=aware(2026, 7, 15, 6))  # day 28: the rest closes (not reached)
    return creditors


def _ddas(the_hague):
    out = io.StringIO()
    summary = ddas_export(out, municipality=the_hague, start=MAY, end=dt.date(2026, 5, 31))
    return summary, json.loads(out.getvalue())


def test_the_figures_agree_and_survive_the_purge(brp, the_hague):
    creditors = _a_month_through_the_system(the_hague)
    # Signals received and meldingen formed in May; the attempts made in June.
    figures = monitor_figures(municipalities=[the_hague], first=MAY, last=JUNE)
    received, received_june = (cell.value for cell in figures.row("signalen").months)
    meldingen, meldingen_june = (cell.value for cell in figures.row("meldingen").months)
    assert received == Signal.objects.filter(municipality=the_hague).count() >= 20 and received_june == 0
    assert meldingen == Case.objects.filter(municipality=the_hague).count() >= 10 and meldingen_june == 0
    assert [cell.value for cell in figures.row("poging:totaal").months] == [0, ContactAttempt.objects.count()] == [0, 9]

    # The DDAS message of the month: valid against the national schema, and the monitor's counts.
    summary, message = _ddas(the_hague)
    with open(SCHEMA, encoding="utf-8") as schema:
        validator = Draft202012Validator(json.load(schema), format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert list(validator.iter_errors(message)) == []
    assert (summary.vroegsignalen, summary.zaken, summary.al_vernietigd) == (received, meldingen, 0)
    [levering] = message["leveringen"]
    assert len(levering["vroegsignalen"]) == received
    assert sum(len(z.get("contactpogingen", [])) for z in levering.get("vroegsignaalzaken", [])) == 9

    creditor = creditors["zorgverzekering"]
    csv_before = csv_bytes(figures)
    efforts_before = efforts_for_creditor(creditor=creditor, municipality_code="0518", month=MAY)
    facts_before = {model: sorted(model.objects.values_list(*_columns(model))) for model in FACTS}

    # Two years later every term has ended: the purge destroys the month's personal data.
    report = personal_data_purge(now=aware(2028, 6, 1, 3))
    assert report.total > 0
    assert not Signal.objects.exists() and not Case.objects.exists() and not ContactAttempt.objects.exists()

    after = monitor_figures(municipalities=[the_hague], first=MAY, last=JUNE)
    assert csv_bytes(after) == csv_before
    assert [(row.definition.key, row.months, row.range) for row in after.rows()] == [
        (row.definition.key, row.months, row.range) for row in figures.rows()]
    assert efforts_for_creditor(creditor=creditor, municipality_code="0518", month=MAY) == efforts_before
    assert {model: sorted(model.objects.values_list(*_columns(model))) for model in FACTS} == facts_before
    # ... but not the exact amounts and dates a creditor could find its customer by.
    assert not SignalFact.objects.filter(amount_euros__isnull=False).exists()
    assert set(SignalFact.objects.values_list("signal_date__day", flat=True)) == {1}

    # The message can no longer carry the residents (the schema requires a BSN or an address): it says so.
    summary, message = _ddas(the_hague)
    assert (summary.vroegsignalen, summary.al_vernietigd) == (0, received)
    assert list(validator.iter_errors(message)) == []


FACTS = (SignalFact, CaseFact, AttemptFact)


# What the purge coarsens in a signal's fact (monitor.services.facts_coarsen); the rest must stay exactly.
COARSENED = ("amount_euros", "received_on", "signal_date", "arrear_start", "ended_on")


def _columns(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.name not in ("id", "updated_at", *COARSENED)]
