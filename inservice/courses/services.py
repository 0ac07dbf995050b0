"""Writes for courses: registration (研習課程登錄), state changes and enrolment (報名, 錄取)."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from inservice.audit.services import audit_record
from inservice.core.policy import Capability, active_business_account, has_capability

from .models import (
    HOURS_PER_CREDIT,
    AdmissionMode,
    Course,
    CourseCategory,
    CourseCodeCounter,
    CourseSession,
    CourseState,
    CourseTag,
    Enrolment,
    EnrolmentStatus,
)

logger = logging.getLogger(__name__)

COURSE_CODE_FIRST = 1_000_001
COURSE_CODE_LAST = 9_999_999


class CourseError(Exception):
    """Raised when a course rule rejects a request. ``message`` is translated and shown to the user."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# --- Registration ---------------------------------------------------------------------------


@dataclass
class SessionInput:
    date: datetime.date
    starts_at: datetime.time
    ends_at: datetime.time


@dataclass
class CourseInput:
    """Fields of 研習課程登錄 as the organiser enters them, with exactly one of hours or credits."""

    title: str
    category: CourseCategory | None
    approval_number: str = ""
    hours: Decimal | None = None
    credits: Decimal | None = None
    place: str = ""
    quota: int | None = None
    admission_mode: str = AdmissionMode.FIRST_COME
    enrol_opens_at: datetime.datetime | None = None
    enrol_closes_at: datetime.datetime | None = None
    target_stages: list[str] = field(default_factory=list)
    target_counties: list[str] = field(default_factory=list)
    target_subjects: list = field(default_factory=list)
    tags: list[CourseTag] = field(default_factory=list)
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    description: str = ""


# Fields whose values an audit event records before and after a change.
AUDITED_FIELDS = [
    "title",
    "category_id",
    "approval_number",
    "hours",
    "credits",
    "start_date",
    "end_date",
    "place",
    "quota",
    "admission_mode",
    "enrol_opens_at",
    "enrol_closes_at",
    "target_stages",
    "target_counties",
    "contact_name",
    "contact_phone",
    "contact_email",
]


def _snapshot(course: Course) -> dict:
    values = {}
    for name in AUDITED_FIELDS:
        value = getattr(course, name)
        values[name] = value if value is None or isinstance(value, (int, str)) else str(value)
    return values


def course_code_next() -> str:
    """Take the next 7-digit 課程代碼 from the counter row, locked until the caller's transaction ends."""
    with transaction.atomic():
        CourseCodeCounter.objects.get_or_create(pk=1, defaults={"last_value": COURSE_CODE_FIRST - 1})
        # The row lock makes parallel registrations wait here, so no two take the same value.
        counter = CourseCodeCounter.objects.select_for_update().get(pk=1)
        if counter.last_value >= COURSE_CODE_LAST:
            raise CourseError("codes_exhausted", _("No course codes are left. Ask the system administrator."))
        counter.last_value = max(counter.last_value + 1, COURSE_CODE_FIRST)
        counter.save(update_fields=["last_value"])
        return f"{counter.last_value:07d}"


def _apply_input(course: Course, data: CourseInput) -> None:
    if data.credits is not None:
        course.credits = data.credits
        course.hours = data.credits * HOURS_PER_CREDIT
    else:
        course.credits = None
        course.hours = data.hours or Decimal(0)
    course.title = data.title.strip()
    course.category = data.category
    course.approval_number = data.approval_number.strip()
    course.place = data.place.strip()
    course.quota = data.quota
    course.admission_mode = data.admission_mode
    course.enrol_opens_at = data.enrol_opens_at
    course.enrol_closes_at = data.enrol_closes_at
    course.target_stages = ",".join(sorted(data.target_stages))
    course.target_counties = ",".join(sorted(data.target_counties))
    course.contact_name = data.contact_name.strip()
    course.contact_phone = data.contact_phone.strip()
    course.contact_email = data.contact_email.strip()
    course.description = data.description.strip()


def _write_sessions(course: Course, sessions: list[SessionInput]) -> None:
    course.sessions.all().delete()
    CourseSession.objects.bulk_create(
        CourseSession(course=course, date=item.date, starts_at=item.starts_at, ends_at=item.ends_at)
        for item in sessions
    )
    course.start_date = min(item.date for item in sessions)
    course.end_date = max(item.date for item in sessions)


