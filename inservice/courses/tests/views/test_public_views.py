import datetime

import pytest
from django.urls import reverse

from inservice.courses.models import CourseState, Enrolment
from inservice.courses.tests.conftest import make_course, make_teacher, session_inputs
from inservice.testing.factories import make_business_account, make_unit

pytestmark = pytest.mark.django_db


def test_search_open_to_anonymous(client, organiser):
    course = make_course(organiser=organiser, state=CourseState.OPEN)

    response = client.get(reverse("courses:search"))

    assert response.status_code == 200
    assert course.title in response.content.decode()


def test_search_filters_by_keyword(client, organiser):
    wanted = make_course(organiser=organiser, state=CourseState.OPEN, title="自然科學探究")
    other = make_course(organiser=organiser, state=CourseState.OPEN, title="英語教學")

    page = client.get(reverse("courses:search"), {"keyword": "自然"}).content.decode()

    assert wanted.title in page
    assert other.title not in page


def test_search_bad_date_range_message(client):
    response = client.get(reverse("courses:search"), {"date_from": "2026-05-01", "date_to": "2026-04-01"})

    assert response.status_code == 200
    assert "結束日期早於開始日期" in response.content.decode()


def test_search_paginates(client, organiser):
    for _ in range(22):
        make_course(organiser=organiser, state=CourseState.OPEN)

    first = client.get(reverse("courses:search"))
    second = client.get(reverse("courses:search"), {"page": 2})

    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 2


def test_search_query_count_flat(client, organiser, django_assert_max_num_queries):
    make_course(organiser=organiser, state=CourseState.OPEN)
    with django_assert_max_num_queries(50) as few:
        client.get(reverse("courses:search"))
    for _ in range(15):
        make_course(organiser=organiser, state=CourseState.OPEN)

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("courses:search"))


def test_detail_open_to_anonymous(client, organiser):
    course = make_course(organiser=organiser, state=CourseState.OPEN, sessions=None)

    response = client.get(reverse("courses:detail", kwargs={"code": course.code}))

    page = response.content.decode()
    assert response.status_code == 200
    assert course.code in page
    assert "民國" in page
    assert "登入" in page


def test_detail_of_draft_is_404(client, organiser):
    course = make_course(organiser=organiser)

    response = client.get(reverse("courses:detail", kwargs={"code": course.code}))

    assert response.status_code == 404


def test_detail_offers_enrol_to_teacher(client, organiser, teacher):
    course = make_course(organiser=organiser, state=CourseState.OPEN)
    client.force_login(teacher)

    page = client.get(reverse("courses:detail", kwargs={"code": course.code})).content.decode()

    assert reverse("courses:enrol", kwargs={"code": course.code}) in page


def test_detail_explains_target_to_teacher(client, organiser):
    course = make_course(organiser=organiser, state=CourseState.OPEN, target_stages=["KG"])
    client.force_login(make_teacher(unit=make_unit(stages="ES")))

    page = client.get(reverse("courses:detail", kwargs={"code": course.code})).content.decode()

    assert "本課程限其他學制的教師報名" in page
    assert reverse("courses:enrol", kwargs={"code": course.code}) not in page


def test_enrol_post_creates_enrolment(client, organiser, teacher):
    course = make_course(organiser=organiser, state=CourseState.OPEN)
    client.force_login(teacher)

    response = client.post(reverse("courses:enrol", kwargs={"code": course.code}), follow=True)

    assert Enrolment.objects.get(course=course, person=teacher.person).status == "admitted"
    assert "您已錄取" in response.content.decode()


def test_enrol_closed_course_shows_error(client, organiser, teacher):
    course = make_course(organiser=organiser, state=CourseState.CLOSED)
    client.force_login(teacher)

    response = client.post(reverse("courses:enrol", kwargs={"code": course.code}), follow=True)

    assert not Enrolment.objects.exists()
    assert "本課程目前未開放報名" in response.content.decode()


def test_enrol_get_not_allowed(client, organiser, teacher):
    course = make_course(organiser=organiser, state=CourseState.OPEN)
    client.force_login(teacher)

    assert client.get(reverse("courses:enrol", kwargs={"code": course.code})).status_code == 405


def test_enrol_refused_for_organiser(client, organiser):
    course = make_course(organiser=organiser, state=CourseState.OPEN)
    client.force_login(organiser)

    assert client.post(reverse("courses:enrol", kwargs={"code": course.code})).status_code == 403


def test_enrol_anonymous_goes_to_sign_in(client, organiser):
    course = make_course(organiser=organiser, state=CourseState.OPEN)

    response = client.post(reverse("courses:enrol", kwargs={"code": course.code}))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_my_enrolments_lists_and_cancels(client, organiser, teacher):
    course = make_course(organiser=organiser, state=CourseState.OPEN)
    client.force_login(teacher)
    client.post(reverse("courses:enrol", kwargs={"code": course.code}))
    enrolment = Enrolment.objects.get()

    page = client.get(reverse("courses:my_enrolments")).content.decode()
    client.post(reverse("courses:cancel", kwargs={"enrolment_id": enrolment.pk}))

    assert course.title in page
    assert Enrolment.objects.get().status == "cancelled"


def test_cancel_someone_elses_is_404(client, organiser, unit):
    course = make_course(organiser=organiser, state=CourseState.OPEN)
    owner = make_teacher(unit=unit)
    client.force_login(owner)
    client.post(reverse("courses:enrol", kwargs={"code": course.code}))
    enrolment = Enrolment.objects.get()
    client.force_login(make_teacher(unit=unit))

    response = client.post(reverse("courses:cancel", kwargs={"enrolment_id": enrolment.pk}))

    assert response.status_code == 404
    assert Enrolment.objects.get().status == "admitted"


def test_my_enrolments_refused_for_organiser(client, organiser):
    client.force_login(organiser)

    assert client.get(reverse("courses:my_enrolments")).status_code == 403


def test_detail_shows_roc_dates(client, organiser):
    course = make_course(
        organiser=organiser, state=CourseState.OPEN, sessions=session_inputs(datetime.date(2026, 10, 5))
    )

    page = client.get(reverse("courses:detail", kwargs={"code": course.code})).content.decode()

    assert "民國 115 年 10 月 5 日" in page


def test_business_account_elsewhere_sees_public_page(client, organiser):
    course = make_course(organiser=organiser, state=CourseState.OPEN)
    client.force_login(make_business_account(unit=make_unit(code="075555")).user)

    assert client.get(reverse("courses:detail", kwargs={"code": course.code})).status_code == 200
