"""資料下載: the roster as CSV and XLSX, written row by row so a large unit never sits in memory.

Both formats share one row builder and one cell cleaner:

* control characters are removed (they break XLSX and confuse CSV readers);
* text a spreadsheet would run as a formula (starting with ``=``, ``+``,
  ``-``, ``@``, tab or carriage return) gets a leading apostrophe, unless it
  is a plain number such as ``-3`` or ``+1.5``;
* numbers stay numbers, and text stays text in XLSX, so ``0912345678`` keeps
  its leading zero.
"""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from inservice.core.roc import roc_short

from inservice.organisations.models import Stage

from .models import AccountStatus, Category, Gender, Membership, Person, PersonSubject, Title

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
# C0 and C1 controls and DEL, except tab and line feed, which are ordinary in a cell.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
CHUNK_SIZE = 1000
SUBJECT_SEPARATOR = "；"


def clean_cell(value):
    """Return ``value`` safe for a spreadsheet cell: numbers untouched, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = CONTROL_CHARACTERS.sub("", str(value))
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def headers() -> list[str]:
    return [
        pgettext("roster download column", "No."),
        pgettext("roster download column", "Username"),
        pgettext("roster download column", "Name"),
        pgettext("roster download column", "Identity number"),
        pgettext("roster download column", "Gender"),
        pgettext("roster download column", "Title"),
        pgettext("roster download column", "Category"),
        pgettext("roster download column", "Account status"),
        pgettext("roster download column", "E-mail"),
        pgettext("roster download column", "School code"),
        pgettext("roster download column", "School"),
        pgettext("roster download column", "Stage taught at this unit"),
        pgettext("roster download column", "Position note"),
        pgettext("roster download column", "Start date"),
        pgettext("roster download column", "Teaching subjects"),
    ]


def export_queryset(people: QuerySet[Person]) -> QuerySet[Person]:
    """Add what each row needs, so the query count stays flat whatever the unit's size."""
    return people.select_related(None).select_related("user").prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(end_date__isnull=True).select_related("unit"),
            to_attr="current_memberships",
        ),
        Prefetch(
            "subject_entries",
            queryset=PersonSubject.objects.select_related("subject__category", "subject__parent").order_by(
                "position", "pk"
            ),
        ),
    )


def rows(people: QuerySet[Person]) -> Iterator[list]:
    """Yield the cleaned rows, numbered from 1, fetching people in chunks."""
    not_applied = _("[not yet applied]")
    roaming = _("Roaming account")
    # Labels translated once per file: get_FOO_display() per cell costs more than the query.
    genders = _labels(Gender.choices)
    titles = _labels(Title.choices)
    categories = _labels(Category.choices)
    statuses = _labels(AccountStatus.choices)
    stages = _labels(Stage.choices)
    for number, person in enumerate(export_queryset(people).iterator(chunk_size=CHUNK_SIZE), start=1):
        membership = person.current_memberships[0] if person.current_memberships else None
        if person.is_roaming and person.account_status == AccountStatus.ACTIVE:
            status = roaming
        else:
            status = statuses.get(person.account_status, person.account_status)
        subjects = SUBJECT_SEPARATOR.join(entry.subject.full_name for entry in person.subject_entries.all())
        row = [
            number,
            person.user.username if person.user_id else not_applied,
            person.name,
            person.identity_masked,
            genders.get(person.gender, person.gender),
            titles.get(membership.title, membership.title) if membership else "",
            categories.get(membership.category, membership.category) if membership else "",
            status,
            person.email,
            membership.unit.code if membership else "",
            membership.unit.name if membership else "",
            stages.get(membership.teaching_stage, "") if membership else "",
            membership.position_note if membership else "",
            roc_short(membership.start_date) if membership else "",
            subjects,
        ]
        yield [clean_cell(value) for value in row]


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


class _Echo:
    """A file-like object whose write() returns the text, for csv.writer inside a generator."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(people: QuerySet[Person]) -> Iterator[bytes]:
    """Yield the CSV file in pieces: UTF-8 with a byte order mark, CRLF line ends."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield "\ufeff".encode()
    yield writer.writerow(headers()).encode()
    buffer: list[str] = []
    for row in rows(people):
        buffer.append(writer.writerow(row))
        if len(buffer) >= 200:
            yield "".join(buffer).encode()
            buffer.clear()
    if buffer:
        yield "".join(buffer).encode()


def xlsx_file(people: QuerySet[Person], *, sheet_title: str):
    """Write the XLSX to a temporary file on disk and return it, rewound.

    openpyxl's write-only mode streams rows to disk as they come, so memory
    stays flat; the file is deleted when the response closes it.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.append(headers())
    for row in rows(people):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                # Text stays text: never a formula, never a number that loses its zeros.
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)

    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return handle


def content_disposition(filename: str, fallback: str) -> str:
    """Build an attachment header whose Chinese name survives (RFC 6266 with RFC 5987 ``filename*``)."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"