def _check_manages(actor, course: Course) -> None:
    """Raise CourseError unless ``actor`` manages the courses of ``course``'s unit.

    Views already fetch courses through the scoped ``access_course``; this repeats the
    check so that a service called from elsewhere cannot change another unit's course.
    """
    account = active_business_account(actor)
    if not has_capability(actor, Capability.COURSE_MANAGE) or account is None or account.unit_id != course.unit_id:
        raise CourseError("not_in_scope", _("You can manage only the courses of your own unit."))


def _organiser_account(actor):
    if not has_capability(actor, Capability.COURSE_CREATE):
        raise CourseError("not_organiser", _("Only a business account of a unit can register courses."))
    return active_business_account(actor)


@transaction.atomic
def course_create(*, actor, data: CourseInput, sessions: list[SessionInput], ip_address: str | None = None) -> Course:
    """Register a course as a draft of the actor's unit and give it the next 課程代碼."""
    account = _organiser_account(actor)
    if not sessions:
        raise CourseError("no_sessions", _("Enter at least one session with its date, start and end time."))

    course = Course(code=course_code_next(), unit=account.unit, owner=account, state=CourseState.DRAFT)
    _apply_input(course, data)
    course.save()
    _write_sessions(course, sessions)
    course.save(update_fields=["start_date", "end_date"])
    course.tags.set(data.tags)
    course.target_subjects.set(data.target_subjects)

    audit_record(
        actor=actor,
        action="course.create",
        target=course,
        after=_snapshot(course) | {"code": course.code, "sessions": len(sessions)},
        unit=course.unit,
        ip_address=ip_address,
    )
    logger.info("course %s registered by account %s", course.pk, account.pk)
    return course


EDITABLE_STATES = {CourseState.DRAFT, CourseState.OPEN, CourseState.CLOSED}


@transaction.atomic
def course_update(
    *, actor, course: Course, data: CourseInput, sessions: list[SessionInput], ip_address: str | None = None
) -> Course:
    """Change a course's details. The caller fetches ``course`` through ``access_course``, so it is in the actor's unit."""
    _check_manages(actor, course)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.state not in EDITABLE_STATES:
        raise CourseError(
            "not_editable",
            _("A course in the state “%(state)s” can no longer be changed.") % {"state": course.get_state_display()},
        )
    if not sessions:
        raise CourseError("no_sessions", _("Enter at least one session with its date, start and end time."))

    before = _snapshot(course)
    _apply_input(course, data)
    _write_sessions(course, sessions)
    course.save()
    course.tags.set(data.tags)
    course.target_subjects.set(data.target_subjects)

    audit_record(
        actor=actor,
        action="course.update",
        target=course,
        before=before,
        after=_snapshot(course) | {"sessions": len(sessions)},
        unit=course.unit,
        ip_address=ip_address,
    )
    return course


# --- States -----------------------------------------------------------------------------------

# The only legal state changes. CONFIRMED is reached only through course_mark_confirmed,
# which the attendance confirmation calls when it issues the hours.
TRANSITIONS: dict[str, frozenset[str]] = {
    CourseState.DRAFT: frozenset({CourseState.OPEN, CourseState.CANCELLED}),
    CourseState.OPEN: frozenset({CourseState.CLOSED, CourseState.CANCELLED}),
    CourseState.CLOSED: frozenset({CourseState.OPEN, CourseState.FINISHED, CourseState.CANCELLED}),
    CourseState.FINISHED: frozenset({CourseState.CONFIRMED}),
    CourseState.CONFIRMED: frozenset(),
    CourseState.CANCELLED: frozenset(),
}

# Target states that course_transition rejects because another service owns them.
RESERVED_TARGETS = frozenset({CourseState.CONFIRMED})


def allowed_transitions(course: Course) -> list[str]:
    """Return the states an organiser may move ``course`` to from its current state."""
    return [state for state in CourseState.values if state in TRANSITIONS[course.state] - RESERVED_TARGETS]


def _check_ready_to_open(course: Course) -> None:
    problems = []
    if not course.sessions.exists():
        problems.append(_("at least one session"))
    if not course.hours:
        problems.append(_("the hours or credits"))
    if course.enrol_opens_at is None or course.enrol_closes_at is None:
        problems.append(_("the enrolment window"))
    if problems:
        raise CourseError(
            "incomplete",
            _("The course cannot open for enrolment yet. Enter %(missing)s and try again.")
            % {"missing": _(", ").join(str(item) for item in problems)},
        )


