"""An operator needs no Python shell (issue 9, point 7): the commands for everything set per
municipality, with Dutch output, and refusals that change nothing and exit non-zero."""
import io
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Municipality
from cases.models import CasePolicy, RoutingRule, Tray
from cases.presets import DEFAULT_PRESET, PRESETS
from tests.factories import MunicipalityFactory
from vroegsignalering.common.vocab import CreditorKind

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def snapshot(code="0363") -> tuple:
    m = Municipality.objects.get(cbs_code=code)
    policy = CasePolicy.objects.filter(municipality=m).values_list(
        "repeat_window_months", "reopen_term_months", "default_tray_id").first()
    trays = sorted(Tray.objects.filter(municipality=m).values_list("code", "monthly_capacity", "is_active"))
    rules = sorted(RoutingRule.objects.filter(municipality=m).values_list("position", "tray__code"))
    return (m.name, m.inhabitants, m.period_closing_day, m.threshold_amount, m.threshold_exempt_kinds,
            m.arrear_age_windows, m.retention_months, policy, trays, rules)


# --- create_municipality ------------------------------------------------------------------------------


def test_a_new_municipality_gets_the_default_routing():
    output = run("create_municipality", "0363", "Amsterdam", "--inwoners", "931298", "--drempelbedrag", "50")
    assert "aangemaakt" in output and f"voorinstelling {DEFAULT_PRESET} geïnstalleerd" in output
    m = Municipality.objects.get(cbs_code="0363")
    assert m.threshold_amount == Decimal("50.00")
    assert set(Tray.objects.filter(municipality=m).values_list("code", flat=True)) == {
        t.code for t in PRESETS[DEFAULT_PRESET].trays}
    assert CasePolicy.objects.get(municipality=m).default_tray.code == PRESETS[DEFAULT_PRESET].default_tray
    # Updating keeps the routing as it is.
    RoutingRule.objects.filter(municipality=m, position=10).delete()
    assert "bijgewerkt" in run("create_municipality", "0363", "Amsterdam", "--inwoners", "940000")
    assert not RoutingRule.objects.filter(municipality=m, position=10).exists()


def test_create_without_routing_or_with_a_chosen_preset_and_an_explicit_threshold():
    output = run("create_municipality", "0344", "Utrecht", "--zonder-routering")
    assert "Routering: geen" in output
    assert not Tray.objects.filter(municipality__cbs_code="0344").exists()
    run("create_municipality", "0518", "Den Haag", "--voorinstelling", "4", "--drempelbedrag", "60")
    m = Municipality.objects.get(cbs_code="0518")
    assert RoutingRule.objects.filter(municipality=m).count() == len(PRESETS["gemeente4"].rules)
    assert m.threshold_amount == Decimal("60.00")  # the explicit threshold wins over the preset's € 100


@pytest.mark.parametrize(("args", "message"), [
    (["363", "Amsterdam"], "4 cijfers"),
    (["0363", "Amsterdam", "--voorinstelling", "gemeente9"], "Onbekende voorinstelling"),
    (["0363", "Amsterdam", "--drempelbedrag", "vijftig"], "Geen geldig bedrag"),
    (["0363", "Amsterdam", "--inwoners", "-4"], "Inwoners"),
    (["0363", "Amsterdam", "--bewaartermijn-maanden", "0"], "Bewaartermijn"),
])
def test_create_refuses_bad_input_and_creates_nothing(args, message):
    with pytest.raises(CommandError, match=message):
        run("create_municipality", *args)
    assert not Municipality.objects.exists() and not Tray.objects.exists()


# --- configure_municipality ---------------------------------------------------------------------------


@pytest.fixture
def amsterdam(db):
    municipality = MunicipalityFactory(cbs_code="0363", name="Amsterdam")
    run("configure_municipality", "0363", "--voorinstelling", "basis")
    return municipality


def test_configure_sets_everything_an_operator_sets(amsterdam):
    output = run("configure_municipality", "0363", "--afsluitdag", "26", "--drempel", "75",
                 "--vrijgesteld", "drinkwater,huur", "--preset", "4", "--termijn", "zorgverzekering=30-90",
                 "--termijn", "huur=45-", "--termijn-herhaalde-melding", "2", "--termijn-heropenen", "4",
                 "--bewaartermijn-maanden", "6", "--standaardbakje", "E-mail")
    assert "voorinstelling gemeente4 geïnstalleerd" in output
    m = Municipality.objects.get(cbs_code="0363")
    assert (m.period_closing_day, m.threshold_amount, m.threshold_exempt_kinds, m.retention_months) == (
        26, Decimal("75.00"), ["huur", "drinkwater"], 6)
    assert m.arrear_age_windows["zorgverzekering"] == [30, 90] and m.arrear_age_windows["huur"] == [45, None]
    policy = CasePolicy.objects.get(municipality=m)
    assert (policy.repeat_window_months, policy.reopen_term_months, policy.default_tray.code) == (2, 4, "email")
    assert "afsluitdag periode:          26" in output and "€ 75,00" in output
    assert "zorgverzekering 30–90 dagen" in output
    # Back to the last day of the month, no exemptions, the Convenant's window.
    run("configure_municipality", "0363", "--afsluitdag", "laatste", "--geen-vrijstelling",
        "--termijn", "zorgverzekering=standaard")
    m.refresh_from_db()
    assert (m.period_closing_day, m.threshold_exempt_kinds, m.arrear_age_windows["zorgverzekering"]) == (
        None, [], [30, 100])


