"""Reads of the hours app: managed courses, upload reports, a teacher's record and the 綜合視導 population."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import BooleanField, Case, DecimalField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inservice.core import roc
from inservice.courses.models import Course
from inservice.courses.selectors import courses_in_scope
from inservice.people.models import Category, Person, Title

from .models import AttendanceUpload, CourseFile, HourCorrection, HourRecord

TAIPEI = ZoneInfo("Asia/Taipei")
HOURS_FIELD = DecimalField(max_digits=8, decimal_places=1)
ZERO_HOURS = Value(Decimal(0), output_field=HOURS_FIELD)
# 職稱 counted in the 教育部綜合視導 population, among members of category 教師.
INSPECTION_TITLES = (Title.QUALIFIED, Title.SUBSTITUTE_LONG)


# --- Year boundaries in Asia/Taipei --------------------------------------------------------


def _taipei_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=TAIPEI)


def school_year_range(roc_school_year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """Return [start, end) of an ROC school year (8/1 to 7/31) as aware datetimes in Asia/Taipei."""
    first, last = roc.school_year_bounds(roc_school_year)
    return _taipei_midnight(first), _taipei_midnight(last + datetime.timedelta(days=1))


def calendar_years_range(first_year: int, last_year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """Return [start, end) of Gregorian years ``first_year``..``last_year`` in Asia/Taipei."""
    return _taipei_midnight(datetime.date(first_year, 1, 1)), _taipei_midnight(datetime.date(last_year + 1, 1, 1))


def current_school_year() -> int:
    return roc.school_year_of(timezone.localtime(timezone.now(), TAIPEI))


# --- Hours expressions ------------------------------------------------------------------------


def corrections_sum(record_ref: str = "pk"):
    """Sum of the corrections of the record ``record_ref`` points to, as a subquery (0 when none)."""
    total = (
        HourCorrection.objects.filter(record=OuterRef(record_ref))
        .order_by()
        .values("record")
        .annotate(total=Sum("delta"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=HOURS_FIELD), ZERO_HOURS)


def record_total():
    """Build the expression of a record's hours after corrections, for annotating HourRecord querysets."""
    return ExpressionWrapper(F("hours") + corrections_sum(), output_field=HOURS_FIELD)


def person_hours_between(start: datetime.datetime, end: datetime.datetime, *, extra: Q | None = None):
    """Subquery expression: hours (corrections included) of OuterRef('pk') issued in [start, end)."""
    records = HourRecord.objects.filter(person=OuterRef("pk"), issued_at__gte=start, issued_at__lt=end)
    if extra is not None:
        records = records.filter(extra)
    total = records.order_by().values("person").annotate(total=Sum(record_total())).values("total")
    return Coalesce(Subquery(total, output_field=HOURS_FIELD), ZERO_HOURS)


# --- Managed courses ------------------------------------------------------------------------------


def courses_managed_by(actor):
    """Return the courses ``actor`` manages (the courses app's scope), newest first."""
    return courses_in_scope(actor).select_related("unit", "category").order_by("-start_date", "-pk")


def uploads_of(course: Course):
    return AttendanceUpload.objects.filter(course=course).select_related("uploaded_by").order_by("-uploaded_at", "-pk")


def files_of(course: Course):
    return CourseFile.objects.filter(course=course).order_by("uploaded_at", "pk")


def records_of_course(course: Course):
    return (
        HourRecord.objects.filter(course=course)
        .select_related("person")
        .annotate(total=record_total())
        .order_by("person__name", "pk")
    )


ROW_MESSAGES = {
    "accepted": _("Accepted."),
    "identity_missing": _("The identity number is missing. Enter it in the first column."),
    "identity_invalid": _("The identity number is invalid (%(problem)s). Compare it with the ID card and correct it."),
    "duplicate": _("This teacher already appears on row %(first_row)s. Remove one of the two rows."),
    "hours_missing": _("The hours are missing. Enter the attended hours, for example 3 or 1.5."),
    "hours_not_number": _("The hours are not a number. Enter a number, for example 3 or 1.5."),
    "hours_negative": _("The hours are negative. Enter 0 or more."),
    "hours_too_precise": _("The hours have more than one decimal place. Round them to one, for example 1.5."),
    "hours_over_course": _("The hours are more than the course's %(course_hours)s hours. Correct them."),
    "unknown_person": _("No one on the roster has this identity number. Check the number, or ask the teacher's school to add them."),
}
IDENTITY_PROBLEMS = {
    "length": _("not 10 characters"),
    "format": _("not in a known format"),
    "check_digit": _("wrong check digit"),
}


