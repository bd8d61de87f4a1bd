"""Writes of the intake: deliveries and signals (with their recurrence facts), creditors and their API keys."""
import datetime as dt
import hashlib
import json
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from accounts.models import Municipality
from vroegsignalering.common.api import capped
from vroegsignalering.common.bulk import bulk_insert, draw_ids, instances, refuse_nul

from . import normalise, recurrence
from .models import (
    Creditor,
    CreditorAPIKey,
    Delivery,
    RecurrenceFact,
    Signal,
    SignalEvent,
    SignalHistory,
    SignalStatus,
    Source,
)
from .schemas import INCONSISTENT, FieldError, Judgement, Signaal, Unusable, judge_signals
from .tasks import check_delivery

logger = logging.getLogger(__name__)

ONTVANGEN, AL_ONTVANGEN, GEWEIGERD = "ontvangen", "al_ontvangen", "geweigerd"
CONFLICT_REASON = "Dit signaalId is al ontvangen met andere inhoud; een correctie krijgt een nieuw signaalId."


@dataclass(frozen=True)
class ItemResult:
    signal_id: str | None
    status: str
    errors: tuple[FieldError, ...] = ()
    warnings: tuple[Unusable, ...] = ()

    def as_contract(self) -> dict:
        result: dict[str, Any] = {"signaalId": self.signal_id, "status": self.status}
        if self.errors:
            result["fouten"] = [e.as_contract() for e in self.errors]
        if self.warnings:
            result["waarschuwingen"] = [w.as_contract() for w in self.warnings]
        return result


# A delivery's answer (and its stored record) names at most this many errors and warnings together
# (each signal already at most 20 of each); past it, a signal keeps its first of each and a count of
# the rest. 1,000 signals of rubbish thus get an answer of a few hundred kB, not tens of MB.
MAX_ENTRIES_PER_DELIVERY = 2000


def _as_entry(name: str, code: str, reason: str) -> dict:
    return {"naam": name, "code": code, "reden": reason}


def contract_results(results: list[ItemResult]) -> list[dict]:
    """The per-signal results as the contract gives them, within :data:`MAX_ENTRIES_PER_DELIVERY`."""
    left = MAX_ENTRIES_PER_DELIVERY
    entries = []
    for result in results:
        entry = result.as_contract()
        size = len(result.errors) + len(result.warnings)
        if size > left:
            for key in ("fouten", "waarschuwingen"):
                if key in entry:
                    entry[key] = capped(entry[key], limit=2, name="signaal", what=key, make=_as_entry)
        left -= min(size, left)
        entries.append(entry)
    return entries


