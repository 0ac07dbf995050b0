"""Feed faults, the mass-change guard, alerts, and resuming an interrupted run."""

import datetime

import pytest
from django.core import mail

from inservice.people.models import Membership, Person
from inservice.sync import applying, services
from inservice.sync.models import SourceRecord, SyncRecord, SyncRun
from inservice.testing.factories import make_admin

pytestmark = pytest.mark.django_db


def run_once(source="kindergarten"):
    run = services.sync_run_start(source=source, trigger=SyncRun.Trigger.COMMAND)
    return services.sync_run_execute(run_id=run.pk)


def roster_state():
    return sorted(
        Membership.objects.values_list(
            "person__identity_hash", "unit__code", "title", "start_date", "end_date", "end_reason", "source"
        )
    )


@pytest.fixture
def admin_with_email(db):
    admin = make_admin("syncadmin")
    admin.email = "ops@inservice.example.tw"
    admin.save()
    return admin


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ("empty", "empty"),
        ("truncated", "truncated"),
        ("cut", "truncated"),
        ("unparseable", "unparseable"),
        ("unreachable", "unreachable"),
        ("server_error", "http_status"),
    ],
)
def test_feed_fault_fails_run_and_alerts(kindergarten_feed, admin_with_email, django_capture_on_commit_callbacks, fault, code):
    run_once()
    before = roster_state()
    if fault == "unreachable":
        kindergarten_feed.stop()
    else:
        kindergarten_feed.fault = fault

    with django_capture_on_commit_callbacks(execute=True):
        run = run_once()

    assert run.status == SyncRun.Status.FAILED
    assert run.error_code == code
    assert roster_state() == before
    assert run.ended == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@inservice.example.tw"]
    assert f"/sync/runs/{run.pk}/" in mail.outbox[0].body


def test_slow_feed_times_out(kindergarten_feed, settings):
    kindergarten_feed.fault = "slow"
    kindergarten_feed.delay = 1.0
    settings.SYNC_SOURCES["kindergarten"]["timeout"] = 0.3

    run = run_once()

    assert run.status == SyncRun.Status.FAILED
    assert run.error_code == "timeout"
    assert Person.objects.count() == 0


def test_slow_feed_within_timeout_succeeds(kindergarten_feed):
    kindergarten_feed.fault = "slow"
    kindergarten_feed.delay = 0.2

    run = run_once()

    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.created == 60


def test_wrong_token_fails_as_unauthorised(kindergarten_feed, settings):
    settings.SYNC_SOURCES["kindergarten"]["token"] = "wrong"

    run = run_once()

    assert run.status == SyncRun.Status.FAILED
    assert run.error_code == "unauthorised"


def test_plain_http_refused_outside_loopback(kindergarten_feed, settings):
    settings.SYNC_SOURCES["kindergarten"]["url"] = "http://feeds.example.tw"

    run = run_once()

    assert run.error_code == "insecure"
    assert kindergarten_feed.requests == 0


def test_mass_ending_is_held_and_alerts(kindergarten_feed, admin_with_email, django_capture_on_commit_callbacks):
    run_once()
    del kindergarten_feed.people[:4]  # 4 of 60 is 6.7 %, above the 5 % guard
    before = roster_state()

    with django_capture_on_commit_callbacks(execute=True):
        run = run_once()

    assert run.status == SyncRun.Status.HELD
    assert run.error_code == "mass_change"
    assert run.planned_ends == 4
    assert roster_state() == before
    assert len(mail.outbox) == 1
    assert SyncRecord.objects.filter(run=run, state="planned", planned_action="end").count() == 4


def test_ending_at_the_limit_is_applied(kindergarten_feed):
    run_once()
    del kindergarten_feed.people[:3]  # exactly 5 %

    run = run_once()

    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.ended == 3


def test_guard_share_is_configurable(kindergarten_feed, settings):
    run_once()
    settings.SYNC_MAX_END_SHARE = 0.01
    del kindergarten_feed.people[:1]

    assert run_once().status == SyncRun.Status.HELD


def test_moves_count_towards_guard(kindergarten_feed):
    run_once()
    for fake in kindergarten_feed.people[:10]:
        fake.unit_code = "075104" if fake.unit_code != "075104" else "075103"

    assert run_once().status == SyncRun.Status.HELD


def test_approved_held_run_applies(kindergarten_feed, admin_with_email, django_capture_on_commit_callbacks):
    run_once()
    del kindergarten_feed.people[:4]
    held = run_once()

    with django_capture_on_commit_callbacks(execute=True):
        services.sync_run_approve(run_id=held.pk, actor=admin_with_email)
    held.refresh_from_db()

    assert held.status == SyncRun.Status.SUCCEEDED
    assert held.ended == 4
    assert held.decided_by == admin_with_email
    assert Membership.objects.filter(source="kindergarten", end_date__isnull=True).count() == 56


