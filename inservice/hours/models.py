"""Attendance lists, course files, issued hours (核發研習時數) and their corrections."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AttendanceUpload(models.Model):
    """One uploaded attendance list: its row-by-row check report, then whether it was applied."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked, not applied")
        APPLIED = "applied", _("Applied")
        SUPERSEDED = "superseded", _("Replaced by a later upload")

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="attendance_uploads")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.CHECKED)
    # One dict per data row: row number, masked identity number, hours, person id
    # (accepted rows) or an error code with its parameters (refused rows).
    rows = models.JSONField(default=list)
    accepted_count = models.PositiveIntegerField(default=0)
    refused_count = models.PositiveIntegerField(default=0)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("attendance upload")
        verbose_name_plural = _("attendance uploads")

    def __str__(self) -> str:
        return f"AttendanceUpload {self.pk} (course {self.course_id})"


class Attendance(models.Model):
    """A teacher's attended hours on a course's applied attendance list, before confirmation."""

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="attendances")
    hours = models.DecimalField(_("attended hours"), max_digits=5, decimal_places=1)
    upload = models.ForeignKey(AttendanceUpload, on_delete=models.PROTECT, related_name="attendances")

    class Meta:
        ordering = ["course", "person__name", "pk"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["course", "person"], name="attendance_once_per_course")]


def course_file_path(instance, filename: str) -> str:
    # The stored name never contains the uploader's file name, which may hold personal data.
    return f"course-files/{instance.course_id}/{instance.stored_token}.pdf"


class CourseFile(models.Model):
    """A PDF attached to a course (講義, 簽到表 and the like)."""

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=course_file_path)
    stored_token = models.CharField(max_length=32, unique=True)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["course", "uploaded_at", "pk"]
        verbose_name = _("course file")
        verbose_name_plural = _("course files")


class HourRecord(models.Model):
    """Hours issued to one teacher for one course when its attendance list was confirmed."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="hour_records")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="hour_records")
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    # The moment of 名單確認通過: it decides the school and calendar year the hours count in.
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("hour record")
        verbose_name_plural = _("hour records")
        constraints = [
            models.UniqueConstraint(fields=["person", "course"], name="hours_issued_once_per_course"),
            models.CheckConstraint(condition=models.Q(hours__gte=Decimal(0)), name="hour_record_not_negative"),
        ]
        indexes = [models.Index(fields=["issued_at"]), models.Index(fields=["person", "issued_at"])]

    def __str__(self) -> str:
        return f"HourRecord {self.pk} (person {self.person_id}, course {self.course_id})"


class HourCorrection(models.Model):
    """A later change to an issued record: ``delta`` hours added (or, when negative, removed).

    Records are never edited, so a teacher's hours for a course are the record's
    hours plus the sum of its corrections. Corrections count in the year of the
    record they correct.
    """

    record = models.ForeignKey(HourRecord, on_delete=models.PROTECT, related_name="corrections")
    delta = models.DecimalField(_("change in hours"), max_digits=5, decimal_places=1)
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["record", "created_at", "pk"]
        verbose_name = _("hour correction")
        verbose_name_plural = _("hour corrections")
        constraints = [models.CheckConstraint(condition=~models.Q(delta=Decimal(0)), name="hour_correction_not_zero")]
