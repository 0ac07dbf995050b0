"""A course from registration to admission, driven through the screens in Chromium."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from inservice.courses.models import CourseCategory, CourseTag, Enrolment
from inservice.courses.tests.conftest import make_teacher
from inservice.testing.browser import screenshot
from inservice.testing.factories import make_business_account, make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


def sign_in(page, username: str) -> None:
    page.goto_checked("/accounts/login/")
    page.get_by_label("帳號").fill(username)
    page.get_by_label("密碼").fill(PASSWORD)
    page.get_by_role("button", name="登入").click()
    page.check()


def sign_out(page) -> None:
    page.get_by_role("button", name="登出").click()
    page.check()


def test_register_open_enrol_admit(browser_page):
    page = browser_page
    # Transactional tests start without the rows the data migration seeded.
    CourseCategory.objects.get_or_create(code="teaching", defaults={"name": "教學專業"})
    CourseTag.objects.get_or_create(code="safety_education", defaults={"name": "安全教育"})
    unit = make_unit(stages="ES")
    make_business_account(unit=unit, username="organiser")
    teacher = make_teacher(unit=make_unit(stages="ES"), email="teacher@school.example.tw")
    teacher.username = "teacher"
    teacher.save(update_fields=["username"])
    now = timezone.localtime()
    first_day = (now + datetime.timedelta(days=20)).date()

    # The organiser registers a course with two sessions, adding a row without JavaScript.
    sign_in(page, "organiser")
    page.get_by_role("link", name="研習課程登錄").first.click()
    page.check()
    page.get_by_label("研習名稱").fill("校園安全教育研習")
    page.get_by_label("類別").select_option(label="教學專業")
    page.get_by_label("安全教育").check()
    page.get_by_label("研習時數").fill("6")
    page.get_by_label("第 1 場日期").fill(first_day.isoformat())
    page.get_by_label("第 1 場開始時間").fill("09:00")
    page.get_by_label("第 1 場結束時間").fill("12:00")
    page.get_by_role("button", name="增加場次列").click()
    page.check()
    page.get_by_label("第 4 場日期").fill((first_day + datetime.timedelta(days=1)).isoformat())
    page.get_by_label("第 4 場開始時間").fill("13:00")
    page.get_by_label("第 4 場結束時間").fill("16:00")
    page.get_by_label("研習地點").fill("本校禮堂")
    page.get_by_label("名額").fill("30")
    page.get_by_label("由承辦人審核錄取").check()
    page.get_by_label("報名開始時間").fill((now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("報名截止時間").fill((now + datetime.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("聯絡人姓名").fill("林承辦")
    page.get_by_label("聯絡電話").fill("04-1234567")
    screenshot(page, "courses-register-form")
    page.get_by_role("button", name="儲存課程").click()
    page.check()
    assert page.get_by_text("課程已以草稿登錄").is_visible()

    # It opens the course for enrolment.
    page.get_by_role("button", name="改為「開放報名」").click()
    page.check()
    assert page.get_by_text("已改為「開放報名」").is_visible()
    sign_out(page)

    # A teacher finds it in the public search and enrols.
    sign_in(page, "teacher")
    page.get_by_role("link", name="研習課程查詢").first.click()
    page.check()
    page.get_by_label("關鍵字").fill("安全教育")
    page.get_by_role("button", name="查詢").click()
    page.check()
    page.get_by_role("link", name="校園安全教育研習").click()
    page.check()
    page.get_by_role("button", name="報名").click()
    page.check()
    assert page.get_by_text("已收到您的報名").is_visible()
    page.get_by_role("link", name="我的研習報名").first.click()
    page.check()
    assert page.get_by_role("cell", name="已報名").is_visible()
    sign_out(page)

    # The organiser admits the teacher, who is mailed the notice for 公假.
    sign_in(page, "organiser")
    page.get_by_role("link", name="研習課程管理").first.click()
    page.check()
    page.get_by_role("link", name="校園安全教育研習").click()
    page.check()
    page.get_by_label(f"勾選 {teacher.person.name}").check()
    page.get_by_label("處理方式").select_option(label="錄取")
    page.get_by_role("button", name="套用到勾選的教師").click()
    page.check()
    screenshot(page, "courses-admitted")

    assert page.get_by_role("cell", name="已錄取").is_visible()
    assert Enrolment.objects.get().status == "admitted"
    assert len(mail.outbox) == 1
    assert "公假" in mail.outbox[0].body
