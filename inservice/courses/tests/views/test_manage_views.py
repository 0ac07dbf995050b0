import re

import pytest
from django.urls import reverse

from inservice.audit.models import AuditEvent
from inservice.courses import services
from inservice.courses.models import AdmissionMode, Course, CourseCategory, CourseState, CourseTag, Enrolment
from inservice.courses.tests.conftest import make_course, make_teacher

pytestmark = pytest.mark.django_db


def course_post(**overrides) -> dict:
    data = {
        "title": "特殊教育知能研習",
        "category": CourseCategory.objects.get(code="special_education").pk,
        "tags": [CourseTag.objects.get(code="special_education_knowledge").pk],
        "approval_number": "府教特字第1150001234號",
        "hours": "6",
        "credits": "",
        "place": "本校禮堂",
        "quota": "40",
        "admission_mode": "first_come",
        "enrol_opens_at": "2026-01-05T08:00",
        "enrol_closes_at": "2026-02-20T17:00",
        "target_stages": ["ES", "JH"],
        "contact_name": "陳組長",
        "contact_phone": "04-7654321",
        "contact_email": "special@school.example.tw",
        "description": "",
        "sessions-TOTAL_FORMS": "3",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "1",
        "sessions-MAX_NUM_FORMS": "60",
        "sessions-0-date": "2026-03-04",
        "sessions-0-starts_at": "09:00",
        "sessions-0-ends_at": "12:00",
        "sessions-1-date": "2026-03-05",
        "sessions-1-starts_at": "13:00",
        "sessions-1-ends_at": "16:00",
        "sessions-2-date": "",
        "sessions-2-starts_at": "",
        "sessions-2-ends_at": "",
        "save": "1",
    }
    data.update(overrides)
    return data


# --- Registration form ------------------------------------------------------------------------


def test_create_form_renders(client, organiser):
    client.force_login(organiser)

    response = client.get(reverse("courses:create"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "研習名稱" in page
    assert "幼兒園教保專業知能" in page
    assert 'name="sessions-0-date"' in page


def test_create_form_saves_course(client, organiser, unit):
    client.force_login(organiser)

    response = client.post(reverse("courses:create"), course_post())

    course = Course.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:manage_detail", kwargs={"course_id": course.pk})
    assert course.unit == unit
    assert course.sessions.count() == 2
    assert str(course.start_date) == "2026-03-04"
    assert course.target_stage_list == ["ES", "JH"]
    assert course.approval_number == "府教特字第1150001234號"
    assert list(course.tags.values_list("code", flat=True)) == ["special_education_knowledge"]


def test_create_form_with_credits(client, organiser):
    client.force_login(organiser)

    client.post(reverse("courses:create"), course_post(hours="", credits="2"))

    course = Course.objects.get()
    assert course.hours == 36
    assert course.credits == 2


def test_create_form_add_rows_keeps_input(client, organiser):
    client.force_login(organiser)

    response = client.post(reverse("courses:create"), course_post(add_rows="1", save=""))

    page = response.content.decode()
    assert not Course.objects.exists()
    assert response.context["formset"].total_form_count() == 6
    assert 'name="sessions-5-date"' in page
    assert 'value="2026-03-04"' in page
    assert "特殊教育知能研習" in page
    assert re.search(r'name="target_stages" value="ES"[^>]*checked', page)
    assert "errorlist" not in page
    assert 'aria-invalid="true"' not in page


def test_edit_drops_emptied_session_row(client, organiser):
    course = make_course(organiser=organiser)
    client.force_login(organiser)
    emptied = {"sessions-INITIAL_FORMS": "2", "sessions-1-date": "", "sessions-1-starts_at": "", "sessions-1-ends_at": ""}

    response = client.post(reverse("courses:edit", kwargs={"course_id": course.pk}), course_post(**emptied))

    assert response.status_code == 302
    assert course.sessions.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"hours": "", "credits": ""}, "hours", "請填寫研習時數"),
        ({"hours": "6", "credits": "1"}, "credits", "只能擇一填寫"),
        ({"enrol_closes_at": "2026-01-01T08:00"}, "enrol_closes_at", "報名截止時間須晚於"),
        ({"title": ""}, "title", ""),
    ],
)
def test_create_form_field_errors(client, organiser, overrides, field, message):
    client.force_login(organiser)

    response = client.post(reverse("courses:create"), course_post(**overrides))

    assert not Course.objects.exists()
    assert field in response.context["form"].errors
    assert message in " ".join(response.context["form"].errors[field])
    assert 'aria-invalid="true"' in response.content.decode()


