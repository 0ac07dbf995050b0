"""Attendance list to issued hours, through the browser: upload, report, apply, confirm, see the hours."""

from decimal import Decimal

import pytest

from inservice.hours.models import HourRecord
from inservice.hours.tests.builders import make_course
from inservice.people.models import AccountStatus
from inservice.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


def _sign_in(page, username):
    page.goto_checked("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登入").click()
    page.check()


def _sign_out(page):
    page.get_by_role("button", name="登出").click()
    page.check()


def test_upload_confirm_and_see_hours(browser_page, tmp_path):
    page = browser_page
    unit = factories.make_unit(name="彰化縣立瀏覽器國小")
    manager = factories.make_business_account(unit=unit, username="hours-manager")
    course = make_course(owner=manager, title="戶外教育研習", hours=Decimal(6))
    teachers = [factories.make_person(unit=unit, account_status=AccountStatus.ACTIVE) for _ in range(3)]
    teachers[0].user = factories.make_user("hours-teacher")
    teachers[0].save()
    attendance = tmp_path / "名單.csv"
    lines = ["身分證統一編號,研習時數"] + [f"{person.identity_number},6" for person in teachers] + ["A100000000,6"]
    attendance.write_bytes("\n".join(lines).encode("cp950"))

    _sign_in(page, "hours-manager")
    page.get_by_role("link", name="資料上傳").first.click()
    page.check()
    page.get_by_role("link", name="戶外教育研習").click()
    page.check()
    page.set_input_files("#id_file", str(attendance))
    page.get_by_role("button", name="檢核檔案").click()
    page.check()

    report = page.get_by_role("table", name="檔案的每一列")
    assert report.get_by_role("row").count() == 5
    assert "檢查碼錯誤" in report.get_by_role("row").nth(4).inner_text()

    page.get_by_role("button", name="套用接受的資料列").click()
    page.check()
    assert "已套用研習名單：3 位教師。" in page.inner_text("main")

    page.get_by_role("button", name="名單確認通過並核發研習時數").click()
    page.check()
    assert HourRecord.objects.filter(course=course).count() == 3

    page.get_by_role("link", name="統計圖表查詢").first.click()
    page.check()
    hours_table = page.get_by_role("table", name="本學年度每位教師研習時數")
    assert "3 位教師中有 0 位（0.0%）達到 18 小時；平均 6.0 小時。" in page.inner_text("main")
    assert hours_table.get_by_role("row", name="6 小時至未滿 12 小時").inner_text().split("\t")[1:] == ["3", "100.0"]

    _sign_out(page)
    _sign_in(page, "hours-teacher")
    page.get_by_role("link", name="我的研習紀錄").first.click()
    page.check()
    courses_table = page.get_by_role("table", name="已核發時數的課程")
    assert "戶外教育研習" in courses_table.inner_text()
    assert "6.0" in courses_table.inner_text()
