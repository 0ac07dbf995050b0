import datetime

import pytest
from django.core import mail
from django.utils import timezone

from inservice.audit.models import AuditEvent
from inservice.courses import services
from inservice.courses.models import AdmissionMode, CourseState, Enrolment, EnrolmentStatus
from inservice.courses.tests.conftest import make_course, make_teacher, session_inputs
from inservice.people.models import PersonSubject, Subject, SubjectCategory
from inservice.testing.factories import make_unit

pytestmark = pytest.mark.django_db


def open_course(organiser, **overrides):
    return make_course(organiser=organiser, state=CourseState.OPEN, **overrides)


def test_enrol_first_come_admits(organiser, teacher):
    course = open_course(organiser)

    enrolment = services.enrolment_create(actor=teacher, course=course)

    assert enrolment.status == EnrolmentStatus.ADMITTED
    assert enrolment.decided_at is not None
    assert AuditEvent.objects.filter(action="enrolment.create", target_id=str(enrolment.pk)).exists()


def test_enrol_full_course_waitlists(organiser, unit):
    course = open_course(organiser, quota=2)
    statuses = [services.enrolment_create(actor=make_teacher(unit=unit), course=course).status for _ in range(4)]

    assert statuses == ["admitted", "admitted", "waitlisted", "waitlisted"]


def test_enrol_unlimited_quota_admits_all(organiser, unit):
    course = open_course(organiser, quota=None)
    statuses = {services.enrolment_create(actor=make_teacher(unit=unit), course=course).status for _ in range(3)}

    assert statuses == {"admitted"}


def test_enrol_manual_mode_applies(organiser, teacher):
    course = open_course(organiser, admission_mode=AdmissionMode.MANUAL)

    enrolment = services.enrolment_create(actor=teacher, course=course)

    assert enrolment.status == EnrolmentStatus.APPLIED
    assert enrolment.decided_at is None
    assert mail.outbox == []


def test_enrol_twice_returns_same_row(organiser, teacher):
    course = open_course(organiser)

    first = services.enrolment_create(actor=teacher, course=course)
    second = services.enrolment_create(actor=teacher, course=course)

    assert first.pk == second.pk
    assert Enrolment.objects.filter(course=course).count() == 1


@pytest.mark.parametrize("state", [CourseState.DRAFT, CourseState.CLOSED, CourseState.FINISHED, CourseState.CANCELLED])
def test_enrol_refused_unless_open(organiser, teacher, state):
    course = make_course(organiser=organiser, state=state)

    with pytest.raises(services.CourseError) as error:
        services.enrolment_create(actor=teacher, course=course)

    assert error.value.code == "not_open"
    assert not Enrolment.objects.filter(course=course).exists()


def test_enrol_refused_before_window(organiser, teacher):
    now = timezone.now()
    course = open_course(
        organiser, enrol_opens_at=now + datetime.timedelta(hours=1), enrol_closes_at=now + datetime.timedelta(days=2)
    )

    with pytest.raises(services.CourseError) as error:
        services.enrolment_create(actor=teacher, course=course)

    assert error.value.code == "window_not_started"


def test_enrol_refused_after_window(organiser, teacher):
    now = timezone.now()
    course = open_course(
        organiser, enrol_opens_at=now - datetime.timedelta(days=2), enrol_closes_at=now - datetime.timedelta(minutes=1)
    )

    with pytest.raises(services.CourseError) as error:
        services.enrolment_create(actor=teacher, course=course)

    assert error.value.code == "window_ended"


def test_enrol_refused_for_organiser(organiser):
    course = open_course(organiser)

    with pytest.raises(services.CourseError) as error:
        services.enrolment_create(actor=organiser, course=course)

    assert error.value.code == "not_teacher"


# --- Target -------------------------------------------------------------------------------------


def test_target_stage_in_and_out(organiser):
    course = open_course(organiser, target_stages=["KG"])
    kindergarten = make_teacher(unit=make_unit(stages="KG"))
    elementary = make_teacher(unit=make_unit(stages="ES"))

    assert services.enrolment_create(actor=kindergarten, course=course).status == "admitted"
    with pytest.raises(services.CourseError) as error:
        services.enrolment_create(actor=elementary, course=course)
    assert error.value.code == "outside_target"


def test_target_stage_uses_stage_taught(organiser):
    course = open_course(organiser, target_stages=["JH"])
    unit = make_unit(stages="ES,JH")

    assert services.enrolment_create(actor=make_teacher(unit=unit, teaching_stage="JH"), course=course)
    with pytest.raises(services.CourseError):
        services.enrolment_create(actor=make_teacher(unit=unit, teaching_stage="ES"), course=course)


def test_target_county_in_and_out(organiser):
    course = open_course(organiser, target_counties=["07"])
    inside = make_teacher(unit=make_unit(code="071111"))
    outside = make_teacher(unit=make_unit(code="381111", county_name="臺北市"))

    assert services.enrolment_create(actor=inside, course=course).status == "admitted"
    with pytest.raises(services.CourseError) as error:
        services.enrolment_create(actor=outside, course=course)
    assert error.value.code == "outside_target"


