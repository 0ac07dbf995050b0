from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from inservice.audit.models import AuditEvent
from inservice.courses.models import CourseState
from inservice.hours import services
from inservice.hours.models import Attendance, AttendanceUpload
from inservice.testing import factories

from ..builders import csv_upload, make_course, xlsx_upload

pytestmark = pytest.mark.django_db


def _codes(upload):
    return [(row["row"], row["code"]) for row in upload.rows]


def test_check_reports_each_row(manager, course, unit):
    alice = factories.make_person(unit=unit)
    bob = factories.make_person(unit=unit)
    carol = factories.make_person(unit=unit)
    unknown = factories.make_identity_number()
    rows = [
        (alice.identity_number.lower(), "6"),
        (" " + bob.identity_number + " ", "1.5"),
        ("A123", "2"),
        ("", "2"),
        (alice.identity_number, "3"),
        (unknown, "2"),
        (carol.identity_number, "abc"),
        (carol.identity_number, "-1"),
    ]

    upload = services.attendance_upload_check(actor=manager.user, course=course, uploaded_file=csv_upload(rows))

    assert _codes(upload) == [
        (2, "accepted"),
        (3, "accepted"),
        (4, "identity_invalid"),
        (5, "identity_missing"),
        (6, "duplicate"),
        (7, "unknown_person"),
        (8, "hours_not_number"),
        (9, "duplicate"),
    ]
    assert upload.rows[4]["params"] == {"first_row": 2}
    assert (upload.accepted_count, upload.refused_count) == (2, 6)
    assert Attendance.objects.count() == 0


@pytest.mark.parametrize(
    ("hours", "code"),
    [("", "hours_missing"), ("x", "hours_not_number"), ("NaN", "hours_not_number"), ("-0.5", "hours_negative"),
     ("1.25", "hours_too_precise"), ("6.1", "hours_over_course"), ("6", "accepted"), ("0", "accepted")],
)
def test_check_hours_rules(manager, course, unit, hours, code):
    person = factories.make_person(unit=unit)

    upload = services.attendance_upload_check(
        actor=manager.user, course=course, uploaded_file=csv_upload([(person.identity_number, hours)])
    )

    assert upload.rows[0]["code"] == code


def test_check_never_stores_full_identity_number(manager, course, unit):
    person = factories.make_person(unit=unit)

    upload = services.attendance_upload_check(
        actor=manager.user, course=course, uploaded_file=csv_upload([(person.identity_number, "2")])
    )

    assert person.identity_number not in str(upload.rows)
    assert upload.rows[0]["id"] == person.identity_number[:6] + "****"


def test_check_reads_xlsx(manager, course, unit):
    person = factories.make_person(unit=unit)

    upload = services.attendance_upload_check(
        actor=manager.user, course=course, uploaded_file=xlsx_upload([(person.identity_number, 2.5)])
    )

    assert upload.rows[0]["code"] == "accepted"
    assert upload.rows[0]["hours"] == "2.5"


def test_check_rejects_file_before_parsing(manager, course):
    with pytest.raises(ValidationError):
        services.attendance_upload_check(
            actor=manager.user, course=course, uploaded_file=csv_upload([("A", "1")], name="list.xlsx")
        )

    assert AttendanceUpload.objects.count() == 0


@pytest.mark.parametrize("state", [CourseState.DRAFT, CourseState.OPEN, CourseState.CONFIRMED, CourseState.CANCELLED])
def test_check_refused_in_state(manager, state):
    course = make_course(owner=manager, state=state)

    with pytest.raises(services.HoursError) as error:
        services.attendance_upload_check(actor=manager.user, course=course, uploaded_file=csv_upload([("A", "1")]))

    assert error.value.code == "state"


def test_apply_replaces_list_and_audits(manager, course, unit):
    alice = factories.make_person(unit=unit)
    bob = factories.make_person(unit=unit)
    first = services.attendance_upload_check(
        actor=manager.user, course=course, uploaded_file=csv_upload([(alice.identity_number, "6")])
    )
    services.attendance_upload_apply(actor=manager.user, upload=first)
    second = services.attendance_upload_check(
        actor=manager.user, course=course, uploaded_file=csv_upload([(bob.identity_number, "4"), ("bad", "1")])
    )

    count = services.attendance_upload_apply(actor=manager.user, upload=second)

    assert count == 1
    assert list(Attendance.objects.values_list("person_id", "hours")) == [(bob.pk, Decimal("4.0"))]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == AttendanceUpload.Status.SUPERSEDED
    assert second.status == AttendanceUpload.Status.APPLIED
    assert AuditEvent.objects.filter(action="attendance.apply").count() == 2


def test_apply_twice_changes_nothing(manager, course, unit):
    person = factories.make_person(unit=unit)
    upload = services.attendance_upload_check(
        actor=manager.user, course=course, uploaded_file=csv_upload([(person.identity_number, "6")])
    )
    services.attendance_upload_apply(actor=manager.user, upload=upload)

    assert services.attendance_upload_apply(actor=manager.user, upload=upload) == 1
    assert Attendance.objects.count() == 1
    assert AuditEvent.objects.filter(action="attendance.apply").count() == 1


def test_apply_superseded_upload_refused(manager, course, unit):
    person = factories.make_person(unit=unit)
    first = services.attendance_upload_check(
        actor=manager.user, course=course, uploaded_file=csv_upload([(person.identity_number, "6")])
    )
    services.attendance_upload_apply(actor=manager.user, upload=first)
    second = services.attendance_upload_check(
        actor=manager.user, course=course, uploaded_file=csv_upload([(person.identity_number, "5")])
    )
    services.attendance_upload_apply(actor=manager.user, upload=second)
    first.status = AttendanceUpload.Status.SUPERSEDED  # what the second apply wrote

    with pytest.raises(services.HoursError) as error:
        services.attendance_upload_apply(actor=manager.user, upload=first)

    assert error.value.code == "superseded"


def test_apply_after_confirmation_refused(manager, course, unit):
    person = factories.make_person(unit=unit)
    upload = services.attendance_upload_check(
        actor=manager.user, course=course, uploaded_file=csv_upload([(person.identity_number, "6")])
    )
    course.state = CourseState.CONFIRMED
    course.save()

    with pytest.raises(services.HoursError) as error:
        services.attendance_upload_apply(actor=manager.user, upload=upload)

    assert error.value.code == "state"
    assert Attendance.objects.count() == 0
