"""Reads of the intake: for creditors scoped to their own signals, for staff to their municipalities."""
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q
from django.utils import timezone

from accounts.permissions import CASEWORK_ROLES
from feedback.selectors import signal_latest_code

from . import normalise, recurrence
from .brp.decision import BrpOutcome
from .models import Creditor, Delivery, RecurrenceFact, Signal, SignalStatus


def delivery_get_for_creditor(*, creditor: Creditor, delivery_id) -> Delivery | None:
    return Delivery.objects.filter(creditor=creditor, pk=delivery_id).first()


def signal_get_for_creditor(*, creditor: Creditor, signal_id: str) -> Signal | None:
    """The creditor's own signal; the id is compared NFC-normalised, as it was stored."""
    if "\x00" in signal_id:  # never stored (PostgreSQL cannot even compare it): none
        return None
    return (
        Signal.objects.select_related("municipality")
        .filter(creditor=creditor, signal_id=normalise.nfc(signal_id), forwarded_copy=False)
        .first()
    )


# What a worker calls the fields an unusable value can be in (see Signal.intake_warnings).
_FIELD_LABELS = {
    "klant.telefoonnummers": "Telefoon", "klant.emailadres": "E-mail", "klant.geboortedatum": "Geboortedatum",
    "klant.geslachtsnaam": "Geslachtsnaam", "klant.voorvoegsel": "Voorvoegsel", "klant.voornamen": "Voornamen",
    "klant.voorletters": "Voorletters", "klant.bedrijfsnaam": "Bedrijfsnaam", "adres.huisletter": "Huisletter",
    "adres.huisnummertoevoeging": "Huisnummertoevoeging", "adres.straatnaam": "Straatnaam",
    "adres.woonplaats": "Woonplaats", "achterstand.aantalTermijnen": "Aantal termijnen",
    "achterstand.termijnbedrag": "Termijnbedrag", "contractnummer": "Contractnummer",
    "warmeOverdracht": "Warme overdracht", "soortSignaal": "Soort signaal", "signaaldatum": "Signaaldatum",
    "datumEindeLevering": "Datum einde levering", "datumAfsluiting": "Datum afsluiting",
    "datumOntruiming": "Datum ontruiming",
}


def signal_unusable_values(signal: Signal, *, fields: tuple[str, ...] = ()) -> list[dict]:
    """The values the creditor delivered that could not be used, for a person to read: per value
    the field (``naam``, e.g. ``klant.telefoonnummers[1]``), its label, the value as delivered as
    text, and the note "niet bruikbaar: <reason>". Only the given fields (dotted names) when given."""
    rows = []
    for warning in signal.intake_warnings or []:
        name = str(warning.get("naam", ""))
        base = name.split("[", 1)[0]
        if fields and base not in fields:
            continue
        value = warning.get("waarde")
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        reason = str(warning.get("reden", "")).rstrip(".")
        rows.append({"naam": name, "veld": _FIELD_LABELS.get(base, base), "waarde": text,
                     "notitie": f"niet bruikbaar: {reason[:1].lower()}{reason[1:]}"})
    return rows


def signal_public_status(signal: Signal) -> str:
    """What the creditor may see of a signal's progress: ``ontvangen`` until feedback exists, then the
    latest feedback code."""
    return signal_latest_code(signal) or "ontvangen"


# --- Municipal staff: scoped to the municipalities the user works for -------------------------

def _municipal_scope(user):
    """The signals this user may see: their municipalities', for a worker or team lead (none for
    creditor staff, auditors, administrators or superusers; ADR 0009)."""
    return Signal.objects.visible_to(user, roles=CASEWORK_ROLES)


def fallout_list_for_user(*, user):
    """Signals waiting for a person's decision (uitval), oldest first."""
    return (
        _municipal_scope(user).filter(status=SignalStatus.UITVAL)
        .select_related("municipality", "creditor")
        .order_by("received_at", "pk")
    )


def fallout_counts_for_user(*, user) -> list[dict]:
    """Per BRP finding (not found, several candidates, …) how many signals wait, most first.
    Signals without a finding (stalled checks) are only in the unfiltered list."""
    rows = (_municipal_scope(user).filter(status=SignalStatus.UITVAL, brp_evidence__uitkomst__isnull=False)
            .values("brp_evidence__uitkomst").annotate(n=Count("pk")).order_by("-n"))
    labels = dict(BrpOutcome.choices)
    return [{"code": r["brp_evidence__uitkomst"], "label": labels.get(r["brp_evidence__uitkomst"],
                                                                          r["brp_evidence__uitkomst"]), "n": r["n"]}
            for r in rows if r["brp_evidence__uitkomst"]]


def fallout_get_for_user(*, user, signal_pk: int) -> Signal | None:
    return fallout_list_for_user(user=user).filter(pk=signal_pk).first()


def manual_forwarding_list_for_user(*, user):
    """Signals about persons living in a municipality this installation does not serve."""
    return (
        _municipal_scope(user).filter(status=SignalStatus.DOORGESTUURD, forwarded_to__isnull=True)
        .select_related("municipality", "creditor")
        .order_by("-outcome_at")
    )


# --- The checks ------------------------------------------------------------------------------

def signals_due_for_checks(now=None, limit: int = 5000) -> list[int]:
    """Received signals never enqueued, waiting ones whose retry is due, stalled ones."""
    now = now or timezone.now()
    return list(
        Signal.objects.filter(
            # the intake enqueued these itself; only those it did not reach by now
            Q(status=SignalStatus.ONTVANGEN, received_at__lte=now - dt.timedelta(minutes=5))
            | Q(status__in=[SignalStatus.WACHT_OP_BRP, SignalStatus.IN_CONTROLE])
            & (Q(next_check_at__lte=now) | Q(next_check_at__isnull=True))
        ).order_by("pk").values_list("pk", flat=True)[:limit]
    )


def signals_received_in_delivery(delivery_id) -> list[int]:
    """The delivery's signals not yet in their checks (the intake's fan-out)."""
    return list(Signal.objects.filter(delivery_id=delivery_id, status=SignalStatus.ONTVANGEN)
                .values_list("pk", flat=True))


def recurrence_history(municipality_id: int, address_keys: Iterable[str], first: dt.date,
                       last: dt.date) -> dict[str, list[tuple[int, dt.date]]]:
    """Address key → [(signal id, signal date)] of every signal (any status, stored or already purged)
    at that address in the municipality, dated ``first`` to ``last``: read from the recurrence facts
    (ADR 0011), never from the signals themselves."""
    key = recurrence.hash_key()
    by_hash = {recurrence.address_hash(address_key, key): address_key for address_key in set(address_keys)}
    hashes = sorted(by_hash)
    history: dict[str, list[tuple[int, dt.date]]] = defaultdict(list)
    for start in range(0, len(hashes), 2000):
        rows = RecurrenceFact.objects.filter(
            municipality_id=municipality_id, address_hash__in=hashes[start:start + 2000],
            signal_date__gte=first, signal_date__lte=last,
        ).values_list("address_hash", "signal_ref", "signal_date")
        for digest, ref, day in rows:
            history[by_hash[digest]].append((ref, day))
    return dict(history)
