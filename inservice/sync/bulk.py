"""Fast inserts of many new rows: COPY on PostgreSQL, bulk_create elsewhere.

Both paths run inside the caller's transaction. With ``with_ids`` the
objects get their primary keys: on PostgreSQL they are drawn from the
table's sequence before the COPY, as an INSERT would draw them.
"""

from __future__ import annotations

from django.db import connection

ROWS_PER_BULK_CREATE = 2000


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
    with connection.cursor() as cursor:
        # The underlying psycopg 3 cursor, which offers COPY.
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row(
                    [field.get_db_prep_save(field.pre_save(obj, add=True), connection) for field in fields]
                )