def test_discarded_held_run_applies_nothing(kindergarten_feed, admin_with_email):
    run_once()
    del kindergarten_feed.people[:4]
    held = run_once()
    before = roster_state()

    services.sync_run_discard(run_id=held.pk, actor=admin_with_email)
    held.refresh_from_db()

    assert held.status == SyncRun.Status.DISCARDED
    assert roster_state() == before
    with pytest.raises(services.SyncError):
        services.sync_run_approve(run_id=held.pk, actor=admin_with_email)


def test_newer_run_supersedes_held_run(kindergarten_feed, admin_with_email):
    run_once()
    del kindergarten_feed.people[:4]
    held = run_once()
    newer = run_once()
    held.refresh_from_db()

    assert newer.status == SyncRun.Status.HELD
    assert held.status == SyncRun.Status.DISCARDED
    assert held.error_code == "superseded"


def test_only_held_runs_can_be_decided(kindergarten_feed, admin_with_email):
    run = run_once()

    with pytest.raises(services.SyncError) as raised:
        services.sync_run_approve(run_id=run.pk, actor=admin_with_email)

    assert raised.value.code == "not_held"


def _clean_state():
    """Apply the feed in one clean run and return the roster state, then undo it."""
    run_once()
    state = roster_state()
    Membership.objects.all().delete()
    SourceRecord.objects.all().delete()
    SyncRecord.objects.all().delete()
    Person.objects.all().delete()
    return state


def test_resume_after_stop_between_batches(kindergarten_feed, settings):
    settings.SYNC_BATCH_SIZE = 20
    clean = _clean_state()

    run = services.sync_run_start(source="kindergarten", trigger=SyncRun.Trigger.SCHEDULE, night=datetime.date(2026, 12, 4))
    stopped = services.sync_run_execute(run_id=run.pk, max_batches=1)
    assert stopped.status == SyncRun.Status.RUNNING
    assert stopped.applied == 20
    assert Person.objects.count() == 20

    resumed = services.sync_run_execute(run_id=run.pk)

    assert resumed.status == SyncRun.Status.SUCCEEDED
    assert resumed.created == 60
    assert resumed.applied == 60
    assert roster_state() == clean
    assert kindergarten_feed.requests == 6  # three pages for the clean run, three for this one: no re-fetch


def test_crash_inside_batch_rolls_back_and_resumes(kindergarten_feed, settings, monkeypatch):
    settings.SYNC_BATCH_SIZE = 20
    clean = _clean_state()
    real_write = applying._write
    calls = {"count": 0}

    def crash_on_second_batch(batch, records):
        calls["count"] += 1
        if calls["count"] == 2:
            real_write(batch, records)
            raise RuntimeError("worker killed")
        real_write(batch, records)

    monkeypatch.setattr(applying, "_write", crash_on_second_batch)
    run = services.sync_run_start(source="kindergarten", trigger=SyncRun.Trigger.COMMAND)
    with pytest.raises(RuntimeError):
        services.sync_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.applied == 20
    assert Person.objects.count() == 20
    monkeypatch.setattr(applying, "_write", real_write)

    resumed = services.sync_run_execute(run_id=run.pk)

    assert resumed.status == SyncRun.Status.SUCCEEDED
    assert resumed.created == 60
    assert roster_state() == clean


def test_new_run_finishes_an_interrupted_one(kindergarten_feed, settings):
    settings.SYNC_BATCH_SIZE = 20
    clean = _clean_state()
    first = services.sync_run_start(source="kindergarten", trigger=SyncRun.Trigger.COMMAND)
    services.sync_run_execute(run_id=first.pk, max_batches=2)

    second = run_once()
    first.refresh_from_db()

    assert first.status == SyncRun.Status.FAILED
    assert first.error_code == "interrupted"
    assert second.created == 20
    assert second.unchanged == 40
    assert roster_state() == clean


def test_database_rejection_isolated_to_one_record(kindergarten_feed, monkeypatch):
    from django.db import IntegrityError

    from inservice.core import identity

    real_decide = applying._decide_employed
    target = identity.lookup_hash(kindergarten_feed.people[7].identity_number)

    def failing_for_one(batch, record, *args):
        if record.identity_hash == target:
            raise IntegrityError("simulated constraint")
        return real_decide(batch, record, *args)

    monkeypatch.setattr(applying, "_decide_employed", failing_for_one)

    run = run_once()

    rejected = SyncRecord.objects.get(run=run, action="reject")
    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.created == 59
    assert run.rejected == 1
    assert rejected.reason_code == "database"
