"""Figures of 統計圖表查詢, each computed over the units an actor may see.

Every function takes the scope as a Unit queryset (from ``units_in_scope``),
which the database uses as a subquery, so each figure costs one query
whatever the number of units or teachers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import TruncMonth

from inservice.core import roc
from inservice.courses.models import Course, CourseState
from inservice.hours.models import HourCorrection, HourRecord
from inservice.hours.selectors import calendar_years_range, person_hours_between, school_year_range
from inservice.people.models import AccountStatus, Category, Membership, Person, Title

# 教保服務人員 whom the kindergarten rules cover.
KINDERGARTEN_TITLES = (Title.KG_DIRECTOR, Title.KG_TEACHER, Title.EDUCARE, Title.ASSISTANT_EDUCARE)
# Upper bounds of the hours-per-teacher bands; the last band is "target or more".
HOUR_BANDS = (Decimal(0), Decimal(6), Decimal(12))
# States of courses that count as opened; drafts and cancelled courses do not.
OPENED_STATES = (CourseState.OPEN, CourseState.CLOSED, CourseState.FINISHED, CourseState.CONFIRMED)


def _teachers(units):
    return Person.objects.filter(
        memberships__unit__in=units, memberships__end_date__isnull=True, memberships__category=Category.TEACHER
    )


@dataclass(frozen=True)
class RosterFigures:
    members: int
    teachers: int
    with_account: int

    @property
    def coverage(self) -> Decimal:
        return share_percent(self.with_account, self.members)


def share_percent(part: int, whole: int) -> Decimal:
    """Percentage with one decimal place; 0 when ``whole`` is 0."""
    if not whole:
        return Decimal(0)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def roster_figures(units) -> RosterFigures:
    """People on the roster now, teachers among them, and those with an activated personal account."""
    totals = Membership.objects.filter(unit__in=units, end_date__isnull=True).aggregate(
        members=Count("pk"),
        teachers=Count("pk", filter=Q(category=Category.TEACHER)),
        with_account=Count("pk", filter=Q(person__account_status=AccountStatus.ACTIVE)),
    )
    return RosterFigures(**totals)


@dataclass(frozen=True)
class TeacherHours:
    teachers: int
    reaching_target: int
    average: Decimal
    bands: list[tuple[Decimal | None, Decimal | None, int]]  # (from, below, count)

    @property
    def share_reaching_target(self) -> Decimal:
        return share_percent(self.reaching_target, self.teachers)


def teacher_hours(units, *, school_year: int) -> TeacherHours:
    """Hours per teacher in a school year: bands, average and how many reach ANNUAL_HOURS_TARGET."""
    start, end = school_year_range(school_year)
    target = Decimal(settings.ANNUAL_HOURS_TARGET)
    limits = [*HOUR_BANDS, target]
    annotated = _teachers(units).annotate(year_hours=person_hours_between(start, end))

    aggregates = {"teachers": Count("pk"), "average": Avg("year_hours"), "reaching": Count("pk", filter=Q(year_hours__gte=target))}
    aggregates["band_none"] = Count("pk", filter=Q(year_hours=0))
    for index in range(1, len(limits)):
        aggregates[f"band_{index}"] = Count(
            "pk", filter=Q(year_hours__gt=0, year_hours__gte=limits[index - 1], year_hours__lt=limits[index])
        )
    totals = annotated.aggregate(**aggregates)

    bands: list[tuple[Decimal | None, Decimal | None, int]] = [(None, None, totals["band_none"])]
    for index in range(1, len(limits)):
        bands.append((limits[index - 1], limits[index], totals[f"band_{index}"]))
    bands.append((target, None, totals["reaching"]))
    average = Decimal(str(totals["average"] or 0)).quantize(Decimal("0.1"))
    return TeacherHours(teachers=totals["teachers"], reaching_target=totals["reaching"], average=average, bands=bands)


def _records_in(units, *, school_year: int):
    start, end = school_year_range(school_year)
    return HourRecord.objects.filter(
        issued_at__gte=start,
        issued_at__lt=end,
        person__memberships__unit__in=units,
        person__memberships__end_date__isnull=True,
        person__memberships__category=Category.TEACHER,
    )


def _corrections_in(units, *, school_year: int):
    start, end = school_year_range(school_year)
    return HourCorrection.objects.filter(
        record__issued_at__gte=start,
        record__issued_at__lt=end,
        record__person__memberships__unit__in=units,
        record__person__memberships__end_date__isnull=True,
        record__person__memberships__category=Category.TEACHER,
    )


def _grouped_hours(units, *, school_year: int, key: str) -> list[tuple[str, Decimal]]:
    """Hours (corrections included) of the scope's teachers grouped by a course field path."""
    totals: dict[str, Decimal] = {}
    records = _records_in(units, school_year=school_year).values(f"course__{key}").annotate(total=Sum("hours"))
    for row in records.order_by():
        totals[row[f"course__{key}"]] = row["total"]
    corrections = (
        _corrections_in(units, school_year=school_year).values(f"record__course__{key}").annotate(total=Sum("delta"))
    )
    for row in corrections.order_by():
        name = row[f"record__course__{key}"]
        totals[name] = totals.get(name, Decimal(0)) + row["total"]
    return sorted(totals.items(), key=lambda item: (-item[1], item[0] or ""))