def content_hash(signal: Signaal, unusable: tuple[Unusable, ...] = ()) -> str:
    """Fingerprint of a signal's normalised content: equal input (up to notation) → equal hash.

    Absent fields are left out, so that a later optional field in the contract does not turn an
    old signal's redelivery into a conflict. Unusable optional values count as delivered (whole,
    in JSON), so other junk under the same signaalId is other content; a signal without them
    hashes as it always did.
    """
    text = signal.model_dump_json(exclude_none=True)
    unusable = tuple(u for u in unusable if u.code != INCONSISTENT)  # notes on values that are kept
    if unusable:
        raw = sorted(([u.name, u.value] for u in unusable), key=lambda pair: pair[0])
        text += "\n" + json.dumps(raw, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _signal_fields(signal: Signaal) -> dict[str, Any]:
    klant, adres, achterstand = signal.klant, signal.adres, signal.achterstand
    surname, prefix, rest = normalise.split_name(klant.geslachtsnaam or "", klant.voorvoegsel or "")
    first_names, initials = klant.voornamen or "", klant.voorletters or ""
    if rest and not (first_names or initials):  # 'Jansen, J.P.': given names written after the surname
        first_names, initials = normalise.given_from_rest(rest)
    letter = adres.huisletter or ""
    addition = adres.huisnummertoevoeging or ""
    return {
        "signal_id": signal.signaalId,
        "creditor_kind": signal.soortVasteLast,
        "signal_kind": signal.soortSignaal,
        "warm_handover": signal.warmeOverdracht,
        "surname": surname,
        "surname_prefix": prefix,
        "first_names": first_names,
        "initials": initials,
        "trade_name": klant.bedrijfsnaam or "",
        "birth_date": klant.geboortedatum,
        "phone_numbers": list(dict.fromkeys(klant.telefoonnummers or [])),
        "email": klant.emailadres or "",
        "postcode": adres.postcode,
        "house_number": adres.huisnummer,
        "house_letter": letter,
        "house_number_addition": addition,
        "street": adres.straatnaam or "",
        "city": adres.woonplaats or "",
        "address_key": normalise.address_key(adres.postcode, adres.huisnummer, letter, addition),
        "amount": achterstand.bedrag,
        "oldest_due_date": achterstand.vervaldatumOudsteFactuur,
        "instalments_unpaid": achterstand.aantalTermijnen,
        "instalment_amount": achterstand.termijnbedrag,
        "contract_number": signal.contractnummer or "",
        "end_of_supply_date": signal.datumEindeLevering,
        "disconnection_date": signal.datumAfsluiting,
        "eviction_date": signal.datumOntruiming,
    }


# The model's text columns with their lengths: no value may be longer (PostgreSQL refuses it).
_COLUMN_LENGTHS = {
    field.name: field.max_length for field in Signal._meta.get_fields()
    if isinstance(field, models.CharField) and field.max_length
}
# Optional values (left out and reported when too long) and required ones (refuse the signal).
_OPTIONAL_COLUMNS = {
    "surname": "klant.geslachtsnaam", "surname_prefix": "klant.voorvoegsel", "first_names": "klant.voornamen",
    "initials": "klant.voorletters", "trade_name": "klant.bedrijfsnaam", "email": "klant.emailadres",
    "house_letter": "adres.huisletter", "house_number_addition": "adres.huisnummertoevoeging",
    "street": "adres.straatnaam", "city": "adres.woonplaats", "contract_number": "contractnummer",
}
_REQUIRED_COLUMNS = {"signal_id": "signaalId", "creditor_kind": "soortVasteLast", "signal_kind": "soortSignaal",
                     "postcode": "adres.postcode", "address_key": "adres"}


def _fit_columns(fields: dict[str, Any]) -> tuple[list[Unusable], list[FieldError]]:
    """Every value within its column's length, whatever the normalisation made of it: a longer
    optional value is left out (a warning), a longer required one refuses the signal (a field
    error). The schema's limits already keep delivered values short; this makes it hold for every
    derived value too, so that storing a delivery never fails on a length."""
    warnings, errors = [], []
    for name, limit in _COLUMN_LENGTHS.items():
        value = fields.get(name)
        if not isinstance(value, str) or len(value) <= limit:
            continue
        reason = f"Maximaal {limit} tekens."
        if name in _OPTIONAL_COLUMNS:
            warnings.append(Unusable(_OPTIONAL_COLUMNS[name], "max_length", f"{reason} Deze waarde is niet gebruikt.",
                                     value))
            fields[name] = ""
        else:
            errors.append(FieldError(_REQUIRED_COLUMNS.get(name, "signaal"), "max_length", reason))
    return warnings, errors


def _municipalities_by_code(codes: set[str]) -> dict[str, Municipality]:
    return {m.cbs_code: m for m in Municipality.objects.filter(cbs_code__in=codes)}


def delivery_create(
    *,
    creditor: Creditor,
    items: list[Any],
    source: str = Source.API,
    actor: str = "",
    record_if_all_refused: bool = True,
) -> tuple[Delivery | None, list[ItemResult]]:
    """Judge each item on its own, store the valid new ones, record the delivery.

    Idempotent per creditor + signaalId: the same content again is ``al_ontvangen`` and changes
    nothing; other content under a known signaalId is refused with code ``conflict``. Returns the
    delivery (None when nothing was stored and ``record_if_all_refused`` is false) and the
    per-item results in delivery order.
    """
    now = timezone.now()
    today = timezone.localdate(now)
    judged = judge_signals(items, today=today)
    for attempt in range(3):
        try:
            return _store(creditor, judged, source=source, actor=actor, now=now, today=today,
                          record_if_all_refused=record_if_all_refused)
        except IntegrityError:
            # Another request stored one of these signaalIds between our read and our write:
            # judge again against what is stored now.
            if attempt == 2:
                raise
            logger.info("Concurrent delivery for creditor %s; judging again.", creditor.pk)
    raise AssertionError("unreachable")


def _store(creditor, judged: list[Judgement], *, source, actor, now, today, record_if_all_refused):
    candidates = [(i, j.signal, j.warnings) for i, j in enumerate(judged) if j.signal is not None]
    municipalities = _municipalities_by_code({s.gemeentecode for _, s, _ in candidates})
    allowed_kinds = set(creditor.kinds or [])
    results: list[ItemResult | None] = [None] * len(judged)
    for index, judgement in enumerate(judged):
        if judgement.signal is None:
            results[index] = ItemResult(judgement.signal_id, GEWEIGERD, judgement.errors, judgement.warnings)

    with transaction.atomic():
        existing = dict(
            Signal.objects.filter(
                creditor=creditor, forwarded_copy=False,
                signal_id__in=[s.signaalId for _, s, _ in candidates],
            ).values_list("signal_id", "content_hash")
        )
        new_rows: list[dict[str, Any]] = []
        for index, signal, warnings in candidates:
            errors = []
            if signal.gemeentecode not in municipalities:
                errors.append(FieldError(
                    "gemeentecode", "unknown",
                    f"Gemeente {signal.gemeentecode} neemt geen signalen af via dit systeem.",
                ))
            if allowed_kinds and signal.soortVasteLast not in allowed_kinds:
                errors.append(FieldError(
                    "soortVasteLast", "not_allowed",
                    f"Deze vastelastenpartner levert geen signalen van soort '{signal.soortVasteLast}'.",
                ))
            fields = _signal_fields(signal)
            too_long, refusing = _fit_columns(fields)
            warnings = (*warnings, *too_long)
            errors += refusing
            if errors:
                results[index] = ItemResult(signal.signaalId, GEWEIGERD, tuple(errors), warnings)
                continue
            fingerprint = content_hash(signal, warnings)
            known = existing.get(signal.signaalId)
            if known is not None:
                if known == fingerprint:
                    results[index] = ItemResult(signal.signaalId, AL_ONTVANGEN, (), warnings)
                else:
                    results[index] = ItemResult(signal.signaalId, GEWEIGERD, (FieldError(
                        "signaalId", "conflict",
                        CONFLICT_REASON,
                    ),), warnings)
                continue
            existing[signal.signaalId] = fingerprint  # a repeat inside this delivery
            results[index] = ItemResult(signal.signaalId, ONTVANGEN, (), warnings)
            new_rows.append({
                "municipality_id": municipalities[signal.gemeentecode].pk,
                "creditor_id": creditor.pk,
                "source": source,
                "content_hash": fingerprint,
                "received_at": now,
                "signal_date": signal.signaaldatum or today,
                "intake_warnings": [w.as_stored() for w in warnings],
                **fields,
            })

        counts = Counter(r.status for r in results)
        if not new_rows and not record_if_all_refused and not counts[AL_ONTVANGEN]:
            return None, results
        delivery = Delivery(
            creditor=creditor,
            source=source,
            count_received=counts[ONTVANGEN],
            count_already_received=counts[AL_ONTVANGEN],
            count_refused=counts[GEWEIGERD],
            results=contract_results(results),
        )
        refuse_nul(Delivery, [delivery])  # jsonb cannot hold it; SQLite would, silently
        delivery.save(force_insert=True)
        if new_rows:
            _store_signals(delivery, new_rows, actor=actor or creditor.name, now=now)
            if settings.CHECKS_ON_INTAKE:
                check_delivery.delay_on_commit(str(delivery.pk))
    return delivery, results


def _store_signals(delivery: Delivery, rows: list[dict[str, Any]], *, actor: str, now) -> None:
    """COPY the delivery's new signals (field values by attname), their recurrence facts and their
    "ontvangen" history rows; the three tables' ids drawn in one statement."""
    signal_ids, fact_ids, history_ids = draw_ids((Signal, len(rows)), (RecurrenceFact, len(rows)),
                                                 (SignalHistory, len(rows)))
    signals = instances(Signal, [{**row, "id": pk, "delivery_id": delivery.pk}
                                 for row, pk in zip(rows, signal_ids, strict=True)])
    bulk_insert(Signal, signals)
    recurrence_facts_record(signals, ids=fact_ids)
    params = {"source": delivery.source, "delivery": str(delivery.pk)}
    bulk_insert(SignalHistory, instances(SignalHistory, [
        {"id": pk, "signal_id": signal.pk, "at": now, "actor": actor, "from_status": "",
         "to_status": SignalStatus.ONTVANGEN, "event": SignalEvent.RECEIVED, "params": params}
        for signal, pk in zip(signals, history_ids, strict=True)
    ]))


def recurrence_facts_record(signals: Iterable[Signal], *, ids: list[int | None] | None = None) -> int:
    """One ``RecurrenceFact`` per stored signal (ADR 0011), in the caller's transaction: call it where
    a signal is stored (``ids``: the facts' primary keys, when drawn already). Returns how many were written."""
    key = recurrence.hash_key()
    signals = list(signals)
    facts = instances(RecurrenceFact, [
        {"id": pk, "municipality_id": s.municipality_id, "address_hash": recurrence.address_hash(s.address_key, key),
         "signal_date": s.signal_date, "signal_ref": s.pk, "expires_on": recurrence.fact_expires_on(s.signal_date)}
        for s, pk in zip(signals, ids or [None] * len(signals), strict=True)
    ])
    if facts:
        bulk_insert(RecurrenceFact, facts)
    return len(facts)


def recurrence_facts_expire(today: dt.date, *, municipality=None, dry_run: bool = False) -> int:
    """Delete the facts whose term ended before ``today`` (the purge calls this daily, per municipality;
    ``dry_run`` only counts). Returns how many."""
    rows = RecurrenceFact.objects.filter(expires_on__lt=today)
    if municipality is not None:
        rows = rows.filter(municipality=municipality)
    if dry_run:
        return rows.count()
    deleted, _ = rows.delete()
    return deleted


def recurrence_facts_rehash(*, batch: int = 2000) -> int:
    """After a new ``AUDIT_HASH_KEY``: hash again, with the new key, the facts of signals that are still
    stored (their address key is known). Facts of purged signals cannot be hashed again and no longer
    match; they expire within their term (ADR 0011). Returns how many facts were hashed again."""
    key = recurrence.hash_key()
    done, last = 0, 0
    while True:
        with transaction.atomic():
            facts = list(RecurrenceFact.objects.select_for_update().filter(pk__gt=last).order_by("pk")[:batch])
            if not facts:
                return done
            last = facts[-1].pk
            keys = dict(Signal.objects.filter(pk__in=[f.signal_ref for f in facts]).values_list("pk", "address_key"))
            changed = []
            for fact in facts:
                if fact.signal_ref in keys:
                    fact.address_hash = recurrence.address_hash(keys[fact.signal_ref], key)
                    changed.append(fact)
            RecurrenceFact.objects.bulk_update(changed, ["address_hash"])
            done += len(changed)


def creditor_create(*, name: str, kinds: list[str], contact_name: str = "", contact_email: str = "",
                    contact_phone: str = "") -> Creditor:
    creditor = Creditor(name=name, kinds=kinds, contact_name=contact_name,
                        contact_email=contact_email, contact_phone=contact_phone)
    creditor.full_clean()
    creditor.save()
    return creditor


def api_key_issue(*, creditor: Creditor, name: str) -> tuple[CreditorAPIKey, str]:
    """Issue a new key; the plain key is returned once and only its hash is stored."""
    api_key, key = CreditorAPIKey.objects.create_key(name=name, creditor=creditor)
    return api_key, key


def api_key_revoke(*, api_key: CreditorAPIKey) -> None:
    with transaction.atomic():
        api_key = CreditorAPIKey.objects.select_for_update().get(pk=api_key.pk)
        if not api_key.revoked:
            api_key.revoked = True
            api_key.save(update_fields=["revoked"])


