"""Checking uploaded files before parsing, and reading attendance rows out of XLSX and CSV.

The file name picks the parser, but the checks read the bytes and ignore the
content type the browser sent. An XLSX file must be a ZIP archive of bounded
size and entry count. A PDF must start with ``%PDF-``. A CSV must be text in
UTF-8 or Big5.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"
UTF8_BOM = b"\xef\xbb\xbf"
XLSX_REQUIRED_ENTRY = "xl/workbook.xml"

IDENTITY_HEADERS = {"身分證統一編號", "身分證字號", "身分證號", "身分證號碼", "統一證號", "identity number", "id number"}
HOURS_HEADERS = {"研習時數", "時數", "實際研習時數", "核發時數", "hours", "attended hours"}


@dataclass(frozen=True)
class RawRow:
    """One data row as read from the file: its 1-based row number and its two cells."""

    number: int
    identity: object
    hours: object


def read_limited(uploaded_file) -> bytes:
    """Return the upload's bytes, or raise ValidationError when it exceeds COURSE_UPLOAD_MAX_BYTES."""
    limit = settings.COURSE_UPLOAD_MAX_BYTES
    if uploaded_file.size is not None and uploaded_file.size > limit:
        raise _too_large(uploaded_file.size, limit)
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise _too_large(len(data), limit)
    if not data:
        raise ValidationError(_("The file is empty. Choose the file again, or check that it was saved."), code="empty")
    return data


def _too_large(size: int, limit: int) -> ValidationError:
    return ValidationError(
        _("The file is %(size)s KB; files may be at most %(limit)s KB. Split the list or remove what is not needed."),
        code="too_large",
        params={"size": (size + 1023) // 1024, "limit": limit // 1024},
    )


def check_pdf(data: bytes) -> None:
    """Raise ValidationError unless ``data`` starts like a PDF document."""
    if not data.startswith(PDF_MAGIC):
        raise ValidationError(
            _("The file is not a PDF document although its name may say so. Save it as PDF and upload it again."),
            code="not_pdf",
        )


def check_xlsx_archive(data: bytes) -> None:
    """Raise ValidationError unless ``data`` is a ZIP archive within the entry and size limits."""
    if not data.startswith(ZIP_MAGIC):
        raise ValidationError(
            _("The file is not an Excel workbook (.xlsx) although its name says so. Save it as .xlsx or CSV and upload it again."),
            code="not_xlsx",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile as error:
        raise ValidationError(
            _("The workbook is damaged and cannot be opened. Save it again as .xlsx and upload it again."),
            code="bad_zip",
        ) from error

    if len(entries) > settings.COURSE_UPLOAD_MAX_ARCHIVE_ENTRIES:
        raise ValidationError(
            _("The workbook contains %(count)s parts; at most %(limit)s are accepted. Copy the list into a new workbook."),
            code="too_many_entries",
            params={"count": len(entries), "limit": settings.COURSE_UPLOAD_MAX_ARCHIVE_ENTRIES},
        )
    # The sizes come from the archive's directory; openpyxl stops at a lying entry's CRC check.
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > settings.COURSE_UPLOAD_MAX_UNCOMPRESSED_BYTES:
        raise ValidationError(
            _("The workbook unpacks to %(size)s MB; at most %(limit)s MB are accepted. Copy the list into a new workbook."),
            code="too_large_unpacked",
            params={
                "size": unpacked // (1024 * 1024),
                "limit": settings.COURSE_UPLOAD_MAX_UNCOMPRESSED_BYTES // (1024 * 1024),
            },
        )
    if XLSX_REQUIRED_ENTRY not in {entry.filename for entry in entries}:
        raise ValidationError(
            _("The archive is not an Excel workbook (.xlsx). Save the list as .xlsx or CSV and upload it again."),
            code="not_xlsx",
        )


def decode_csv(data: bytes) -> str:
    """Decode CSV bytes as UTF-8 (with or without BOM) or else Big5 read as cp950."""
    if data.startswith(ZIP_MAGIC) or data.startswith(PDF_MAGIC) or b"\x00" in data:
        raise ValidationError(
            _("The file is not a CSV text file although its name says so. Save the list as CSV and upload it again."),
            code="not_csv",
        )
    if data.startswith(UTF8_BOM):
        encodings = ["utf-8-sig"]
    else:
        # cp950 is Microsoft's Big5, which also contains the ETEN characters Windows files use.
        encodings = ["utf-8", "cp950"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        _("The CSV file is neither UTF-8 nor Big5 text. Save it again as “CSV UTF-8” and upload it again."),
        code="bad_encoding",
    )


def read_rows(*, data: bytes, file_name: str) -> list[RawRow]:
    """Return the data rows of an attendance list, or raise ValidationError on a file that cannot be read."""
    if file_name.lower().endswith(".xlsx"):
        check_xlsx_archive(data)
        table = _xlsx_table(data)
    elif file_name.lower().endswith(".csv"):
        table = list(enumerate(csv.reader(io.StringIO(decode_csv(data))), start=1))
    else:
        raise ValidationError(
            _("Only .xlsx and .csv files are accepted. Save the list in one of these formats."),
            code="extension",
        )
    return _rows_from_table(table)


def _xlsx_table(data: bytes) -> list[tuple[int, tuple]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ValidationError(
            _("The workbook cannot be read. Save it again as .xlsx and upload it again."),
            code="bad_xlsx",
        ) from error
    try:
        sheet = workbook.worksheets[0]
        limit = settings.ATTENDANCE_MAX_ROWS + 1
        table = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            table.append((number, values))
            if number > limit:
                break
        return table
    finally:
        workbook.close()


def _cell_text(value) -> str:
    return "" if value is None else str(value).strip()


def _rows_from_table(table: list[tuple[int, tuple]]) -> list[RawRow]:
    table = [(number, values) for number, values in table if any(_cell_text(value) for value in values)]
    if not table:
        raise ValidationError(
            _("The file has no rows. Put one teacher per row: identity number, then attended hours."),
            code="no_rows",
        )

    identity_column, hours_column = 0, 1
    first_number, first_values = table[0]
    headers = [_cell_text(value).lower() for value in first_values]
    if any(header in IDENTITY_HEADERS for header in headers) or any(header in HOURS_HEADERS for header in headers):
        try:
            identity_column = next(i for i, header in enumerate(headers) if header in IDENTITY_HEADERS)
            hours_column = next(i for i, header in enumerate(headers) if header in HOURS_HEADERS)
        except StopIteration as error:
            raise ValidationError(
                _("The header row must name both columns, 身分證統一編號 and 研習時數. Add the missing heading."),
                code="header",
            ) from error
        table = table[1:]

    if len(table) > _max_rows():
        raise ValidationError(
            _("The list has more than %(limit)s rows. Split it into several files."),
            code="too_many_rows",
            params={"limit": _max_rows()},
        )

    def cell(values, column):
        return values[column] if column < len(values) else None

    return [RawRow(number, cell(values, identity_column), cell(values, hours_column)) for number, values in table]


def _max_rows() -> int:
    return settings.ATTENDANCE_MAX_ROWS
