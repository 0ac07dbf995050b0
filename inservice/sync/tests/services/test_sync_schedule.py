"""The run key, the per-source lock and the nightly schedule in Asia/Taipei."""

import datetime
import threading
import uuid

import pytest
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.db import connection, connections

from config.celery import app as celery_app
from inservice.people.models import Membership
from inservice.sync import locks, services
from inservice.sync.models import SyncRun

UTC = datetime.timezone.utc


def utc(*args):
    return datetime.datetime(*args, tzinfo=UTC)


# --- Nights and the schedule ----------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "night"),
    [
        (utc(2026, 12, 4, 18, 0), datetime.date(2026, 12, 4)),  # 02:00 Taipei on the 5th
        (utc(2026, 12, 4, 15, 30), datetime.date(2026, 12, 4)),  # 23:30 Taipei on the 4th
        (utc(2026, 12, 5, 3, 59), datetime.date(2026, 12, 4)),  # 11:59 Taipei on the 5th
        (utc(2026, 12, 5, 4, 0), datetime.date(2026, 12, 5)),  # noon Taipei on the 5th
        (utc(2026, 12, 31, 18, 0), datetime.date(2026, 12, 31)),  # 02:00 Taipei on New Year's Day
    ],
)
def test_night_of_in_taipei(moment, night):
    assert services.night_of(moment) == night


def _probe(entry, now):
    configured = entry["schedule"]
    return crontab(
        minute=configured._orig_minute, hour=configured._orig_hour, nowfun=lambda: now, app=celery_app
    )


def test_schedule_declares_every_source():
    entries = {name: entry for name, entry in django_settings.CELERY_BEAT_SCHEDULE.items() if name.startswith("sync-")}

    assert set(entries) == {f"sync-{source}" for source in django_settings.SYNC_SOURCES}
    assert all(entry["task"] == "inservice.sync.tasks.sync_scheduled_run" for entry in entries.values())
    assert celery_app.conf.timezone == "Asia/Taipei"


def test_nightly_run_due_at_1800_utc():
    entry = django_settings.CELERY_BEAT_SCHEDULE["sync-kindergarten"]
    last_run = utc(2026, 12, 3, 18, 0)

    before = _probe(entry, utc(2026, 12, 4, 17, 59, 30)).is_due(last_run)
    at = _probe(entry, utc(2026, 12, 4, 18, 0, 5)).is_due(last_run)

    assert before.is_due is False
    assert 0 < before.next <= 30
    assert at.is_due is True


def test_nightly_run_not_due_at_0200_utc():
    entry = django_settings.CELERY_BEAT_SCHEDULE["sync-kindergarten"]

    result = _probe(entry, utc(2026, 12, 5, 2, 0, 5)).is_due(utc(2026, 12, 4, 18, 0))

    assert result.is_due is False
    assert result.next == pytest.approx(16 * 3600 - 5, abs=2)


# --- The run key -----------------------------------------------------------------------


@pytest.mark.django_db
def test_second_scheduler_same_night_does_nothing(kindergarten_feed):
    first = services.sync_scheduled(source="kindergarten", now=utc(2026, 12, 4, 18, 0))
    requests = kindergarten_feed.requests

    second = services.sync_scheduled(source="kindergarten", now=utc(2026, 12, 4, 18, 0, 40))

    assert second.pk == first.pk
    assert kindergarten_feed.requests == requests
    assert SyncRun.objects.filter(trigger="schedule").count() == 1


@pytest.mark.django_db
def test_next_night_runs_again(kindergarten_feed):
    services.sync_scheduled(source="kindergarten", now=utc(2026, 12, 4, 18, 0))

    next_night = services.sync_scheduled(source="kindergarten", now=utc(2026, 12, 5, 18, 0))

    assert next_night.night == datetime.date(2026, 12, 5)
    assert next_night.unchanged == 60


@pytest.mark.django_db
def test_run_key_unique_in_database(kindergarten_feed):
    services.sync_run_start(source="kindergarten", trigger="schedule", night=datetime.date(2026, 12, 4))

    with pytest.raises(services.SyncError) as raised:
        services.sync_run_start(source="kindergarten", trigger="schedule", night=datetime.date(2026, 12, 4))

    assert raised.value.code == "already_ran"


@pytest.mark.django_db
def test_scheduled_run_resumes_same_night(kindergarten_feed, settings):
    settings.SYNC_BATCH_SIZE = 20
    run = services.sync_run_start(source="kindergarten", trigger="schedule", night=datetime.date(2026, 12, 4))
    services.sync_run_execute(run_id=run.pk, max_batches=1)

    resumed = services.sync_scheduled(source="kindergarten", now=utc(2026, 12, 4, 18, 5))

    assert resumed.pk == run.pk
    assert resumed.status == SyncRun.Status.SUCCEEDED
    assert resumed.created == 60


