"""Benchmark of the nightly synchronisation on PostgreSQL, against a fake kindergarten source.

Run (it deletes every person, membership and sync run in that database first):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/inservice_sync \
        .venv/bin/python benchmarks/bench_sync.py --records 100000 --wipe

It measures three runs of the same service the nightly task calls: the first
full apply, an unchanged re-run, and a re-run with 2 % of the records changed
(moves, title changes, departures and newcomers). For reference it loads the
same rows with PostgreSQL's COPY into a temporary staging table in the same
process. Each result is records per second over the whole run (fetch over
HTTP on loopback, compare, apply).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from inservice.audit.models import AuditEvent  # noqa: E402
from inservice.organisations.models import SyncSource, Unit  # noqa: E402
from inservice.people.models import Membership, Person  # noqa: E402
from inservice.sync import services  # noqa: E402
from inservice.sync.adapters import adapter_for  # noqa: E402
from inservice.sync.fake_server import FakeSourceServer, generate_people  # noqa: E402
from inservice.sync.models import SourceRecord, SyncRun  # noqa: E402
from inservice.testing.factories import make_authority  # noqa: E402

UNITS = 2000
PAGE_SIZE = 5000


def wipe() -> None:
    SourceRecord.objects.all().delete()
    SyncRun.objects.all().delete()
    AuditEvent.objects.all().delete()
    Membership.objects.all().delete()
    Person.objects.all().delete()
    Unit.objects.filter(code__startswith="99").delete()


def make_units() -> list[str]:
    authority = make_authority()
    Unit.objects.bulk_create(
        [
            Unit(
                code=f"99{number:04d}",
                name=f"基準測試幼兒園{number}",
                authority=authority,
                county_code="99",
                county_name="測試縣",
                stages="KG",
                ownership=Unit.Ownership.PUBLIC,
                sync_source=SyncSource.KINDERGARTEN,
            )
            for number in range(UNITS)
        ]
    )
    return [f"99{number:04d}" for number in range(UNITS)]


def timed_run(label: str, records: int) -> dict:
    start = time.perf_counter()
    run = services.sync_run_start(source="kindergarten", trigger=SyncRun.Trigger.COMMAND)
    run = services.sync_run_execute(run_id=run.pk)
    seconds = time.perf_counter() - start
    fetch_plan = (run.planned_at - run.started_at).total_seconds()
    apply = (run.finished_at - run.planned_at).total_seconds()
    return {
        "label": label,
        "status": run.status,
        "seconds": seconds,
        "fetch_plan": fetch_plan,
        "apply": apply,
        "rate": records / seconds,
        "counts": services.run_counts(run),
    }


def copy_reference(records: list) -> dict:
    """Load the same rows with COPY into a temporary staging table and time only the COPY."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_sync_staging (identity_number text, name text, gender text, title text, "
            "unit_code text, employed boolean, pending boolean, changed_at timestamptz)"
        )
        raw = cursor.connection  # the psycopg 3 connection
        start = time.perf_counter()
        with raw.cursor() as copy_cursor:
            with copy_cursor.copy(
                "COPY bench_sync_staging (identity_number, name, gender, title, unit_code, employed, pending, "
                "changed_at) FROM STDIN"
            ) as copy:
                for record in records:
                    copy.write_row(
                        (
                            record.identity_number,
                            record.name,
                            record.gender,
                            record.title,
                            record.unit_code,
                            record.employed,
                            record.pending,
                            record.changed_at,
                        )
                    )
        seconds = time.perf_counter() - start
        cursor.execute("SELECT count(*) FROM bench_sync_staging")
        loaded = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_sync_staging")
    return {"label": "COPY into staging table", "seconds": seconds, "rate": loaded / seconds, "rows": loaded}


def change_share(people, unit_codes: list[str], share: float, first_new_index: int) -> None:
    """Change ``share`` of the records: equal parts moves, title changes, departures and newcomers."""
    changes = int(len(people) * share)
    quarter = changes // 4
    for offset in range(quarter):
        person = people[offset * 7]
        person.unit_code = unit_codes[(unit_codes.index(person.unit_code) + 1) % len(unit_codes)]
    for offset in range(quarter):
        person = people[offset * 7 + 3]
        person.title = "園長" if person.title != "園長" else "教保員"
    del people[-quarter:]
    people.extend(generate_people(changes - 3 * quarter, unit_codes, first_index=first_new_index, seed=77))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000, help="Records in the feed (default 100000).")
    parser.add_argument("--wipe", action="store_true", help="Required: delete the roster and runs in this database.")
    options = parser.parse_args()

    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    if not options.wipe:
        sys.exit("Add --wipe to confirm that the roster and sync runs in this database may be deleted.")

    call_command("migrate", verbosity=0)
    wipe()
    unit_codes = make_units()
    people = generate_people(options.records, unit_codes, seed=11)

    with FakeSourceServer("kindergarten", people, token="bench") as server:
        settings.SYNC_SOURCES = {**settings.SYNC_SOURCES, "kindergarten": server.settings_entry(page_size=PAGE_SIZE)}
        # Keep the feed's departures and moves under the guard in the changed run.
        results = [timed_run("first full apply", options.records)]
        results.append(timed_run("unchanged re-run", options.records))
        change_share(server.people, unit_codes, 0.02, first_new_index=options.records + 1_000_000)
        results.append(timed_run("re-run with 2 % changes", len(server.people)))
        feed = adapter_for("kindergarten").fetch()
        reference = copy_reference(feed.records)

    print(f"Sync benchmark: {options.records} records, {UNITS} units, batch {settings.SYNC_BATCH_SIZE}, "
          f"page {PAGE_SIZE}")
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, PostgreSQL {connection.pg_version}")
    print(f"{'run':<28} {'status':<10} {'seconds':>8} {'fetch+plan':>10} {'apply':>8} {'records/s':>10}")
    for result in results:
        print(
            f"{result['label']:<28} {result['status']:<10} {result['seconds']:>8.1f} {result['fetch_plan']:>10.1f} "
            f"{result['apply']:>8.1f} {result['rate']:>10.0f}"
        )
        print(f"    {result['counts']}")
    print(f"{reference['label']:<28} {'':<10} {reference['seconds']:>8.2f} {'':>10} {'':>8} {reference['rate']:>10.0f}")


if __name__ == "__main__":
    main()
