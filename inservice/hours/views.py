"""Views of 資料上傳, 名單確認通過 and 我的研習紀錄. Each fetches through a scoped selector (404 outside scope)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from inservice.core.policy import Capability, capability_required
from inservice.courses.models import CourseState

from . import exports, selectors, services
from .forms import AttendanceUploadForm, CourseFileForm, HourCorrectionForm
from .models import AttendanceUpload, CourseFile, HourRecord


def _managed_course(request, pk: int):
    return get_object_or_404(selectors.courses_managed_by(request.user), pk=pk)


@require_GET
@capability_required(Capability.COURSE_MANAGE)
def course_list(request):
    courses = selectors.courses_managed_by(request.user).exclude(state=CourseState.DRAFT)
    return render(request, "hours/course_list.html", {"courses": courses})


def _render_course(request, course, *, upload_form=None, file_form=None, status=200):
    records = list(selectors.records_of_course(course)) if course.state == CourseState.CONFIRMED else []
    context = {
        "course": course,
        "can_upload": course.state in services.UPLOAD_STATES,
        "can_confirm": course.state == CourseState.FINISHED,
        "attendances": course.attendances.select_related("person").order_by("person__name", "pk"),
        "uploads": selectors.uploads_of(course)[:10],
        "files": selectors.files_of(course),
        "records": records,
        "upload_form": upload_form or AttendanceUploadForm(),
        "file_form": file_form or CourseFileForm(),
        "correction_form": HourCorrectionForm(),
    }
    return render(request, "hours/course_detail.html", context, status=status)


@require_GET
@capability_required(Capability.COURSE_MANAGE)
def course_detail(request, pk: int):
    return _render_course(request, _managed_course(request, pk))


@require_POST
@capability_required(Capability.COURSE_MANAGE)
def attendance_upload(request, pk: int):
    course = _managed_course(request, pk)
    form = AttendanceUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            upload = services.attendance_upload_check(actor=request.user, course=course, uploaded_file=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        except services.HoursError as error:
            form.add_error("file", error.message)
        else:
            return redirect("hours:report", pk=upload.pk)
    return _render_course(request, course, upload_form=form, status=400)


@require_POST
@capability_required(Capability.COURSE_MANAGE)
def course_file_upload(request, pk: int):
    course = _managed_course(request, pk)
    form = CourseFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.course_file_attach(actor=request.user, course=course, uploaded_file=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("The file was attached."))
            return redirect("hours:course", pk=course.pk)
    return _render_course(request, course, file_form=form, status=400)


@require_GET
@capability_required(Capability.COURSE_MANAGE)
def course_file_download(request, pk: int):
    course_file = get_object_or_404(CourseFile.objects.filter(course__in=selectors.courses_managed_by(request.user)), pk=pk)
    return FileResponse(course_file.file.open("rb"), as_attachment=True, filename=course_file.original_name, content_type="application/pdf")


def _managed_upload(request, pk: int) -> AttendanceUpload:
    return get_object_or_404(
        AttendanceUpload.objects.filter(course__in=selectors.courses_managed_by(request.user)).select_related("course"), pk=pk
    )


@require_GET
@capability_required(Capability.COURSE_MANAGE)
def upload_report(request, pk: int):
    upload = _managed_upload(request, pk)
    context = {
        "upload": upload,
        "course": upload.course,
        "rows": selectors.upload_report(upload),
        "can_apply": upload.status == AttendanceUpload.Status.CHECKED and upload.course.state in services.UPLOAD_STATES,
    }
    return render(request, "hours/upload_report.html", context)


@require_POST
@capability_required(Capability.COURSE_MANAGE)
def upload_apply(request, pk: int):
    upload = _managed_upload(request, pk)
    try:
        count = services.attendance_upload_apply(actor=request.user, upload=upload)
    except services.HoursError as error:
        messages.error(request, error.message)
        return redirect("hours:report", pk=upload.pk)
    messages.success(request, _("The attendance list was applied: %(count)s teachers.") % {"count": count})
    return redirect("hours:course", pk=upload.course_id)


@require_POST
@capability_required(Capability.COURSE_MANAGE)
def course_confirm(request, pk: int):
    course = _managed_course(request, pk)
    try:
        count = services.course_list_confirm(actor=request.user, course=course)
    except services.HoursError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The list is confirmed and hours are issued to %(count)s teachers.") % {"count": count})
    return redirect("hours:course", pk=course.pk)


@require_POST
@capability_required(Capability.COURSE_MANAGE)
def record_correct(request, pk: int):
    record = get_object_or_404(HourRecord.objects.filter(course__in=selectors.courses_managed_by(request.user)), pk=pk)
    form = HourCorrectionForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}")
        return redirect("hours:course", pk=record.course_id)
    try:
        services.hour_correction_create(
            actor=request.user, record=record, delta=form.cleaned_data["delta"], reason=form.cleaned_data["reason"]
        )
    except services.HoursError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The correction was saved."))
    return redirect("hours:course", pk=record.course_id)


# --- 我的研習紀錄 ------------------------------------------------------------------------------


def _own_records(request):
    return list(selectors.records_of_person(request.user.person))


@require_GET
@capability_required(Capability.TEACHER_SELF)
def my_record(request):
    records = _own_records(request)
    school_years, calendar_years = selectors.year_totals(records)
    context = {"records": records, "school_years": school_years, "calendar_years": calendar_years}
    return render(request, "hours/my_record.html", context)


@require_GET
@capability_required(Capability.TEACHER_SELF)
def my_record_download(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    header = [
        _("Issued on (ROC)"),
        _("School year"),
        _("Course code"),
        _("Course title"),
        _("Organising unit"),
        _("Category"),
        _("Hours"),
    ]
    rows = exports.my_record_rows(_own_records(request))
    writer = exports.csv_response if fmt == "csv" else exports.xlsx_response
    return writer(filename="training-record", header=header, rows=rows)
