"""The engine against a fake kindergarten source: applying changes, ownership and idempotency."""

import datetime

import pytest
from django.utils import timezone, translation

from inservice.audit.models import AuditEvent
from inservice.organisations.models import SyncSource
from inservice.people.models import Membership, Person
from inservice.sync import services
from inservice.sync.fake_server import generate_people
from inservice.sync.models import SourceRecord, SyncRecord, SyncRun
from inservice.testing.factories import make_person, make_unit

pytestmark = pytest.mark.django_db


def run_once(source="kindergarten", **options):
    run = services.sync_run_start(source=source, trigger=SyncRun.Trigger.COMMAND, **options)
    return services.sync_run_execute(run_id=run.pk)


def roster_state():
    return sorted(
        Membership.objects.values_list(
            "person__identity_hash", "unit__code", "title", "start_date", "end_date", "end_reason", "source"
        )
    )


def current_unit_of(fake_person):
    person = Person.objects.get(identity_hash=_hash(fake_person))
    return person.memberships.get(end_date__isnull=True).unit.code


def _hash(fake_person):
    from inservice.core import identity

    return identity.lookup_hash(fake_person.identity_number)


def test_first_run_creates_everyone(kindergarten_feed):
    run = run_once()

    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.created == 60
    assert run.feed_records == 60
    assert Person.objects.count() == 60
    assert Membership.objects.filter(source="kindergarten", end_date__isnull=True).count() == 60
    assert SourceRecord.objects.filter(source="kindergarten").count() == 60
    assert AuditEvent.objects.filter(action="sync.membership_started").count() == 60


def test_created_membership_matches_record(kindergarten_feed):
    run_once()
    fake = kindergarten_feed.people[0]

    person = Person.objects.get(identity_hash=_hash(fake))
    membership = person.memberships.get()

    assert person.name == fake.name
    assert person.gender == fake.gender
    assert person.identity_number == fake.identity_number
    assert membership.unit.code == fake.unit_code
    assert membership.title == fake.title
    assert membership.teaching_stage == "KG"
    assert membership.source == "kindergarten"


def test_same_feed_twice_changes_nothing(kindergarten_feed):
    run_once()
    before = roster_state()
    audit_before = AuditEvent.objects.count()
    updated_before = list(Membership.objects.order_by("pk").values_list("updated_at", flat=True))

    second = run_once()

    assert second.status == SyncRun.Status.SUCCEEDED
    assert second.unchanged == 60
    assert (second.created, second.moved, second.updated, second.ended) == (0, 0, 0, 0)
    assert roster_state() == before
    assert list(Membership.objects.order_by("pk").values_list("updated_at", flat=True)) == updated_before
    assert SyncRecord.objects.filter(run=second).count() == 0
    # Only the run's own start and success events.
    assert AuditEvent.objects.count() == audit_before + 2


def test_moved_person_ends_as_sync_change(kindergarten_feed, kindergartens):
    run_once()
    fake = kindergarten_feed.people[0]
    old_code = fake.unit_code
    fake.unit_code = next(unit.code for unit in kindergartens if unit.code != old_code)
    fake.changed_at = timezone.now()

    run = run_once()

    person = Person.objects.get(identity_hash=_hash(fake))
    old = person.memberships.get(unit__code=old_code)
    assert run.moved == 1
    assert run.unchanged == 59
    assert old.end_reason == Membership.EndReason.SYNC
    assert old.end_date is not None
    assert current_unit_of(fake) == fake.unit_code
    assert SyncRecord.objects.get(run=run).action == SyncRecord.Action.MOVE


def test_person_missing_from_feed_is_ended(kindergarten_feed):
    run_once()
    gone = kindergarten_feed.people.pop()

    run = run_once()

    membership = Membership.objects.get(person__identity_hash=_hash(gone))
    assert run.ended == 1
    assert membership.end_reason == Membership.EndReason.SYNC
    assert membership.end_date == timezone.localdate()


def test_person_marked_left_ends_as_left(kindergarten_feed):
    run_once()
    fake = kindergarten_feed.people[1]
    fake.employed = False
    fake.changed_at = datetime.datetime(2026, 1, 31, 17, 0, tzinfo=datetime.timezone.utc)

    run = run_once()

    membership = Membership.objects.get(person__identity_hash=_hash(fake))
    assert run.ended == 1
    assert membership.end_reason == Membership.EndReason.LEFT
    assert membership.end_date == datetime.date(2026, 2, 1)  # 01:00 Asia/Taipei on 1 February