# --- The lock ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_manual_run_while_source_locked_fails_busy(kindergarten_feed, settings):
    settings.SYNC_LOCK_BACKEND = "database"
    run = services.sync_run_start(source="kindergarten", trigger="manual")

    with locks.source_lock("kindergarten"):
        busy = services.sync_run_execute(run_id=run.pk)

    assert busy.status == SyncRun.Status.FAILED
    assert busy.error_code == "busy"
    assert kindergarten_feed.requests == 0


@pytest.mark.django_db
def test_started_run_left_alone_while_locked(kindergarten_feed, settings):
    settings.SYNC_BATCH_SIZE = 20
    run = services.sync_run_start(source="kindergarten", trigger="schedule", night=datetime.date(2026, 12, 4))
    services.sync_run_execute(run_id=run.pk, max_batches=1)

    with locks.source_lock("kindergarten"):
        again = services.sync_scheduled(source="kindergarten", now=utc(2026, 12, 4, 18, 1))

    assert again.status == SyncRun.Status.RUNNING
    assert again.applied == 20


@pytest.mark.django_db
def test_lock_free_after_run(kindergarten_feed):
    run = services.sync_run_start(source="kindergarten", trigger="manual")
    services.sync_run_execute(run_id=run.pk)

    with locks.source_lock("kindergarten") as held:
        assert held is not None


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_advisory_lock_held_by_other_connection(kindergarten_feed, settings):
    settings.SYNC_LOCK_BACKEND = "database"
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT pg_try_advisory_lock(%s, %s)",
                [locks.ADVISORY_NAMESPACE, locks._advisory_key("kindergarten")],
            )
            assert cursor.fetchone()[0] is True
        run = services.sync_run_start(source="kindergarten", trigger="manual")
        assert services.sync_run_execute(run_id=run.pk).error_code == "busy"
    finally:
        other.close()

    # Closing the holder's session released the lock.
    run = services.sync_run_start(source="kindergarten", trigger="manual")
    assert services.sync_run_execute(run_id=run.pk).status == SyncRun.Status.SUCCEEDED


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_run_once(kindergarten_feed, settings):
    settings.SYNC_LOCK_BACKEND = "database"
    results = []
    barrier = threading.Barrier(2)

    def scheduler():
        try:
            barrier.wait()
            results.append(services.sync_scheduled(source="kindergarten", now=utc(2026, 12, 4, 18, 0)))
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert SyncRun.objects.filter(trigger="schedule").count() == 1
    assert Membership.objects.filter(source="kindergarten").count() == 60
    assert SyncRun.objects.get().created == 60


def _redis_or_skip(url):
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {url}")
    return client


@pytest.fixture
def redis_lock_settings(settings):
    settings.SYNC_LOCK_BACKEND = "redis"
    settings.SYNC_LOCK_PREFIX = f"inservice-test:{uuid.uuid4().hex}:"
    client = _redis_or_skip(settings.SYNC_LOCK_REDIS_URL)
    yield client
    for key in client.scan_iter(f"{settings.SYNC_LOCK_PREFIX}*"):
        client.delete(key)
    client.close()


@pytest.mark.django_db
def test_redis_lock_held_elsewhere_fails_busy(kindergarten_feed, redis_lock_settings, settings):
    redis_lock_settings.set(f"{settings.SYNC_LOCK_PREFIX}kindergarten", b"other-worker", ex=60)
    run = services.sync_run_start(source="kindergarten", trigger="manual")

    busy = services.sync_run_execute(run_id=run.pk)

    assert busy.error_code == "busy"
    assert kindergarten_feed.requests == 0


@pytest.mark.django_db
def test_redis_lock_taken_and_released(kindergarten_feed, redis_lock_settings, settings):
    key = f"{settings.SYNC_LOCK_PREFIX}kindergarten"
    seen = {}
    real_renew = locks._Held.renew

    def spy(self):
        seen["ttl"] = redis_lock_settings.ttl(key)
        real_renew(self)

    locks._Held.renew = spy
    try:
        run = services.sync_run_start(source="kindergarten", trigger="manual")
        done = services.sync_run_execute(run_id=run.pk)
    finally:
        locks._Held.renew = real_renew

    assert done.status == SyncRun.Status.SUCCEEDED
    assert 0 < seen["ttl"] <= settings.SYNC_LOCK_TIMEOUT
    assert redis_lock_settings.exists(key) == 0


@pytest.mark.django_db
def test_redis_lock_excludes_second_holder(redis_lock_settings):
    with locks.source_lock("taipei"):
        with pytest.raises(locks.SourceBusy):
            with locks.source_lock("taipei"):
                pass
    with locks.source_lock("taipei"):
        pass


@pytest.mark.django_db
def test_beat_task_runs_tonight(kindergarten_feed):
    from django.utils import timezone

    from inservice.sync.tasks import sync_scheduled_run

    run_id = sync_scheduled_run.delay("kindergarten").get()

    run = SyncRun.objects.get(pk=run_id)
    assert run.trigger == SyncRun.Trigger.SCHEDULE
    assert run.night == services.night_of(timezone.now())
    assert run.created == 60
