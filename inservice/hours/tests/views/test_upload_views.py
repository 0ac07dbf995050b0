import pytest
from django.utils import timezone
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inservice.accounts.models import Role
from inservice.courses.models import CourseState
from inservice.hours import services
from inservice.hours.models import Attendance, AttendanceUpload, CourseFile, HourCorrection, HourRecord
from inservice.testing import factories

from ..builders import csv_upload, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_course():
    other_unit = factories.make_unit()
    return make_course(owner=factories.make_business_account(unit=other_unit))


@pytest.mark.parametrize("role", [Role.CHIEF, Role.CONTACT, Role.OPERATOR])
def test_course_page_for_every_business_role(client, unit, course, role):
    account = factories.make_business_account(unit=unit, role=role)
    client.force_login(account.user)

    response = client.get(reverse("hours:course", args=[course.pk]))

    assert response.status_code == 200
    assert course.title in response.content.decode()


def test_course_list_shows_own_unit_only(manager_client, course, other_course):
    draft = make_course(owner=course.owner, state=CourseState.DRAFT, title="草稿課程")

    content = manager_client.get(reverse("hours:courses")).content.decode()

    assert course.title in content
    assert other_course.code not in content
    assert draft.title not in content


def test_other_units_course_is_404(manager_client, other_course):
    assert manager_client.get(reverse("hours:course", args=[other_course.pk])).status_code == 404
    upload = manager_client.post(reverse("hours:upload", args=[other_course.pk]), {"file": csv_upload([("A", "1")])})
    assert upload.status_code == 404
    assert manager_client.post(reverse("hours:confirm", args=[other_course.pk])).status_code == 404


@pytest.mark.parametrize("kind", ["teacher", "authority"])
def test_non_business_users_forbidden(client, course, kind):
    if kind == "teacher":
        user = factories.make_user()
        person = factories.make_person(unit=course.unit)
        person.user = user
        person.save()
    else:
        user = factories.make_authority_user()
    client.force_login(user)

    assert client.get(reverse("hours:course", args=[course.pk])).status_code == 403


def test_anonymous_sent_to_sign_in(client, course):
    response = client.get(reverse("hours:course", args=[course.pk]))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_upload_check_then_apply(manager_client, course, unit):
    person = factories.make_person(unit=unit)
    rows = [(person.identity_number, "6"), ("A100000000", "2")]

    response = manager_client.post(reverse("hours:upload", args=[course.pk]), {"file": csv_upload(rows)})

    upload = AttendanceUpload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("hours:report", args=[upload.pk])
    report = manager_client.get(response["Location"]).content.decode()
    assert "wrong check digit" in report or "檢查碼錯誤" in report
    assert Attendance.objects.count() == 0

    applied = manager_client.post(reverse("hours:apply", args=[upload.pk]))

    assert applied.status_code == 302
    assert list(Attendance.objects.values_list("person_id", flat=True)) == [person.pk]


def test_upload_with_false_extension_shows_field_error(manager_client, course):
    fake = SimpleUploadedFile("list.xlsx", "身分證統一編號,研習時數\n".encode())

    response = manager_client.post(reverse("hours:upload", args=[course.pk]), {"file": fake})

    assert response.status_code == 400
    assert response.context["upload_form"].errors["file"]
    assert AttendanceUpload.objects.count() == 0


def test_report_of_other_unit_is_404(manager_client, other_course):
    other_manager = other_course.owner
    person = factories.make_person(unit=other_course.unit)
    upload = services.attendance_upload_check(
        actor=other_manager.user, course=other_course, uploaded_file=csv_upload([(person.identity_number, "1")])
    )

    assert manager_client.get(reverse("hours:report", args=[upload.pk])).status_code == 404
    assert manager_client.post(reverse("hours:apply", args=[upload.pk])).status_code == 404
    assert Attendance.objects.count() == 0


def test_confirm_view_issues_hours(manager_client, manager, course, unit):
    person = factories.make_person(unit=unit)
    upload = services.attendance_upload_check(
        actor=manager.user, course=course, uploaded_file=csv_upload([(person.identity_number, "5")])
    )
    services.attendance_upload_apply(actor=manager.user, upload=upload)

    response = manager_client.post(reverse("hours:confirm", args=[course.pk]), follow=True)

    assert HourRecord.objects.filter(course=course, person=person).count() == 1
    assert "5.0" in response.content.decode()


def test_confirm_view_error_shown(manager_client, course):
    response = manager_client.post(reverse("hours:confirm", args=[course.pk]), follow=True)

    messages = [str(message) for message in response.context["messages"]]
    assert len(messages) == 1
    assert HourRecord.objects.count() == 0


def test_correction_view(manager_client, manager, course, unit):
    person = factories.make_person(unit=unit)
    upload = services.attendance_upload_check(
        actor=manager.user, course=course, uploaded_file=csv_upload([(person.identity_number, "5")])
    )
    services.attendance_upload_apply(actor=manager.user, upload=upload)
    services.course_list_confirm(actor=manager.user, course=course)
    record = HourRecord.objects.get()

    manager_client.post(reverse("hours:correct", args=[record.pk]), {"delta": "1", "reason": "補簽到"})
    manager_client.post(reverse("hours:correct", args=[record.pk]), {"delta": "0", "reason": "x"})

    assert list(HourCorrection.objects.values_list("delta", flat=True)) == [1]


def test_correction_of_other_unit_is_404(manager_client, other_course):
    person = factories.make_person(unit=other_course.unit)
    record = HourRecord.objects.create(
        person=person, course=other_course, hours=2, issued_at=timezone.now(), issued_by=other_course.owner.user
    )

    response = manager_client.post(reverse("hours:correct", args=[record.pk]), {"delta": "1", "reason": "x"})

    assert response.status_code == 404
    assert HourCorrection.objects.count() == 0


def test_pdf_attach_and_download(manager_client, course):
    pdf = SimpleUploadedFile("講義.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")

    manager_client.post(reverse("hours:file_upload", args=[course.pk]), {"file": pdf})

    stored = CourseFile.objects.get()
    assert stored.original_name == "講義.pdf"
    response = manager_client.get(reverse("hours:file", args=[stored.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_fake_pdf_refused(manager_client, course):
    fake = SimpleUploadedFile("講義.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    response = manager_client.post(reverse("hours:file_upload", args=[course.pk]), {"file": fake})

    assert response.status_code == 400
    assert CourseFile.objects.count() == 0


def test_other_units_file_is_404(manager_client, other_course):
    other_client_file = services.course_file_attach(
        actor=other_course.owner.user,
        course=other_course,
        uploaded_file=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n"),
    )

    assert manager_client.get(reverse("hours:file", args=[other_client_file.pk])).status_code == 404