def _change_state(*, actor, course: Course, to_state: str, ip_address: str | None, actor_label: str = "") -> Course:
    if to_state not in TRANSITIONS.get(course.state, frozenset()):
        raise CourseError(
            "illegal_transition",
            _("A course in the state “%(current)s” cannot change to “%(target)s”.")
            % {"current": course.get_state_display(), "target": CourseState(to_state).label},
        )
    if to_state == CourseState.OPEN:
        _check_ready_to_open(course)

    before = course.state
    course.state = to_state
    course.save(update_fields=["state", "updated_at"])
    audit_record(
        actor=actor,
        action="course.transition",
        target=course,
        before={"state": before},
        after={"state": to_state},
        unit=course.unit,
        ip_address=ip_address,
        actor_label=actor_label,
    )
    logger.info("course %s changed from %s to %s", course.pk, before, to_state)
    return course


@transaction.atomic
def course_transition(*, actor, course: Course, to_state: str, ip_address: str | None = None) -> Course:
    """Move a course of the actor's unit to ``to_state`` if the transition table allows it."""
    if to_state in RESERVED_TARGETS:
        raise CourseError(
            "reserved_transition",
            _("A course reaches “%(target)s” only when its attendance list is confirmed.")
            % {"target": CourseState(to_state).label},
        )
    _check_manages(actor, course)
    locked = Course.objects.select_for_update().get(pk=course.pk)
    return _change_state(actor=actor, course=locked, to_state=to_state, ip_address=ip_address)


def course_mark_confirmed(*, actor, course: Course, ip_address: str | None = None) -> Course:
    """Move a finished course to 名單確認通過. The attendance confirmation service calls this.

    Call it inside that service's transaction: the course row stays locked until it
    commits, so two confirmations of the same course run one after the other, and the
    second one gets CourseError("illegal_transition"). The caller checks that ``actor``
    may confirm this course.
    """
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        return _change_state(actor=actor, course=locked, to_state=CourseState.CONFIRMED, ip_address=ip_address)


def course_close_expired(*, now: datetime.datetime | None = None) -> int:
    """Move open courses whose enrolment window has ended to 報名截止. A periodic job calls this.

    Returns how many courses were closed. Each course is locked, checked again and audited
    with the actor label "system" in its own transaction, so courses closed before an
    error stay closed and the next run picks up the rest.
    """
    now = now or timezone.now()
    due = Course.objects.filter(state=CourseState.OPEN, enrol_closes_at__lt=now).values_list("pk", flat=True)
    closed = 0
    for course_id in list(due):
        with transaction.atomic():
            course = Course.objects.select_for_update().select_related("unit").get(pk=course_id)
            if course.state != CourseState.OPEN or course.enrol_closes_at is None or course.enrol_closes_at >= now:
                continue
            _change_state(actor=None, course=course, to_state=CourseState.CLOSED, ip_address=None, actor_label="system")
            closed += 1
    logger.info("closed enrolment of %s courses", closed)
    return closed


# --- Enrolment --------------------------------------------------------------------------------


def _current_membership(person):
    return person.memberships.select_related("unit").filter(end_date__isnull=True).first()


def enrolment_target_problem(*, course: Course, person) -> str | None:
    """Return why ``person`` is outside the course's target (stages, counties, subjects), or None."""
    stages = [code for code in course.target_stages.split(",") if code]
    counties = [code for code in course.target_counties.split(",") if code]
    subject_ids = set(course.target_subjects.values_list("pk", flat=True))
    if not (stages or counties or subject_ids):
        return None

    membership = _current_membership(person)
    if membership is None:
        return _("This course is for teachers of particular schools, and you have no current school on the roster.")
    if stages:
        taught = {membership.teaching_stage} if membership.teaching_stage else set(membership.unit.stage_list)
        if not taught & set(stages):
            return _("This course is for teachers of other education stages.")
    if counties and membership.unit.county_code not in counties:
        return _("This course is for teachers in other counties and cities.")
    if subject_ids and not subject_ids & set(person.subject_entries.values_list("subject_id", flat=True)):
        return _("This course is for teachers of other subjects. Check the teaching subjects in your profile.")
    return None


