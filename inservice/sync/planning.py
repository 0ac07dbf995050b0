"""Compare a fetched feed with the source's last accepted feed and stage what changed.

Only records that differ from the accepted ones become SyncRecord rows; the
rest are counted as unchanged and cost no writes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from inservice.core import identity
from inservice.organisations.models import Unit
from inservice.people.models import Gender, Membership, Title

from .bulk import insert_rows
from .feed import Feed, RawRecord, fingerprint
from .models import SourceRecord, SyncRecord, SyncRun

logger = logging.getLogger(__name__)

TITLES = set(Title.values)
GENDERS = {Gender.MALE, Gender.FEMALE}
MAX_NAME_LENGTH = 64

Action = SyncRecord.Action


@dataclass
class Accepted:
    fingerprint: str
    unit_code: str
    employed: bool


class Rejected(Exception):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def _unit_codes(source: str, records: list[RawRecord]) -> dict[str, str]:
    """Map each unit code in the feed to the unit's sync source."""
    codes = {record.unit_code.strip().upper() for record in records if record.unit_code}
    found: dict[str, str] = {}
    code_list = sorted(codes)
    for start in range(0, len(code_list), 5000):
        chunk = code_list[start : start + 5000]
        found.update(Unit.objects.filter(code__in=chunk).values_list("code", "sync_source"))
    return found


def _valid_number(record: RawRecord) -> str:
    """Return the record's normalised identity number, or raise Rejected."""
    if record.error:
        raise Rejected("unreadable", detail=record.error)
    if not identity.normalise(record.identity_number):
        raise Rejected("identity_missing")
    try:
        return identity.validate(record.identity_number)
    except ValidationError:
        raise Rejected("identity_invalid", value=identity.mask(identity.normalise(record.identity_number))) from None


def _validate(record: RawRecord, *, number: str, source: str, units: dict[str, str]) -> dict:
    """Return the record's clean values, or raise Rejected with the first problem found."""
    name = " ".join(record.name.split())
    if not name:
        raise Rejected("name_missing")
    if len(name) > MAX_NAME_LENGTH:
        raise Rejected("name_too_long", length=len(name))
    if record.gender not in GENDERS:
        raise Rejected("gender_unknown")
    title = record.title.strip()
    if title not in TITLES:
        raise Rejected("title_unknown", value=title[:32])
    unit_code = record.unit_code.strip().upper()
    if unit_code not in units:
        raise Rejected("unit_unknown", value=unit_code[:16])
    if units[unit_code] != source:
        raise Rejected("unit_not_synced", value=unit_code)
    if record.employed is None:
        raise Rejected("employment_unknown")
    if record.pending is None:
        raise Rejected("review_unknown")
    if record.changed_at is None or timezone.is_naive(record.changed_at):
        raise Rejected("changed_at_missing")

    return {
        "number": number,
        "name": name,
        "gender": record.gender,
        "title": title,
        "unit_code": unit_code,
        "employed": record.employed,
        "pending": record.pending,
        "changed_at": record.changed_at,
    }


def _accepted_state(source: str) -> dict[str, Accepted]:
    rows = SourceRecord.objects.filter(source=source).values_list(
        "identity_hash", "fingerprint", "unit_code", "employed"
    )
    return {row[0]: Accepted(row[1], row[2], row[3]) for row in rows.iterator(chunk_size=5000)}


def _change_row(run: SyncRun, clean: dict, *, position: int, digest: str, hash_: str, action: str) -> SyncRecord:
    number = clean["number"]
    return SyncRecord(
        run=run,
        position=position,
        identity_hash=hash_,
        identity_encrypted=identity.encrypt(number) if action != Action.END else None,
        identity_masked=identity.mask(number),
        name=clean["name"],
        gender=clean["gender"],
        title=clean["title"],
        unit_code=clean["unit_code"],
        employed=clean["employed"],
        changed_at=clean["changed_at"],
        fingerprint=digest,
        planned_action=action,
    )


def plan_run(run: SyncRun, feed: Feed) -> None:
    """Stage the changes of ``feed`` against the accepted state and set the run's plan figures."""
    units = _unit_codes(run.source, feed.records)
    accepted = _accepted_state(run.source)
    seen: dict[str, int] = {}
    rows: list[SyncRecord] = []
    unchanged = pending = rejected = 0

    for record in feed.records:
        try:
            number = _valid_number(record)
            hash_ = identity.lookup_hash(number)
            if hash_ in seen:
                raise Rejected("duplicate", position=seen[hash_])
            # A person listed with a bad value is still listed: never treat them as gone.
            seen[hash_] = record.position
            clean = _validate(record, number=number, source=run.source, units=units)
        except Rejected as problem:
            rejected += 1
            rows.append(
                SyncRecord(
                    run=run,
                    position=record.position,
                    identity_masked=identity.mask(identity.normalise(record.identity_number))[:12],
                    unit_code=record.unit_code[:12],
                    planned_action=Action.REJECT,
                    action=Action.REJECT,
                    state=SyncRecord.State.DONE,
                    reason_code=problem.code,
                    reason_params=problem.params,
                )
            )
            continue

        if clean["pending"]:
            pending += 1
            row = _change_row(run, clean, position=record.position, digest="", hash_=hash_, action=Action.PENDING)
            row.identity_encrypted = None
            row.action = Action.PENDING
            row.state = SyncRecord.State.DONE
            rows.append(row)
            continue

        digest = fingerprint(
            name=clean["name"],
            gender=clean["gender"],
            title=clean["title"],
            unit_code=clean["unit_code"],
            employed=clean["employed"],
        )
        previous = accepted.get(hash_)
        if previous is not None and previous.fingerprint == digest:
            unchanged += 1
            continue
        if not clean["employed"]:
            if previous is None or not previous.employed:
                # Not employed before or now: nothing to change.
                unchanged += 1
                continue
            action = Action.END
        elif previous is None or not previous.employed:
            action = Action.CREATE
        elif previous.unit_code != clean["unit_code"]:
            action = Action.MOVE
        else:
            action = Action.UPDATE
        rows.append(_change_row(run, clean, position=record.position, digest=digest, hash_=hash_, action=action))

    # People in the accepted feed who are missing from this one have left the source.
    for hash_, previous in accepted.items():
        if previous.employed and hash_ not in seen:
            rows.append(
                SyncRecord(
                    run=run,
                    identity_hash=hash_,
                    unit_code=previous.unit_code,
                    employed=False,
                    planned_action=Action.END,
                )
            )

    planned_ends = sum(1 for row in rows if row.planned_action in (Action.END, Action.MOVE))
    to_apply = sum(1 for row in rows if row.state == SyncRecord.State.PLANNED)
    current = Membership.objects.filter(source=run.source, end_date__isnull=True).count()

    with transaction.atomic():
        insert_rows(rows)
        SyncRun.objects.filter(pk=run.pk).update(
            feed_records=len(feed.records),
            unchanged=unchanged,
            pending=pending,
            rejected=rejected,
            to_apply=to_apply,
            current_memberships=current,
            planned_ends=planned_ends,
            planned_at=timezone.now(),
        )
    run.refresh_from_db()
    logger.info(
        "Planned sync run %s: %s to apply, %s unchanged, %s pending, %s rejected",
        run.pk, to_apply, unchanged, pending, rejected,
    )
