"""Semester start, end to end: subjects, account activation, a transfer out and in, and the downloads."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from inservice.accounts.models import Role
from inservice.organisations.models import Stage
from inservice.people.models import Gender, Subject, SubjectCategory
from inservice.testing import factories
from inservice.testing.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
TEACHER_PASSWORD = "semester start passphrase 7"


@pytest.fixture
def world(db):
    old_school = factories.make_unit(code="074601", name="彰化縣立測試國小")
    new_school = factories.make_unit(code="074602", name="彰化縣立新校國小")
    language = SubjectCategory.objects.create(code="ES-LANG", name="國小語文", stage=Stage.ELEMENTARY, sort_order=1)
    maths = SubjectCategory.objects.create(code="ES-MATH", name="國小數學", stage=Stage.ELEMENTARY, sort_order=2)
    Subject.objects.create(code="ES-LANG-MAN", category=language, name="國語文", sort_order=1)
    local = Subject.objects.create(code="ES-LANG-LOCAL", category=language, name="本土語文", sort_order=2)
    Subject.objects.create(code="ES-LANG-LOCAL-MIN", category=language, parent=local, name="閩南語文", sort_order=3)
    Subject.objects.create(code="ES-MATH-MATH", category=maths, name="數學", sort_order=1)

    number = factories.make_identity_number()
    teacher = factories.make_person(
        unit=old_school, name="謝志威", number=number, gender=Gender.MALE, email="hsieh@school.example.tw"
    )
    factories.make_person(unit=new_school, name="=HYPERLINK(\"x\")", email="formula@school.example.tw")
    factories.make_business_account(unit=old_school, role=Role.CHIEF, username="chief074601", password=PASSWORD)
    factories.make_business_account(unit=new_school, role=Role.CONTACT, username="contact074602", password=PASSWORD)
    return {"teacher": teacher, "number": number}


def sign_in(page, username, password):
    page.goto_checked("/accounts/login/")
    page.get_by_label("帳號").fill(username)
    page.get_by_label("密碼").fill(password)
    page.get_by_role("button", name="登入").click()
    page.check()


def sign_out(page):
    page.get_by_role("button", name="登出").click()
    page.check()


def open_roster(page):
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="本單位教師帳號管理").click()
    page.check()


def test_semester_flow(browser_page, world, mailoutbox):
    page = browser_page

    # The old school's chief edits the teacher's subjects with the picker (JavaScript on).
    sign_in(page, "chief074601", PASSWORD)
    open_roster(page)
    page.get_by_role("row", name=re.compile("謝O威")).get_by_role("link", name=re.compile("檢視資料")).click()
    page.check()
    page.get_by_role("link", name="編輯帳號個人資料").click()
    page.check()
    expect(page.get_by_role("button", name="顯示此類別的科目")).to_be_hidden()

    page.get_by_label("科目類別").select_option(label="國小數學")
    page.get_by_label("選擇科目").select_option(label="數學")
    page.get_by_role("button", name="加入").click()
    page.get_by_label("科目類別").select_option(label="國小語文")
    page.get_by_label("選擇科目").select_option(label="本土語文 閩南語文")
    page.get_by_role("button", name="加入").click()
    page.get_by_label("科目類別").select_option(label="國小數學")
    page.get_by_role("button", name="加入").click()
    expect(page.get_by_role("alert")).to_contain_text("國小數學 數學 已在清單中（任教科目1）")
    picker_list = page.locator("[data-picker-list]")
    expect(picker_list).to_contain_text("任教科目1. 國小數學 數學")
    expect(picker_list).to_contain_text("任教科目2. 國小語文 本土語文 閩南語文")
    page.check()
    screenshot(page, "semester-edit-picker")
    page.get_by_role("button", name="更新教師資料").click()
    page.check()
    details = page.locator("dl.details")
    expect(details).to_contain_text("任教科目1. 國小數學 數學")
    expect(details).to_contain_text("任教科目2. 國小語文 本土語文 閩南語文")

    # 啟用教師帳號: the teacher follows the e-mailed link and signs in.
    page.get_by_role("button", name="啟用教師帳號").click()
    page.check()
    expect(page.get_by_role("status")).to_contain_text("已建立帳號")
    sign_out(page)
    assert len(mailoutbox) == 1
    link = re.search(r"http://[^/]+(/roster/set-password/\S+/)", mailoutbox[0].body).group(1)
    page.goto_checked(link)
    page.get_by_label(re.compile(r"^新密碼\s*\*?$")).fill(TEACHER_PASSWORD)
    page.get_by_label("新密碼確認").fill(TEACHER_PASSWORD)
    page.get_by_role("button", name="設定密碼").click()
    page.check()
    sign_in(page, "hsieh@school.example.tw", TEACHER_PASSWORD)
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="修改個人基本資料").click()
    page.check()
    expect(page.locator("[data-picker-list]")).to_contain_text("任教科目2. 國小語文 本土語文 閩南語文")
    page.get_by_role("button", name="清除重選").click()
    page.get_by_label("科目類別").select_option(label="國小語文")
    page.get_by_label("選擇科目").select_option(label="國語文")
    page.get_by_role("button", name="加入").click()
    page.get_by_role("button", name="更新教師資料").click()
    page.check()
    expect(page.locator("[data-picker-list]")).to_contain_text("任教科目1. 國小語文 國語文")
    sign_out(page)

    # The old school transfers the teacher out.
    sign_in(page, "chief074601", PASSWORD)
    open_roster(page)
    page.get_by_role("row", name=re.compile("謝O威")).get_by_role("link", name=re.compile("檢視資料")).click()
    page.check()
    page.get_by_role("link", name="離職/轉校/退休").click()
    page.check()
    page.get_by_label("轉校").check()
    page.get_by_role("button", name="確認轉出本單位").click()
    page.check()
    expect(page.get_by_role("cell", name="謝O威", exact=True)).to_have_count(0)
    sign_out(page)

    # The new school registers them and downloads its roster.
    sign_in(page, "contact074602", PASSWORD)
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="教師資料登錄").click()
    page.check()
    page.get_by_label("身分證統一編號").fill(world["number"].lower())
    page.get_by_label("姓名").fill("謝志威")
    page.get_by_label("男").check()
    page.get_by_label("職稱").select_option(label="代理教師")
    page.get_by_label("信箱").fill("hsieh@newschool.example.tw")
    page.get_by_role("button", name="登錄資料").click()
    page.check()
    expect(page.locator("dl.details")).to_contain_text("彰化縣立新校國小")
    expect(page.locator("dl.details")).to_contain_text("代理教師")

    open_roster(page)
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="資料下載（CSV）").click()
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="資料下載（XLSX）").click()

    assert csv_download.value.suggested_filename.startswith("彰化縣立新校國小教師名冊")
    raw = open(csv_download.value.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {row[2] for row in rows[1:]} == {"謝志威", "'=HYPERLINK(\"x\")"}
    hsieh = next(row for row in rows if row[2] == "謝志威")
    assert hsieh[5] == "代理教師"
    assert hsieh[-1] == "國小語文 國語文"

    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(open(xlsx_download.value.path(), "rb").read())).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[0][2] == "姓名"
    assert {row[2] for row in values[1:]} == {"謝志威", "'=HYPERLINK(\"x\")"}
