"""Time the MOE directory import: first import of the four files, then unchanged re-imports.

Run from the repository root (the database comes from DATABASE_URL, SQLite by default)::

    .venv/bin/python benchmarks/bench_import.py [DATA_DIR] [--reimports N]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/inservice .venv/bin/python benchmarks/bench_import.py

DATA_DIR defaults to the nearest ``shared/data`` directory above the repository. The script
creates a throw-away test database beside the configured one (``test_<name>`` as pytest does,
or a temporary file for SQLite), so the configured database is not touched, and drops it at
the end. Each unchanged re-import still writes nothing but reads every unit.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
FILES = (
    "moe_elementary_schools_114.csv",
    "moe_kindergartens_113.csv",
    "moe_senior_high_schools_c2020.csv",
    "moe_elementary_school_stats_114.csv",
)


def _default_data_dir() -> Path | None:
    for parent in REPOSITORY.parents:
        candidate = parent / "shared" / "data"
        if (candidate / FILES[0]).is_file():
            return candidate
    return None


def _import_all(paths: list[str]) -> tuple[float, float, int, list]:
    """Import ``paths``; return wall-clock seconds, this process's CPU seconds, rows and reports.

    CPU seconds exclude the database server's work on PostgreSQL but are steadier than wall
    time on a busy machine.
    """
    from inservice.organisations.services.directory import directory_import

    started, cpu_started = time.perf_counter(), time.process_time()
    reports = [directory_import(actor=None, path=path) for path in paths]
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return elapsed, cpu, sum(report.rows for report in reports), reports


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", type=Path, help="Folder with the four MOE CSV files.")
    parser.add_argument("--reimports", type=int, default=3, help="Unchanged re-imports to time (default 3).")
    arguments = parser.parse_args()

    data_dir = arguments.data_dir or _default_data_dir()
    if data_dir is None or not all((data_dir / name).is_file() for name in FILES):
        print(f"The MOE files {', '.join(FILES)} were not found; pass their folder as DATA_DIR.", file=sys.stderr)
        return 2
    paths = [str(data_dir / name) for name in FILES]

    sys.path.insert(0, str(REPOSITORY))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import logging

    import django

    django.setup()
    logging.getLogger("inservice.organisations.services.directory").setLevel(logging.WARNING)
    from django.db import connection

    from inservice.organisations.services.reference import reference_data_load

    if connection.vendor == "sqlite":
        # Django's SQLite test database lives in memory by default; time a file like the real one.
        scratch = Path(tempfile.mkdtemp()) / "bench_import.sqlite3"
        connection.settings_dict.setdefault("TEST", {})["NAME"] = str(scratch)
    test_database = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        reference_data_load(actor=None)
        first, first_cpu, rows, reports = _import_all(paths)
        unchanged, unchanged_cpu = [], []
        for _ in range(arguments.reimports):
            elapsed, cpu, _rows, again = _import_all(paths)
            assert sum(report.added + report.updated + report.deactivated for report in again) == 0
            unchanged.append(elapsed)
            unchanged_cpu.append(cpu)
    finally:
        connection.creation.destroy_test_db(test_database, verbosity=0)

    print(f"database: {connection.vendor}; files: {data_dir}")
    for report in reports:
        print(f"  {Path(report.path).name}: {report.rows} rows, {report.added} added, {report.updated} updated")
    print(f"first import:        {rows} rows in {first:.2f} s = {rows / first:,.0f} rows/s (CPU {first_cpu:.2f} s)")
    median, median_cpu = statistics.median(unchanged), statistics.median(unchanged_cpu)
    print(
        f"unchanged re-import: {rows} rows in {median:.2f} s = {rows / median:,.0f} rows/s "
        f"(CPU {median_cpu:.2f} s; median of {len(unchanged)})"
    )
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
