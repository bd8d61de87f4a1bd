"""The demo month looks like a real one (issue 9, point 9): dated relative to the day it is delivered
(no crisis whose end date lies in the past), contact data as creditors hold it (odd phone notations,
foreign numbers, internationalised e-mail addresses, surname prefix variants, the Netherlands'
communities), and every signal of it accepted by the intake."""
import datetime as dt
import re
from collections import Counter
from io import StringIO

import phonenumbers
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from email_validator import validate_email
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case
from cases.services import case_open_for_crisis
from demo import deliveries, generator, notations, people, population
from demo.communities import COMMUNITIES
from signals.models import Signal
from tests.factories import MunicipalityFactory
from vroegsignalering.common.vocab import CRISIS_SIGNAL_KINDS

CODE, INHABITANTS = "0599", 400_000


def delivered(today: dt.date, code: str = CODE, inhabitants: int = INHABITANTS, scale: float = 1.0) -> list[dict]:
    """What the demo's creditors have sent by ``today``: this month and the six before."""
    month = f"{today.year:04d}-{today.month:02d}"
    return [p for m in [*generator.previous_months(month, 6), month]
            for p in generator.generate_month(code, inhabitants, m, scale=scale, today=today)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(today=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2032, 12, 31)))
def test_no_delivered_crisis_signal_is_over_on_the_day_of_delivery(today):
    payloads = delivered(today, scale=0.25)
    assert payloads and all(dt.date.fromisoformat(p["signaaldatum"]) <= today for p in payloads)
    for payload in payloads:
        crisis = generator.crisis_date(payload)
        if crisis is not None:
            assert crisis >= today, payload
            fresh = dt.timedelta(days=generator.CRISIS_FRESH_DAYS)
            assert dt.date.fromisoformat(payload["signaaldatum"]) >= today - fresh


def test_the_demo_still_shows_crisis_signals():
    crisis = [p for day in range(1, 29) for p in delivered(dt.date(2026, 3, day), scale=0.25)
              if generator.crisis_date(p)]
    assert len(crisis) > 50
    assert {p["soortSignaal"] for p in crisis} >= {"eindelevering", "afsluiting"}


@pytest.fixture(scope="module")
def month() -> list[dict]:
    return delivered(dt.date(2026, 6, 30), code="0518", inhabitants=566_221)


def test_phone_numbers_come_in_the_notations_creditors_use_and_are_all_possible(month):
    every = [n for p in month for n in p["klant"].get("telefoonnummers", [])]
    phones = [n for n in every if n not in notations._UNUSABLE_PHONES]
    assert 0.005 < (len(every) - len(phones)) / len(every) < 0.05  # a few entries that are no number
    for number in phones:
        parsed = phonenumbers.parse(number, "NL")
        assert phonenumbers.is_possible_number(parsed), number
    regions = Counter(phonenumbers.region_code_for_number(phonenumbers.parse(n, "NL")) for n in phones)
    assert {"NL", "MA", "TR", "SR", "CW", "PL"} <= set(regions)
    assert regions["NL"] / len(phones) > 0.9
    shapes = {
        "06-12345678": lambda n: n.startswith("06-"),
        "06 12 34 56 78": lambda n: n.startswith("06 ") and len(n) == 14,
        "+31 (0)6 1234 5678": lambda n: n.startswith("+31 (0)6 "),
        "0031612345678": lambda n: n.startswith("00316"),
        "(070) 123 4567": lambda n: n.startswith("(070) "),
        "+31 70 …": lambda n: n.startswith("+31 70 "),
        "+212 …": lambda n: n.startswith("+212 "),
        "0090…": lambda n: n.startswith("0090"),
    }
    assert {name for name, shape in shapes.items() if any(shape(n) for n in phones)} == set(shapes)


def test_e_mail_addresses_include_internationalised_ones_on_reserved_domains(month):
    every = [p["klant"]["emailadres"] for p in month if p["klant"].get("emailadres")]
    addresses = [a for a in every if a not in notations._UNUSABLE_EMAILS]
    assert 0 < len(every) - len(addresses) < 0.05 * len(every)  # a few that are no address
    non_ascii = [a for a in addresses if not a.isascii()]
    assert 0.005 < len(non_ascii) / len(addresses) < 0.2
    assert any(not a.split("@")[0].isascii() for a in non_ascii) and any(not a.split("@")[1].isascii()
                                                                          for a in non_ascii)
    for address in addresses:
        validate_email(address, check_deliverability=False)  # RFC 6531: internationalised is valid
        assert address.rsplit("@", 1)[1].lower().endswith(people._EMAIL_DOMAINS)  # reserved, never real


def test_surnames_arrive_in_every_variant_creditors_write(month):
    klanten = [p["klant"] for p in month if "geslachtsnaam" in p["klant"]]
    surnames = [k["geslachtsnaam"] for k in klanten]
    assert any(n.startswith(("van der ", "van den ", "van de ")) and "voorvoegsel" not in k
               for n, k in zip(surnames, klanten, strict=True))  # prefix inside: "van der Berg"
    assert any(n.endswith((", van der", ", van den", ", van", ", de")) for n in surnames)  # "Berg, van der"
    assert any(n.startswith(("Van Der ", "Van Den ", "Van De ")) for n in surnames)  # "Van Der Berg"
    assert any(k.get("voorvoegsel") == "'t" and k["geslachtsnaam"] == "Hart" for k in klanten)  # 't Hart
    assert any(n == "'t Hart" for n in surnames)
    assert any(n in ("El Idrissi", "El Amrani", "Ben Ali") for n in surnames)  # as the BRP holds it
    assert any(k.get("voorvoegsel", "").lower() in ("el", "ben") for k in klanten)  # particle split off
    assert any(n in ("Ozturk", "Yilmaz", "Celik", "Sahin", "Dogan") for n in surnames)  # diacritics dropped
    assert any(n in ("Öztürk", "Yılmaz", "Çelik", "Şahin", "Doğan") for n in surnames)


