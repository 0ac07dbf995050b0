import threading
from decimal import Decimal

import pytest
from django.db import connection

from inservice.audit.models import AuditEvent
from inservice.courses.models import CourseState
from inservice.hours import services
from inservice.hours.models import HourRecord
from inservice.testing import factories

from ..builders import csv_upload, make_course


def _course_with_list(manager, unit, count=3):
    course = make_course(owner=manager)
    people = [factories.make_person(unit=unit) for _ in range(count)]
    upload = services.attendance_upload_check(
        actor=manager.user, course=course, uploaded_file=csv_upload([(p.identity_number, "6") for p in people])
    )
    services.attendance_upload_apply(actor=manager.user, upload=upload)
    return course, people


@pytest.mark.django_db
def test_confirm_issues_hours_once(manager, unit):
    course, people = _course_with_list(manager, unit)

    assert services.course_list_confirm(actor=manager.user, course=course) == 3

    course.refresh_from_db()
    assert course.state == CourseState.CONFIRMED
    assert sorted(HourRecord.objects.values_list("person_id", flat=True)) == sorted(p.pk for p in people)
    assert set(HourRecord.objects.values_list("hours", flat=True)) == {Decimal("6.0")}
    assert AuditEvent.objects.filter(action="course.confirm_list", target_id=str(course.pk)).count() == 1


@pytest.mark.django_db
def test_confirm_retried_adds_nothing(manager, unit):
    course, _ = _course_with_list(manager, unit)
    services.course_list_confirm(actor=manager.user, course=course)

    assert services.course_list_confirm(actor=manager.user, course=course) == 3
    assert HourRecord.objects.count() == 3
    assert AuditEvent.objects.filter(action="course.confirm_list").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("state", [CourseState.OPEN, CourseState.CLOSED, CourseState.CANCELLED])
def test_confirm_refused_before_finish(manager, state):
    course = make_course(owner=manager, state=state)

    with pytest.raises(services.HoursError) as error:
        services.course_list_confirm(actor=manager.user, course=course)

    assert error.value.code == "state"


@pytest.mark.django_db
def test_confirm_without_list_refused(manager, course):
    with pytest.raises(services.HoursError) as error:
        services.course_list_confirm(actor=manager.user, course=course)

    assert error.value.code == "empty"
    course.refresh_from_db()
    assert course.state == CourseState.FINISHED


@pytest.mark.django_db
def test_unique_constraint_blocks_second_record(manager, unit):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    course, people = _course_with_list(manager, unit, count=1)
    services.course_list_confirm(actor=manager.user, course=course)

    with pytest.raises(IntegrityError), transaction.atomic():
        HourRecord.objects.create(
            person=people[0], course=course, hours=1, issued_at=timezone.now(), issued_by=manager.user
        )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_confirms_issue_once(manager, unit):
    course, _ = _course_with_list(manager, unit, count=5)
    second_manager = factories.make_business_account(unit=unit)
    actors = [manager.user, second_manager.user] * 4
    barrier = threading.Barrier(len(actors))
    results, errors = [], []

    def confirm(actor):
        try:
            barrier.wait()
            results.append(services.course_list_confirm(actor=actor, course=course))
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert results == [5] * len(actors)
    assert HourRecord.objects.filter(course=course).count() == 5
    assert AuditEvent.objects.filter(action="course.confirm_list").count() == 1
