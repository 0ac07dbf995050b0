"""Fast inserts of many new rows: COPY on PostgreSQL, bulk_create elsewhere.

Both paths run inside the caller's transaction. With ``with_ids`` the
objects get their primary keys: on PostgreSQL they are drawn from the
table's sequence before the COPY, as an INSERT would draw them.
"""

from __future__ import annotations

import json

from django.db import connection, models

ROWS_PER_BULK_CREATE = 2000
# Field types whose Python values psycopg writes correctly without Django's preparation.
PASS_THROUGH_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BigIntegerField,
    models.BooleanField,
    models.DateField,
    models.BinaryField,
    models.ForeignKey,
    models.AutoField,
    models.BigAutoField,
    models.GenericIPAddressField,
)


def _reader(field):
    """Return a function that reads ``field``'s column value from an object, ready for COPY.

    psycopg adapts str, int, bool, bytes, aware datetimes and None itself, so
    only JSON and auto_now fields need Django's preparation, which is slow
    when repeated for every cell of a large load.
    """
    if isinstance(field, models.JSONField):
        return lambda obj: json.dumps(getattr(obj, field.attname), cls=field.encoder)
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.pre_save(obj, add=True)
    if isinstance(field, PASS_THROUGH_FIELDS):
        attname = field.attname
        return lambda obj: getattr(obj, attname)
    return lambda obj: field.get_db_prep_save(getattr(obj, field.attname), connection)


def _reserve_ids(model, count: int) -> list[int]:
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
        )
        return [row[0] for row in cursor.fetchall()]


def insert_rows(objects: list, *, with_ids: bool = False) -> None:
    """Insert unsaved instances of one model. Without ``with_ids`` their ``pk`` may stay unset."""
    if not objects:
        return
    model = type(objects[0])
    if connection.vendor != "postgresql":
        for start in range(0, len(objects), ROWS_PER_BULK_CREATE):
            model.objects.bulk_create(objects[start : start + ROWS_PER_BULK_CREATE])
        return

    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    if with_ids:
        for obj, pk in zip(objects, _reserve_ids(model, len(objects)), strict=True):
            obj.pk = pk
        fields.insert(0, model._meta.pk)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    readers = [_reader(field) for field in fields]
    with connection.cursor() as cursor:
        # The underlying psycopg 3 cursor, which offers COPY.
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row([read(obj) for read in readers])
