"""Fast bulk inserts: PostgreSQL ``COPY`` where available, ``bulk_create`` elsewhere.

The intake stores up to 1,000 signals per request; Django's multi-row INSERT spends most of
its time building and adapting one huge statement. ``COPY`` streams the rows instead. Primary
keys are drawn from the table's sequence first, so callers get ``pk`` set as with bulk_create.
"""
from django.db import connection, models
from psycopg.types.json import Jsonb


def bulk_insert(model: type[models.Model], objects: list[models.Model]) -> None:
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=1000)
        return
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
