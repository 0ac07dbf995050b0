"""Writes of the hours app: attendance uploads, course files, 名單確認通過 and hour corrections."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inservice.audit.services import audit_record
from inservice.core import identity
from inservice.courses.models import Course, CourseState
from inservice.people.models import Person

from . import attendance_files
from .models import Attendance, AttendanceUpload, CourseFile, HourCorrection, HourRecord

logger = logging.getLogger(__name__)

# States in which an attendance list may be uploaded and applied.
UPLOAD_STATES = frozenset({CourseState.CLOSED, CourseState.FINISHED})
HOURS_STEP = Decimal("0.1")


class HoursError(Exception):
    """Error raised when a domain rule stops the operation. ``message`` is translated and names the fix."""

    def __init__(self, message, code: str):
        super().__init__(str(message))
        self.message = message
        self.code = code


# --- Row checks ---------------------------------------------------------------------------

ACCEPTED = "accepted"


@dataclass
class RowResult:
    number: int
    masked: str
    hours: str
    code: str
    person_id: int | None = None
    params: dict | None = None

    def as_json(self) -> dict:
        return {
            "row": self.number,
            "id": self.masked,
            "hours": self.hours,
            "code": self.code,
            "person": self.person_id,
            "params": self.params or {},
        }


def _parse_hours(raw) -> tuple[Decimal | None, str | None]:
    """Return (hours, None) or (None, error code) for one hours cell."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None, "hours_missing"
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, "hours_not_number"
    if not value.is_finite():
        return None, "hours_not_number"
    if value < 0:
        return None, "hours_negative"
    if value != value.quantize(HOURS_STEP):
        return None, "hours_too_precise"
    return value.quantize(HOURS_STEP), None


def attendance_rows_check(*, course: Course, raw_rows: list[attendance_files.RawRow]) -> list[RowResult]:
    """Validate every row of an attendance list against the roster and the course's hours."""
    results: list[RowResult] = []
    pending: list[tuple[RowResult, str]] = []
    first_row_of: dict[str, int] = {}

    for raw in raw_rows:
        number = identity.normalise(None if raw.identity is None else str(raw.identity))
        result = RowResult(number=raw.number, masked=identity.mask(number), hours=str(raw.hours or "").strip(), code="")
        results.append(result)
        try:
            identity.validate(number)
        except ValidationError as error:
            result.code = "identity_missing" if error.code == "required" else "identity_invalid"
            result.params = {"problem": error.code}
            continue
        if number in first_row_of:
            result.code = "duplicate"
            result.params = {"first_row": first_row_of[number]}
            continue
        first_row_of[number] = raw.number

        hours, problem = _parse_hours(raw.hours)
        if problem:
            result.code = problem
            continue
        result.hours = str(hours)
        if hours > course.hours:
            result.code = "hours_over_course"
            result.params = {"course_hours": str(course.hours)}
            continue
        pending.append((result, identity.lookup_hash(number)))

    # One query for every remaining row, whatever the file's length.
    person_ids = dict(
        Person.objects.filter(identity_hash__in=[digest for _, digest in pending]).values_list("identity_hash", "pk")
    )
    for result, digest in pending:
        person_id = person_ids.get(digest)
        if person_id is None:
            result.code = "unknown_person"
        else:
            result.code = ACCEPTED
            result.person_id = person_id
    return results


# --- Services -------------------------------------------------------------------------------


def _lock_course(course: Course) -> Course:
    # The row lock orders concurrent applies and confirmations of one course.
    return Course.objects.select_for_update().get(pk=course.pk)


def attendance_upload_check(*, actor, course: Course, uploaded_file) -> AttendanceUpload:
    """Read and validate an attendance list and store its row-by-row report; nothing is applied yet."""
    if course.state not in UPLOAD_STATES:
        raise HoursError(
            _("Attendance lists can be uploaded once enrolment has closed and until the list is confirmed."),
            code="state",
        )
    data = attendance_files.read_limited(uploaded_file)
    raw_rows = attendance_files.read_rows(data=data, file_name=uploaded_file.name or "")
    results = attendance_rows_check(course=course, raw_rows=raw_rows)
    accepted = sum(1 for result in results if result.code == ACCEPTED)

    with transaction.atomic():
        upload = AttendanceUpload.objects.create(
            course=course,
            uploaded_by=actor,
            file_name=(uploaded_file.name or "")[:255],
            rows=[result.as_json() for result in results],
            accepted_count=accepted,
            refused_count=len(results) - accepted,
        )
        audit_record(
            actor=actor,
            action="attendance.check",
            target=upload,
            unit=course.unit,
            after={"course": course.pk, "accepted": accepted, "refused": len(results) - accepted},
        )
    logger.info("attendance upload %s checked: %s accepted, %s rejected", upload.pk, accepted, len(results) - accepted)
    return upload


