"""Reads for courses: the public search, a unit's course list and enrolment lists."""

from __future__ import annotations

import datetime

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from inservice.core.policy import Capability, active_business_account, has_capability
from inservice.organisations.models import Stage, Unit
from inservice.people.models import Membership

from .models import Course, CourseState, Enrolment, EnrolmentStatus

# Drafts are the organiser's work in progress and stay out of public view.
PUBLIC_STATES = [state for state in CourseState.values if state != CourseState.DRAFT]


def public_courses():
    """Courses anyone may see: every course that has left the draft state."""
    return Course.objects.filter(state__in=PUBLIC_STATES).select_related("unit", "category")


def course_search(
    *,
    keyword: str = "",
    state: str = "",
    county: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
):
    """Search the public courses by keyword (code, title, unit), state, unit county and dates."""
    courses = public_courses()
    keyword = keyword.strip()
    if keyword:
        courses = courses.filter(
            Q(code=keyword) | Q(title__icontains=keyword) | Q(unit__name__icontains=keyword)
        )
    if state:
        courses = courses.filter(state=state)
    if county:
        courses = courses.filter(unit__county_code=county)
    # A course matches a date range when any of its days falls inside it.
    if date_from:
        courses = courses.filter(end_date__gte=date_from)
    if date_to:
        courses = courses.filter(start_date__lte=date_to)
    return courses.order_by("-start_date", "-pk")


def public_course(*, code: str) -> Course:
    """Fetch a public course by its code, or raise Http404."""
    queryset = public_courses().prefetch_related(
        "sessions", "tags", "target_subjects__category", "target_subjects__parent"
    )
    return get_object_or_404(queryset, code=code)


def county_choices() -> list[tuple[str, str]]:
    """Return the counties that have units, as (county code, county name) pairs."""
    rows = Unit.objects.order_by("county_code").values_list("county_code", "county_name").distinct()
    seen = {}
    for code, name in rows:
        seen.setdefault(code, name)
    return list(seen.items())


def course_target_summary(course: Course) -> dict[str, list[str]]:
    """Return the names of the course's target stages, counties and subjects. An empty list means all."""
    stage_labels = dict(Stage.choices)
    county_names = dict(county_choices()) if course.target_county_list else {}
    return {
        "stages": [str(stage_labels.get(code, code)) for code in course.target_stage_list],
        "counties": [county_names.get(code, code) for code in course.target_county_list],
        "subjects": [subject.full_name for subject in course.target_subjects.all()],
    }


def courses_in_scope(user):
    """Return the courses of the unit that ``user`` manages courses for, or none."""
    if not has_capability(user, Capability.COURSE_MANAGE):
        return Course.objects.none()
    account = active_business_account(user)
    return Course.objects.filter(unit_id=account.unit_id)


def access_course(user, course_id: int) -> Course:
    """Fetch a course ``user`` may manage, or raise Http404 (another unit's course looks absent)."""
    queryset = courses_in_scope(user).select_related("unit", "category", "owner").prefetch_related(
        "sessions", "tags", "target_subjects__category", "target_subjects__parent"
    )
    return get_object_or_404(queryset, pk=course_id)


def unit_courses(*, actor, state: str = ""):
    """Return the courses of the actor's unit with their enrolment counts, newest first."""
    courses = courses_in_scope(actor).select_related("category", "owner")
    if state:
        courses = courses.filter(state=state)
    return courses.annotate(
        admitted_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ADMITTED)),
        waiting_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED)),
        applied_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.APPLIED)),
    ).order_by("-created_at", "-pk")


def course_enrolments(*, course: Course):
    """Return the enrolments of a course already fetched through ``access_course``, in queue order."""
    return (
        Enrolment.objects.filter(course=course)
        .select_related("person")
        .prefetch_related(
            Prefetch(
                "person__memberships",
                queryset=Membership.objects.filter(end_date__isnull=True).select_related("unit"),
                to_attr="current_memberships",
            )
        )
        .order_by("queued_at", "pk")
    )


def person_enrolments(*, person):
    """Return a teacher's own enrolments, newest course first."""
    return (
        Enrolment.objects.filter(person=person)
        .select_related("course__unit")
        .order_by("-course__start_date", "-pk")
    )


def enrolment_counts(*, course: Course) -> dict[str, int]:
    rows = Enrolment.objects.filter(course=course).values_list("status").annotate(total=Count("pk"))
    counts = {status: 0 for status in EnrolmentStatus.values}
    counts.update(dict(rows))
    return counts