def test_target_subject_in_and_out(organiser, unit):
    category = SubjectCategory.objects.create(code="es-math", name="國小數學", stage="ES")
    maths = Subject.objects.create(code="es-math-math", category=category, name="數學")
    course = open_course(organiser, target_subjects=[maths])
    with_subject = make_teacher(unit=unit)
    PersonSubject.objects.create(person=with_subject.person, subject=maths, position=1)
    without_subject = make_teacher(unit=unit)

    assert services.enrolment_create(actor=with_subject, course=course).status == "admitted"
    with pytest.raises(services.CourseError):
        services.enrolment_create(actor=without_subject, course=course)


def test_target_refuses_teacher_without_school(organiser, teacher):
    course = open_course(organiser, target_counties=["07"])
    teacher.person.memberships.update(end_date=datetime.date(2025, 7, 31))

    with pytest.raises(services.CourseError) as error:
        services.enrolment_create(actor=teacher, course=course)

    assert error.value.code == "outside_target"


def test_open_course_accepts_teacher_without_school(organiser, teacher):
    course = open_course(organiser)
    teacher.person.memberships.update(end_date=datetime.date(2025, 7, 31))

    assert services.enrolment_create(actor=teacher, course=course).status == "admitted"


# --- Cancellation and the waiting list ------------------------------------------------------------


def test_cancel_admitted_promotes_first_waiting(organiser, unit):
    course = open_course(organiser, quota=1)
    teachers = [make_teacher(unit=unit) for _ in range(3)]
    enrolments = [services.enrolment_create(actor=user, course=course) for user in teachers]

    services.enrolment_cancel(actor=teachers[0], enrolment=enrolments[0])

    statuses = [Enrolment.objects.get(pk=item.pk).status for item in enrolments]
    assert statuses == ["cancelled", "admitted", "waitlisted"]
    assert AuditEvent.objects.filter(action="enrolment.promote", target_id=str(enrolments[1].pk)).exists()


def test_cancel_waiting_keeps_admitted(organiser, unit):
    course = open_course(organiser, quota=1)
    teachers = [make_teacher(unit=unit) for _ in range(2)]
    enrolments = [services.enrolment_create(actor=user, course=course) for user in teachers]

    services.enrolment_cancel(actor=teachers[1], enrolment=enrolments[1])

    assert [Enrolment.objects.get(pk=item.pk).status for item in enrolments] == ["admitted", "cancelled"]


def test_cancel_someone_elses_refused(organiser, unit):
    course = open_course(organiser)
    owner, stranger = make_teacher(unit=unit), make_teacher(unit=unit)
    enrolment = services.enrolment_create(actor=owner, course=course)

    with pytest.raises(services.CourseError) as error:
        services.enrolment_cancel(actor=stranger, enrolment=enrolment)

    assert error.value.code == "not_own"
    assert Enrolment.objects.get(pk=enrolment.pk).status == "admitted"


def test_cancel_after_finish_refused(organiser, teacher):
    course = open_course(organiser)
    enrolment = services.enrolment_create(actor=teacher, course=course)
    services.course_transition(actor=organiser, course=course, to_state=CourseState.CLOSED)
    services.course_transition(actor=organiser, course=course, to_state=CourseState.FINISHED)

    with pytest.raises(services.CourseError) as error:
        services.enrolment_cancel(actor=teacher, enrolment=enrolment)

    assert error.value.code == "too_late"


def test_re_enrol_after_cancel_joins_queue_end(organiser, unit):
    course = open_course(organiser, quota=1)
    first, second = make_teacher(unit=unit), make_teacher(unit=unit)
    first_enrolment = services.enrolment_create(actor=first, course=course)
    services.enrolment_create(actor=second, course=course)
    services.enrolment_cancel(actor=first, enrolment=first_enrolment)

    again = services.enrolment_create(actor=first, course=course)

    assert again.pk == first_enrolment.pk
    assert again.status == "waitlisted"
    assert Enrolment.objects.filter(course=course).count() == 2


# --- Organiser decisions ----------------------------------------------------------------------------


def test_admit_selected_applicants(organiser, unit):
    course = open_course(organiser, admission_mode=AdmissionMode.MANUAL, quota=2)
    enrolments = [services.enrolment_create(actor=make_teacher(unit=unit), course=course) for _ in range(3)]

    changed = services.enrolment_decide(
        actor=organiser, course=course, enrolment_ids=[enrolments[0].pk, enrolments[2].pk], decision="admitted"
    )

    assert changed == 2
    assert [Enrolment.objects.get(pk=item.pk).status for item in enrolments] == ["admitted", "applied", "admitted"]
    assert AuditEvent.objects.filter(action="enrolment.admit").count() == 2