def _check_enrolment_open(course: Course, now: datetime.datetime) -> None:
    if course.state != CourseState.OPEN:
        raise CourseError("not_open", _("This course is not open for enrolment."))
    if course.enrol_opens_at and now < course.enrol_opens_at:
        raise CourseError("window_not_started", _("Enrolment for this course has not started yet."))
    if course.enrol_closes_at and now > course.enrol_closes_at:
        raise CourseError("window_ended", _("Enrolment for this course has ended."))


def _admitted_count(course: Course) -> int:
    return course.enrolments.filter(status=EnrolmentStatus.ADMITTED).count()


def _has_free_place(course: Course) -> bool:
    return course.quota is None or _admitted_count(course) < course.quota


def _set_status(*, actor, enrolment: Enrolment, status: str, action: str, ip_address: str | None) -> None:
    before = enrolment.status
    enrolment.status = status
    enrolment.decided_at = timezone.now()
    enrolment.save(update_fields=["status", "decided_at", "updated_at"])
    audit_record(
        actor=actor,
        action=action,
        target=enrolment,
        before={"status": before},
        after={"status": status},
        unit=enrolment.course.unit,
        ip_address=ip_address,
    )
    if status == EnrolmentStatus.ADMITTED:
        enrolment_id = enrolment.pk
        transaction.on_commit(lambda: admission_notice_send(enrolment_id=enrolment_id))


def _first_come_status(course: Course) -> str:
    if course.admission_mode == AdmissionMode.MANUAL:
        return EnrolmentStatus.APPLIED
    return EnrolmentStatus.ADMITTED if _has_free_place(course) else EnrolmentStatus.WAITLISTED


def enrolment_create(*, actor, course: Course, ip_address: str | None = None) -> Enrolment:
    """Enrol the teacher ``actor`` in ``course``. A repeated request returns the existing enrolment.

    The course row is locked while places are counted, so parallel enrolments are
    decided one at a time and the course never admits more than its quota.
    """
    person = getattr(actor, "person", None)
    if person is None or not has_capability(actor, Capability.TEACHER_SELF):
        raise CourseError("not_teacher", _("Only teachers with a personal account can enrol."))

    try:
        with transaction.atomic():
            locked = Course.objects.select_for_update().select_related("unit").get(pk=course.pk)
            existing = Enrolment.objects.filter(course=locked, person=person).first()
            if existing is not None and existing.status != EnrolmentStatus.CANCELLED:
                return existing

            _check_enrolment_open(locked, timezone.now())
            problem = enrolment_target_problem(course=locked, person=person)
            if problem:
                raise CourseError("outside_target", problem)

            status = _first_come_status(locked)
            now = timezone.now()
            decided_at = None if status == EnrolmentStatus.APPLIED else now
            if existing is None:
                enrolment = Enrolment.objects.create(
                    course=locked, person=person, status=status, queued_at=now, decided_at=decided_at
                )
                before = {}
            else:
                # A teacher who cancelled and enrols again joins the end of the queue.
                enrolment, before = existing, {"status": existing.status}
                enrolment.status, enrolment.queued_at, enrolment.decided_at = status, now, decided_at
                enrolment.save(update_fields=["status", "queued_at", "decided_at", "updated_at"])

            audit_record(
                actor=actor,
                action="enrolment.create",
                target=enrolment,
                before=before,
                after={"status": status},
                unit=locked.unit,
                ip_address=ip_address,
            )
            if status == EnrolmentStatus.ADMITTED:
                enrolment_id = enrolment.pk
                transaction.on_commit(lambda: admission_notice_send(enrolment_id=enrolment_id))
            return enrolment
    except IntegrityError:
        # The course lock already serialises enrolments; should a second row slip past
        # it, the unique constraint rejects it and the teacher gets the first one.
        return Enrolment.objects.get(course=course, person=person)


def _promote_from_waiting_list(*, actor, course: Course, ip_address: str | None) -> int:
    promoted = 0
    while _has_free_place(course):
        waiting = course.enrolments.filter(status=EnrolmentStatus.WAITLISTED).order_by("queued_at", "pk").first()
        if waiting is None:
            break
        waiting.course = course
        _set_status(
            actor=actor, enrolment=waiting, status=EnrolmentStatus.ADMITTED, action="enrolment.promote", ip_address=ip_address
        )
        promoted += 1
    return promoted


CANCELLABLE_COURSE_STATES = {CourseState.OPEN, CourseState.CLOSED}


