"""The synthetic demo data: calibration to Divosa 2024, validity, determinism, idempotent delivery."""
import datetime as dt
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from stdnum.nl import postcode as nl_postcode

from demo import calibration, deliveries, generator, notations, people, population
from signals import normalise
from signals.models import Creditor, Signal
from signals.schemas import validate_signals
from tests.factories import MunicipalityFactory
from vroegsignalering.common.vocab import DEFAULT_ARREAR_AGE_WINDOWS

CODE, INHABITANTS, MONTH = "0599", 1_000_000, "2025-06"
HISTORY = generator.previous_months(MONTH, 6)
ENERGY = set(calibration.ENERGY_KIND_SHARES)


def address_key(payload: dict) -> str:
    adres = payload["adres"]
    addition = adres.get("huisnummertoevoeging")
    return normalise.address_key(
        normalise.postcode(adres["postcode"]), adres["huisnummer"], adres.get("huisletter", "").upper(),
        normalise.house_number_addition(addition) if addition else "",
    )


def share(items, predicate) -> float:
    items = list(items)
    return sum(1 for item in items if predicate(item)) / len(items)


@pytest.fixture(scope="module")
def months() -> dict[str, list[dict]]:
    """A city of 1,000,000 inhabitants: the month and its six previous months."""
    return {m: generator.generate_month(CODE, INHABITANTS, m, place="Demostad") for m in [*HISTORY, MONTH]}


@pytest.fixture(scope="module")
def month(months) -> list[dict]:
    return months[MONTH]


# --- calibration --------------------------------------------------------------------------------


def test_volume_is_proportional_to_inhabitants(month):
    assert len(month) == pytest.approx(4.8 * INHABITANTS / 1000, rel=0.03)
    small = generator.generate_month("0216", 100_000, MONTH)
    assert len(small) == pytest.approx(480, rel=0.08)
    assert len(generator.generate_month("0216", 100_000, MONTH, scale=0.5)) == pytest.approx(240, rel=0.1)


def test_creditor_kind_shares(month):
    def group(p):
        return "energie" if p["soortVasteLast"] in ENERGY else p["soortVasteLast"]

    shares = {g: share(month, lambda p, g=g: group(p) == g) for g in calibration.GROUP_SHARES}
    assert shares["zorgverzekering"] == pytest.approx(0.41, abs=0.025)
    for other in ("huur", "drinkwater", "energie"):
        assert shares[other] == pytest.approx(0.20, abs=0.025)


def test_energy_eindelevering_share_and_a_few_other_crisis_signals(month):
    energy = [p for p in month if p["soortVasteLast"] in ENERGY]
    assert share(energy, lambda p: p["soortSignaal"] == "eindelevering") == pytest.approx(0.30, abs=0.04)
    kinds = Counter(p["soortSignaal"] for p in month)
    assert 0 < kinds["afsluiting"] + kinds["ontruiming"] < 0.02 * len(month)
    for p in month:
        if p["soortSignaal"] == "eindelevering":
            assert p["datumEindeLevering"] > p["signaaldatum"]


def test_amount_classes(month):
    bounds = (Decimal(100), Decimal(250), Decimal(500), Decimal(1000))
    classes = Counter(sum(Decimal(p["achterstand"]["bedrag"]) >= b for b in bounds) for p in month)
    measured = [classes[i] / len(month) for i in range(5)]
    for got, want in zip(measured, calibration.AMOUNT_CLASS_TARGET, strict=True):
        assert got == pytest.approx(want, abs=0.03)
    water = [p for p in month if p["soortVasteLast"] == "drinkwater"]
    rent = [p for p in month if p["soortVasteLast"] == "huur"]
    assert share(water, lambda p: Decimal(p["achterstand"]["bedrag"]) < 250) > share(
        rent, lambda p: Decimal(p["achterstand"]["bedrag"]) < 250)


