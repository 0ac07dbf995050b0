import datetime

import pytest
from django.utils import timezone, translation

from inservice.audit.models import AuditEvent
from inservice.courses import services
from inservice.courses.models import Course, CourseState
from inservice.courses.tasks import close_expired_enrolment
from inservice.courses.tests.conftest import course_input, make_course, session_inputs
from inservice.testing.factories import make_business_account

pytestmark = pytest.mark.django_db

LEGAL = [
    (CourseState.DRAFT, CourseState.OPEN),
    (CourseState.DRAFT, CourseState.CANCELLED),
    (CourseState.OPEN, CourseState.CLOSED),
    (CourseState.OPEN, CourseState.CANCELLED),
    (CourseState.CLOSED, CourseState.OPEN),
    (CourseState.CLOSED, CourseState.FINISHED),
    (CourseState.CLOSED, CourseState.CANCELLED),
]
ALL_PAIRS = [(source, target) for source in CourseState.values for target in CourseState.values]
ILLEGAL = [
    pair
    for pair in ALL_PAIRS
    if pair not in LEGAL and pair != (CourseState.FINISHED, CourseState.CONFIRMED) and pair[1] != CourseState.CONFIRMED
]


def test_table_covers_every_state():
    assert set(services.TRANSITIONS) == set(CourseState.values)


@pytest.mark.parametrize(("source", "target"), LEGAL)
def test_legal_transition_changes_state(organiser, source, target):
    course = make_course(organiser=organiser, state=source)

    course = services.course_transition(actor=organiser, course=course, to_state=target)

    course.refresh_from_db()
    assert course.state == target
    event = AuditEvent.objects.filter(action="course.transition", target_id=str(course.pk)).first()
    assert event.before == {"state": source}
    assert event.after == {"state": target}
    assert event.actor == organiser


@pytest.mark.parametrize(("source", "target"), ILLEGAL)
def test_illegal_transition_refused(organiser, source, target):
    course = make_course(organiser=organiser, state=source)
    events_before = AuditEvent.objects.filter(action="course.transition").count()

    with pytest.raises(services.CourseError) as error:
        services.course_transition(actor=organiser, course=course, to_state=target)

    assert error.value.code == "illegal_transition"
    course.refresh_from_db()
    assert course.state == source
    assert AuditEvent.objects.filter(action="course.transition").count() == events_before


@pytest.mark.parametrize("source", CourseState.values)
def test_confirmed_refused_through_transition(organiser, source):
    course = make_course(organiser=organiser, state=source)

    with pytest.raises(services.CourseError) as error:
        services.course_transition(actor=organiser, course=course, to_state=CourseState.CONFIRMED)

    assert error.value.code == "reserved_transition"


def test_mark_confirmed_from_finished(organiser):
    course = make_course(organiser=organiser, state=CourseState.FINISHED)

    course = services.course_mark_confirmed(actor=organiser, course=course)

    assert course.state == CourseState.CONFIRMED
    assert AuditEvent.objects.filter(action="course.transition", after={"state": "confirmed"}).count() == 1


@pytest.mark.parametrize("source", [CourseState.DRAFT, CourseState.OPEN, CourseState.CLOSED, CourseState.CANCELLED])
def test_mark_confirmed_refused_before_finish(organiser, source):
    course = make_course(organiser=organiser, state=source)

    with pytest.raises(services.CourseError) as error:
        services.course_mark_confirmed(actor=organiser, course=course)

    assert error.value.code == "illegal_transition"


def test_mark_confirmed_twice_refused(organiser):
    course = make_course(organiser=organiser, state=CourseState.CONFIRMED)

    with pytest.raises(services.CourseError):
        services.course_mark_confirmed(actor=organiser, course=course)


def test_open_needs_enrolment_window(organiser):
    course = services.course_create(
        actor=organiser, data=course_input(enrol_opens_at=None, enrol_closes_at=None), sessions=session_inputs()
    )

    with translation.override("en"), pytest.raises(services.CourseError) as error:
        services.course_transition(actor=organiser, course=course, to_state=CourseState.OPEN)

    assert error.value.code == "incomplete"
    assert "the enrolment window" in error.value.message


def test_allowed_transitions_hide_confirmed(organiser):
    course = make_course(organiser=organiser, state=CourseState.FINISHED)

    assert services.allowed_transitions(course) == []


def test_transition_other_unit_refused(organiser, other_organiser):
    course = make_course(organiser=organiser)

    with pytest.raises(services.CourseError) as error:
        services.course_transition(actor=other_organiser, course=course, to_state=CourseState.OPEN)

    assert error.value.code == "not_in_scope"
    course.refresh_from_db()
    assert course.state == CourseState.DRAFT


def test_transition_by_teacher_refused(organiser, teacher):
    course = make_course(organiser=organiser)

    with pytest.raises(services.CourseError) as error:
        services.course_transition(actor=teacher, course=course, to_state=CourseState.OPEN)

    assert error.value.code == "not_in_scope"


def test_transition_by_colleague_allowed(organiser, unit):
    course = make_course(organiser=organiser)
    colleague = make_business_account(unit=unit, role="operator").user

    course = services.course_transition(actor=colleague, course=course, to_state=CourseState.OPEN)

    assert course.state == CourseState.OPEN


def test_close_expired_closes_past_window(organiser):
    course = make_course(organiser=organiser, state=CourseState.OPEN)
    still_open = make_course(organiser=organiser, state=CourseState.OPEN)
    Course.objects.filter(pk=course.pk).update(enrol_closes_at=timezone.now() - datetime.timedelta(minutes=1))

    closed = close_expired_enrolment()

    course.refresh_from_db()
    still_open.refresh_from_db()
    assert closed == 1
    assert course.state == CourseState.CLOSED
    assert still_open.state == CourseState.OPEN
    event = AuditEvent.objects.get(action="course.transition", target_id=str(course.pk), after={"state": "closed"})
    assert event.actor is None
    assert event.actor_label == "system"


def test_close_expired_ignores_drafts(organiser):
    course = make_course(organiser=organiser)
    Course.objects.filter(pk=course.pk).update(enrol_closes_at=timezone.now() - datetime.timedelta(days=1))

    assert services.course_close_expired() == 0
    course.refresh_from_db()
    assert course.state == CourseState.DRAFT
