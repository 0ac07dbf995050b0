import datetime
import re
from decimal import Decimal

import pytest

from inservice.audit.models import AuditEvent
from inservice.courses import services
from inservice.courses.models import CourseState, CourseTag
from inservice.courses.tests.conftest import course_input, make_course, make_teacher, session_inputs
from inservice.testing.factories import make_authority_user, make_business_account

pytestmark = pytest.mark.django_db


def test_create_assigns_seven_digit_code(organiser, unit):
    course = services.course_create(actor=organiser, data=course_input(), sessions=session_inputs())

    assert re.fullmatch(r"[0-9]{7}", course.code)
    assert course.unit == unit
    assert course.owner.user == organiser
    assert course.state == CourseState.DRAFT


def test_create_codes_increase_and_differ(organiser):
    codes = [services.course_create(actor=organiser, data=course_input(), sessions=session_inputs()).code for _ in range(3)]

    assert len(set(codes)) == 3
    assert [int(code) for code in codes] == sorted(int(code) for code in codes)


def test_create_credits_stored_as_hours(organiser):
    course = services.course_create(
        actor=organiser, data=course_input(hours=None, credits=Decimal("2")), sessions=session_inputs()
    )

    assert course.credits == Decimal("2")
    assert course.hours == Decimal("36")


def test_create_hours_without_credits(organiser):
    course = services.course_create(actor=organiser, data=course_input(hours=Decimal("4.5")), sessions=session_inputs())

    assert course.hours == Decimal("4.5")
    assert course.credits is None


def test_create_sessions_set_dates(organiser):
    first = datetime.date(2026, 3, 2)
    course = services.course_create(actor=organiser, data=course_input(), sessions=session_inputs(first, count=3))

    assert course.sessions.count() == 3
    assert course.start_date == first
    assert course.end_date == datetime.date(2026, 3, 4)


def test_create_stores_tags_and_target(organiser):
    tags = list(CourseTag.objects.filter(code__in=["kg_professional", "safety_education"]))
    course = services.course_create(
        actor=organiser,
        data=course_input(tags=tags, target_stages=["KG", "ES"], target_counties=["07"]),
        sessions=session_inputs(),
    )

    assert set(course.tags.values_list("code", flat=True)) == {"kg_professional", "safety_education"}
    assert course.target_stage_list == ["ES", "KG"]
    assert course.target_county_list == ["07"]


def test_create_is_audited(organiser):
    course = services.course_create(actor=organiser, data=course_input(), sessions=session_inputs())

    event = AuditEvent.objects.get(action="course.create", target_id=str(course.pk))
    assert event.actor == organiser
    assert event.unit_id == course.unit_id
    assert event.after["code"] == course.code


def test_create_needs_a_session(organiser):
    with pytest.raises(services.CourseError) as error:
        services.course_create(actor=organiser, data=course_input(), sessions=[])

    assert error.value.code == "no_sessions"


@pytest.mark.parametrize("role", ["chief", "contact", "operator"])
def test_create_by_every_business_role(unit, role):
    account = make_business_account(unit=unit, role=role)

    course = services.course_create(actor=account.user, data=course_input(), sessions=session_inputs())

    assert course.owner == account


def test_create_refused_for_teacher(unit):
    with pytest.raises(services.CourseError) as error:
        services.course_create(actor=make_teacher(unit=unit), data=course_input(), sessions=session_inputs())

    assert error.value.code == "not_organiser"


def test_create_refused_for_authority():
    with pytest.raises(services.CourseError):
        services.course_create(actor=make_authority_user(), data=course_input(), sessions=session_inputs())


def test_create_refused_for_pending_account(unit):
    account = make_business_account(unit=unit, status="pending")

    with pytest.raises(services.CourseError):
        services.course_create(actor=account.user, data=course_input(), sessions=session_inputs())


def test_update_replaces_sessions_and_audits(organiser):
    course = services.course_create(actor=organiser, data=course_input(), sessions=session_inputs(count=2))

    services.course_update(
        actor=organiser,
        course=course,
        data=course_input(title="新名稱", credits=Decimal("1"), hours=None),
        sessions=session_inputs(datetime.date(2026, 5, 1)),
    )

    course.refresh_from_db()
    assert course.title == "新名稱"
    assert course.hours == Decimal("18")
    assert course.sessions.count() == 1
    assert course.start_date == course.end_date == datetime.date(2026, 5, 1)
    event = AuditEvent.objects.get(action="course.update", target_id=str(course.pk))
    assert event.before["title"] == "閱讀理解教學工作坊"
    assert event.after["title"] == "新名稱"


def test_update_refused_after_finish(organiser):
    course = make_course(organiser=organiser, state=CourseState.FINISHED)

    with pytest.raises(services.CourseError) as error:
        services.course_update(actor=organiser, course=course, data=course_input(), sessions=session_inputs())

    assert error.value.code == "not_editable"


def test_update_other_unit_refused(organiser, other_organiser):
    course = services.course_create(actor=organiser, data=course_input(), sessions=session_inputs())

    with pytest.raises(services.CourseError) as error:
        services.course_update(
            actor=other_organiser, course=course, data=course_input(title="改名"), sessions=session_inputs()
        )

    assert error.value.code == "not_in_scope"
    course.refresh_from_db()
    assert course.title != "改名"
