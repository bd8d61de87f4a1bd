"""Shared by the operator's commands (``create_municipality``, ``configure_municipality``,
``set_tray_capacity``, ``show_municipality``): parsing Dutch input and showing the settings.
(A leading underscore: Django does not take this module for a command.)"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import Municipality
from cases import deadlines, selectors
from cases.models import Priority, RoutingRule, Tray, TrayAllocation
from cases.presets import PRESETS
from cases.routing import describe_conditions
from vroegsignalering.common.formats import euro
from vroegsignalering.common.vocab import DEFAULT_ARREAR_AGE_WINDOWS, CreditorKind

KINDS = ", ".join(CreditorKind.values)


def municipality(cbs_code: str) -> Municipality:
    found = Municipality.objects.filter(cbs_code=(cbs_code or "").strip()).first()
    if found is None:
        known = ", ".join(Municipality.objects.order_by("cbs_code").values_list("cbs_code", flat=True)) or "geen"
        raise CommandError(f"Gemeente {cbs_code!r} bestaat niet (bekend: {known}). Maak haar aan met "
                           "create_municipality.")
    return found


def amount(value: str) -> Decimal:
    """A euro amount as an operator types it: 75, 75,00, 75.50, € 75."""
    text = value.replace("€", "").replace(" ", "").replace(",", ".")
    try:
        result = Decimal(text)
    except InvalidOperation:
        raise CommandError(f"Geen geldig bedrag: {value!r} (bijvoorbeeld 75 of 75,50).") from None
    if not result.is_finite() or result < 0:
        raise CommandError(f"Het bedrag kan niet negatief zijn: {value!r} (0 = geen drempel).")
    if result != result.quantize(Decimal("0.01")):
        raise CommandError(f"Geef het bedrag in hele centen: {value!r}.")
    if result >= Decimal("1000000"):
        raise CommandError(f"Het bedrag is te groot: {value!r} (hoogstens 999999,99).")
    return result.quantize(Decimal("0.01"))


def whole(value: str, *, what: str, low: int, high: int) -> int:
    try:
        number = int(value.strip())
    except (ValueError, AttributeError):
        raise CommandError(f"{what}: geef een heel getal van {low} tot en met {high}, niet {value!r}.") from None
    if not low <= number <= high:
        raise CommandError(f"{what}: geef een heel getal van {low} tot en met {high}, niet {number}.")
    return number


def closing_day(value: str) -> int | None:
    if value.strip().lower() in ("laatste", "leeg", "einde"):
        return None
    return whole(value, what="Afsluitdag", low=1, high=28)


def kinds(values: list[str]) -> list[str]:
    """``drinkwater`` or ``drinkwater,huur`` (repeatable): known creditor kinds, in the vocabulary's order."""
    wanted = [part.strip().lower() for value in values for part in value.split(",") if part.strip()]
    unknown = [kind for kind in wanted if kind not in CreditorKind.values]
    if unknown:
        raise CommandError(f"Onbekende soort vaste last: {', '.join(unknown)}. Kies uit: {KINDS}.")
    return [kind for kind in CreditorKind.values if kind in wanted]


_WINDOW = re.compile(r"^(?P<kind>[a-z_]+)=(?P<low>\d{1,4})-(?P<high>\d{1,4})?$")


def windows(values: list[str], current: dict) -> dict:
    """``zorgverzekering=30-100``, ``huur=30-`` (no upper bound) or ``gas=standaard`` (the Convenant's)."""
    result = {str(k): v for k, v in (current or {}).items()}
    for value in values:
        text = value.strip().lower().replace(" ", "")
        kind, _, rest = text.partition("=")
        if kind not in CreditorKind.values:
            raise CommandError(f"Termijn {value!r}: onbekende soort vaste last {kind!r}. Kies uit: {KINDS}.")
        if rest == "standaard":
            default = DEFAULT_ARREAR_AGE_WINDOWS.get(kind)
            if default is None:
                result.pop(kind, None)
            else:
                result[kind] = list(default)
            continue
        match = _WINDOW.match(text)
        if match is None:
            raise CommandError(f"Termijn {value!r}: schrijf SOORT=MINIMUM-MAXIMUM in dagen, bijvoorbeeld "
                               "zorgverzekering=30-100, huur=30- (geen maximum) of gas=standaard.")
        low, high = int(match["low"]), int(match["high"]) if match["high"] else None
        if high is not None and high < low:
            raise CommandError(f"Termijn {value!r}: het maximum ligt onder het minimum.")
        result[kind] = [low, high]
    return result