def test_admit_over_quota_refused_whole(organiser, unit):
    course = open_course(organiser, admission_mode=AdmissionMode.MANUAL, quota=1)
    enrolments = [services.enrolment_create(actor=make_teacher(unit=unit), course=course) for _ in range(2)]

    with pytest.raises(services.CourseError) as error:
        services.enrolment_decide(
            actor=organiser, course=course, enrolment_ids=[item.pk for item in enrolments], decision="admitted"
        )

    assert error.value.code == "over_quota"
    assert set(Enrolment.objects.values_list("status", flat=True)) == {"applied"}


def test_refuse_admitted_promotes_waiting(organiser, unit):
    course = open_course(organiser, quota=1)
    enrolments = [services.enrolment_create(actor=make_teacher(unit=unit), course=course) for _ in range(2)]

    services.enrolment_decide(actor=organiser, course=course, enrolment_ids=[enrolments[0].pk], decision="refused")

    assert [Enrolment.objects.get(pk=item.pk).status for item in enrolments] == ["refused", "admitted"]


def test_decide_needs_selection(organiser):
    course = open_course(organiser)

    with pytest.raises(services.CourseError) as error:
        services.enrolment_decide(actor=organiser, course=course, enrolment_ids=[], decision="admitted")

    assert error.value.code == "none_selected"


def test_decide_ignores_other_course_rows(organiser, unit):
    course = open_course(organiser, admission_mode=AdmissionMode.MANUAL)
    other = open_course(organiser, admission_mode=AdmissionMode.MANUAL)
    foreign = services.enrolment_create(actor=make_teacher(unit=unit), course=other)

    changed = services.enrolment_decide(actor=organiser, course=course, enrolment_ids=[foreign.pk], decision="admitted")

    assert changed == 0
    assert Enrolment.objects.get(pk=foreign.pk).status == "applied"


def test_decide_refused_after_finish(organiser, teacher):
    course = open_course(organiser, admission_mode=AdmissionMode.MANUAL)
    enrolment = services.enrolment_create(actor=teacher, course=course)
    services.course_transition(actor=organiser, course=course, to_state=CourseState.CLOSED)
    services.course_transition(actor=organiser, course=course, to_state=CourseState.FINISHED)

    with pytest.raises(services.CourseError) as error:
        services.enrolment_decide(actor=organiser, course=course, enrolment_ids=[enrolment.pk], decision="admitted")

    assert error.value.code == "not_decidable"


# --- Admission notice ---------------------------------------------------------------------------------


def test_admission_notice_sent_in_chinese(organiser, teacher, django_capture_on_commit_callbacks):
    course = open_course(organiser, sessions=session_inputs(datetime.date(2026, 9, 1), count=2))

    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_create(actor=teacher, course=course)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["teacher@school.example.tw"]
    assert course.code in message.subject
    assert course.code in message.body
    assert course.title in message.body
    assert "民國 115 年 9 月 1 日" in message.body
    assert "民國 115 年 9 月 2 日" in message.body
    assert course.place in message.body
    assert "公假" in message.body
    assert "3.0" in message.body


def test_admission_notice_on_manual_admit(organiser, teacher, django_capture_on_commit_callbacks):
    course = open_course(organiser, admission_mode=AdmissionMode.MANUAL)
    enrolment = services.enrolment_create(actor=teacher, course=course)

    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_decide(actor=organiser, course=course, enrolment_ids=[enrolment.pk], decision="admitted")

    assert len(mail.outbox) == 1


def test_admission_notice_skipped_without_address(organiser, unit, django_capture_on_commit_callbacks):
    teacher = make_teacher(unit=unit, email="")
    course = open_course(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_create(actor=teacher, course=course)

    assert mail.outbox == []


def test_waitlisted_gets_no_notice(organiser, unit, django_capture_on_commit_callbacks):
    course = open_course(organiser, quota=1)
    services.enrolment_create(actor=make_teacher(unit=unit, email="a@school.example.tw"), course=course)

    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_create(actor=make_teacher(unit=unit, email="b@school.example.tw"), course=course)

    assert mail.outbox == []


def test_decide_other_unit_refused(organiser, other_organiser, teacher):
    course = open_course(organiser, admission_mode=AdmissionMode.MANUAL)
    enrolment = services.enrolment_create(actor=teacher, course=course)

    with pytest.raises(services.CourseError) as error:
        services.enrolment_decide(
            actor=other_organiser, course=course, enrolment_ids=[enrolment.pk], decision="admitted"
        )

    assert error.value.code == "not_in_scope"
    assert Enrolment.objects.get(pk=enrolment.pk).status == "applied"


def test_promoted_teacher_gets_notice(organiser, unit, django_capture_on_commit_callbacks):
    course = open_course(organiser, quota=1)
    first = make_teacher(unit=unit, email="first@school.example.tw")
    second = make_teacher(unit=unit, email="second@school.example.tw")
    first_enrolment = services.enrolment_create(actor=first, course=course)
    services.enrolment_create(actor=second, course=course)

    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_cancel(actor=first, enrolment=first_enrolment)

    assert [message.to for message in mail.outbox] == [["second@school.example.tw"]]
