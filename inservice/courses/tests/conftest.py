"""Builders for course tests: organisers, teachers and courses made through the real services."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from inservice.accounts.models import User
from inservice.courses import services
from inservice.courses.models import CourseCategory, CourseState
from inservice.testing.factories import make_business_account, make_person, make_unit, make_user


def make_teacher(*, unit=None, email: str = "teacher@school.example.tw", teaching_stage: str = ""):
    """Return a teacher account: a user with a person on ``unit``'s roster."""
    unit = unit or make_unit()
    person = make_person(unit=unit, email=email)
    if teaching_stage:
        person.memberships.update(teaching_stage=teaching_stage)
    user = make_user(kind=User.Kind.TEACHER)
    person.user = user
    person.save(update_fields=["user"])
    user.refresh_from_db()
    return user


def course_input(**overrides) -> services.CourseInput:
    now = timezone.now()
    values = {
        "title": "閱讀理解教學工作坊",
        # get_or_create: transactional tests flush the rows the data migration seeded.
        "category": CourseCategory.objects.get_or_create(code="teaching", defaults={"name": "教學專業"})[0],
        "hours": Decimal("3"),
        "place": "本校視聽教室",
        "quota": 30,
        "enrol_opens_at": now - datetime.timedelta(days=1),
        "enrol_closes_at": now + datetime.timedelta(days=7),
        "contact_name": "林承辦",
        "contact_phone": "04-1234567",
    }
    values.update(overrides)
    return services.CourseInput(**values)


def session_inputs(first: datetime.date | None = None, count: int = 1) -> list[services.SessionInput]:
    first = first or timezone.localdate() + datetime.timedelta(days=14)
    return [
        services.SessionInput(first + datetime.timedelta(days=index), datetime.time(13, 30), datetime.time(16, 30))
        for index in range(count)
    ]


def make_course(*, organiser, state: str = CourseState.DRAFT, sessions=None, **overrides):
    """Register a course through the service and move it to ``state`` along the legal path."""
    course = services.course_create(actor=organiser, data=course_input(**overrides), sessions=sessions or session_inputs())
    path = [CourseState.OPEN, CourseState.CLOSED, CourseState.FINISHED]
    if state == CourseState.CANCELLED:
        return services.course_transition(actor=organiser, course=course, to_state=state)
    for step in path:
        if course.state == state:
            break
        course = services.course_transition(actor=organiser, course=course, to_state=step)
    if state == CourseState.CONFIRMED:
        course = services.course_mark_confirmed(actor=organiser, course=course)
    return course


@pytest.fixture
def unit():
    return make_unit(stages="ES,JH")


@pytest.fixture
def organiser(unit):
    return make_business_account(unit=unit).user


@pytest.fixture
def other_organiser():
    return make_business_account(unit=make_unit(code="070999")).user


@pytest.fixture
def teacher(unit):
    return make_teacher(unit=unit)
