"""Time the 本單位教師帳號管理 list page for one unit of 300 people.

SQLite (an in-memory test database):

    .venv/bin/python benchmarks/bench_roster_list.py

PostgreSQL (creates test_<database name>, drops it at the end):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/inservice_roster .venv/bin/python benchmarks/bench_roster_list.py

Options: ``--people`` (default 300) and ``--requests`` per case (default 50).
For each case the script prints the median and 95th-percentile latency and
the number of SQL queries one request runs. A request goes through Django's
test client, so the time includes middleware, session and template rendering
but no network.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from inservice.accounts.models import Role  # noqa: E402
from inservice.organisations.models import Stage  # noqa: E402
from inservice.people.models import AccountStatus, Category, PersonSubject, Subject, SubjectCategory  # noqa: E402
from inservice.testing import factories  # noqa: E402

SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐周葉蘇莊呂江何蕭羅高"
GIVEN = "志明淑芬怡君家豪雅婷建宏美玲俊傑佳穎宗翰欣怡承恩"


def build_unit(people: int):
    """Create one unit with ``people`` on its roster (two subjects each) and its chief administrator."""
    unit = factories.make_unit(code="074601", name="彰化縣立測試國小")
    category = SubjectCategory.objects.create(code="ES-BENCH", name="國小語文", stage=Stage.ELEMENTARY)
    subjects = [
        Subject.objects.create(code=f"ES-BENCH-{number}", category=category, name=f"科目{number}", sort_order=number)
        for number in range(12)
    ]

    for number in range(people):
        name = SURNAMES[number % len(SURNAMES)] + GIVEN[(number * 7) % len(GIVEN)] + GIVEN[(number * 3) % len(GIVEN)]
        status = [AccountStatus.PENDING, AccountStatus.ACTIVE, AccountStatus.ACTIVE, AccountStatus.DISABLED][number % 4]
        person = factories.make_person(
            unit=unit,
            name=name,
            email=f"teacher{number}@school.example.tw",
            account_status=status,
            category=Category.STAFF if number % 10 == 0 else Category.TEACHER,
        )
        if status != AccountStatus.PENDING:
            person.user = factories.make_user(f"teacher{number:04d}")
            person.save(update_fields=["user"])
        PersonSubject.objects.create(person=person, subject=subjects[number % 12], position=1)
        PersonSubject.objects.create(person=person, subject=subjects[(number + 5) % 12], position=2)

    chief = factories.make_business_account(unit=unit, role=Role.CHIEF, username="bench-chief").user
    return chief, subjects


def measure(client: Client, url: str, params: dict, requests: int) -> tuple[float, float, int]:
    """Return the median and 95th-percentile latency in milliseconds and the query count."""
    client.get(url, params)  # warm caches (templates, translations) before timing

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    # Read the count now: every later request empties the connection's query log.
    query_count = len(queries)

    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        client.get(url, params)
        timings.append((time.perf_counter() - start) * 1000)

    percentile_95 = statistics.quantiles(timings, n=20)[-1]
    return statistics.median(timings), percentile_95, query_count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=300, help="people on the unit's roster")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per case")
    options = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        chief, subjects = build_unit(options.people)
        client = Client()
        client.force_login(chief)
        url = reverse("people:roster")
        cases = [
            ("page size 10", {"per_page": 10}),
            ("page size 100", {"per_page": 100}),
            ("page size 100, page 3", {"per_page": 100, "page": 3}),
            ("page size 100, 2 subjects", {"per_page": 100, "subjects": [subjects[0].pk, subjects[1].pk]}),
            ("page size 10, name search", {"per_page": 10, "q": "志"}),
        ]

        print(f"{connection.vendor}: {options.people} people, {options.requests} requests per case")
        print(f"{'case':<28}{'median ms':>10}{'p95 ms':>10}{'queries':>9}")
        for label, params in cases:
            median, percentile_95, query_count = measure(client, url, params, options.requests)
            print(f"{label:<28}{median:>10.1f}{percentile_95:>10.1f}{query_count:>9}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
