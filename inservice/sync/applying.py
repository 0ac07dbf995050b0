"""Apply a run's staged changes to the roster, one atomic batch at a time.

Each batch re-reads the people it touches, so the decision uses the roster
as it is now, not as it was when the run was planned. A batch commits the
roster changes, the accepted records, the per-record outcomes and the run's
counts together: a run stopped between batches resumes where it stopped,
and one stopped inside a batch repeats that whole batch.

Ownership rules (the per-membership ``source`` marker):

* a current membership from this source is updated, moved or ended freely;
* a hand-entered person (current or latest membership entered by hand) is
  never changed, and the record is rejected with the reason;
* a current membership from another automated source (the other feed or
  SSO roaming) is replaced only when the feed record's change time is later
  than that membership's last change. So a stale source never undoes a
  newer roaming move. Otherwise the record is skipped and accepted as is.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections import Counter

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from inservice.audit.models import AuditEvent
from inservice.organisations.models import Stage, Unit
from inservice.people.models import Category, Membership, Person, Title

from .bulk import insert_rows
from .models import SourceRecord, SyncRecord, SyncRun

logger = logging.getLogger(__name__)

Action = SyncRecord.Action
STAFF_TITLES = {Title.STAFF, Title.NURSE}
COUNTED = {
    Action.CREATE: "created",
    Action.MOVE: "moved",
    Action.UPDATE: "updated",
    Action.END: "ended",
    Action.REJECT: "rejected",
    Action.SKIP: "skipped",
    Action.UNCHANGED: "unchanged",
}


def _local_date(moment: datetime.datetime | None) -> datetime.date:
    return timezone.localdate(moment) if moment else timezone.localdate()


class _Batch:
    """The writes one batch collects before it sends them in bulk."""

    def __init__(self, run: SyncRun):
        self.run = run
        self.label = f"sync:{run.source}"
        self.new_people: list[tuple[SyncRecord, Person]] = []
        self.new_memberships: list[tuple[SyncRecord, Membership]] = []
        self.ended: list[Membership] = []
        self.changed_memberships: list[Membership] = []
        self.changed_people: list[Person] = []
        self.accepted: list[tuple[SyncRecord, Person | None]] = []
        self.audit: list[tuple[str, Membership, dict, dict]] = []
        self.outcomes: Counter = Counter()

    def outcome(self, record: SyncRecord, action: str, reason: str = "", **params) -> None:
        record.action = action
        record.state = SyncRecord.State.DONE
        record.reason_code = reason
        record.reason_params = params
        if action in COUNTED:
            self.outcomes[COUNTED[action]] += 1


def _membership_for(record: SyncRecord, unit: Unit, source: str, start: datetime.date) -> Membership:
    return Membership(
        unit=unit,
        title=record.title,
        category=Category.STAFF if record.title in STAFF_TITLES else Category.TEACHER,
        teaching_stage=Stage.KINDERGARTEN if "KG" in unit.stage_list else "",
        start_date=start,
        source=source,
    )


def _end(batch: _Batch, membership: Membership, *, on: datetime.date, reason: str) -> None:
    membership.end_date = max(on, membership.start_date)
    membership.end_reason = reason
    batch.ended.append(membership)
    batch.audit.append(
        ("sync.membership_ended", membership, {"unit": membership.unit_id}, {"end_reason": reason})
    )


def _start(batch: _Batch, record: SyncRecord, unit: Unit, person: Person | None, start: datetime.date) -> None:
    membership = _membership_for(record, unit, batch.run.source, start)
    membership.person = person
    batch.new_memberships.append((record, membership))


def _decide_end(batch: _Batch, record: SyncRecord, person, current) -> None:
    source = batch.run.source
    if person is None or current is None:
        batch.outcome(record, Action.SKIP, "no_current_membership")
    elif current.source != source:
        batch.outcome(record, Action.SKIP, "not_owned", source=current.source)
    else:
        # A record stating that the person left ends as 離職, a person missing from the feed as 同步異動.
        reason = Membership.EndReason.LEFT if record.position else Membership.EndReason.SYNC
        _end(batch, current, on=_local_date(record.changed_at), reason=reason)
        batch.outcome(record, Action.END)
    batch.accepted.append((record, person))


def _update_person(batch: _Batch, record: SyncRecord, person: Person) -> bool:
    if person.name == record.name and person.gender == record.gender:
        return False
    person.name = record.name
    person.gender = record.gender
    batch.changed_people.append(person)
    return True


def _decide_employed(batch, record, person, current, latest_source, unit) -> None:
    source = batch.run.source
    effective = _local_date(record.changed_at)

    if person is None:
        person = Person(
            identity_encrypted=bytes(record.identity_encrypted),
            identity_hash=record.identity_hash,
            identity_masked=record.identity_masked,
            name=record.name,
            gender=record.gender,
        )
        batch.new_people.append((record, person))
        _start(batch, record, unit, person, effective)
        batch.outcome(record, Action.CREATE)
        batch.accepted.append((record, person))
        return

    hand_entered = (current is not None and current.source == Membership.Source.MANUAL) or (
        current is None and latest_source == Membership.Source.MANUAL
    )
    if hand_entered:
        unit_code = current.unit.code if current is not None else ""
        batch.outcome(record, Action.REJECT, "hand_entered", value=unit_code)
        return

    if current is None:
        _update_person(batch, record, person)
        _start(batch, record, unit, person, effective)
        batch.outcome(record, Action.CREATE)
        batch.accepted.append((record, person))
        return

    if current.source != source and record.changed_at <= current.updated_at:
        batch.outcome(
            record,
            Action.SKIP,
            "newer_elsewhere",
            source=current.source,
            time=timezone.localtime(current.updated_at).isoformat(timespec="minutes"),
            record_time=timezone.localtime(record.changed_at).isoformat(timespec="minutes"),
        )
        batch.accepted.append((record, person))
        return

    person_changed = _update_person(batch, record, person)
    if current.unit_id != unit.pk or current.source != source:
        # Another unit, or taking over a membership another source made earlier.
        _end(batch, current, on=effective, reason=Membership.EndReason.SYNC)
        _start(batch, record, unit, person, max(effective, current.start_date))
        batch.outcome(record, Action.MOVE if current.unit_id != unit.pk else Action.UPDATE)
    elif current.title != record.title:
        before = {"title": current.title}
        current.title = record.title
        current.category = Category.STAFF if record.title in STAFF_TITLES else Category.TEACHER
        batch.changed_memberships.append(current)
        batch.audit.append(("sync.membership_updated", current, before, {"title": current.title}))
        batch.outcome(record, Action.UPDATE)
    elif person_changed:
        batch.outcome(record, Action.UPDATE)
    else:
        # The accepted record differed but the roster already matches: nothing to write.
        batch.outcome(record, Action.UNCHANGED)
    batch.accepted.append((record, person))


def _load_people(records: list[SyncRecord]):
    hashes = [record.identity_hash for record in records]
    people = {
        person.identity_hash: person
        for person in Person.objects.filter(identity_hash__in=hashes).only("pk", "identity_hash", "name", "gender")
    }
    person_ids = [person.pk for person in people.values()]
    current = {
        membership.person_id: membership
        for membership in Membership.objects.filter(person_id__in=person_ids, end_date__isnull=True).select_related(
            "unit"
        )
    }
    latest_source: dict[int, str] = {}
    without_current = [pk for pk in person_ids if pk not in current]
    for person_id, source in (
        Membership.objects.filter(person_id__in=without_current)
        .order_by("person_id", "-end_date", "-pk")
        .values_list("person_id", "source")
    ):
        latest_source.setdefault(person_id, source)
    return people, current, latest_source


def _group(items, fields: tuple[str, ...]) -> dict[tuple, list[int]]:
    """Group the primary keys of ``items`` by the values of ``fields``, for one UPDATE per group."""
    groups: dict[tuple, list[int]] = {}
    for item in items:
        groups.setdefault(tuple(getattr(item, field) for field in fields), []).append(item.pk)
    return groups


def _mark_done(records: list[SyncRecord]) -> None:
    """Store each record's outcome with one UPDATE per distinct outcome (bulk_update is slow here)."""
    groups: dict[tuple, list[int]] = {}
    for record in records:
        key = (record.action, record.reason_code, json.dumps(record.reason_params, sort_keys=True))
        groups.setdefault(key, []).append(record.pk)
    for (action, reason_code, params), ids in groups.items():
        SyncRecord.objects.filter(pk__in=ids).update(
            action=action, state=SyncRecord.State.DONE, reason_code=reason_code, reason_params=json.loads(params)
        )


