"""Time and peak memory of 資料下載 (XLSX and CSV) for one unit of 5,000 people.

SQLite (a throw-away test database):

    .venv/bin/python benchmarks/bench_download.py

PostgreSQL (creates test_<database name>_bench, drops it at the end):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/inservice_maint .venv/bin/python benchmarks/bench_download.py

Options: ``--people`` (default 5000) and ``--runs`` per format (default 3).
Each download goes through the view with Django's test client and the
whole body is read and discarded, as a browser would save it. The script
prints the median time, the size of the file and the SQL queries of one
download. It also prints the peak of memory that Python allocated during
one download, measured with tracemalloc in a separate run so that tracing
does not slow the timed runs.
"""

from __future__ import annotations

import argparse
import datetime
import tracemalloc

from _setup import database_label, start_django, timed

SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐周葉蘇莊呂江何蕭羅高"
GIVEN = "志明淑芬怡君家豪雅婷建宏美玲俊傑佳穎宗翰欣怡承恩"


def build_unit(people: int):
    """Create one unit with ``people`` on its roster (two subjects each) and return its chief administrator."""
    from inservice.accounts.models import Role
    from inservice.organisations.models import Stage
    from inservice.people.models import Membership, Person, PersonSubject, Subject, SubjectCategory
    from inservice.testing import factories

    unit = factories.make_unit(code="074601", name="彰化縣立測試國小")
    category = SubjectCategory.objects.create(code="ES-BENCH", name="國小語文", stage=Stage.ELEMENTARY)
    subjects = [
        Subject.objects.create(code=f"ES-BENCH-{number}", category=category, name=f"科目{number}", sort_order=number)
        for number in range(12)
    ]

    batch = []
    for number in range(people):
        person = Person(
            name=SURNAMES[number % len(SURNAMES)] + GIVEN[(number * 7) % len(GIVEN)] + GIVEN[(number * 3) % len(GIVEN)],
            gender="F" if number % 3 else "M",
            email=f"teacher{number}@school.example.tw",
        )
        person.set_identity_number(factories.make_identity_number())
        batch.append(person)
    Person.objects.bulk_create(batch, batch_size=1000)
    people_ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    Membership.objects.bulk_create(
        (
            Membership(
                person_id=person_id,
                unit=unit,
                title="合格專任教師",
                start_date=datetime.date(2024, 8, 1),
                position_note="0912345678" if index % 50 == 0 else "",
            )
            for index, person_id in enumerate(people_ids)
        ),
        batch_size=1000,
    )
    PersonSubject.objects.bulk_create(
        (
            PersonSubject(person_id=person_id, subject=subjects[(index + offset * 5) % 12], position=offset + 1)
            for index, person_id in enumerate(people_ids)
            for offset in (0, 1)
        ),
        batch_size=2000,
    )
    return factories.make_business_account(unit=unit, role=Role.CHIEF, username="bench-chief").user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000, help="people on the unit's roster")
    parser.add_argument("--runs", type=int, default=3, help="timed downloads per format")
    options = parser.parse_args()

    stop = start_django()
    try:
        from django.test import Client
        from django.urls import reverse

        chief = build_unit(options.people)
        client = Client()
        client.force_login(chief)

        print(f"{database_label()}: {options.people} people, median of {options.runs} downloads")
        print(f"{'format':<8}{'median ms':>11}{'size KiB':>10}{'queries':>9}{'peak MiB':>10}")
        for file_format in ("xlsx", "csv"):
            url = reverse("people:roster_download", args=[file_format])
            size = 0

            def download():
                nonlocal size
                response = client.get(url)
                assert response.status_code == 200, response.status_code
                size = sum(len(block) for block in response.streaming_content)

            download()  # warm up templates, translations and the query plan
            median, queries = timed(download, runs=options.runs)

            tracemalloc.start()
            download()
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"{file_format:<8}{median:>11.0f}{size / 1024:>10.0f}{queries:>9}{peak / 2**20:>10.1f}")
    finally:
        stop()


if __name__ == "__main__":
    main()
