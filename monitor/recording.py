"""Writing the statistics store when things happen: each signal's, case's and contact attempt's facts,
read from the current rows and upserted (``monitor.models``).

:func:`record_signals` and :func:`record_cases` are idempotent: they read the rows as they are now
(a few queries per batch, never one per row), compare with the stored facts and upsert only what
changed, in one statement per batch. The ``export_id`` is set when a fact is first written and never
changed. The receivers (``monitor.receivers``) call them for every history row the lower layers
write, inside the caller's transaction; ``monitor_backfill`` calls them for every existing row.
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import Municipality
from cases import deadlines
from cases.models import Case, CaseHistory, CaseSignal
from contacts.models import ContactAttempt
from signals.models import Signal, SignalHistory, SignalStatus
from vroegsignalering.common import dates
from vroegsignalering.common.vocab import CRISIS_SIGNAL_KINDS, OUTCOMES, Outcome, Reached

from . import classes
from .models import AttemptFact, CaseFact, SignalFact

BATCH = 2000
_ENDED = (SignalStatus.AFGEHANDELD, SignalStatus.DOORGESTUURD)
_CLOSED_AT_ROUTING = "closed_at_routing"  # CaseHistory.params["kind"] of a case closed by its tray

SIGNAL_FIELDS = ("municipality_id", "month", "received_on", "creditor_id", "creditor_kind", "signal_kind",
                 "is_crisis", "warm_handover", "amount_euros", "amount_class", "arrear_age_class", "signal_date",
                 "arrear_start", "age_class", "status", "outcome", "not_picked_up", "ended_on",
                 "is_forwarded_copy", "case_ref")
CASE_FIELDS = ("municipality_id", "month", "opened_on", "period_start", "period_end", "match_type", "recidive",
               "is_crisis", "amount_class", "signal_count", "closed_at_routing", "status", "outcome",
               "monitor_category", "first_reaction", "closed_on", "reopened", "attempts", "reached")
ATTEMPT_FIELDS = ("case_ref", "municipality_id", "month", "on", "kind", "dagdeel", "reached", "replied", "origin")


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    values = sorted({int(i) for i in ids if i is not None})
    for start in range(0, len(values), BATCH):
        yield values[start:start + BATCH]


def _local_date(moment):
    return dates.local_date(moment) if moment is not None else None


def _upsert(model: type[models.Model], ref: str, fields: tuple[str, ...], facts: dict[int, dict]) -> int:
    """Write ``facts`` (ref → field values) that differ from what is stored, in one statement per
    batch. Returns the number of facts written (inserted or changed)."""
    if not facts:
        return 0
    if connection.vendor == "postgresql":
        return _upsert_postgresql(model, ref, fields, facts)
    stored = {row[ref]: row for row in model.objects.filter(**{f"{ref}__in": list(facts)}).values(ref, *fields)}
    changed = [model(**{ref: key}, **values) for key, values in facts.items()
               if key not in stored or any(stored[key][name] != values[name] for name in fields)]
    if changed:
        update = [model._meta.get_field(name).name for name in fields] + ["updated_at"]
        model.objects.bulk_create(changed, update_conflicts=True, unique_fields=[ref], update_fields=update)
    return len(changed)


def _array_element(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        text = str(value).replace("\\", "\\\\").replace('"', '\\"')
        return f'"{text}"'
    return str(value)  # int, date, UUID


def _array_literal(values: list) -> str:
    """A PostgreSQL array literal (``{…}``), cast in the statement: one text parameter per column,
    which the driver quotes at once (a list is adapted element by element, ten times slower)."""
    return "{" + ",".join(_array_element(value) for value in values) + "}"


def _upsert_postgresql(model: type[models.Model], ref: str, fields: tuple[str, ...], facts: dict[int, dict]) -> int:
    """PostgreSQL: ``INSERT … SELECT FROM unnest(one array per column) ON CONFLICT DO UPDATE … WHERE``
    the row differs: one parameter per column instead of one per value (the intake's 1,000 facts
    in a few milliseconds), unchanged facts not rewritten, no SELECT first. A new fact gets a new
    ``export_id``; an existing one keeps its own (not in the SET list)."""
    meta = model._meta
    quote = connection.ops.quote_name
    keys = list(facts)
    columns = [(meta.get_field(ref), keys)]
    if any(f.name == "export_id" for f in meta.concrete_fields):
        columns.append((meta.get_field("export_id"), [uuid.uuid4() for _ in keys]))
    columns += [(meta.get_field(name), [facts[key][name] for key in keys]) for name in fields]
    names = [quote(field.column) for field, _ in columns]
    updated = [quote(meta.get_field(name).column) for name in fields]
    table, stamp = quote(meta.db_table), quote("updated_at")
    sql = (f"INSERT INTO {table} ({', '.join(names)}, {stamp}) "
           f"SELECT {', '.join(names)}, %s FROM unnest("
           f"{', '.join(f'%s::{field.db_type(connection)}[]' for field, _ in columns)}) AS u({', '.join(names)}) "
           f"ON CONFLICT ({quote(meta.get_field(ref).column)}) DO UPDATE SET "
           f"{', '.join(f'{c} = EXCLUDED.{c}' for c in [*updated, stamp])} "
           f"WHERE ({', '.join(f'{table}.{c}' for c in updated)}) IS DISTINCT FROM "
           f"({', '.join(f'EXCLUDED.{c}' for c in updated)})")
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), *(_array_literal(values) for _, values in columns)])
        return cursor.rowcount


# --- signals ---------------------------------------------------------------------------------------

def _endings(signal_ids: list[int]) -> dict[int, dict]:
    """The params of the history row that ended each signal (the last one, if written twice)."""
    rows = (SignalHistory.objects.filter(signal_id__in=signal_ids, to_status__in=_ENDED).order_by("at", "id")
            .values_list("signal_id", "params"))
    return {signal_id: params or {} for signal_id, params in rows}


def _closed_at_routing(case_ids: Iterable[int]) -> dict[int, str]:
    """Case id → the end result of its closing at routing, for the cases that were closed at routing."""
    case_ids = list(case_ids)
    if not case_ids:
        return {}
    rows = (CaseHistory.objects.filter(case_id__in=case_ids, params__kind=_CLOSED_AT_ROUTING).order_by("at", "id")
            .values_list("case_id", "params"))
    return {case_id: (params or {}).get("outcome", "") for case_id, params in rows}


def _signal_fact(row: dict[str, Any], *, ending: dict | None, routing_outcome: str | None) -> dict[str, Any]:
    received = row["received_at"]
    return {
        "municipality_id": row["municipality_id"],
        # A signal counts in the month its matching period ends in (the period close takes signals by signal
        # date; with a closing day, 16 April - 15 May is May's), as its melding does: one cohort per month.
        "month": deadlines.period_for(row["signal_date"], row["closing_day"]).end.replace(day=1),
        "received_on": dates.local_date(received),
        "creditor_id": row["creditor_id"],
        "creditor_kind": row["creditor_kind"],
        "signal_kind": row["signal_kind"],
        "is_crisis": row["signal_kind"] in CRISIS_SIGNAL_KINDS,
        "warm_handover": row["warm_handover"],
        "amount_euros": classes.amount_euros(row["amount"]),
        "amount_class": classes.amount_class(row["amount"]),
        "arrear_age_class": classes.arrear_age_class(row["signal_date"], row["oldest_due_date"]),
        "signal_date": row["signal_date"],
        "arrear_start": row["oldest_due_date"],
        "age_class": classes.age_class(signal_date=row["signal_date"], brp_birth_date=row["brp_born"],
                                       brp_age=row["brp_age"], birth_date=row["birth_date"]),
        "status": row["status"],
        "outcome": row["outcome"],
        "not_picked_up": classes.not_picked_up(
            status=row["status"], outcome=row["outcome"], ending=ending,
            shv_closed_at_routing=routing_outcome == Outcome.BEKEND_BIJ_SHV),
        "ended_on": _local_date(row["outcome_at"]) if row["status"] in _ENDED else None,
        "is_forwarded_copy": row["forwarded_copy"],  # stays true after the purge empties forwarded_from
        "case_ref": row["case_ref"],
    }


def _record_signal_batch(ids: list[int]) -> int:
    rows = list(Signal.objects.filter(pk__in=ids).values(
        "pk", *_SIGNAL_COLUMNS, case_ref=models.F("case_link__case_id"),
        closing_day=models.F("municipality__period_closing_day"),
        # Only the two keys of the BRP evidence the age class needs, not the whole document.
        brp_born=models.F("brp_evidence__geboortedatum"), brp_age=models.F("brp_evidence__leeftijd"),
    ))
    endings = _endings([row["pk"] for row in rows if row["status"] in _ENDED])
    routed = _closed_at_routing({row["case_ref"] for row in rows if row["case_ref"] is not None})
    facts = {row["pk"]: _signal_fact(row, ending=endings.get(row["pk"]), routing_outcome=routed.get(row["case_ref"]))
             for row in rows}
    return _upsert(SignalFact, "signal_ref", SIGNAL_FIELDS, facts)


_SIGNAL_COLUMNS = ("municipality_id", "creditor_id", "received_at", "creditor_kind", "signal_kind", "warm_handover",
                   "amount", "signal_date", "oldest_due_date", "birth_date", "status", "outcome", "outcome_at",
                   "forwarded_copy")


def record_new_signals(objects: Iterable[Signal]) -> int:
    """Record the facts of signals just inserted, from the objects as stored (the intake's batch: no
    read back). A new signal has no case and no ending yet."""
    objects = list(objects)
    closing_days = dict(Municipality.objects.filter(pk__in={s.municipality_id for s in objects})
                        .values_list("pk", "period_closing_day"))
    facts = {}
    for signal in objects:
        row = {name: getattr(signal, name) for name in _SIGNAL_COLUMNS}
        evidence = signal.brp_evidence or {}
        row.update(case_ref=None, brp_born=evidence.get("geboortedatum"), brp_age=evidence.get("leeftijd"),
                   closing_day=closing_days.get(signal.municipality_id))
        facts[signal.pk] = _signal_fact(row, ending=None, routing_outcome=None)
    return _upsert(SignalFact, "signal_ref", SIGNAL_FIELDS, facts)


def record_signals(ids: Iterable[int]) -> int:
    """Record the facts of these signals as they are now. Returns how many facts were written."""
    return sum(_record_signal_batch(batch) for batch in _chunks(ids))


# --- cases and their contact attempts --------------------------------------------------------------

def _case_fact(row: dict[str, Any], *, signal_count: int, attempts: list[dict], routing_outcome: str | None):
    outcome = row["outcome"]
    category = OUTCOMES[Outcome(outcome)][0] if outcome in Outcome.values else None
    return {
        "municipality_id": row["municipality_id"],
        # A melding counts in the month of its matching period (the period that ends on its closing day:
        # a May melding is formed at the close on 1 June, and its signals were received in May).
        "month": row["period_end"].replace(day=1),
        "opened_on": dates.local_date(row["opened_at"]),
        "period_start": row["period_start"],
        "period_end": row["period_end"],
        "match_type": row["match_type"],
        "recidive": row["recidive"],
        "is_crisis": row["is_crisis"],
        "amount_class": classes.amount_class(row["amount"]),
        "signal_count": signal_count,
        "closed_at_routing": routing_outcome is not None,
        "status": row["status"],
        "outcome": outcome,
        "monitor_category": str(category or ""),
        "first_reaction": row["first_reaction"],
        "closed_on": _local_date(row["closed_at"]) if outcome else None,
        "reopened": row["reopened_at"] is not None,
        "attempts": len(attempts),
        "reached": any(a["reached"] == Reached.JA for a in attempts),
    }


def _attempt_fact(row: dict[str, Any], municipality_id: int) -> dict[str, Any]:
    return {
        "case_ref": row["case_id"],
        "municipality_id": municipality_id,
        "month": classes.month_of(row["at"]),
        "on": dates.local_date(row["at"]),
        "kind": row["kind"],
        "dagdeel": row["dagdeel"],
        "reached": row["reached"],
        "replied": row["reply_received_at"] is not None,
        "origin": row["origin"],
    }


def _record_case_batch(ids: list[int]) -> tuple[int, list[int]]:
    rows = list(Case.objects.filter(pk__in=ids).values(
        "pk", "municipality_id", "opened_at", "period_start", "period_end", "match_type", "recidive", "is_crisis",
        "amount", "status", "outcome", "first_reaction", "closed_at", "reopened_at"))
    signals: dict[int, list[int]] = defaultdict(list)
    for case_id, signal_id in CaseSignal.objects.filter(case_id__in=ids).values_list("case_id", "signal_id"):
        signals[case_id].append(signal_id)
    attempts: dict[int, list[dict]] = defaultdict(list)
    for attempt in ContactAttempt.objects.filter(case_id__in=ids).values(
            "pk", "case_id", "at", "kind", "dagdeel", "reached", "reply_received_at", "origin"):
        attempts[attempt["case_id"]].append(attempt)
    routed = _closed_at_routing(ids)
    municipality = {row["pk"]: row["municipality_id"] for row in rows}
    written = _upsert(CaseFact, "case_ref", CASE_FIELDS, {
        row["pk"]: _case_fact(row, signal_count=len(signals[row["pk"]]), attempts=attempts[row["pk"]],
                              routing_outcome=routed.get(row["pk"]))
        for row in rows})
    written += _upsert(AttemptFact, "attempt_ref", ATTEMPT_FIELDS, {
        attempt["pk"]: _attempt_fact(attempt, municipality[case_id])
        for case_id, rows_ in attempts.items() for attempt in rows_})
    return written, [signal_id for ids_ in signals.values() for signal_id in ids_]


def record_cases(ids: Iterable[int], *, with_signals: bool = True) -> int:
    """Record the facts of these cases as they are now: the case, each of its contact attempts, and
    (``with_signals``) its signals: their case and why not picked up. Returns how many facts were
    written."""
    written, signal_ids = 0, []
    for batch in _chunks(ids):
        count, signals = _record_case_batch(batch)
        written += count
        signal_ids += signals
    return written + (record_signals(signal_ids) if with_signals else 0)


# --- once, on an installation that had data before the store existed -------------------------------

@dataclass(frozen=True)
class BackfillResult:
    signals: int
    cases: int
    written: int


def _id_batches(model: type[models.Model], size: int) -> Iterator[list[int]]:
    last = 0
    while True:
        ids = list(model._base_manager.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return
        yield ids
        last = ids[-1]


def record_everything(*, batch_size: int = BATCH) -> BackfillResult:
    """Record every signal, then every case with its attempts, in batches of ``batch_size`` (one
    transaction each, so a long run holds no lock for long). Idempotent: facts already right are not
    rewritten, so a second run writes nothing."""
    signals = cases = written = 0
    for ids in _id_batches(Signal, batch_size):
        with transaction.atomic():
            written += record_signals(ids)
        signals += len(ids)
    for ids in _id_batches(Case, batch_size):
        with transaction.atomic():
            written += record_cases(ids, with_signals=False)  # the signals were recorded with their case
        cases += len(ids)
    return BackfillResult(signals, cases, written)