def test_create_form_session_end_before_start(client, organiser):
    client.force_login(organiser)

    response = client.post(reverse("courses:create"), course_post(**{"sessions-0-ends_at": "08:00"}))

    assert not Course.objects.exists()
    assert "場次的結束時間須晚於開始時間" in response.content.decode()


def test_create_form_needs_a_session(client, organiser):
    client.force_login(organiser)
    empty_rows = {f"sessions-{index}-{name}": "" for index in range(3) for name in ("date", "starts_at", "ends_at")}

    response = client.post(reverse("courses:create"), course_post(**empty_rows))

    assert not Course.objects.exists()
    assert response.context["formset"].non_form_errors()


def test_create_form_duplicate_sessions(client, organiser):
    client.force_login(organiser)
    repeated = {"sessions-1-date": "2026-03-04", "sessions-1-starts_at": "09:00", "sessions-1-ends_at": "12:00"}

    response = client.post(reverse("courses:create"), course_post(**repeated))

    assert not Course.objects.exists()
    assert "重複" in response.content.decode()


def test_create_form_refused_for_teacher(client, teacher):
    client.force_login(teacher)

    assert client.get(reverse("courses:create")).status_code == 403


def test_create_form_anonymous_redirected(client):
    response = client.get(reverse("courses:create"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# --- Management --------------------------------------------------------------------------------


def test_manage_list_shows_own_unit_only(client, organiser, other_organiser):
    own = make_course(organiser=organiser, title="本校課程")
    make_course(organiser=other_organiser, title="他校課程")
    client.force_login(organiser)

    page = client.get(reverse("courses:manage")).content.decode()

    assert own.title in page
    assert "他校課程" not in page


def test_manage_list_filters_by_state(client, organiser):
    make_course(organiser=organiser, title="草稿課程")
    make_course(organiser=organiser, state=CourseState.OPEN, title="報名中課程")
    client.force_login(organiser)

    page = client.get(reverse("courses:manage"), {"state": "open"}).content.decode()

    assert "報名中課程" in page
    assert "草稿課程" not in page


def test_manage_list_query_count_flat(client, organiser, django_assert_max_num_queries):
    make_course(organiser=organiser)
    client.force_login(organiser)
    with django_assert_max_num_queries(50) as few:
        client.get(reverse("courses:manage"))
    for _ in range(10):
        make_course(organiser=organiser)

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("courses:manage"))


def test_manage_list_refused_for_teacher(client, teacher):
    client.force_login(teacher)

    assert client.get(reverse("courses:manage")).status_code == 403


@pytest.mark.parametrize("name", ["manage_detail", "edit"])
def test_other_unit_course_is_404(client, organiser, other_organiser, name):
    course = make_course(organiser=organiser)
    client.force_login(other_organiser)

    assert client.get(reverse(f"courses:{name}", kwargs={"course_id": course.pk})).status_code == 404


def test_other_unit_cannot_change_state(client, organiser, other_organiser):
    course = make_course(organiser=organiser)
    client.force_login(other_organiser)

    response = client.post(reverse("courses:transition", kwargs={"course_id": course.pk}), {"to_state": "open"})

    assert response.status_code == 404
    course.refresh_from_db()
    assert course.state == CourseState.DRAFT


def test_other_unit_cannot_edit(client, organiser, other_organiser):
    course = make_course(organiser=organiser)
    client.force_login(other_organiser)

    response = client.post(reverse("courses:edit", kwargs={"course_id": course.pk}), course_post(title="改名"))

    assert response.status_code == 404
    course.refresh_from_db()
    assert course.title != "改名"


def test_edit_saves_and_audits(client, organiser):
    course = make_course(organiser=organiser)
    client.force_login(organiser)

    response = client.post(reverse("courses:edit", kwargs={"course_id": course.pk}), course_post(title="改名"))

    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title == "改名"
    assert course.sessions.count() == 2
    assert AuditEvent.objects.filter(action="course.update", target_id=str(course.pk)).exists()


def test_edit_form_prefills_sessions(client, organiser):
    course = make_course(organiser=organiser)
    client.force_login(organiser)

    page = client.get(reverse("courses:edit", kwargs={"course_id": course.pk})).content.decode()

    assert f'value="{course.start_date:%Y-%m-%d}"' in page
    assert 'value="13:30"' in page


def test_edit_refused_after_finish(client, organiser):
    course = make_course(organiser=organiser, state=CourseState.FINISHED)
    client.force_login(organiser)

    response = client.post(reverse("courses:edit", kwargs={"course_id": course.pk}), course_post(title="改名"))

    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title != "改名"


def test_transition_button_opens_course(client, organiser):
    course = make_course(organiser=organiser)
    client.force_login(organiser)

    response = client.post(
        reverse("courses:transition", kwargs={"course_id": course.pk}), {"to_state": "open"}, follow=True
    )

    course.refresh_from_db()
    assert course.state == CourseState.OPEN
    assert "已改為「開放報名」" in response.content.decode()


def test_transition_illegal_shows_message(client, organiser):
    course = make_course(organiser=organiser)
    client.force_login(organiser)

    response = client.post(
        reverse("courses:transition", kwargs={"course_id": course.pk}), {"to_state": "finished"}, follow=True
    )

    course.refresh_from_db()
    assert course.state == CourseState.DRAFT
    assert "不能改為" in response.content.decode()


def test_detail_lists_allowed_transitions(client, organiser):
    course = make_course(organiser=organiser, state=CourseState.OPEN)
    client.force_login(organiser)

    response = client.get(reverse("courses:manage_detail", kwargs={"course_id": course.pk}))

    assert [state for state, _ in response.context["transitions"]] == ["closed", "cancelled"]


def test_decide_admits_selected(client, organiser, unit):
    course = make_course(organiser=organiser, state=CourseState.OPEN, admission_mode=AdmissionMode.MANUAL)
    enrolments = [services.enrolment_create(actor=make_teacher(unit=unit), course=course) for _ in range(2)]
    client.force_login(organiser)

    page = client.get(reverse("courses:manage_detail", kwargs={"course_id": course.pk})).content.decode()
    client.post(
        reverse("courses:decide", kwargs={"course_id": course.pk}),
        {"decision": "admitted", "enrolments": [enrolments[1].pk]},
    )

    assert enrolments[0].person.name in page
    assert enrolments[0].person.identity_masked in page
    assert [Enrolment.objects.get(pk=item.pk).status for item in enrolments] == ["applied", "admitted"]


def test_decide_without_selection_shows_message(client, organiser, teacher):
    course = make_course(organiser=organiser, state=CourseState.OPEN, admission_mode=AdmissionMode.MANUAL)
    services.enrolment_create(actor=teacher, course=course)
    client.force_login(organiser)

    response = client.post(
        reverse("courses:decide", kwargs={"course_id": course.pk}), {"decision": "admitted"}, follow=True
    )

    assert "請在名單中至少勾選一位教師" in response.content.decode()
    assert Enrolment.objects.get().status == "applied"


def test_decide_other_unit_is_404(client, organiser, other_organiser, teacher):
    course = make_course(organiser=organiser, state=CourseState.OPEN, admission_mode=AdmissionMode.MANUAL)
    enrolment = services.enrolment_create(actor=teacher, course=course)
    client.force_login(other_organiser)

    response = client.post(
        reverse("courses:decide", kwargs={"course_id": course.pk}), {"decision": "admitted", "enrolments": [enrolment.pk]}
    )

    assert response.status_code == 404
    assert Enrolment.objects.get().status == "applied"


def test_manage_detail_query_count_flat(client, organiser, unit, django_assert_max_num_queries):
    course = make_course(organiser=organiser, state=CourseState.OPEN, quota=None)
    services.enrolment_create(actor=make_teacher(unit=unit), course=course)
    client.force_login(organiser)
    with django_assert_max_num_queries(60) as few:
        client.get(reverse("courses:manage_detail", kwargs={"course_id": course.pk}))
    for _ in range(10):
        services.enrolment_create(actor=make_teacher(unit=unit), course=course)

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("courses:manage_detail", kwargs={"course_id": course.pk}))


def test_menu_shows_course_entries(client, organiser, teacher):
    client.force_login(organiser)
    organiser_page = client.get(reverse("core:home")).content.decode()
    client.force_login(teacher)
    teacher_page = client.get(reverse("core:home")).content.decode()

    assert "研習課程登錄" in organiser_page
    assert "研習課程管理" in organiser_page
    assert "研習課程登錄" not in teacher_page
    assert "我的研習報名" in teacher_page
