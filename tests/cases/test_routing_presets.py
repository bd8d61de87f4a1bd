"""The routing presets of municipalities 3, 4 and 6 (shared/examples/routing-presets.md): every
worked example lands in the tray the document names."""
import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from cases import services
from cases.history import case_history_text
from cases.models import Case, CasePolicy, CaseStatus, RoutingRule, Tray, TrayAllocation
from cases.presets import PRESETS, routing_preset_install
from signals import normalise
from signals.models import SignalStatus
from signals.rules import not_picked_up
from tests.factories import MunicipalityFactory, address, aware, build_signal, make_signal, make_signals
from vroegsignalering.common.vocab import CreditorKind, Outcome, SignalKind

pytestmark = pytest.mark.django_db
CLOSE = aware(2026, 6, 1, 6)
H, Z, W, EL = CreditorKind.HUUR, CreditorKind.ZORGVERZEKERING, CreditorKind.DRINKWATER, CreditorKind.ELEKTRICITEIT


def municipality_with(preset):
    municipality = MunicipalityFactory(cbs_code="0400", name="Gemeente")
    routing_preset_install(municipality=municipality, preset=preset)
    municipality.refresh_from_db()
    return municipality


def household(municipality, n, signals, *, recidive=False, phone=True, email=True):
    """Signals (kind, amount[, signal kind]) at address ``n``; recidive: a signal there in March."""
    specs = [{"at": n, "kind": s[0], "amount": s[1], "phone": phone, "email": email,
              **({"signal_kind": s[2]} if len(s) > 2 else {})} for s in signals]
    if recidive:
        specs.append({"at": n, "kind": signals[0][0], "signal_date": dt.date(2026, 3, 10),
                      "status": SignalStatus.AFGEHANDELD})
    make_signals(municipality, specs)


def case_at(n):
    a = address(n)
    key = normalise.address_key(a["postcode"], a["house_number"], a["house_letter"], a["house_number_addition"])
    return Case.objects.select_related("tray").get(address_key=key)


# --- municipality 4 -------------------------------------------------------------------------------

GEMEENTE_4_EXAMPLES = [
    ("single zorgverzekering €250, no recidive, phone known", [(Z, "250")], {}, "brief"),
    ("single zorgverzekering €350, no recidive, phone known", [(Z, "350")], {}, "telefoon"),
    ("single huur €150, no recidive, phone known", [(H, "150")], {}, "telefoon"),
    ("single huur €150, no recidive, no phone, e-mail known", [(H, "150")], {"phone": False}, "email"),
    ("single energie €400, recidive", [(EL, "400")], {"recidive": True}, "telefoon"),
    ("single energie €650, recidive", [(EL, "650")], {"recidive": True}, "huisbezoek"),
    ("single drinkwater €60, recidive", [(W, "60")], {"recidive": True}, "brief"),
    ("match zorgverzekering €120 + drinkwater €80", [(Z, "120"), (W, "80")], {}, "huisbezoek"),
    ("single drinkwater €40, no recidive", [(W, "40")], {}, "brief"),
    ("eindelevering energie €900", [(EL, "900", SignalKind.EINDELEVERING)], {}, "crisis"),
    # fallback chain beyond the table: phone chosen, neither phone nor e-mail → e-mail → brief
    ("single huur €150, neither phone nor e-mail", [(H, "150")], {"phone": False, "email": False}, "brief"),
]


@pytest.mark.parametrize(("label", "signals", "options", "tray"), GEMEENTE_4_EXAMPLES,
                         ids=[e[0] for e in GEMEENTE_4_EXAMPLES])
def test_gemeente_4_worked_examples(label, signals, options, tray):
    municipality = municipality_with("gemeente4")
    household(municipality, 1, signals, **options)
    services.period_close(municipality=municipality, now=CLOSE)
    case = case_at(1)
    assert case.tray.code == tray, case.routing_explanation
    assert case.routing_rule is not None
    assert f"Regel {case.routing_rule.position} '{case.routing_rule.name}'" in case.routing_explanation


def test_gemeente_4_explains_the_missing_phone_fallback():
    municipality = municipality_with("gemeente4")
    household(municipality, 1, [(H, "150")], phone=False)
    services.period_close(municipality=municipality, now=CLOSE)
    explanation = case_at(1).routing_explanation
    assert "Regel 40 'Enkelvoudig huur' (enkelvoudig, soort vaste last huur) → bakje Telefoon." in explanation
    assert "Bakje Telefoon: geen telefoonnummer bekend → bakje E-mail." in explanation