def _write(batch: _Batch, records: list[SyncRecord]) -> None:
    run = batch.run
    now = timezone.now()
    # bulk_update skips auto_now, and updated_at is what a later source's change time is compared with.
    for item in (*batch.changed_people, *batch.ended, *batch.changed_memberships):
        item.updated_at = now
    if batch.new_people:
        insert_rows([person for _, person in batch.new_people], with_ids=True)
    if batch.changed_people:
        # Names differ per row; small statements keep bulk_update's CASE expressions cheap.
        Person.objects.bulk_update(batch.changed_people, ["name", "gender", "updated_at"], batch_size=100)
    # Ends first: the new memberships below need the one-current-membership slot.
    for (end_date, end_reason), ids in _group(batch.ended, ("end_date", "end_reason")).items():
        Membership.objects.filter(pk__in=ids).update(end_date=end_date, end_reason=end_reason, updated_at=now)
    for (title, category), ids in _group(batch.changed_memberships, ("title", "category")).items():
        Membership.objects.filter(pk__in=ids).update(title=title, category=category, updated_at=now)
    if batch.new_memberships:
        for _, membership in batch.new_memberships:
            membership.person_id = membership.person.pk
        insert_rows([membership for _, membership in batch.new_memberships], with_ids=True)
        for _, membership in batch.new_memberships:
            batch.audit.append(
                ("sync.membership_started", membership, {}, {"unit": membership.unit_id, "title": membership.title})
            )

    accepted_rows = [
        SourceRecord(
            source=run.source,
            identity_hash=record.identity_hash,
            fingerprint=record.fingerprint,
            unit_code=record.unit_code,
            title=record.title,
            employed=record.employed,
            changed_at=record.changed_at,
            person_id=person.pk,
            accepted_run_id=run.pk,
        )
        for record, person in batch.accepted
        if person is not None
    ]
    known = set(
        SourceRecord.objects.filter(
            source=run.source, identity_hash__in=[row.identity_hash for row in accepted_rows]
        ).values_list("identity_hash", flat=True)
    )
    insert_rows([row for row in accepted_rows if row.identity_hash not in known])
    accepted_rows = [row for row in accepted_rows if row.identity_hash in known]
    if accepted_rows:
        SourceRecord.objects.bulk_create(
            accepted_rows,
            update_conflicts=True,
            unique_fields=["source", "identity_hash"],
            update_fields=["fingerprint", "unit_code", "title", "employed", "changed_at", "person", "accepted_run"],
        )
    # Absent people whose accepted record has no person here keep their row, marked as gone.
    gone = [record.identity_hash for record, person in batch.accepted if person is None]
    if gone:
        SourceRecord.objects.filter(source=run.source, identity_hash__in=gone).update(
            employed=False, fingerprint="", accepted_run_id=run.pk
        )

    if batch.audit:
        insert_rows(
            [
                AuditEvent(
                    actor=None,
                    actor_label=batch.label,
                    action=action,
                    target_type="people.membership",
                    target_id=str(membership.pk),
                    unit_id=membership.unit_id,
                    before={"run": run.pk, **before},
                    after=after,
                    created_at=now,
                )
                for action, membership, before, after in batch.audit
            ]
        )

    _mark_done(records)
    counts = {field: F(field) + value for field, value in batch.outcomes.items() if value}
    SyncRun.objects.filter(pk=run.pk).update(applied=F("applied") + len(records), **counts)