@dataclass(frozen=True)
class ReportRow:
    number: int
    masked: str
    hours: str
    accepted: bool
    message: str
    person_name: str


def upload_report(upload: AttendanceUpload) -> list[ReportRow]:
    """Return the upload's rows with their translated verdicts, in file order."""
    names = dict(
        Person.objects.filter(pk__in=[row["person"] for row in upload.rows if row["person"]]).values_list("pk", "name")
    )
    rows = []
    for row in upload.rows:
        params = dict(row.get("params") or {})
        if "problem" in params:
            params["problem"] = IDENTITY_PROBLEMS.get(params["problem"], params["problem"])
        message = ROW_MESSAGES[row["code"]] % params if params else str(ROW_MESSAGES[row["code"]])
        rows.append(
            ReportRow(
                number=row["row"],
                masked=row["id"],
                hours=row["hours"],
                accepted=row["code"] == "accepted",
                message=message,
                person_name=names.get(row["person"], ""),
            )
        )
    return rows


# --- 我的研習紀錄 ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearTotal:
    year: int  # ROC year
    hours: Decimal
    courses: int


def records_of_person(person: Person):
    """Return a teacher's hour records, newest first, with ``total`` = hours after corrections."""
    return (
        HourRecord.objects.filter(person=person)
        .select_related("course", "course__unit", "course__category")
        .annotate(total=record_total())
        .order_by("-issued_at", "-pk")
    )


def year_totals(records) -> tuple[list[YearTotal], list[YearTotal]]:
    """Return totals per ROC school year and per ROC calendar year, newest first, in Asia/Taipei."""
    by_school: dict[int, list] = defaultdict(lambda: [Decimal(0), 0])
    by_calendar: dict[int, list] = defaultdict(lambda: [Decimal(0), 0])
    for record in records:
        local = timezone.localtime(record.issued_at, TAIPEI)
        for bucket, key in ((by_school, roc.school_year_of(local)), (by_calendar, roc.roc_year(local))):
            bucket[key][0] += record.total
            bucket[key][1] += 1

    def as_list(bucket):
        return [YearTotal(year, hours, count) for year, (hours, count) in sorted(bucket.items(), reverse=True)]

    return as_list(by_school), as_list(by_calendar)


# --- 依教育部綜合視導篩選 --------------------------------------------------------------------------


def with_school_year_hours(people, *, school_year: int):
    """Annotate a Person queryset with ``school_year_hours`` and ``below_target``.

    Hours include corrections and the year is cut in Asia/Taipei. ``below_target``
    is true under settings.ANNUAL_HOURS_TARGET. The annotation is one subquery, so
    the query count stays the same however many people there are.
    """
    start, end = school_year_range(school_year)
    target = Decimal(settings.ANNUAL_HOURS_TARGET)
    return people.annotate(school_year_hours=person_hours_between(start, end)).annotate(
        below_target=Case(When(school_year_hours__lt=target, then=Value(True)), default=Value(False), output_field=BooleanField())
    )


def inspection_population(*, unit, school_year: int):
    """People in the 綜合視導 population of ``unit`` with their hours in ``school_year``.

    The population is everyone whose current membership at ``unit`` has category
    教師 and 職稱 合格專任教師 or 代理教師. Each person carries the annotations of
    ``with_school_year_hours``. One query, whatever the size.
    """
    people = Person.objects.filter(
        memberships__unit=unit,
        memberships__end_date__isnull=True,
        memberships__category=Category.TEACHER,
        memberships__title__in=INSPECTION_TITLES,
    ).annotate(membership_title=F("memberships__title"))
    return with_school_year_hours(people, school_year=school_year).order_by("name", "pk")