@transaction.atomic
def enrolment_cancel(*, actor, enrolment: Enrolment, ip_address: str | None = None) -> Enrolment:
    """Cancel the actor's own enrolment. An admitted place goes to the first teacher on the waiting list."""
    person = getattr(actor, "person", None)
    if person is None or enrolment.person_id != person.pk:
        raise CourseError("not_own", _("You can cancel only your own enrolments."))

    course = Course.objects.select_for_update().select_related("unit").get(pk=enrolment.course_id)
    enrolment = Enrolment.objects.get(pk=enrolment.pk)
    enrolment.course = course
    if enrolment.status == EnrolmentStatus.CANCELLED:
        return enrolment
    if course.state not in CANCELLABLE_COURSE_STATES:
        raise CourseError(
            "too_late",
            _("Enrolments can be cancelled only before the training ends. Contact the organiser."),
        )

    was_admitted = enrolment.status == EnrolmentStatus.ADMITTED
    _set_status(
        actor=actor, enrolment=enrolment, status=EnrolmentStatus.CANCELLED, action="enrolment.cancel", ip_address=ip_address
    )
    if was_admitted:
        _promote_from_waiting_list(actor=actor, course=course, ip_address=ip_address)
    return enrolment


DECISIONS = {
    EnrolmentStatus.ADMITTED: "enrolment.admit",
    EnrolmentStatus.WAITLISTED: "enrolment.waitlist",
    EnrolmentStatus.REFUSED: "enrolment.refuse",
}
DECIDABLE_COURSE_STATES = {CourseState.OPEN, CourseState.CLOSED}


@transaction.atomic
def enrolment_decide(
    *, actor, course: Course, enrolment_ids: list[int], decision: str, ip_address: str | None = None
) -> int:
    """Admit, wait-list or refuse the selected enrolments of a course of the actor's unit.

    Returns how many changed. Admitting more teachers than there are free places rejects
    the whole request, so the organiser chooses who gets the remaining places.
    """
    _check_manages(actor, course)
    if decision not in DECISIONS:
        raise CourseError("bad_decision", _("Choose admit, waiting list or not admitted."))
    if not enrolment_ids:
        raise CourseError("none_selected", _("Select at least one teacher in the list, then choose the action again."))

    course = Course.objects.select_for_update().select_related("unit").get(pk=course.pk)
    if course.state not in DECIDABLE_COURSE_STATES:
        raise CourseError(
            "not_decidable",
            _("Enrolments can be decided only while the course is open or closed for enrolment."),
        )
    enrolments = list(
        course.enrolments.filter(pk__in=enrolment_ids)
        .exclude(status__in=[EnrolmentStatus.CANCELLED, decision])
        .order_by("queued_at", "pk")
    )
    if decision == EnrolmentStatus.ADMITTED and course.quota is not None:
        free = course.quota - _admitted_count(course)
        if len(enrolments) > free:
            raise CourseError(
                "over_quota",
                _("Only %(free)s places are left but %(selected)s teachers are selected. Select fewer teachers.")
                % {"free": max(free, 0), "selected": len(enrolments)},
            )

    freed = False
    for enrolment in enrolments:
        enrolment.course = course
        freed = freed or enrolment.status == EnrolmentStatus.ADMITTED
        _set_status(actor=actor, enrolment=enrolment, status=decision, action=DECISIONS[decision], ip_address=ip_address)
    if freed and course.admission_mode == AdmissionMode.FIRST_COME:
        _promote_from_waiting_list(actor=actor, course=course, ip_address=ip_address)
    return len(enrolments)


# --- E-mail -----------------------------------------------------------------------------------


def admission_notice_send(*, enrolment_id: int) -> bool:
    """E-mail the 錄取通知 (in Traditional Chinese) a teacher shows their school to apply for 公假."""
    enrolment = (
        Enrolment.objects.select_related("course__unit", "person__user")
        .prefetch_related("course__sessions")
        .get(pk=enrolment_id)
    )
    person = enrolment.person
    address = person.email or (person.user.email if person.user_id else "")
    if not address:
        logger.warning("admission notice for enrolment %s not sent: no e-mail address", enrolment_id)
        return False

    context = {"enrolment": enrolment, "course": enrolment.course, "person": person}
    with translation.override("zh-hant"):
        subject = _("Admission notice: %(code)s %(title)s") % {
            "code": enrolment.course.code,
            "title": enrolment.course.title,
        }
        body = render_to_string("courses/email/admission_notice.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    logger.info("admission notice sent for enrolment %s", enrolment_id)
    return True
