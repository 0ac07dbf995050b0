"""研習課程: courses opened by business accounts, with their sessions and targets."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class CourseState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for enrolment")
    CLOSED = "closed", _("Enrolment closed")
    FINISHED = "finished", _("Training finished")
    CONFIRMED = "confirmed", _("Attendance list confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class CourseCategory(models.Model):
    """類別 of a course, such as 教學專業 or 特殊教育; reference data a system admin extends."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("course category")
        verbose_name_plural = _("course categories")

    def __str__(self) -> str:
        return self.name


class CourseTag(models.Model):
    """屬性標籤, such as the kindergarten tags 幼兒園教保專業知能, 基本救命術訓練 and 安全教育."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("course tag")
        verbose_name_plural = _("course tags")

    def __str__(self) -> str:
        return self.name


HOURS_PER_CREDIT = Decimal(18)


class AdmissionMode(models.TextChoices):
    FIRST_COME = "first_come", _("First come, first admitted")
    MANUAL = "manual", _("Admitted by the organiser")


class Course(models.Model):
    code = models.CharField(_("Course code"), max_length=7, unique=True)
    title = models.CharField(_("Course title"), max_length=200)
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="courses")
    owner = models.ForeignKey(
        "accounts.BusinessAccount", on_delete=models.PROTECT, related_name="courses", verbose_name=_("opened by")
    )
    state = models.CharField(_("state"), max_length=16, choices=CourseState.choices, default=CourseState.DRAFT)
    category = models.ForeignKey(
        CourseCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="courses", verbose_name=_("category")
    )
    tags = models.ManyToManyField(CourseTag, blank=True, related_name="courses", verbose_name=_("tags"))
    approval_number = models.CharField(_("approval document number"), max_length=64, blank=True)
    # Hours always; a course given in credits stores credits × 18 here as well.
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=1, default=Decimal(0), validators=[MinValueValidator(Decimal(0))]
    )
    credits = models.DecimalField(_("credits"), max_digits=4, decimal_places=1, null=True, blank=True)
    start_date = models.DateField(_("first day"), null=True, blank=True)
    end_date = models.DateField(_("last day"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    quota = models.PositiveIntegerField(_("quota"), null=True, blank=True)
    admission_mode = models.CharField(
        _("admission"), max_length=16, choices=AdmissionMode.choices, default=AdmissionMode.FIRST_COME
    )
    enrol_opens_at = models.DateTimeField(_("enrolment opens"), null=True, blank=True)
    enrol_closes_at = models.DateTimeField(_("enrolment closes"), null=True, blank=True)
    # Target: empty values mean open to all. Stage and county codes comma-separated.
    target_stages = models.CharField(_("target stages"), max_length=32, blank=True)
    target_counties = models.CharField(_("target counties"), max_length=128, blank=True)
    target_subjects = models.ManyToManyField(
        "people.Subject", blank=True, related_name="target_courses", verbose_name=_("target subjects")
    )
    contact_name = models.CharField(_("contact name"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        indexes = [models.Index(fields=["unit", "state"]), models.Index(fields=["state", "start_date"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def target_stage_list(self) -> list[str]:
        return [code for code in self.target_stages.split(",") if code]

    @property
    def target_county_list(self) -> list[str]:
        return [code for code in self.target_counties.split(",") if code]


class CourseSession(models.Model):
    """One dated meeting of a course."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))

    class Meta:
        ordering = ["course", "date", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start")
        ]


class CourseCodeCounter(models.Model):
    """The last 課程代碼 handed out. One row, locked with SELECT … FOR UPDATE while a code is taken."""

    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("course code counter")


class EnrolmentStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ADMITTED = "admitted", _("Admitted")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    REFUSED = "refused", _("Not admitted")


class Enrolment(models.Model):
    """A teacher's 報名 for a course; one row per course and person, re-used on re-enrolment."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(
        _("enrolment status"), max_length=16, choices=EnrolmentStatus.choices, default=EnrolmentStatus.APPLIED
    )
    # Place in the queue: set when the teacher (re-)enrols, so the waiting list is filled in this order.
    queued_at = models.DateTimeField(_("enrolled at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["queued_at", "pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [models.UniqueConstraint(fields=["course", "person"], name="one_enrolment_per_course_person")]
        indexes = [models.Index(fields=["course", "status", "queued_at"])]

    def __str__(self) -> str:
        return f"Enrolment {self.pk} (person {self.person_id} in course {self.course_id})"