def test_the_population_holds_the_netherlands_communities():
    households = [population.household("0518", index) for index in range(0, 60_000, 7)]
    communities = Counter()
    for home in households:
        name = home.persons[0].geslachtsnaam
        for community, _share, _m, _f, surnames, _c in COMMUNITIES:
            if any(name == surname for _, surname in surnames):
                communities[community] += 1
    shares = {c: communities[c] / len(households) for c in communities}
    for community, share, *_ in COMMUNITIES[2:]:
        # at least the community's share (a few surnames, e.g. Kaya, were in the common pool already)
        assert share - 0.015 < shares[community] < share + 0.025, community


@pytest.mark.django_db
def test_the_demo_month_is_accepted_completely():
    """Every signal of the demo month (and its history) is `ontvangen`: its required fields are valid,
    whatever its optional contact data looks like."""
    municipality = MunicipalityFactory(cbs_code="0518", name="'s-Gravenhage", inhabitants=566_221)
    today = dt.date(2026, 6, 30)
    counts = deliveries.DeliveryCounts()
    for month in [*generator.previous_months("2026-06", 6), "2026-06"]:
        counts += deliveries.deliver_month(municipality=municipality, month=month, scale=0.1, today=today)
    refused = {}
    if counts.refused:
        payloads = {p["signaalId"]: p for p in delivered(today, "0518", 566_221, scale=0.1)}
        stored = set(Signal.objects.values_list("signal_id", flat=True))
        refused = {i: payloads[i]["klant"] for i in payloads if i not in stored}
    assert counts.received > 1000
    assert counts.refused == 0, list(refused.items())[:5]
    # The values nobody can use are kept as delivered, with a note for the worker.
    warned = [s for s in Signal.objects.exclude(intake_warnings=[]) if s.intake_warnings]
    assert 0.005 * counts.received < len(warned) < 0.05 * counts.received
    assert {w["naam"].split("[")[0] for s in warned for w in s.intake_warnings} == {
        "klant.telefoonnummers", "klant.emailadres"}


@pytest.mark.django_db(transaction=True)
def test_demo_rapport_measures_acceptance_and_fallout():
    out = StringIO()
    call_command("demo_rapport", scale=0.02, history=0, today="2026-06-30", stdout=out)
    text = out.getvalue()
    total = int(re.search(r"4 gemeenten, (\d+) signalen", text).group(1))
    counts = {status: int(n) for status, n in re.findall(r"^  (ontvangen|al_ontvangen|geweigerd)\s+(\d+)", text, re.M)}
    assert total > 100 and sum(counts.values()) == total
    assert counts["ontvangen"] == Signal.objects.count()
    fallout = int(re.search(r"^Uitval: (\d+) van (\d+)", text, re.M).group(1))
    assert fallout == Signal.objects.filter(status="uitval").count()
    kinds = re.findall(r"^\s+(\d+)  (?:naam|geen bewoner|voornaam)", text, re.M)
    assert sum(int(n) for n in kinds) == fallout
    with pytest.raises(CommandError, match="lege database"):
        call_command("demo_rapport", scale=0.02, history=0, stdout=StringIO())


@pytest.mark.django_db
@pytest.mark.parametrize("days_ago", [0, 17, 95, 250])
def test_delivered_on_any_day_no_open_crisis_case_is_about_a_crisis_in_the_past(days_ago):
    """The demo's months delivered on ``today`` (not after the real today: the intake would set a
    signaaldatum in the future aside with a warning and date the signal on the day received), the
    crisis signals through the checks into cases (as the pipeline does when the BRP finds the
    resident): every open crisis case's crisis lies ahead."""
    today = timezone.localdate() - dt.timedelta(days=days_ago)
    municipality = MunicipalityFactory(cbs_code="0518", name="'s-Gravenhage", inhabitants=566_221)
    month = f"{today.year:04d}-{today.month:02d}"
    for label in [*generator.previous_months(month, 6), month]:
        deliveries.deliver_month(municipality=municipality, month=label, scale=0.25, today=today)
    crisis = Signal.objects.filter(signal_kind__in=list(CRISIS_SIGNAL_KINDS))
    crisis.update(status="gecontroleerd")
    now = dt.datetime.combine(today, dt.time(9), tzinfo=dt.UTC)
    for signal in crisis:
        case_open_for_crisis(signal=signal, now=now)
    cases = Case.objects.filter(is_crisis=True, status__in=["open", "in_behandeling", "heropend"])
    assert cases.exists()
    for case in cases:
        for signal in Signal.objects.filter(case_link__case=case):
            when = signal.end_of_supply_date or signal.disconnection_date or signal.eviction_date
            assert when is None or when >= today, (case.pk, signal.signal_id, when)
            assert signal.signal_date >= today - dt.timedelta(days=generator.CRISIS_FRESH_DAYS)