def test_contact_data_shares(month):
    def known(p):
        return bool(p["klant"].get("telefoonnummers")), bool(p["klant"].get("emailadres"))

    assert share(month, lambda p: known(p) == (True, True)) == pytest.approx(0.77, abs=0.025)
    assert share(month, lambda p: known(p) == (False, False)) == pytest.approx(0.08, abs=0.02)


def test_share_of_addresses_with_multiple_signals(month):
    per_address = Counter(address_key(p) for p in month)
    assert share(per_address.values(), lambda n: n >= 2) == pytest.approx(0.085, abs=0.015)


def test_recidive_share_with_six_months_of_history(months, month):
    earlier = {address_key(p) for m in HISTORY for p in months[m]}
    addresses = {address_key(p) for p in month}
    assert share(addresses, lambda a: a in earlier) == pytest.approx(0.46, abs=0.04)
    # Multiple signals at an address are more often recidive (national split: 73% against 43%).
    per_address = Counter(address_key(p) for p in month)
    multiple = [a for a, n in per_address.items() if n >= 2]
    single = [a for a, n in per_address.items() if n == 1]
    assert share(multiple, lambda a: a in earlier) > share(single, lambda a: a in earlier) + 0.15


def test_arrear_ages_mostly_inside_the_convenant_windows(month):
    def inside(p):
        age = (dt.date.fromisoformat(p["signaaldatum"])
               - dt.date.fromisoformat(p["achterstand"]["vervaldatumOudsteFactuur"])).days
        low, high = DEFAULT_ARREAR_AGE_WINDOWS[p["soortVasteLast"]]
        return low <= age and (high is None or age <= high)

    assert 0.95 < share(month, inside) < 1


def test_signal_dates_lie_inside_the_month(months):
    for label, payloads in months.items():
        assert {p["signaaldatum"][:7] for p in payloads} == {label}


# --- validity and noise -----------------------------------------------------------------------


def test_every_payload_is_a_valid_contract_signal(month):
    results = validate_signals(month, today=dt.date(2025, 12, 31))
    errors = [(p["signaalId"], r) for p, r in zip(month, results, strict=True) if isinstance(r, list)]
    assert errors == []


def test_formatting_noise_and_trade_names_are_present(month):
    postcodes = [p["adres"]["postcode"] for p in month]
    assert any(pc.endswith(" ") for pc in postcodes)
    assert any(pc[-2:].islower() and " " in pc for pc in postcodes)
    phones = [n for p in month for n in p["klant"].get("telefoonnummers", [])]
    assert any(n.startswith("06-") for n in phones) and any(n.startswith("+31 6 ") for n in phones)
    klanten = [p["klant"] for p in month]
    assert any(" " in k.get("geslachtsnaam", "") and "voorvoegsel" not in k
               and normalise.split_surname(k["geslachtsnaam"])[1] for k in klanten)
    assert 0 < share(klanten, lambda k: k.get("geboortedatum") == calibration.PLACEHOLDER_BIRTH_DATE) < 0.03
    trade = [k["bedrijfsnaam"] for k in klanten if "bedrijfsnaam" in k]
    assert 0 < len(trade) < 0.03 * len(month)
    assert any(name.endswith(("B.V.", "N.V.")) for name in trade)
    assert any(name.split()[0] in notations._TRADES for name in trade)  # eenmanszaak, e.g. "Bakkerij Jansen"


# --- determinism and identity -----------------------------------------------------------------


def test_same_seed_gives_the_same_payloads_and_another_seed_others(month):
    assert generator.generate_month(CODE, INHABITANTS, MONTH, place="Demostad") == month
    other = generator.generate_month(CODE, INHABITANTS, MONTH, seed=1, place="Demostad")
    assert {p["signaalId"] for p in other}.isdisjoint({p["signaalId"] for p in month})


def test_signal_ids_are_unique_per_creditor_across_months(months):
    ids = Counter(p["signaalId"] for payloads in months.values() for p in payloads)
    assert max(ids.values()) == 1
    prefixes = {p["signaalId"].split("-")[0]: p["soortVasteLast"] for p in months[MONTH]}
    assert set(prefixes) == {"ZV", "WC", "WB", "EL"}  # one id space per demo creditor