def hours_by_category(units, *, school_year: int) -> list[tuple[str | None, Decimal]]:
    """(category name or None, hours) of the scope's teachers in a school year, largest first."""
    return _grouped_hours(units, school_year=school_year, key="category__name")


def hours_by_tag(units, *, school_year: int) -> list[tuple[str | None, Decimal]]:
    """(tag name, hours); a course with several tags counts in each, one without tags under None."""
    return _grouped_hours(units, school_year=school_year, key="tags__name")


def courses_per_month(units, *, school_year: int) -> list[tuple[datetime.date, int]]:
    """Courses of the scope's units starting in each month of a school year (drafts and cancelled left out)."""
    first, last = roc.school_year_bounds(school_year)
    counts = dict(
        Course.objects.filter(unit__in=units, state__in=OPENED_STATES, start_date__gte=first, start_date__lte=last)
        .annotate(month=TruncMonth("start_date"))
        .values("month")
        .annotate(count=Count("pk"))
        .values_list("month", "count")
        .order_by()
    )
    months = []
    for offset in range(12):
        year = first.year + (first.month - 1 + offset) // 12
        month = (first.month - 1 + offset) % 12 + 1
        day = datetime.date(year, month, 1)
        months.append((day, _month_count(counts, day)))
    return months


def _month_count(counts: dict, day: datetime.date) -> int:
    # TruncMonth returns a date on PostgreSQL and on SQLite alike for a DateField.
    return counts.get(day, 0)


@dataclass(frozen=True)
class KindergartenFigures:
    year: int  # Gregorian calendar year
    educators: int
    professional_met: int
    safety_met: int

    @property
    def professional_share(self) -> Decimal:
        return share_percent(self.professional_met, self.educators)

    @property
    def safety_share(self) -> Decimal:
        return share_percent(self.safety_met, self.educators)


def kindergarten_figures(units, *, year: int) -> KindergartenFigures:
    """教保服務人員 meeting the kindergarten rules in calendar ``year``.

    Professional knowledge: KINDERGARTEN_PROFESSIONAL_HOURS of courses tagged
    KINDERGARTEN_PROFESSIONAL_TAG within the year. Safety education:
    KINDERGARTEN_SAFETY_HOURS of courses tagged KINDERGARTEN_SAFETY_TAG within
    the year and the one before.
    """
    year_start, year_end = calendar_years_range(year, year)
    two_start, _ = calendar_years_range(year - 1, year)
    professional = person_hours_between(
        year_start, year_end, extra=Q(course__tags__code=settings.KINDERGARTEN_PROFESSIONAL_TAG)
    )
    safety = person_hours_between(two_start, year_end, extra=Q(course__tags__code=settings.KINDERGARTEN_SAFETY_TAG))
    totals = (
        Person.objects.filter(
            memberships__unit__in=units,
            memberships__end_date__isnull=True,
            memberships__title__in=KINDERGARTEN_TITLES,
        )
        .annotate(professional=professional, safety=safety)
        .aggregate(
            educators=Count("pk"),
            professional_met=Count("pk", filter=Q(professional__gte=settings.KINDERGARTEN_PROFESSIONAL_HOURS)),
            safety_met=Count("pk", filter=Q(safety__gte=settings.KINDERGARTEN_SAFETY_HOURS)),
        )
    )
    return KindergartenFigures(year=year, **totals)
