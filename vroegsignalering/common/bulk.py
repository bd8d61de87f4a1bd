"""Fast bulk inserts: PostgreSQL ``COPY`` where available, ``bulk_create`` elsewhere.

The intake stores up to 1,000 signals per request; Django's multi-row INSERT spends most of
its time building and adapting one huge statement. ``COPY`` streams the rows instead. Primary
keys are drawn from the table's sequence first, so callers get ``pk`` set as with bulk_create.

Text with NUL is refused before anything is written, on every database: PostgreSQL's text, COPY
and jsonb cannot hold it, and SQLite (the tests' default) would store it silently. Callers judge
their input first (``signals.schemas`` refuses NUL per signal); this is the last line, so that a
gap there shows in any test run instead of as a failed delivery in production.
"""
import contextlib
import contextvars
import json
from collections.abc import Iterable
from typing import Any

from django.db import connection, models
from django.dispatch import Signal

# Sent after ``bulk_insert`` stored ``objects`` of ``sender`` (a model): the bulk counterpart of
# Django's ``post_save``, which bulk inserts do not send. Receivers run in the caller's transaction
# (the monitor records its facts from it).
rows_inserted = Signal()


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(inner) for key, inner in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(inner) for inner in value)
    return False


def refuse_nul(model: type[models.Model], objects: list[models.Model]) -> None:
    """Raise ValueError when a text or JSON field of ``objects`` holds a NUL (also for a single save)."""
    fields = [f for f in model._meta.concrete_fields
              if isinstance(f, models.CharField | models.TextField | models.JSONField)]
    for obj in objects:
        for field in fields:
            if _has_nul(getattr(obj, field.attname)):
                raise ValueError(f"{model.__name__}.{field.name} contains NUL, which cannot be stored.")


# Inside deferred_inserts(model): the rows of that model waiting to be inserted, in order.
_deferred: contextvars.ContextVar[tuple[type[models.Model], list[models.Model]] | None] = contextvars.ContextVar(
    "bulk_deferred", default=None)


@contextlib.contextmanager
def deferred_inserts(model: type[models.Model]):
    """Inside this block, rows of ``model`` given to :func:`bulk_insert` (or to :func:`insert_later`)
    are collected and inserted together, in the order given, when the block ends without an error:
    one write and one ``rows_inserted`` for the lot (the checks of a chunk write their history so).
    Only for rows nobody reads back or refers to inside the block. Nested blocks add to the outer one."""
    if _deferred.get() is not None:
        yield
        return
    rows: list[models.Model] = []
    token = _deferred.set((model, rows))
    try:
        yield
    finally:
        _deferred.reset(token)
    bulk_insert(model, rows)


def insert_later(obj: models.Model) -> bool:
    """Add ``obj`` to the surrounding :func:`deferred_inserts` block of its model; False when there is none
    (the caller saves it now)."""
    deferred = _deferred.get()
    if deferred is None or deferred[0] is not type(obj):
        return False
    deferred[1].append(obj)
    return True


def instances(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> list[models.Model]:
    """New ``model`` objects from dicts of field values by attname (``municipality_id``, not
    ``municipality``), each field not given its default: the objects ``model(**row)`` would make,
    built the way Django builds rows read from the database (positional values), for a fraction
    of the cost when a batch has a thousand of them."""
    fields = model._meta.concrete_fields
    names = {f.attname for f in fields}
    objects = []
    for row in rows:
        if not row.keys() <= names:
            raise TypeError(f"{model.__name__} has no field(s) {sorted(row.keys() - names)}")
        objects.append(model(*[row[f.attname] if f.attname in row else f.get_default() for f in fields]))
    return objects


def draw_ids(*wanted: tuple[type[models.Model], int]) -> list[list[int | None]]:
    """Primary keys for several bulk inserts (model, how many), drawn from the tables' sequences in
    one statement on PostgreSQL: one round trip instead of one per table. Elsewhere (SQLite) lists
    of None: ``bulk_insert`` leaves the numbering to the database there."""
    if connection.vendor != "postgresql":
        return [[None] * count for _, count in wanted]
    parts, params = [], []
    for tag, (model, count) in enumerate(wanted):
        pk = model._meta.pk
        if not isinstance(pk, models.AutoField | models.BigAutoField):
            raise TypeError(f"{model.__name__} has no sequence for its primary key")
        parts.append(f"(SELECT {tag}, nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s))")
        params += [model._meta.db_table, pk.column, count]
    drawn: list[list[int | None]] = [[] for _ in wanted]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for tag, value in cursor.fetchall():
            drawn[tag].append(value)
    return drawn


def bulk_insert(model: type[models.Model], objects: list[models.Model]) -> None:
    if not objects:
        return
    deferred = _deferred.get()
    if deferred is not None and deferred[0] is model:
        deferred[1].extend(objects)
        return
    refuse_nul(model, objects)
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=1000)
    else:
        _copy(model, objects)
    rows_inserted.send(sender=model, objects=objects)


def _copy(model: type[models.Model], objects: list[models.Model]) -> None:
    meta = model._meta
    fields = meta.concrete_fields
    with connection.cursor() as cursor:
        pk = meta.pk
        unnumbered = [obj for obj in objects if getattr(obj, pk.attname) is None]
        if unnumbered and isinstance(pk, models.AutoField | models.BigAutoField):
            (ids,) = draw_ids((model, len(unnumbered)))
            for obj, value in zip(unnumbered, ids, strict=True):
                setattr(obj, pk.attname, value)
        for obj in objects:  # model defaults such as auto_now_add, as bulk_create would apply them
            for field in fields:
                if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
                    field.pre_save(obj, add=True)
        json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(meta.db_table)
        # The raw psycopg cursor: wrap its errors as Django's (IntegrityError on a duplicate key).
        with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            as_json = _JsonText()
            for obj in objects:
                copy.write_row([
                    as_json(getattr(obj, f.attname)) if f.attname in json_fields else getattr(obj, f.attname)
                    for f in fields
                ])
        for obj in objects:
            obj._state.adding = False
            obj._state.db = connection.alias


class _JsonText:
    """A JSON value as the text COPY writes into a jsonb column (what ``Jsonb`` would send), made
    once per distinct object: rows of one batch often share a value (the same ``params`` dict on
    every history row) or hold an empty one."""

    def __init__(self):
        self.seen: dict[int, tuple[Any, str]] = {}

    def __call__(self, value: Any) -> str:
        if not value and type(value) in (list, dict):
            return "[]" if type(value) is list else "{}"
        known = self.seen.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        text = json.dumps(value)  # as psycopg's Jsonb dumps it
        self.seen[id(value)] = (value, text)  # the value is held, so its id is not reused meanwhile
        return text