def test_returning_person_gets_new_membership(kindergarten_feed):
    run_once()
    fake = kindergarten_feed.people.pop()
    run_once()
    kindergarten_feed.people.append(fake)

    run = run_once()

    assert run.created == 1
    assert Membership.objects.filter(person__identity_hash=_hash(fake)).count() == 2
    assert current_unit_of(fake) == fake.unit_code


def test_title_change_updates_in_place(kindergarten_feed):
    run_once()
    fake = kindergarten_feed.people[2]
    fake.title = "園長" if fake.title != "園長" else "教保員"

    run = run_once()

    membership = Membership.objects.get(person__identity_hash=_hash(fake))
    assert run.updated == 1
    assert membership.title == fake.title
    assert membership.end_date is None


def test_name_change_updates_person(kindergarten_feed):
    run_once()
    fake = kindergarten_feed.people[3]
    fake.name = "林新名"

    run = run_once()

    assert run.updated == 1
    assert Person.objects.get(identity_hash=_hash(fake)).name == "林新名"


def test_pending_records_counted_not_applied(kindergarten_feed):
    run_once()
    moved, new = kindergarten_feed.people[0], generate_people(1, ["075100"], first_index=9000)[0]
    old_code = moved.unit_code
    moved.unit_code = "075104" if old_code != "075104" else "075103"
    moved.pending = True
    new.pending = True
    kindergarten_feed.people.append(new)

    run = run_once()

    assert run.pending == 2
    assert (run.created, run.moved, run.ended) == (0, 0, 0)
    assert current_unit_of(moved) == old_code
    assert not Person.objects.filter(identity_hash=_hash(new)).exists()
    assert SyncRecord.objects.filter(run=run, action=SyncRecord.Action.PENDING).count() == 2


def test_bad_record_rejected_run_continues(kindergarten_feed):
    kindergarten_feed.fault = "bad_record"
    kindergarten_feed.bad_position = 5

    run = run_once()

    rejected = SyncRecord.objects.get(run=run, action=SyncRecord.Action.REJECT)
    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.rejected == 1
    assert run.created == 59
    assert rejected.position == 5
    assert rejected.reason_code == "identity_invalid"
    assert "****" in rejected.reason


def test_record_for_unknown_or_unsynced_unit_rejected(kindergarten_feed):
    plain = make_unit(code="079999", stages="KG")
    kindergarten_feed.people[0].unit_code = "999999"
    kindergarten_feed.people[1].unit_code = plain.code

    run = run_once()

    reasons = dict(SyncRecord.objects.filter(run=run, action="reject").values_list("position", "reason_code"))
    assert reasons == {1: "unit_unknown", 2: "unit_not_synced"}
    assert run.created == 58


def test_rejected_known_person_is_not_ended(kindergarten_feed):
    run_once()
    fake = kindergarten_feed.people[0]
    fake.title = "校工"

    run = run_once()

    assert run.rejected == 1
    assert run.ended == 0
    assert Membership.objects.get(person__identity_hash=_hash(fake)).end_date is None


def test_hand_entered_person_never_changed(kindergarten_feed, kindergartens):
    fake = kindergarten_feed.people[0]
    manual_unit = make_unit(code="074321")
    person = make_person(unit=manual_unit, number=fake.identity_number, name="手動建立")

    run = run_once()

    rejected = SyncRecord.objects.get(run=run, action=SyncRecord.Action.REJECT)
    person.refresh_from_db()
    assert rejected.reason_code == "hand_entered"
    assert person.name == "手動建立"
    assert person.memberships.get().unit == manual_unit
    assert person.memberships.get().end_date is None


def test_hand_entered_person_in_synced_unit_not_ended(kindergarten_feed, kindergartens):
    run_once()
    manual = make_person(unit=kindergartens[0])

    run = run_once()

    assert run.ended == 0
    assert manual.memberships.get().end_date is None


def _roam(fake, unit):
    """Set up what an SSO roaming login does: end the current membership and start one elsewhere."""
    person = Person.objects.get(identity_hash=_hash(fake))
    current = person.memberships.get(end_date__isnull=True)
    current.end_date = timezone.localdate()
    current.end_reason = Membership.EndReason.ROAMING
    current.save()
    return Membership.objects.create(
        person=person, unit=unit, title="合格專任教師", start_date=timezone.localdate(), source="sso"
    )