@pytest.mark.parametrize(("args", "message"), [
    (["--afsluitdag", "31"], "Afsluitdag: geef een heel getal van 1 tot en met 28"),
    (["--afsluitdag", "morgen"], "Afsluitdag"),
    (["--drempel", "-5"], "niet negatief"),
    (["--drempel", "12,345"], "hele centen"),
    (["--vrijgesteld", "water"], "Onbekende soort vaste last: water"),
    (["--termijn", "huur=60-30"], "maximum ligt onder het minimum"),
    (["--termijn", "huur"], "SOORT=MINIMUM-MAXIMUM"),
    (["--termijn-herhaalde-melding", "13"], "Termijn herhaalde melding"),
    (["--preset", "5"], "Onbekende voorinstelling"),
    (["--drempel", "80", "--standaardbakje", "bestaat-niet"], "geen bakje 'bestaat-niet'"),
    (["--naam", " "], "Naam"),
    ([], "Geef minstens één instelling"),
])
def test_configure_refuses_bad_input_and_changes_nothing(amsterdam, args, message):
    before = snapshot()
    with pytest.raises(CommandError, match=message):
        run("configure_municipality", "0363", *args)
    assert snapshot() == before


def test_configure_an_unknown_municipality():
    with pytest.raises(CommandError, match="Gemeente '9999' bestaat niet"):
        run("configure_municipality", "9999", "--drempel", "50")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=st.text(max_size=6), threshold=st.text(max_size=8), kinds=st.text(max_size=20))
def test_generated_input_is_either_stored_as_given_or_refused_without_a_change(amsterdam, day, threshold, kinds):
    before = snapshot()
    try:
        run("configure_municipality", "0363", "--afsluitdag", day, "--drempel", threshold, "--vrijgesteld", kinds)
    except CommandError as exc:
        assert str(exc) and snapshot() == before
        return
    m = Municipality.objects.get(cbs_code="0363")
    assert m.period_closing_day is None or 1 <= m.period_closing_day <= 28
    assert m.threshold_amount >= 0 and set(m.threshold_exempt_kinds) <= set(CreditorKind.values)


# --- set_tray_capacity, show_municipality -------------------------------------------------------------


def test_set_tray_capacity_by_name_or_code(amsterdam):
    run("configure_municipality", "0363", "--preset", "gemeente4")
    assert "Huisbezoek (Amsterdam): 12 per periode" in run("set_tray_capacity", "0363", "Huisbezoek", "12")
    assert Tray.objects.get(municipality=amsterdam, code="huisbezoek").monthly_capacity == 12
    assert "onbeperkt" in run("set_tray_capacity", "0363", "huisbezoek", "onbeperkt")
    assert Tray.objects.get(municipality=amsterdam, code="huisbezoek").monthly_capacity is None
    assert "al capaciteit onbeperkt" in run("set_tray_capacity", "0363", "HUISBEZOEK", "onbeperkt")
    assert "Let op" in run("set_tray_capacity", "0363", "brief", "0")  # no fallback: said so


@pytest.mark.parametrize(("args", "message"), [
    (["0363", "Huisbezoek", "-1"], "Capaciteit"),
    (["0363", "Huisbezoek", "twintig"], "Capaciteit"),
    (["0363", "Huisbezoek", "100001"], "Capaciteit"),
    (["0363", "Zwembad", "5"], "geen bakje 'Zwembad'"),
    (["0999", "Huisbezoek", "5"], "bestaat niet"),
])
def test_set_tray_capacity_refuses_bad_input(amsterdam, args, message):
    run("configure_municipality", "0363", "--preset", "gemeente4")
    before = snapshot()
    with pytest.raises(CommandError, match=message):
        run("set_tray_capacity", *args)
    assert snapshot() == before


def test_show_municipality_lists_the_current_settings(amsterdam):
    run("configure_municipality", "0363", "--preset", "gemeente6", "--afsluitdag", "27", "--drempel", "50")
    output = run("show_municipality", "0363")
    for text in ("Gemeente Amsterdam (0363)", "afsluitdag periode:          27", "€ 50,00",
                 "zonder drempel (vrijgesteld): drinkwater", "huisbezoek", "capaciteit 85 per periode",
                 "vol → brief", "Regels (5):", "Aanvulling: restcapaciteit huisbezoek uit brief"):
        assert text in output, text
    MunicipalityFactory(cbs_code="0344", name="Utrecht")
    assert "Gemeente Utrecht (0344)" in run("show_municipality")
    with pytest.raises(CommandError, match="bestaat niet"):
        run("show_municipality", "1234")


@pytest.mark.django_db(transaction=True)
def test_a_refusal_exits_non_zero_with_the_dutch_message_on_stderr(tmp_path):
    database = tmp_path / "beheer.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}", "PATH": "/usr/bin:/bin", "ENVIRONMENT": "development"}
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, capture_output=True)
    done = subprocess.run([*manage, "create_municipality", "0363", "Amsterdam"], env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0 and "aangemaakt" in done.stdout
    refused = subprocess.run([*manage, "configure_municipality", "0363", "--afsluitdag", "31"], env=env,
                             capture_output=True, text=True)
    assert refused.returncode == 1
    assert "Afsluitdag: geef een heel getal van 1 tot en met 28, niet 31." in refused.stderr
    assert "Traceback" not in refused.stderr