def test_gemeente_4_home_visits_full_the_21st_match_gets_email():
    municipality = municipality_with("gemeente4")
    for n in range(1, 22):  # 21 matches, the lowest summed amount last
        household(municipality, n, [(Z, str(300 + n)), (W, "80")])
    household(municipality, 22, [(Z, "120"), (W, "80")], email=False)  # 22nd: no e-mail → brief
    services.period_close(municipality=municipality, now=CLOSE)
    visits = Case.objects.filter(tray__code="huisbezoek")
    assert visits.count() == 20
    assert set(visits.values_list("amount", flat=True)) == {Decimal(380 + n) for n in range(2, 22)}
    lowest = case_at(1)
    assert lowest.tray.code == "email"
    assert "Bakje Huisbezoek is vol (20 van 20 deze periode) → bakje E-mail." in lowest.routing_explanation
    assert case_at(22).tray.code == "brief"


def test_cases_placed_earlier_in_the_period_use_its_capacity():
    """Municipality 6 names no crisis rule: a crisis rent signal opened in May goes to a home visit
    at once and takes one of May's visits before the period close."""
    municipality = municipality_with("gemeente6")
    Tray.objects.filter(municipality=municipality, code="huisbezoek").update(monthly_capacity=2)
    crisis = make_signal(municipality, at=9, kind=H, amount="1500", signal_kind=SignalKind.ONTRUIMING,
                         received_at=aware(2026, 5, 12, 10))
    assert services.case_open_for_crisis(signal=crisis, now=aware(2026, 5, 12, 11)).tray.code == "huisbezoek"
    household(municipality, 1, [(Z, "500"), (W, "80")])
    household(municipality, 2, [(Z, "400"), (W, "80")])
    services.period_close(municipality=municipality, now=CLOSE)
    assert case_at(1).tray.code == "huisbezoek"
    assert case_at(2).tray.code == "brief"
    assert "Bakje Huisbezoek is vol (2 van 2 deze periode) → bakje Brief." in case_at(2).routing_explanation


def test_gemeente_4_crisis_opened_at_once_goes_to_the_crisis_tray():
    municipality = municipality_with("gemeente4")
    signal = make_signal(municipality, at=1, kind=EL, amount="900", signal_kind=SignalKind.EINDELEVERING,
                         received_at=aware(2026, 5, 12, 10))
    case = services.case_open_for_crisis(signal=signal, now=aware(2026, 5, 12, 11))
    assert case.tray.code == "crisis" and case.priority == 1


def test_gemeente_4_threshold_policy_from_the_preset():
    """'single zorgverzekering €80 → not picked up: onterecht signaal (below threshold)' is the
    checks' rule; the preset sets its policy: €100, drinkwater exempt."""
    municipality = municipality_with("gemeente4")
    assert municipality.threshold_amount == Decimal("100.00")
    assert municipality.threshold_exempt_kinds == ["drinkwater"]
    low = build_signal(municipality, kind=Z, amount="80")
    assert not_picked_up(low, municipality).outcome == Outcome.ONTERECHT_SIGNAAL
    assert not_picked_up(build_signal(municipality, kind=W, amount="40"), municipality) is None


# --- municipality 3 -------------------------------------------------------------------------------

GEMEENTE_3_EXAMPLES = [
    ("single €120, e-mail known", [(Z, "120")], {"phone": False}, "email"),
    ("single €120, neither phone nor e-mail", [(Z, "120")], {"phone": False, "email": False}, "kaart"),
    ("single €300, phone known", [(Z, "300")], {"email": False}, "telefoon"),
    ("match €700", [(H, "500"), (Z, "200")], {}, "huisbezoek"),
    ("single €300, recidive", [(Z, "300")], {"recidive": True}, "recidive"),
    ("eindelevering", [(EL, "90", SignalKind.EINDELEVERING)], {}, "crisis"),
    ("single €300, e-mail only", [(Z, "300")], {"phone": False}, "email"),
]


@pytest.mark.parametrize(("label", "signals", "options", "tray"), GEMEENTE_3_EXAMPLES,
                         ids=[e[0] for e in GEMEENTE_3_EXAMPLES])
def test_gemeente_3_worked_examples(label, signals, options, tray):
    municipality = municipality_with("gemeente3")
    household(municipality, 1, signals, **options)
    services.period_close(municipality=municipality, now=CLOSE)
    assert case_at(1).tray.code == tray, case_at(1).routing_explanation


def test_gemeente_3_has_no_threshold():
    municipality = municipality_with("gemeente3")
    assert municipality.threshold_amount == Decimal("0.00")


# --- municipality 6 -------------------------------------------------------------------------------