def test_stale_source_keeps_roaming_move(kindergarten_feed):
    run_once()
    fake = kindergarten_feed.people[0]
    roamed = _roam(fake, make_unit(code="074777"))

    unchanged_run = run_once()
    fake.title = "園長" if fake.title != "園長" else "教保員"  # a change older than the roaming move
    stale_run = run_once()

    roamed.refresh_from_db()
    assert unchanged_run.unchanged == 60
    assert stale_run.skipped == 1
    assert SyncRecord.objects.get(run=stale_run).reason_code == "newer_elsewhere"
    assert roamed.end_date is None
    assert current_unit_of(fake) == "074777"
    assert run_once().unchanged == 60


def test_newer_source_change_replaces_roaming(kindergarten_feed):
    run_once()
    fake = kindergarten_feed.people[0]
    roamed = _roam(fake, make_unit(code="074778"))
    fake.unit_code = "075104" if fake.unit_code != "075104" else "075103"
    fake.changed_at = timezone.now() + datetime.timedelta(minutes=5)

    run = run_once()

    roamed.refresh_from_db()
    assert run.moved == 1
    assert roamed.end_reason == Membership.EndReason.SYNC
    assert current_unit_of(fake) == fake.unit_code


def test_leaving_person_with_roaming_membership_kept(kindergarten_feed):
    run_once()
    fake = kindergarten_feed.people.pop()
    roamed = _roam(fake, make_unit(code="074779"))

    run = run_once()

    roamed.refresh_from_db()
    record = SyncRecord.objects.get(run=run)
    assert run.skipped == 1
    assert run.ended == 0
    assert roamed.end_date is None
    assert record.reason_code == "not_owned"
    with translation.override("en"):
        assert "MOE education identity service" in record.reason


def test_counts_equal_changes_made(kindergarten_feed, kindergartens):
    run_once()
    people = kindergarten_feed.people
    people[0].unit_code = "075104" if people[0].unit_code != "075104" else "075103"
    people[1].title = "園長" if people[1].title != "園長" else "教保員"
    people[2].pending = True
    people.pop()
    people.extend(generate_people(3, ["075101"], first_index=5000))
    audit_before = AuditEvent.objects.filter(action__startswith="sync.membership").count()

    run = run_once()

    started = AuditEvent.objects.filter(action="sync.membership_started", before__run=run.pk).count()
    ended = AuditEvent.objects.filter(action="sync.membership_ended", before__run=run.pk).count()
    updated = AuditEvent.objects.filter(action="sync.membership_updated", before__run=run.pk).count()
    assert (run.created, run.moved, run.updated, run.ended, run.pending) == (3, 1, 1, 1, 1)
    assert started == run.created + run.moved
    assert ended == run.ended + run.moved
    assert updated == run.updated
    # Three starts, a move (an end and a start), a title update and an end.
    assert AuditEvent.objects.filter(action__startswith="sync.membership").count() - audit_before == 7
    assert run.unchanged == 60 - 4


def test_dry_run_writes_no_roster_changes(kindergarten_feed):
    run = run_once(dry_run=True)

    assert run.status == SyncRun.Status.PLANNED
    assert Person.objects.count() == 0
    assert SyncRecord.objects.filter(run=run, planned_action="create", state="planned").count() == 60
    assert SourceRecord.objects.count() == 0


def test_taipei_feed_applies(taipei_schools, fake_source):
    people = generate_people(30, [unit.code for unit in taipei_schools], source="taipei", seed=5)
    people[0].changed_at = datetime.datetime(2025, 9, 1, 8, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    fake_source("taipei", people)

    run = run_once("taipei")

    record = SourceRecord.objects.get(identity_hash=_hash(people[0]))
    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.created == 30
    assert record.changed_at == people[0].changed_at
    assert Membership.objects.filter(source="taipei").count() == 30


def test_sources_only_touch_their_own_units(kindergarten_feed, taipei_schools, fake_source):
    run_once()
    fake_source("taipei", generate_people(10, [u.code for u in taipei_schools], source="taipei", first_index=7000))

    run_once("taipei")
    kindergarten_again = run_once()

    assert kindergarten_again.unchanged == 60
    assert Membership.objects.filter(source="taipei", end_date__isnull=True).count() == 10
    assert Membership.objects.filter(source="kindergarten", end_date__isnull=True).count() == 60


def test_unit_sync_source_must_match(kindergarten_feed, kindergartens):
    kindergartens[0].sync_source = SyncSource.TAIPEI
    kindergartens[0].save()

    run = run_once()

    assert run.rejected == 12
    assert run.created == 48
