"""Period close in the database: every checked signal ends in exactly one case of the right type."""
import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from cases import deadlines, services
from cases.exceptions import CaseActionError
from cases.models import Case, CaseHistory, CaseSignal, CaseStatus, SignalRole, Urgency
from demo import deliveries, generator
from signals import normalise
from signals.history import signal_history_text
from signals.models import Signal, SignalHistory, SignalStatus
from tests.factories import MunicipalityFactory, aware, make_signal, make_signals
from vroegsignalering.common.vocab import CreditorKind, SignalKind

pytestmark = pytest.mark.django_db
E, M = "enkelvoudig", "meervoudig"
MAY = dt.date(2026, 5, 10)
CLOSE = aware(2026, 6, 1, 6)  # the close of May


@pytest.fixture
def gemeente(db):
    return MunicipalityFactory(cbs_code="0100", name="Proefdorp", inhabitants=40_000)


def reload(obj):
    """A fresh copy (Signal's protected state field does not allow refresh_from_db)."""
    return type(obj).objects.get(pk=obj.pk)


def types(cases):
    return Counter((c.match_type, c.recidive) for c in cases)


def assert_each_signal_in_one_case(signals):
    links = CaseSignal.objects.filter(signal__in=signals)
    assert links.count() == len(signals)
    assert Signal.objects.filter(pk__in=[s.pk for s in signals]).exclude(status=SignalStatus.IN_MELDING).count() == 0


def test_a_population_with_a_known_four_type_split_gives_that_split(gemeente):
    """8 enkelvoudig opeenvolgend, 10 enkelvoudig niet-opeenvolgend, 3 meervoudig opeenvolgend,
    2 meervoudig niet-opeenvolgend — with the traps: same creditor twice (two contracts) is a match,
    the same arrear twice is not, history older than six months or in another municipality does
    not count, history of any status does."""
    other = MunicipalityFactory(cbs_code="0200", name="Elders")
    specs, history, n = [], [], 0
    for recidive, count in ((True, 8), (False, 10)):
        for _ in range(count):
            n += 1
            specs.append({"at": n, "signal_date": MAY})
            if recidive:
                history.append({"at": n, "signal_date": dt.date(2026, 1, 15), "status": SignalStatus.AFGEHANDELD})
            else:
                history.append({"at": n, "signal_date": dt.date(2025, 10, 31), "status": SignalStatus.IN_MELDING})
    for recidive, count in ((True, 3), (False, 2)):
        for _ in range(count):
            n += 1
            specs.append({"at": n, "kind": CreditorKind.HUUR, "amount": "700.00"})
            specs.append({"at": n, "kind": CreditorKind.ZORGVERZEKERING, "contract": f"POL-{n}-a"})
            if recidive:
                history.append({"at": n, "signal_date": dt.date(2025, 12, 1), "status": SignalStatus.AFGEHANDELD})
    # same creditor twice, two contracts (two insured adults): meervoudig, not recidive
    n += 1
    specs += [{"at": n, "contract": "POL-x1"}, {"at": n, "contract": "POL-x2"}]
    # the same arrear twice (an update within the month): enkelvoudig, not recidive
    n += 1
    specs += [{"at": n, "contract": "POL-y", "amount": "100.00", "signal_date": dt.date(2026, 5, 3)},
              {"at": n, "contract": "POL-y", "amount": "150.00", "signal_date": dt.date(2026, 5, 20)}]
    signals = make_signals(gemeente, specs)
    make_signals(gemeente, history)
    make_signals(other, [{"at": n, "signal_date": dt.date(2026, 4, 1), "status": SignalStatus.AFGEHANDELD}])

    result = services.period_close(municipality=gemeente, now=CLOSE)

    assert result.created
    cases = list(Case.objects.filter(municipality=gemeente))
    assert types(cases) == {(E, True): 8, (E, False): 11, (M, True): 3, (M, False): 3}
    assert_each_signal_in_one_case(signals)
    update = Case.objects.filter(case_signals__signal__contract_number="POL-y").distinct().get()
    assert update.amount == Decimal("150.00")
    assert result.counts["enkelvoudig_opeenvolgend"] == 8
    assert result.counts["cases_opened"] == 25


def test_period_close_is_idempotent_and_leaves_later_signals_waiting(gemeente):
    may = make_signal(gemeente, at=1)
    june = make_signal(gemeente, at=2, signal_date=dt.date(2026, 6, 1))
    first = services.period_close(municipality=gemeente, now=CLOSE)
    again = services.period_close(municipality=gemeente, now=CLOSE + dt.timedelta(hours=1))
    assert first.created and not again.created and again.record.pk == first.record.pk
    assert Case.objects.count() == 1
    june = reload(june)
    assert june.status == SignalStatus.GECONTROLEERD
    may = reload(may)
    assert may.status == SignalStatus.IN_MELDING
    history = SignalHistory.objects.get(signal=may)
    assert (history.from_status, history.to_status) == (SignalStatus.GECONTROLEERD, SignalStatus.IN_MELDING)
    assert f"melding {may.case_link.case_id}" in signal_history_text(history)