@transaction.atomic
def attendance_upload_apply(*, actor, upload: AttendanceUpload) -> int:
    """Replace the course's attendance list with the upload's accepted rows; return their count.

    Applying an upload that is already applied changes nothing, so a retried request is safe.
    """
    course = _lock_course(upload.course)
    upload = AttendanceUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.status == AttendanceUpload.Status.APPLIED:
        return upload.accepted_count
    if course.state not in UPLOAD_STATES:
        raise HoursError(_("The attendance list of this course is already confirmed or the course was cancelled."), code="state")
    if upload.status == AttendanceUpload.Status.SUPERSEDED:
        raise HoursError(_("A later upload has replaced this one. Upload the list again to apply it."), code="superseded")

    accepted = [row for row in upload.rows if row["code"] == ACCEPTED]
    previous = Attendance.objects.filter(course=course).count()
    Attendance.objects.filter(course=course).delete()
    Attendance.objects.bulk_create(
        Attendance(course=course, person_id=row["person"], hours=Decimal(row["hours"]), upload=upload) for row in accepted
    )
    AttendanceUpload.objects.filter(course=course, status=AttendanceUpload.Status.APPLIED).update(
        status=AttendanceUpload.Status.SUPERSEDED
    )
    upload.status = AttendanceUpload.Status.APPLIED
    upload.applied_at = timezone.now()
    upload.save(update_fields=["status", "applied_at"])
    audit_record(
        actor=actor,
        action="attendance.apply",
        target=upload,
        unit=course.unit,
        before={"attendances": previous},
        after={"attendances": len(accepted)},
    )
    return len(accepted)


def course_file_attach(*, actor, course: Course, uploaded_file) -> CourseFile:
    """Store a PDF for a course after checking that it is one."""
    data = attendance_files.read_limited(uploaded_file)
    attendance_files.check_pdf(data)

    with transaction.atomic():
        course_file = CourseFile(
            course=course,
            stored_token=secrets.token_hex(16),
            original_name=(uploaded_file.name or "file.pdf")[:255],
            size=len(data),
            uploaded_by=actor,
        )
        course_file.file.save("file.pdf", ContentFile(data), save=False)
        course_file.save()
        audit_record(
            actor=actor,
            action="course_file.attach",
            target=course_file,
            unit=course.unit,
            after={"course": course.pk, "size": len(data)},
        )
    return course_file


@transaction.atomic
def course_list_confirm(*, actor, course: Course) -> int:
    """名單確認通過: mark the course confirmed and issue hours to each attendee exactly once.

    Returns the number of records the course has. A second or concurrent call
    waits for the course row lock, then finds the course confirmed and issues nothing.
    """
    course = _lock_course(course)
    if course.state == CourseState.CONFIRMED:
        return HourRecord.objects.filter(course=course).count()
    if course.state != CourseState.FINISHED:
        raise HoursError(
            _("Only a course in the state “Training finished” can have its list confirmed. Finish the course first."),
            code="state",
        )
    attendances = list(Attendance.objects.filter(course=course).only("person_id", "hours"))
    if not attendances:
        raise HoursError(_("The course has no attendance list yet. Upload and apply one before confirming."), code="empty")

    issued_at = timezone.now()
    HourRecord.objects.bulk_create(
        HourRecord(person_id=row.person_id, course=course, hours=row.hours, issued_at=issued_at, issued_by=actor)
        for row in attendances
    )
    course.state = CourseState.CONFIRMED
    course.save(update_fields=["state", "updated_at"])
    audit_record(
        actor=actor,
        action="course.confirm_list",
        target=course,
        unit=course.unit,
        before={"state": CourseState.FINISHED},
        after={"state": CourseState.CONFIRMED, "records": len(attendances)},
    )
    logger.info("course %s confirmed: %s hour records issued", course.pk, len(attendances))
    return len(attendances)


@transaction.atomic
def hour_correction_create(*, actor, record: HourRecord, delta: Decimal, reason: str) -> HourCorrection:
    """Add a correction to an issued record; the corrected hours stay between 0 and the course's hours."""
    record = HourRecord.objects.select_for_update().select_related("course").get(pk=record.pk)
    reason = reason.strip()
    if not reason:
        raise HoursError(_("Give the reason for the correction, for example the signed attendance sheet."), code="reason")
    if delta == 0 or delta != delta.quantize(HOURS_STEP):
        raise HoursError(
            _("The change must be a non-zero number of hours with at most one decimal place, such as 1.5 or -2."),
            code="delta",
        )
    current = record.hours + (record.corrections.aggregate(total=Sum("delta"))["total"] or Decimal(0))
    corrected = current + delta
    if corrected < 0 or corrected > record.course.hours:
        message = _(
            "The corrected hours would be %(corrected)s; they must be between 0 and the course's %(course_hours)s hours."
        ) % {"corrected": corrected, "course_hours": record.course.hours}
        raise HoursError(message, code="range")

    correction = HourCorrection.objects.create(record=record, delta=delta, reason=reason, created_by=actor)
    audit_record(
        actor=actor,
        action="hours.correct",
        target=correction,
        unit=record.course.unit,
        before={"record": record.pk, "hours": str(current)},
        after={"record": record.pk, "hours": str(corrected), "delta": str(delta)},
    )
    return correction
