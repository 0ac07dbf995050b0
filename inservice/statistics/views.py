"""統計圖表查詢: charts with their tables, and each table as CSV."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from inservice.core.policy import Capability, capability_required
from inservice.hours.exports import csv_response

from . import selectors
from .charts import Chart
from .scope import StatisticsScope, resolve_scope, school_years_offered


def _roster_chart(scope: StatisticsScope) -> Chart:
    figures = selectors.roster_figures(scope.units)
    return Chart(
        key="roster",
        title=_("Roster and account coverage"),
        headers=[_("Figure"), _("People"), _("Share of the roster (%)")],
        rows=[
            [_("On the roster"), figures.members, "100.0" if figures.members else "0"],
            [_("Teachers"), figures.teachers, selectors.share_percent(figures.teachers, figures.members)],
            [_("With an activated account"), figures.with_account, figures.coverage],
        ],
    )


def _teacher_hours_chart(scope: StatisticsScope) -> Chart:
    figures = selectors.teacher_hours(scope.units, school_year=scope.school_year)
    rows = []
    for start, below, count in figures.bands:
        if start is None:
            label = _("No hours")
        elif below is None:
            label = _("%(start)s hours or more") % {"start": start}
        elif start == 0:
            label = _("Under %(below)s hours") % {"below": below}
        else:
            label = _("%(start)s to under %(below)s hours") % {"start": start, "below": below}
        rows.append([label, count, selectors.share_percent(count, figures.teachers)])
    return Chart(
        key="teacher_hours",
        title=_("Hours per teacher this school year"),
        headers=[_("Hours in the school year"), _("Teachers"), _("Share (%)")],
        rows=rows,
        note=_(
            "%(reaching)s of %(teachers)s teachers (%(share)s%%) reach %(target)s hours; the average is %(average)s hours."
        )
        % {
            "reaching": figures.reaching_target,
            "teachers": figures.teachers,
            "share": figures.share_reaching_target,
            "target": settings.ANNUAL_HOURS_TARGET,
            "average": figures.average,
        },
    )


def _grouped_chart(key: str, title: str, header: str, groups, empty_label: str) -> Chart:
    return Chart(
        key=key,
        title=title,
        headers=[header, _("Hours")],
        rows=[[name or empty_label, total] for name, total in groups],
    )


def _category_chart(scope: StatisticsScope) -> Chart:
    groups = selectors.hours_by_category(scope.units, school_year=scope.school_year)
    return _grouped_chart("category", _("Hours by course category"), _("Category"), groups, _("No category"))


def _tag_chart(scope: StatisticsScope) -> Chart:
    groups = selectors.hours_by_tag(scope.units, school_year=scope.school_year)
    chart = _grouped_chart("tag", _("Hours by course tag"), _("Tag"), groups, _("No tag"))
    chart.note = _("A course with several tags counts under each of them.")
    return chart


def _months_chart(scope: StatisticsScope) -> Chart:
    from inservice.core import roc

    months = selectors.courses_per_month(scope.units, school_year=scope.school_year)
    rows = [[f"{roc.roc_year(day)}/{day.month:02d}", count] for day, count in months]
    return Chart(key="months", title=_("Courses opened per month"), headers=[_("Month (ROC)"), _("Courses")], rows=rows)


def _kindergarten_chart(scope: StatisticsScope) -> Chart:
    figures = selectors.kindergarten_figures(scope.units, year=scope.calendar_year)
    return Chart(
        key="kindergarten",
        title=_("Kindergarten educators against their rules"),
        headers=[_("Rule"), _("Educators meeting it"), _("Share (%)")],
        rows=[
            [
                _("%(hours)s hours of professional knowledge in the year") % {"hours": settings.KINDERGARTEN_PROFESSIONAL_HOURS},
                figures.professional_met,
                figures.professional_share,
            ],
            [
                _("%(hours)s hours of safety education in two years") % {"hours": settings.KINDERGARTEN_SAFETY_HOURS},
                figures.safety_met,
                figures.safety_share,
            ],
        ],
        note=_("%(educators)s kindergarten educators on the roster; calendar year %(year)s (ROC %(roc)s).")
        % {"educators": figures.educators, "year": figures.year, "roc": figures.year - 1911},
    )


CHARTS = {
    "roster": _roster_chart,
    "teacher_hours": _teacher_hours_chart,
    "category": _category_chart,
    "tag": _tag_chart,
    "months": _months_chart,
    "kindergarten": _kindergarten_chart,
}


@require_GET
@capability_required(Capability.STATISTICS)
def statistics_index(request):
    scope = resolve_scope(request)
    charts = [build(scope) for build in CHARTS.values()]
    context = {
        "scope": scope,
        "charts": charts,
        "school_years": school_years_offered(),
        "query_string": request.GET.urlencode(),
    }
    return render(request, "statistics/index.html", context)


@require_GET
@capability_required(Capability.STATISTICS)
def statistics_download(request, key: str):
    build = CHARTS.get(key)
    if build is None:
        raise Http404
    chart = build(resolve_scope(request))
    return csv_response(filename=f"statistics-{key}", header=chart.headers, rows=chart.rows)