def test_another_scale_or_kind_filter_never_changes_a_signals_content():
    base = {p["signaalId"]: p for p in generator.generate_month("0216", 100_000, MONTH)}
    doubled = generator.generate_month("0216", 100_000, MONTH, scale=2.0)
    common = [p for p in doubled if p["signaalId"] in base]
    assert len(common) > 50
    assert all(base[p["signaalId"]] == p for p in common)
    rent = generator.generate_month("0216", 100_000, MONTH, kinds={"huur"})
    assert rent == [p for p in base.values() if p["soortVasteLast"] == "huur"]


def test_a_very_large_scale_still_gives_the_volume():
    payloads = generator.generate_month("0216", 10_000, MONTH, scale=20)
    assert len(payloads) == pytest.approx(20 * 48, rel=0.1)


# --- population ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def town():
    code, inhabitants = "0281", 60_000
    households = population.population(code, inhabitants)
    payloads = [p for m in [*HISTORY, MONTH] for p in generator.generate_month(code, inhabitants, m)]
    return households, payloads


def test_population_is_synthetic_sized_and_addressable(town):
    households, _ = town
    persons = [p for h in households for p in h.persons]
    assert len(persons) == pytest.approx(60_000, rel=0.03)
    assert len({h.address_key for h in households}) == len(households)
    assert len({p.key for p in persons}) == len(persons)
    for h in households:
        assert nl_postcode.is_valid(h.postcode) and h.postcode[4:] not in ("SA", "SD", "SS")
        assert h.persons[0].age_on(people.REFERENCE_DATE) >= 18
    ages = [p.age_on(people.REFERENCE_DATE) for p in persons]
    assert 0.1 < share(ages, lambda a: a < 18) < 0.35
    # reserved domains (RFC 2606), internationalised subdomains included ("örnek.example.com")
    assert all(p.emailadres.rsplit("@", 1)[1].endswith(people._EMAIL_DOMAINS) for p in persons if p.emailadres)
    assert population.population("0281", 1_000, seed=0) == households[: population.household_count(1_000)]
    assert population.population("0281", 1_000, seed=1) != households[: population.household_count(1_000)]


def test_a_household_can_be_found_by_its_address_without_building_the_population(town):
    households, _ = town
    for home in households[::997]:
        notation = f"{home.postcode[:4]} {home.postcode[4:].lower()}"
        assert population.household_at("0281", 60_000, notation, home.huisnummer) == home
        assert population.household_at("0281", 60_000, home.postcode, home.huisnummer + 1) is None
    assert population.household_at("0281", 60_000, households[-1].postcode, 99_999) is None
    assert population.household_at("0281", 60_000, "1234SS", 1) is None


def test_signals_are_about_residents_of_the_population_except_deliberate_noise(town):
    households, payloads = town
    by_address = {h.address_key: h for h in households}

    def full(prefix: str, surname: str) -> str:
        """The whole surname folded as a person reads it: "Berg, van der", "Van Der Berg", "van der"
        + "Berg" → "vanderberg"; "Ozturk" = "Öztürk"; "El" + "Idrissi" = "El Idrissi"."""
        if ", " in surname:
            surname, _, after = surname.partition(", ")
            prefix = f"{after} {prefix}".strip()
        return "".join(c for c in notations.fold(f"{prefix}{surname}").lower() if c.isalnum())

    def resident(klant, home) -> bool:
        for person in home.persons:
            if full(klant.get("voorvoegsel", ""), klant["geslachtsnaam"]) == full(person.voorvoegsel,
                                                                                   person.geslachtsnaam):
                return True
            if klant.get("voornamen") == person.geslachtsnaam and person.voornamen.startswith(klant["geslachtsnaam"]):
                return True  # name parts reversed
        return False

    assert all(address_key(p) in by_address for p in payloads)
    personal = [p for p in payloads if "geslachtsnaam" in p["klant"]]
    not_found = share(personal, lambda p: not resident(p["klant"], by_address[address_key(p)]))
    assert 0.015 < not_found < 0.05


