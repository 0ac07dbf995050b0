"""Parallel requests on PostgreSQL: each thread has its own database connection.

The thread count stays well below PostgreSQL's default 100 connections, which
other test databases on the same server share.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from inservice.courses import services
from inservice.courses.models import CourseState, Enrolment, EnrolmentStatus
from inservice.courses.tests.conftest import course_input, make_course, make_teacher, session_inputs

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

THREADS = 20


def run_in_parallel(tasks, threads: int = THREADS) -> tuple[list, list]:
    """Run ``tasks`` (callables) on ``threads`` threads released together; return results and errors."""
    results, errors = [], []
    lock = threading.Lock()
    barrier = threading.Barrier(threads)
    slices = [tasks[index::threads] for index in range(threads)]

    def worker(my_tasks):
        try:
            barrier.wait(timeout=30)
            for task in my_tasks:
                try:
                    outcome = task()
                except Exception as error:  # noqa: BLE001 - collected and asserted on by the test
                    with lock:
                        errors.append(error)
                else:
                    with lock:
                        results.append(outcome)
        finally:
            connection.close()

    workers = [threading.Thread(target=worker, args=(part,)) for part in slices]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=120)
    return results, errors


def test_parallel_enrolments_never_overbook(organiser, unit):
    course = make_course(organiser=organiser, state=CourseState.OPEN, quota=30)
    teachers = [make_teacher(unit=unit) for _ in range(200)]

    tasks = [lambda user=user: services.enrolment_create(actor=user, course=course).status for user in teachers]
    results, errors = run_in_parallel(tasks)

    assert errors == []
    counts = Counter(Enrolment.objects.filter(course=course).values_list("status", flat=True))
    assert counts[EnrolmentStatus.ADMITTED] == 30
    assert counts[EnrolmentStatus.ADMITTED] + counts[EnrolmentStatus.WAITLISTED] + counts[EnrolmentStatus.REFUSED] == 200
    assert Counter(results)[EnrolmentStatus.ADMITTED] == 30


def test_waiting_list_order_follows_admission(organiser, unit):
    course = make_course(organiser=organiser, state=CourseState.OPEN, quota=5)
    teachers = [make_teacher(unit=unit) for _ in range(40)]

    run_in_parallel([lambda user=user: services.enrolment_create(actor=user, course=course) for user in teachers])

    rows = list(Enrolment.objects.filter(course=course).order_by("queued_at", "pk").values_list("status", flat=True))
    assert rows[:5] == [EnrolmentStatus.ADMITTED] * 5
    assert set(rows[5:]) == {EnrolmentStatus.WAITLISTED}


def test_double_submit_makes_one_row(organiser, unit):
    course = make_course(organiser=organiser, state=CourseState.OPEN, quota=30)
    teachers = [make_teacher(unit=unit) for _ in range(10)]

    # Each teacher's request arrives four times at once.
    tasks = [lambda user=user: services.enrolment_create(actor=user, course=course).pk for user in teachers for _ in range(4)]
    results, errors = run_in_parallel(tasks)

    assert errors == []
    assert Enrolment.objects.filter(course=course).count() == 10
    assert len(set(results)) == 10


def test_parallel_cancel_fills_each_place_once(organiser, unit):
    course = make_course(organiser=organiser, state=CourseState.OPEN, quota=10)
    teachers = [make_teacher(unit=unit) for _ in range(30)]
    enrolments = [services.enrolment_create(actor=user, course=course) for user in teachers]

    tasks = [
        lambda user=user, enrolment=enrolment: services.enrolment_cancel(actor=user, enrolment=enrolment)
        for user, enrolment in zip(teachers[:10], enrolments[:10])
    ]
    _, errors = run_in_parallel(tasks, threads=10)

    assert errors == []
    counts = Counter(Enrolment.objects.filter(course=course).values_list("status", flat=True))
    assert counts == {"cancelled": 10, "admitted": 10, "waitlisted": 10}
    promoted = Enrolment.objects.filter(course=course, status="admitted").values_list("pk", flat=True)
    assert set(promoted) == {item.pk for item in enrolments[10:20]}


def test_parallel_registrations_get_unique_codes(organiser):
    tasks = [
        lambda: services.course_create(actor=organiser, data=course_input(), sessions=session_inputs()).code
        for _ in range(60)
    ]
    codes, errors = run_in_parallel(tasks)

    assert errors == []
    assert len(codes) == 60
    assert len(set(codes)) == 60
    numbers = sorted(int(code) for code in codes)
    assert numbers == list(range(numbers[0], numbers[0] + 60))


def test_parallel_confirmation_happens_once(organiser):
    course = make_course(organiser=organiser, state=CourseState.FINISHED)

    tasks = [lambda: services.course_mark_confirmed(actor=organiser, course=course).state for _ in range(2)]
    results, errors = run_in_parallel(tasks, threads=2)

    assert results == [CourseState.CONFIRMED]
    assert [error.code for error in errors] == ["illegal_transition"]
