"""Latency and query count of the statistics page for a large authority.

Builds one authority with 300 units and 20,000 teachers. Each teacher gets
up to eight courses of hours issued during the current school year. The
script then requests the statistics page as the authority, as one unit's
business account and as a system administrator. It prints the median
latency and the query count of each.

Run (PostgreSQL, the figures that matter):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/inservice_hours .venv/bin/python benchmarks/bench_statistics.py

Without DATABASE_URL it runs on SQLite. It creates and then drops its own
test database (test_<name>_bench on PostgreSQL); --units, --teachers and --runs change the size.
"""

from __future__ import annotations

import argparse
import datetime
import random
import time

from _setup import database_label, start_django, timed


def build(*, units: int, teachers: int, seed: int = 7) -> dict:
    from decimal import Decimal

    from django.utils import timezone

    from inservice.accounts.models import BusinessAccount, Role
    from inservice.core import identity, roc
    from inservice.courses.models import Course, CourseCategory, CourseState, CourseTag
    from inservice.hours.models import HourCorrection, HourRecord
    from inservice.hours.selectors import school_year_range
    from inservice.organisations.models import Unit
    from inservice.people.models import AccountStatus, Membership, Person, Title
    from inservice.testing import factories

    rng = random.Random(seed)
    authority = factories.make_authority(code="07", name="彰化縣政府教育處")
    unit_rows = Unit.objects.bulk_create(
        Unit(
            code=f"07{index:04d}",
            name=f"測試國小{index}",
            authority=authority,
            county_code="07",
            county_name="彰化縣",
            stages="KG,ES" if index % 10 == 0 else "ES",
            ownership=Unit.Ownership.PUBLIC,
        )
        for index in range(units)
    )
    manager = factories.make_business_account(unit=unit_rows[0], role=Role.CHIEF)
    owners = [manager] + [
        BusinessAccount(
            user=factories.make_user(f"owner{index}", kind="business"),
            unit=unit,
            role=Role.OPERATOR,
            status=BusinessAccount.Status.ACTIVE,
            name="承辦人",
            identity_encrypted=b"",
            identity_hash=f"bench-owner-{index}",
            identity_masked="",
            email=f"owner{index}@school.example.tw",
        )
        for index, unit in enumerate(unit_rows[1:], start=1)
    ][: units - 1]
    BusinessAccount.objects.bulk_create(owners[1:])
    owner_by_unit = {account.unit_id: account for account in BusinessAccount.objects.all()}

    categories = [CourseCategory.objects.create(code=f"c{i}", name=name) for i, name in enumerate(["教學專業", "特殊教育", "輔導知能", "資訊教育"])]
    tags = [
        CourseTag.objects.create(code="kg_professional", name="幼兒園教保專業知能"),
        CourseTag.objects.create(code="safety", name="安全教育"),
        CourseTag.objects.create(code="cpr", name="基本救命術訓練"),
    ]
    school_year = roc.school_year_of(timezone.localdate())
    year_start, _ = school_year_range(school_year)
    first_day = year_start.date()
    courses = Course.objects.bulk_create(
        Course(
            code=f"{index:07d}",
            title=f"研習{index}",
            unit=unit,
            owner=owner_by_unit[unit.pk],
            state=CourseState.CONFIRMED,
            category=categories[index % len(categories)],
            hours=Decimal(rng.choice([2, 3, 6])),
            start_date=first_day + datetime.timedelta(days=rng.randrange(120)),
        )
        for index, unit in enumerate(unit_rows * 2)
    )
    Course.tags.through.objects.bulk_create(
        Course.tags.through(course_id=course.pk, coursetag_id=tags[index % 3].pk)
        for index, course in enumerate(courses)
        if index % 4 == 0
    )

    people = []
    for index in range(teachers):
        body = f"A{1 + index % 2}{index:07d}"
        number = body + identity.compute_check_digit(body)
        person = Person(
            name=f"教師{index}",
            gender="F",
            account_status=AccountStatus.ACTIVE if index % 3 else AccountStatus.PENDING,
            identity_hash=identity.lookup_hash(number),
            identity_masked=identity.mask(number),
            identity_encrypted=b"",
        )
        people.append(person)
    Person.objects.bulk_create(people, batch_size=2000)
    kg_titles = [Title.KG_TEACHER, Title.EDUCARE]
    memberships = []
    for index, person in enumerate(people):
        unit = unit_rows[index % units]
        kindergarten = unit.stages.startswith("KG") and index % 4 == 0
        title = kg_titles[index % 2] if kindergarten else rng.choice([Title.QUALIFIED, Title.QUALIFIED, Title.SUBSTITUTE_LONG])
        memberships.append(Membership(person=person, unit=unit, title=title, start_date=datetime.date(2020, 8, 1)))
    Membership.objects.bulk_create(memberships, batch_size=2000)

    issued_by = manager.user
    records = []
    for person in people:
        for course in rng.sample(courses, rng.randrange(9)):
            records.append(
                HourRecord(
                    person=person,
                    course=course,
                    hours=course.hours,
                    issued_at=year_start + datetime.timedelta(days=rng.randrange(120), minutes=rng.randrange(1440)),
                    issued_by=issued_by,
                )
            )
    HourRecord.objects.bulk_create(records, batch_size=5000)
    corrected = HourRecord.objects.order_by("pk")[:: max(1, len(records) // 500)]
    HourCorrection.objects.bulk_create(
        HourCorrection(record=record, delta=Decimal(1), reason="補簽到", created_by=issued_by) for record in corrected
    )
    # Fresh tables have no planner statistics, while production tables get them from autovacuum.
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"authority": authority, "manager": manager, "records": len(records), "courses": len(courses)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--teachers", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=15)
    options = parser.parse_args()

    stop = start_django()
    try:
        from django.test import Client
        from django.urls import reverse

        from inservice.testing import factories

        started = time.perf_counter()
        data = build(units=options.units, teachers=options.teachers)
        print(
            f"database: {database_label()}; built {options.units} units, {options.teachers} teachers, "
            f"{data['courses']} courses, {data['records']} hour records in {time.perf_counter() - started:.1f} s"
        )
        actors = {
            "authority (300 units)": factories.make_authority_user(data["authority"], username="bench-authority"),
            "one unit (business account)": data["manager"].user,
            "nationwide (system admin)": factories.make_admin("bench-admin"),
        }
        url = reverse("statistics:index")
        for label, user in actors.items():
            client = Client()
            client.force_login(user)
            assert client.get(url).status_code == 200  # warm-up and sanity check
            median, queries = timed(lambda: client.get(url), runs=options.runs)
            print(f"{label}: median {median:.0f} ms over {options.runs} requests, {queries} queries")
    finally:
        stop()


if __name__ == "__main__":
    main()