# --- delivery through the intake ----------------------------------------------------------------


@pytest.mark.django_db
def test_command_stores_the_months_once_and_a_second_run_stores_nothing():
    MunicipalityFactory(cbs_code="0216", name="Culemborg", inhabitants=29_876)
    today = timezone.localdate()  # crisis signals that are over by today are not replayed
    expected = sum(len(generator.generate_month("0216", 29_876, m, seed=3, today=today, place="Culemborg"))
                   for m in ("2025-04", "2025-05", "2025-06"))

    out = StringIO()
    call_command("generate_demo_month", month="2025-06", municipalities=["0216"], history=2, seed=3, stdout=out)
    assert Signal.objects.count() == expected
    assert "Culemborg (0216) 2025-04:" in out.getvalue()
    assert f"Totaal: {expected} ontvangen, 0 al ontvangen, 0 geweigerd" in out.getvalue()
    assert Creditor.objects.filter(name__endswith=" Demo").count() == 4
    for signal in Signal.objects.select_related("creditor")[:200]:
        assert signal.creditor_kind in signal.creditor.kinds

    out = StringIO()
    call_command("generate_demo_month", month="2025-06", municipalities=["0216"], history=2, seed=3, stdout=out)
    assert Signal.objects.count() == expected
    assert f"Totaal: 0 ontvangen, {expected} al ontvangen, 0 geweigerd" in out.getvalue()


@pytest.mark.django_db
def test_signals_dated_after_today_are_sent_on_a_later_run():
    town = MunicipalityFactory(cbs_code="0216", name="Culemborg", inhabitants=29_876)
    payloads = generator.generate_month("0216", 29_876, MONTH, place="Culemborg")
    early = sum(p["signaaldatum"] <= "2025-06-15" for p in payloads)
    # A crisis signal that is over by the 15th was dealt with then and is not replayed.
    over = sum(generator.delivery_state(p, dt.date(2025, 6, 15)) == generator.CRISIS_OVER for p in payloads)

    first = deliveries.deliver_month(municipality=town, month=MONTH, today=dt.date(2025, 6, 15))
    assert (first.received, first.crisis_over, first.not_yet_sent) == (early - over, over, len(payloads) - early)
    assert not Signal.objects.filter(signal_date__gt=dt.date(2025, 6, 15)).exists()

    july = [generator.delivery_state(p, dt.date(2025, 7, 1)) for p in payloads]
    pairs = list(zip(payloads, july, strict=True))
    sent_late = sum(p["signaaldatum"] > "2025-06-15" and state == generator.DUE for p, state in pairs)
    sent_again = sum(p["signaaldatum"] <= "2025-06-15" and state == generator.DUE for p, state in pairs)
    later = deliveries.deliver_month(municipality=town, month=MONTH, today=dt.date(2025, 7, 1))
    assert (later.received, later.already_received, later.refused, later.not_yet_sent) == (
        sent_late, sent_again, 0, 0)
    assert Signal.objects.count() == first.received + later.received


@pytest.mark.django_db
def test_command_refuses_unknown_municipalities_and_future_months():
    MunicipalityFactory(cbs_code="0216", name="Culemborg", inhabitants=29_876)
    with pytest.raises(CommandError, match="Onbekende gemeente"):
        call_command("generate_demo_month", month="2025-06", municipalities=["9999"], stdout=StringIO())
    with pytest.raises(CommandError, match="toekomst"):
        call_command("generate_demo_month", month="2999-01", stdout=StringIO())
    with pytest.raises(CommandError, match="JJJJ-MM"):
        call_command("generate_demo_month", month="juni", stdout=StringIO())
    assert not Signal.objects.exists()