def test_a_period_that_has_not_ended_cannot_be_closed(gemeente):
    with pytest.raises(CaseActionError, match="nog niet voorbij"):
        services.period_close(municipality=gemeente, now=CLOSE,
                              period=deadlines.period_for(dt.date(2026, 6, 1)))


def test_closing_day_of_the_municipality(gemeente):
    gemeente.period_closing_day = 26
    gemeente.save()
    inside = make_signal(gemeente, at=1, signal_date=dt.date(2026, 5, 26))
    after = make_signal(gemeente, at=2, signal_date=dt.date(2026, 5, 27))
    result = services.period_close(municipality=gemeente, now=aware(2026, 5, 27, 6))
    assert (result.record.period_start, result.record.period_end) == (dt.date(2026, 4, 27), dt.date(2026, 5, 26))
    case = Case.objects.get()
    assert case.case_signals.get().signal == inside
    assert (case.period_start, case.period_end, case.period_label) == (dt.date(2026, 4, 27), dt.date(2026, 5, 26),
                                                                       "2026-05")
    after = reload(after)
    assert after.status == SignalStatus.GECONTROLEERD


def test_case_fields_after_the_close(gemeente):
    make_signals(gemeente, [
        {"at": {"postcode": "1234AB", "house_number": 5, "house_letter": "A", "house_number_addition": "2"},
         "kind": CreditorKind.HUUR, "amount": "600.00"},
        {"at": {"postcode": "1234AB", "house_number": 5, "house_letter": "A", "house_number_addition": "2"},
         "kind": CreditorKind.GAS, "amount": "120.50", "signal_kind": SignalKind.AFSLUITING,
         "received_at": aware(2026, 5, 28, 10)},
    ])
    services.period_close(municipality=gemeente, now=CLOSE)
    case = Case.objects.get()
    assert case.address == "Proefstraat 5A-2, 1234 AB Proefdorp"
    assert case.address_key == normalise.address_key("1234AB", 5, "A", "2")
    assert (case.match_type, case.recidive, case.amount) == (M, False, Decimal("720.50"))
    assert case.status == CaseStatus.OPEN and case.opened_at == CLOSE
    assert case.deadline_at == aware(2026, 6, 29, 0)
    assert "open tot en met zondag 28 juni 2026" in case.deadline_basis
    # The crisis deadline runs from the crisis signal's receipt (Thu 28 May: Fri, Mon, Tue).
    assert case.is_crisis and case.urgency == Urgency.ACUUT
    assert case.crisis_due_at == aware(2026, 6, 3, 0)
    assert case.tray is not None and case.routing_explanation  # the default tray: no rules yet
    events = list(CaseHistory.objects.filter(case=case).values_list("event", flat=True))
    assert events == ["geopend", "gerouteerd"]


# --- generated months through the intake -------------------------------------------------------------


def _address_key(payload):
    adres = payload["adres"]
    addition = adres.get("huisnummertoevoeging")
    return normalise.address_key(normalise.postcode(adres["postcode"]), adres["huisnummer"],
                                 adres.get("huisletter", "").upper(),
                                 normalise.house_number_addition(addition) if addition else "")


def test_generated_months_match_the_known_grouping(gemeente):
    """Seven generated months delivered through the intake, checked, closed month by month (with
    the day-28 closure in between): every signal in exactly one case, and per month the cases are
    exactly the generator's households with the type their payloads give."""
    months = [*generator.previous_months("2026-03", 6), "2026-03"]
    for month in months:
        deliveries.deliver_month(municipality=gemeente, month=month, today=dt.date(2030, 1, 1))
    Signal.objects.filter(municipality=gemeente).update(status=SignalStatus.GECONTROLEERD)  # checks passed

    expected, seen = {}, defaultdict(list)  # month → {address: (type, recidive)}
    for month in months:
        payloads = generator.generate_month(gemeente.cbs_code, gemeente.inhabitants, month, place=gemeente.name,
                                            today=dt.date(2030, 1, 1))  # as delivered: crisis signals long over
        arrears = defaultdict(set)
        for p in payloads:
            arrears[_address_key(p)].add((p["soortVasteLast"], p["contractnummer"]))
        expected[month] = {key: (M if len(a) > 1 else E, bool(seen[key])) for key, a in arrears.items()}
        for key in arrears:
            seen[key].append(month)

    for month in months:
        year, number = generator.parse_month(month)
        first_of_next = deadlines.add_months(dt.date(year, number, 1), 1)
        now = deadlines.start_of_day(first_of_next) + dt.timedelta(hours=6)
        services.cases_close_expired(now=now)
        result = services.period_close(municipality=gemeente, now=now)
        cases = Case.objects.filter(municipality=gemeente, period_end=result.record.period_end)
        got = {c.address_key: (c.match_type, c.recidive) for c in cases}
        assert got == expected[month], month

    signals = list(Signal.objects.filter(municipality=gemeente))
    assert len(signals) > 1000
    assert_each_signal_in_one_case(signals)
    assert CaseSignal.objects.filter(role=SignalRole.INITIAL).count() == len(signals)
