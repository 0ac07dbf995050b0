"""Time checking and applying a 5,000-row attendance list.

Creates 5,000 teachers and one finished course, writes the list as CSV and
as XLSX, then times ``attendance_upload_check`` (read, validate, store the
report) and ``attendance_upload_apply`` (replace the course's list), printing
the median and the query count of each.

Run (PostgreSQL):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/inservice_hours .venv/bin/python benchmarks/bench_attendance.py

Without DATABASE_URL it runs on SQLite; --rows and --runs change the size.
"""

from __future__ import annotations

import argparse

from _setup import database_label, start_django, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()

    stop = start_django()
    try:
        import datetime
        from decimal import Decimal

        from django.core.files.uploadedfile import SimpleUploadedFile

        from inservice.core import identity
        from inservice.hours import services
        from inservice.hours.tests.builders import csv_upload, make_course, xlsx_bytes
        from inservice.people.models import Membership, Person, Title
        from inservice.testing import factories

        unit = factories.make_unit()
        manager = factories.make_business_account(unit=unit)
        course = make_course(owner=manager, hours=Decimal(6))
        numbers = []
        people = []
        for index in range(options.rows):
            body = f"B{1 + index % 2}{index:07d}"
            number = body + identity.compute_check_digit(body)
            numbers.append(number)
            people.append(
                Person(
                    name=f"教師{index}",
                    gender="F",
                    identity_hash=identity.lookup_hash(number),
                    identity_masked=identity.mask(number),
                    identity_encrypted=b"",
                )
            )
        Person.objects.bulk_create(people, batch_size=2000)
        Membership.objects.bulk_create(
            Membership(person=person, unit=unit, title=Title.QUALIFIED, start_date=datetime.date(2020, 8, 1))
            for person in people
        )
        rows = [(number, "6") for number in numbers]
        xlsx = xlsx_bytes(rows)
        print(f"database: {database_label()}; {options.rows} rows")

        for label, make_file in {
            "CSV": lambda: csv_upload(rows),
            "XLSX": lambda: SimpleUploadedFile("list.xlsx", xlsx),
        }.items():
            uploads = []

            def check():
                uploads.append(services.attendance_upload_check(actor=manager.user, course=course, uploaded_file=make_file()))

            median, queries = timed(check, runs=options.runs)
            print(f"check {label}: median {median:.0f} ms, {queries} queries, {uploads[-1].accepted_count} accepted")

        pending = list(uploads)

        def apply():
            services.attendance_upload_apply(actor=manager.user, upload=pending.pop())

        median, queries = timed(apply, runs=min(options.runs, len(pending)))
        print(f"apply: median {median:.0f} ms, {queries} queries")
    finally:
        stop()


if __name__ == "__main__":
    main()
