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
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.db.models.functions import TruncMonth

from inservice.core import roc
from inservice.courses.models import Course, CourseState
from inservice.hours.models import HourCorrection, HourRecord
from inservice.hours.selectors import ZERO_HOURS, calendar_years_range, record_total, school_year_range
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
    """Hours per teacher in a school year: bands, average and how many reach ANNUAL_HOURS_TARGET.

    Four queries whatever the scope's size. The bands are counted in the
    database over each teacher's issued hours. Corrections are rare, so the
    few corrected teachers are then moved to the band of their corrected total.
    """
    target = Decimal(settings.ANNUAL_HOURS_TARGET)
    limits = [*HOUR_BANDS, target]
    teachers = _teachers(units).count()

    records = _records_in(units, school_year=school_year)
    aggregates = {"with_hours": Count("person", filter=Q(total__gt=0)), "sum": Sum("total")}
    for index in range(1, len(limits)):
        aggregates[f"band_{index}"] = Count("person", filter=Q(total__gt=0, total__gte=limits[index - 1], total__lt=limits[index]))
    aggregates[f"band_{len(limits)}"] = Count("person", filter=Q(total__gte=target))
    totals = records.values("person").annotate(total=Sum("hours")).aggregate(**aggregates)

    counts = [teachers - totals["with_hours"]] + [totals[f"band_{index}"] for index in range(1, len(limits) + 1)]
    hours_sum = Decimal(totals["sum"] or 0)
    deltas = dict(
        _corrections_in(units, school_year=school_year)
        .values("record__person")
        .annotate(delta=Sum("delta"))
        .values_list("record__person", "delta")
        .order_by()
    )
    if deltas:
        issued = dict(
            records.filter(person__in=list(deltas)).values("person").annotate(total=Sum("hours")).values_list("person", "total").order_by()
        )
        for person_id, delta in deltas.items():
            counts[_band_index(issued[person_id], limits)] -= 1
            counts[_band_index(issued[person_id] + delta, limits)] += 1
            hours_sum += delta

    bands: list[tuple[Decimal | None, Decimal | None, int]] = [(None, None, counts[0])]
    for index in range(1, len(limits)):
        bands.append((limits[index - 1], limits[index], counts[index]))
    bands.append((target, None, counts[-1]))
    average = (hours_sum / teachers).quantize(Decimal("0.1")) if teachers else Decimal(0)
    return TeacherHours(teachers=teachers, reaching_target=counts[-1], average=average, bands=bands)


def _band_index(hours: Decimal, limits: list[Decimal]) -> int:
    """Return the band of ``hours``: 0 for none, then one per interval of ``limits``, last for the target or more."""
    if hours <= 0:
        return 0
    for index in range(1, len(limits)):
        if hours < limits[index]:
            return index
    return len(limits)


def _records_in(units, *, school_year: int):
    """Records issued in a school year to people who are now teachers at one of ``units``."""
    start, end = school_year_range(school_year)
    return HourRecord.objects.filter(issued_at__gte=start, issued_at__lt=end, person__in=_teachers(units))


def _corrections_in(units, *, school_year: int):
    start, end = school_year_range(school_year)
    return HourCorrection.objects.filter(
        record__issued_at__gte=start, record__issued_at__lt=end, record__person__in=_teachers(units)
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


def _kindergarten_educators(units):
    return Person.objects.filter(
        memberships__unit__in=units, memberships__end_date__isnull=True, memberships__title__in=KINDERGARTEN_TITLES
    )


def kindergarten_figures(units, *, year: int) -> KindergartenFigures:
    """教保服務人員 meeting the kindergarten rules in calendar ``year``.

    Professional knowledge: KINDERGARTEN_PROFESSIONAL_HOURS of courses tagged
    KINDERGARTEN_PROFESSIONAL_TAG within the year. Safety education:
    KINDERGARTEN_SAFETY_HOURS of courses tagged KINDERGARTEN_SAFETY_TAG within
    the year and the one before. Two queries, as in ``teacher_hours``.
    """
    year_start, year_end = calendar_years_range(year, year)
    two_start, _ = calendar_years_range(year - 1, year)
    professional_tag = settings.KINDERGARTEN_PROFESSIONAL_TAG
    safety_tag = settings.KINDERGARTEN_SAFETY_TAG
    educators = _kindergarten_educators(units).count()

    # The join to tags gives a record one row per tag; each sum keeps only its own tag.
    per_educator = (
        HourRecord.objects.filter(
            person__in=_kindergarten_educators(units),
            issued_at__gte=two_start,
            issued_at__lt=year_end,
            course__tags__code__in=[professional_tag, safety_tag],
        )
        .values("person")
        .annotate(
            professional=Coalesce(
                Sum(record_total(), filter=Q(course__tags__code=professional_tag, issued_at__gte=year_start)), ZERO_HOURS
            ),
            safety=Coalesce(Sum(record_total(), filter=Q(course__tags__code=safety_tag)), ZERO_HOURS),
        )
    )
    totals = per_educator.aggregate(
        professional_met=Count("person", filter=Q(professional__gte=settings.KINDERGARTEN_PROFESSIONAL_HOURS)),
        safety_met=Count("person", filter=Q(safety__gte=settings.KINDERGARTEN_SAFETY_HOURS)),
    )
    return KindergartenFigures(year=year, educators=educators, **totals)