def _decide(run: SyncRun, records: list[SyncRecord]) -> _Batch:
    batch = _Batch(run)
    people, current, latest_source = _load_people(records)
    units = {unit.code: unit for unit in Unit.objects.filter(code__in={r.unit_code for r in records if r.unit_code})}

    for record in records:
        person = people.get(record.identity_hash)
        membership = current.get(person.pk) if person is not None else None
        if membership is not None:
            membership.person = person
        if record.planned_action == Action.END:
            _decide_end(batch, record, person, membership)
            continue
        unit = units.get(record.unit_code)
        if unit is None or unit.sync_source != run.source:
            batch.outcome(record, Action.REJECT, "unit_not_synced", value=record.unit_code)
            continue
        latest = latest_source.get(person.pk) if person is not None else None
        _decide_employed(batch, record, person, membership, latest, unit)
    return batch


def apply_batch(run: SyncRun, records: list[SyncRecord]) -> None:
    """Apply one batch atomically; if the database rejects it, apply record by record."""
    try:
        with transaction.atomic():
            _write(_decide(run, records), records)
        return
    except IntegrityError:
        logger.warning("Sync run %s: a batch of %s records failed; retrying one by one", run.pk, len(records))

    for record in records:
        try:
            with transaction.atomic():
                _write(_decide(run, [record]), [record])
        except IntegrityError as error:
            with transaction.atomic():
                batch = _Batch(run)
                batch.outcome(record, Action.REJECT, "database", detail=error.__class__.__name__)
                _write(batch, [record])
            logger.warning("Sync run %s: record %s rejected by the database", run.pk, record.pk)


def apply_run(run: SyncRun, *, batch_size: int, on_batch=None, max_batches: int | None = None) -> bool:
    """Apply the staged records still planned; return True when none are left."""
    done_batches = 0
    while True:
        records = list(
            SyncRecord.objects.filter(run=run, state=SyncRecord.State.PLANNED).order_by("pk")[:batch_size]
        )
        if not records:
            return True
        if max_batches is not None and done_batches >= max_batches:
            return False
        apply_batch(run, records)
        done_batches += 1
        if on_batch is not None:
            on_batch()
