"""Shared start-up of the benchmark scripts: Django with a throw-away test database."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def start_django():
    """Configure Django, create a fresh test database and return a function that destroys it."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    # A name of its own, so a benchmark never drops the database a test run is using.
    if connection.vendor == "postgresql":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"test_{old_name}_bench"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)

    def stop():
        connection.creation.destroy_test_db(old_name, verbosity=0)

    return stop


def timed(function, *, runs: int) -> tuple[float, int]:
    """Run ``function`` ``runs`` times; return the median wall time in ms and the queries of the last run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    durations = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as context:
            started = time.perf_counter()
            function()
            durations.append((time.perf_counter() - started) * 1000)
        queries = len(context.captured_queries)
    return statistics.median(durations), queries


def database_label() -> str:
    from django.db import connection

    version = connection.Database.sqlite_version if connection.vendor == "sqlite" else connection.pg_version
    return f"{connection.vendor} {version}"
