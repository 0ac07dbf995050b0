"""Builders for hours tests: courses written with the model, files made in memory."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import zipfile
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from inservice.courses.models import Course, CourseState
from inservice.hours.models import HourRecord

_codes = itertools.count(1000001)


def make_course(*, owner, state=CourseState.FINISHED, hours=Decimal(6), title="數位教學實務研習", code=None, **extra) -> Course:
    return Course.objects.create(
        code=code or str(next(_codes)), title=title, unit=owner.unit, owner=owner, state=state, hours=hours, **extra
    )


def csv_upload(rows, *, header=("身分證統一編號", "研習時數"), encoding="utf-8", name="list.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def xlsx_bytes(rows, *, header=("身分證統一編號", "研習時數")) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    if header:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_upload(rows, *, header=("身分證統一編號", "研習時數"), name="list.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows, header=header))


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def issue(*, person, course, hours, issued_at: datetime.datetime | None = None, by) -> HourRecord:
    """Write a record directly, for selector tests that need records at chosen moments."""
    return HourRecord.objects.create(
        person=person, course=course, hours=Decimal(hours), issued_at=issued_at or timezone.now(), issued_by=by
    )


def taipei(year, month, day, hour=0, minute=0) -> datetime.datetime:
    from zoneinfo import ZoneInfo

    return datetime.datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Asia/Taipei"))
