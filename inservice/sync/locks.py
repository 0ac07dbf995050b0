"""The per-source lock that keeps two runs of one source from overlapping.

The run key (one scheduled run per source and night) stops a second
scheduler. This lock stops a manual run, a command or a redelivered task
while another run of the source is still working.

* ``database`` on PostgreSQL: a session-level advisory lock, plus a lock
  inside the process. It is released when the run ends, or by PostgreSQL
  when the worker's connection drops.
* ``database`` on SQLite: a lock inside this process only, enough for the
  single-process development server. NOTE: several worker processes on
  SQLite are not protected, so deploy with PostgreSQL or Redis.
* ``redis``: a Redis lock with a time-out that each batch renews, for
  workers on several hosts.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


class SourceBusy(Exception):
    """Another run of the source holds the lock."""


# Advisory lock keys are two 32-bit integers: this namespace, then the source.
ADVISORY_NAMESPACE = 0x53594E43  # "SYNC"

_process_locks: dict[str, threading.Lock] = {}
_process_locks_guard = threading.Lock()


def _advisory_key(source: str) -> int:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


class _Held:
    """A held lock; ``renew`` keeps a Redis lock alive during a long run."""

    def __init__(self, renew=None):
        self._renew = renew

    def renew(self) -> None:
        if self._renew is not None:
            self._renew()


@contextmanager
def _advisory_lock(source: str):
    # Advisory locks are re-entrant within one session, so the process lock
    # comes first to exclude a second run on the same connection.
    with _process_lock(source):
        with _advisory_lock_only(source) as held:
            yield held


@contextmanager
def _advisory_lock_only(source: str):
    key = _advisory_key(source)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [ADVISORY_NAMESPACE, key])
        acquired = cursor.fetchone()[0]
    if not acquired:
        raise SourceBusy(source)
    try:
        yield _Held()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_NAMESPACE, key])


@contextmanager
def _process_lock(source: str):
    with _process_locks_guard:
        lock = _process_locks.setdefault(source, threading.Lock())
    if not lock.acquire(blocking=False):
        raise SourceBusy(source)
    try:
        yield _Held()
    finally:
        lock.release()


@contextmanager
def _redis_lock(source: str):
    import redis

    client = redis.Redis.from_url(settings.SYNC_LOCK_REDIS_URL)
    lock = client.lock(
        f"{settings.SYNC_LOCK_PREFIX}{source}",
        timeout=settings.SYNC_LOCK_TIMEOUT,
        blocking=False,
    )
    if not lock.acquire():
        client.close()
        raise SourceBusy(source)
    try:
        yield _Held(renew=lock.reacquire)
    finally:
        try:
            lock.release()
        except redis.exceptions.LockError:
            # The lock expired during the run; another holder may own it now.
            logger.warning("The Redis lock of source %s expired before the run released it", source)
        finally:
            client.close()


def source_lock(source: str):
    """Hold the source's lock for the duration of a ``with`` block, or raise SourceBusy."""
    if settings.SYNC_LOCK_BACKEND == "redis":
        return _redis_lock(source)
    if connection.vendor == "postgresql":
        return _advisory_lock(source)
    return _process_lock(source)
