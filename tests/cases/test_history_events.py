"""The case history as data: every kind of row is worded by ``cases.history`` from its params, for
every ``CaseEvent`` (a new event or kind without a sentence fails here), and a row keeps the names
of trays and people as they were when it was written."""
import pytest

from cases import history, services
from cases.history import case_history_text, history_text
from cases.models import Case, CaseEvent, CaseHistory, SignalRole
from cases.presets import routing_preset_install
from tests.factories import MunicipalityFactory, UserFactory, aware, make_signal
from vroegsignalering.common.vocab import Arranged, ContactKind, CreditorKind, Dagdeel, Outcome, Reached, SignalKind

AT = "2026-06-09T12:30:00+00:00"
ATTEMPT = {"contact_kind": ContactKind.TELEFOON, "at": AT, "dagdeel": Dagdeel.MIDDAG, "reached": Reached.JA}

# One representative row per kind of sentence.
SAMPLES = {
    "closed": {"outcome": Outcome.QUICK_FIX, "consent": True, "note": "Regeling getroffen."},
    "closed_at_routing": {"tray": "Schuldhulpverlening", "outcome": Outcome.BEKEND_BIJ_SHV},
    "reopened": {"note": "Inwoner belde alsnog."},
    "expired": {"last_day": "2026-06-28", "was_reached": False, "outcome": Outcome.GEEN_CONTACT, "window_days": 28},
    "work_started": ATTEMPT,
    "contact_attempt": ATTEMPT,
    "reply": {"at": AT, "attempt_kind": ContactKind.BRIEF, "attempt_at": "2026-06-02T17:15:00+00:00",
              "was": Reached.ONBEKEND},
    "opened_at_close": {"period_start": "2026-05-01", "period_end": "2026-05-31", "signals": 2,
                        "match_type": "meervoudig", "recidive": False},
    "opened_crisis": {"signal_kind": SignalKind.ONTRUIMING, "creditor_kind": CreditorKind.HUUR,
                      "due_basis": "binnen 1 werkdag"},
    "routed": {"from_tray": "Brief", "to_tray": "Crisis", "explanation": "Regel 1 → bakje Crisis."},
    "signals_added": {"signals": [{"role": SignalRole.LATE, "creditor_kind": CreditorKind.HUUR, "amount": "400.00",
                                   "contract": "C1", "crisis_kind": ""}],
                      "match_type": "meervoudig", "amount": "650.00", "amount_before": "250.00", "urgency": 1,
                      "due_basis": "binnen 3 werkdagen"},
    "assigned": {"worker": "Wil Werker", "worker_id": 7},
    "follow_up": {"contact_kind": ContactKind.TELEFOON, "at": AT, "reached": Reached.JA, "arranged": Arranged.JA},
    "visit_planned": {"date": "2026-06-11", "dagdeel": Dagdeel.OCHTEND, "worker": "Wim Werker", "worker_id": 7,
                      "note": "Bel eerst aan."},
    "visit_cancelled": {"date": "2026-06-11", "dagdeel": Dagdeel.OCHTEND, "worker": "Wim Werker", "worker_id": 7,
                        "reason": "Ziek."},
    "contact_corrected": {"field": "telefoonnummer", "change": "gecorrigeerd", "signals": ["ZV-1", "ZV-2"],
                          "creditors": ["Zorgverzekeraar Noord"]},
    "attempt_unanswered": {"days": 10, "contact_kind": ContactKind.BRIEF, "attempt_at": AT},
    "delivery_failed": {"contact_kind": ContactKind.SMS, "attempt_at": AT, "reason": "nummer bestaat niet",
                        "unusable": "telefoon"},
    "contact_unusable": {"field": "email", "reason": "e-mail kwam niet aan"},
    "outreach": {"text": "Benaderingsplan 'Standaard' gestart: 4 stappen."},
    "task": {"text": "Taak 'Inwoner belde: terugbellen' voor Wim Werker."},
}


def test_an_automatic_attempt_says_it_was_sent_by_the_system_and_by_which_plan():
    row = CaseHistory(event=CaseEvent.CONTACT, params={"kind": "contact_attempt", **ATTEMPT, "origin": "systeem",
                                                       "plan": "Standaard", "step": 2})
    assert "Automatisch verstuurd volgens benaderingsplan 'Standaard' (stap 2), door het systeem." in \
        case_history_text(row)


def test_a_day_28_close_after_only_written_attempts_says_so():
    params = {**SAMPLES["expired"], "kind": "expired", "only_written": True}
    assert "alleen schriftelijke pogingen, zonder reactie" in case_history_text(CaseHistory(params=params))


def test_every_kind_has_an_event_and_a_sample():
    assert set(history.KIND_EVENT) == set(history.SENTENCES) == set(SAMPLES)


@pytest.mark.parametrize("event", list(CaseEvent))
def test_every_event_is_worded_in_dutch(event):
    kinds = [kind for kind, of in history.KIND_EVENT.items() if of == event]
    assert kinds, f"no sentence for the case event {event!r}"
    for kind in kinds:
        row = CaseHistory(event=event, params={"kind": kind, **SAMPLES[kind]}, reason="")
        text = case_history_text(row)
        assert text and "{" not in text and "None" not in text, (kind, text)


def test_a_row_without_params_shows_its_stored_reason():
    assert case_history_text(CaseHistory(event=CaseEvent.ASSIGNED, reason="Toegewezen aan Jan.")) == \
        "Toegewezen aan Jan."
    assert history_text({"kind": "assigned", "worker": None}) == "Toewijzing opgeheven."


@pytest.mark.django_db
def test_history_keeps_the_names_of_that_moment():
    municipality = MunicipalityFactory(cbs_code="0100", name="Proefdorp")
    routing_preset_install(municipality=municipality, preset="gemeente4")
    make_signal(municipality, at=1, kind=CreditorKind.ZORGVERZEKERING, amount="250")
    services.period_close(municipality=municipality, now=aware(2026, 6, 1, 6))
    case = Case.objects.get()
    worker = UserFactory(first_name="Wil", last_name="Werker", municipalities=[municipality])
    services.case_assign(case=case, worker=worker, by=worker, now=aware(2026, 6, 2))
    tray = case.tray
    routed = case.history.get(event=CaseEvent.ROUTED)
    before = case_history_text(routed)
    assert tray.name in before

    tray.name = "Hernoemd bakje"
    tray.save()
    worker.first_name, worker.last_name = "Anders", "Genaamd"
    worker.save()

    assert case_history_text(case.history.get(event=CaseEvent.ROUTED)) == before
    assert "Hernoemd" not in before
    assert case_history_text(case.history.get(event=CaseEvent.ASSIGNED)) == "Toegewezen aan Wil Werker."
    assert all(row.reason == "" for row in case.history.all())  # the sentences are worded when shown