def test_gemeente_6_period_with_capacity_left_upgrades_the_highest_letters():
    """60 matches, 10 single rent, 200 other singles → 70 home visits, then the 15 highest of the
    200 → home visit, 185 letters."""
    municipality = municipality_with("gemeente6")
    specs = []
    for n in range(60):
        specs += [{"at": n, "kind": Z, "amount": "100"}, {"at": n, "kind": W, "amount": "50"}]
    for n in range(60, 70):
        specs.append({"at": n, "kind": H, "amount": str(200 + n)})
    for n in range(70, 270):
        specs.append({"at": n, "kind": Z, "amount": f"{100 + n}.00"})
    make_signals(municipality, specs)
    result = services.period_close(municipality=municipality, now=CLOSE)
    assert result.counts["trays"] == {"brief": 185, "huisbezoek": 85}
    upgraded = Case.objects.filter(tray__code="huisbezoek", match_type="enkelvoudig",
                                   case_signals__signal__creditor_kind=Z)
    assert sorted(upgraded.values_list("amount", flat=True)) == [Decimal(100 + n) for n in range(255, 270)]
    example = upgraded.get(amount=Decimal(369))
    assert "Restcapaciteit bakje Huisbezoek: 15 plaats(en) over" in example.routing_explanation
    assert "nummer 1 van 200" in example.routing_explanation
    assert Case.objects.filter(tray__code="huisbezoek", match_type="meervoudig").count() == 60


def test_gemeente_6_period_without_capacity_left_rent_falls_back_to_letters():
    """80 matches, 10 single rent → 85 home visits: the 80 matches, then the 5 rent cases with the
    highest amounts; the other 5 rent cases fall back to a letter."""
    municipality = municipality_with("gemeente6")
    specs = []
    for n in range(80):
        specs += [{"at": n, "kind": Z, "amount": "60"}, {"at": n, "kind": EL, "amount": "40"}]
    for n in range(80, 90):
        specs.append({"at": n, "kind": H, "amount": str(400 + n)})
    make_signals(municipality, specs)
    result = services.period_close(municipality=municipality, now=CLOSE)
    assert result.counts["trays"] == {"brief": 5, "huisbezoek": 85}
    rent = Case.objects.filter(case_signals__signal__creditor_kind=H)
    assert sorted(rent.filter(tray__code="huisbezoek").values_list("amount", flat=True)) == \
        [Decimal(400 + n) for n in range(85, 90)]
    letter = rent.get(tray__code="brief", amount=Decimal(480))
    assert "Bakje Huisbezoek is vol (85 van 85 deze periode) → bakje Brief." in letter.routing_explanation


# --- debt assistance (all presets) -------------------------------------------------------------------


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_known_to_debt_assistance_is_closed_in_its_tray_and_aftercare_has_its_own(preset):
    municipality = municipality_with(preset)
    make_signal(municipality, at=1, kind=H, amount="900", shv="bekend")
    make_signal(municipality, at=2, kind=Z, amount="120", shv="nazorg")
    services.period_close(municipality=municipality, now=CLOSE)
    known = case_at(1)
    assert known.tray.code == "schuldhulpverlening"
    assert known.status == CaseStatus.GESLOTEN and known.outcome == Outcome.BEKEND_BIJ_SHV
    assert "direct gesloten met eindresultaat 'Inwoner al bekend bij schuldhulpverlening'" in \
        case_history_text(known.history.last())
    aftercare = case_at(2)
    assert aftercare.tray.code == "nazorg" and aftercare.status == CaseStatus.OPEN


# --- installing ---------------------------------------------------------------------------------------


def test_installing_a_preset_twice_or_another_one_replaces_the_rules():
    municipality = municipality_with("gemeente4")
    routing_preset_install(municipality=municipality, preset="gemeente4")
    assert RoutingRule.objects.filter(municipality=municipality).count() == len(PRESETS["gemeente4"].rules)
    routing_preset_install(municipality=municipality, preset="gemeente6")
    assert RoutingRule.objects.filter(municipality=municipality).count() == len(PRESETS["gemeente6"].rules)
    assert TrayAllocation.objects.filter(municipality=municipality).count() == 1
    assert CasePolicy.objects.get(municipality=municipality).default_tray.code == "brief"
    huisbezoek = Tray.objects.get(municipality=municipality, code="huisbezoek")
    assert (huisbezoek.monthly_capacity, huisbezoek.capacity_fallback.code) == (85, "brief")
    # Trays of the earlier preset stay (cases may be in them).
    assert Tray.objects.filter(municipality=municipality, code="crisis").exists()


def test_install_command():
    MunicipalityFactory(cbs_code="0400", name="Gemeente")
    out = StringIO()
    call_command("install_routing_preset", "0400", "gemeente3", stdout=out)
    assert "gemeente3 geïnstalleerd" in out.getvalue()
    out = StringIO()
    call_command("install_routing_preset", "--lijst", stdout=out)
    assert all(key in out.getvalue() for key in PRESETS)
