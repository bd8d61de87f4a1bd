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
from typing import Any

from django.db import connection, models
from django.dispatch import Signal
from psycopg.types.json import Jsonb

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
        if isinstance(pk, models.AutoField | models.BigAutoField):
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, pk.column, len(objects)],
            )
            for obj, (value,) in zip(objects, cursor.fetchall(), strict=True):
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
            for obj in objects:
                copy.write_row([
                    Jsonb(getattr(obj, f.attname)) if f.attname in json_fields else getattr(obj, f.attname)
                    for f in fields
                ])
        for obj in objects:
            obj._state.adding = False
            obj._state.db = connection.alias