def tray(municipality: Municipality, name: str) -> Tray:
    """A tray of the municipality by its code or its name (any case)."""
    wanted = (name or "").strip().lower()
    trays = list(Tray.objects.filter(municipality=municipality).order_by("name"))
    for candidate in trays:
        if wanted in (candidate.code.lower(), candidate.name.lower()):
            return candidate
    names = ", ".join(f"{t.code} ({t.name})" for t in trays) or "nog geen bakjes"
    raise CommandError(f"Gemeente {municipality.name} heeft geen bakje {name!r}. Bakjes: {names}.")


def validation_message(exc: ValidationError, labels: dict[str, str]) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{labels.get(field, field)}: {' '.join(messages)}"
                         for field, messages in exc.message_dict.items())
    return " ".join(exc.messages)


def _window_text(kind: str, window) -> str:
    low, high = window
    return f"{kind} {low}–{high} dagen" if high is not None else f"{kind} vanaf {low} dagen"


def settings_lines(municipality: Municipality) -> list[str]:
    """The current settings of a municipality, in Dutch, for the operator."""
    municipality.refresh_from_db()
    policy = selectors.policy_for(municipality.pk)
    today = timezone.localdate()
    period = deadlines.period_for(today, municipality.period_closing_day)
    day = municipality.period_closing_day
    exempt = ", ".join(municipality.threshold_exempt_kinds or []) or "geen"
    windows_ = municipality.arrear_age_windows or {}
    inhabitants = f"{municipality.inhabitants:,}".replace(",", ".")
    default = (f"{policy.default_tray.name} ({policy.default_tray.code})" if policy.default_tray_id
               else "geen (dan: algemeen)")
    lines = [
        f"Gemeente {municipality.name} ({municipality.cbs_code}), {inhabitants} inwoners",
        f"  afsluitdag periode:          {day if day else 'laatste dag van de maand'} "
        f"(lopende periode: {period.describe()})",
        f"  drempelbedrag:               {euro(municipality.threshold_amount)}"
        + (" (geen drempel)" if not municipality.threshold_amount else ""),
        f"  zonder drempel (vrijgesteld): {exempt}",
        "  termijnen achterstand:       " + ("; ".join(_window_text(k, v) for k, v in sorted(windows_.items()))
                                            or "Convenant (standaard)"),
        f"  bewaartermijn:               {municipality.retention_months} maanden",
        f"  termijn herhaalde melding:   {policy.repeat_window_months} maanden",
        f"  termijn heropenen:           {policy.reopen_term_months} maanden",
        f"  standaardbakje:              {default}",
    ]
    trays = list(Tray.objects.filter(municipality=municipality).select_related(
        "capacity_fallback", "missing_contact_fallback").order_by("name"))
    usage = selectors.tray_usage(municipality.pk, selectors.capacity_period_end(municipality, today))
    lines.append(f"Bakjes ({len(trays)}):" if trays else "Bakjes: nog geen (routering: zie configure_municipality "
                                                         "--voorinstelling)")
    for t in trays:
        capacity = "onbeperkt" if t.monthly_capacity is None else f"{t.monthly_capacity} per periode"
        parts = [f"capaciteit {capacity} (gebruikt {usage.get(t.pk, 0)})"]
        if t.contact_kind:
            parts.append(f"contact {t.contact_kind}")
        if t.capacity_fallback_id:
            parts.append(f"vol → {t.capacity_fallback.code}")
        if t.missing_contact_fallback_id:
            parts.append(f"geen contactgegevens → {t.missing_contact_fallback.code}")
        if t.end_outcome:
            parts.append(f"direct gesloten: {t.end_outcome}")
        if not t.is_active:
            parts.append("NIET ACTIEF")
        lines.append(f"  {t.code:<22} {t.name}: " + ", ".join(parts))
    rules = list(RoutingRule.objects.filter(municipality=municipality).select_related("tray").order_by("position"))
    lines.append(f"Regels ({len(rules)}):" if rules else "Regels: geen (alle meldingen naar het standaardbakje)")
    for rule in rules:
        state = "" if rule.is_active else " [niet actief]"
        lines.append(f"  {rule.position:>3}. {rule.name} ({describe_conditions(rule)}) → {rule.tray.code}, "
                     f"prioriteit {Priority(rule.priority).label.lower()}{state}")
    for allocation in TrayAllocation.objects.filter(municipality=municipality).select_related("target", "source"):
        lines.append(f"Aanvulling: restcapaciteit {allocation.target.code} uit {allocation.source.code}"
                     + ("" if allocation.is_active else " [niet actief]"))
    return lines


PRESET_HELP = "Voorinstelling van de routering: " + ", ".join(sorted(PRESETS)) + " (of 3, 4, 6)"
