"""Writing tables as downloads: CSV in UTF-8 with a BOM (so Excel reads the Chinese) and XLSX."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse

from inservice.core import roc

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_response(*, filename: str, header: list, rows: list[list]) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(cell) for cell in header])
    writer.writerows(rows)
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(*, filename: str, header: list, rows: list[list]) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([str(cell) for cell in header])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def my_record_rows(records) -> list[list]:
    """Build one row per record: ROC date, school year, course code and title, unit, category, hours."""
    return [
        [
            roc.roc_short(record.issued_at),
            roc.school_year_of(record.issued_at),
            record.course.code,
            record.course.title,
            record.course.unit.name,
            record.course.category.name if record.course.category else "",
            float(record.total),
        ]
        for record in records
    ]
