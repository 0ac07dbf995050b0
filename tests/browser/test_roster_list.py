"""A school's chief administrator works the 本單位教師帳號管理 list in a real browser.

The first story runs on the real school 074601 (縣立中山國小, 彰化縣) imported
from the MOE directory in DATA_DIR (default ../shared/data) with the demo
roster; the second runs anywhere on a small school built by the factories.
"""

import io
import math
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from inservice.accounts.models import Role
from inservice.organisations.models import Stage, Unit
from inservice.people.demo import CHIEF_USERNAME, DEMO_PASSWORD
from inservice.people.models import AccountStatus, Membership, Person, PersonSubject, Subject, SubjectCategory
from inservice.testing import factories
from inservice.testing.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("DATA_DIR", ROOT.parent / "shared" / "data"))
ELEMENTARY_DIRECTORY = DATA_DIR / "moe_elementary_schools_114.csv"
REAL_SCHOOL = "074601"
PASSWORD = "correct horse battery"


def sign_in(page, username: str, password: str) -> None:
    page.goto_checked("/accounts/login/")
    page.get_by_label("帳號").fill(username)
    page.get_by_label("密碼").fill(password)
    page.get_by_role("button", name="登入").click()
    page.check()


def open_roster(page) -> None:
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="本單位教師帳號管理").click()
    page.check()
    expect(page.get_by_role("heading", name="本單位教師帳號管理")).to_be_visible()


@pytest.fixture
def real_school(db):
    """School 074601 from the MOE elementary directory, with the seeded demo roster and accounts."""
    if not ELEMENTARY_DIRECTORY.exists():
        pytest.skip(f"{ELEMENTARY_DIRECTORY} is absent: set DATA_DIR to the folder of the MOE directory files")
    call_command("load_reference_data", verbosity=0)
    call_command("import_directory", str(ELEMENTARY_DIRECTORY), stdout=io.StringIO())
    call_command("demo_data", "--unit", REAL_SCHOOL, stdout=io.StringIO())
    return Unit.objects.get(code=REAL_SCHOOL)


def test_chief_works_real_school_roster(browser_page, real_school):
    page = browser_page
    roster = Person.objects.filter(memberships__unit=real_school, memberships__end_date__isnull=True)
    total = roster.count()
    # Search by the most common character of the names, so the search finds several people.
    common_character = Counter("".join(roster.values_list("name", flat=True))).most_common(1)[0][0]
    name_matches = roster.filter(name__contains=common_character).count()
    subject_id, subject_teachers = Counter(
        PersonSubject.objects.filter(person__in=roster).values_list("subject_id", flat=True)
    ).most_common(1)[0]

    sign_in(page, CHIEF_USERNAME, DEMO_PASSWORD)
    open_roster(page)
    expect(page.get_by_text(real_school.name).first).to_be_visible()
    expect(page.get_by_text(f"目前在第 1 頁 / 共 {math.ceil(total / 10)} 頁").first).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(min(total, 10))

    page.get_by_label("教師姓名查詢").fill(common_character)
    page.get_by_role("button", name="查詢", exact=True).click()
    page.check()
    expect(page.get_by_text(f"符合條件的人員：{name_matches} 人")).to_be_visible()

    page.get_by_role("link", name="清除查詢條件").click()
    page.check()
    page.get_by_text("依任教科目篩選").click()
    page.locator(f'input[name="subjects"][value="{subject_id}"]').check()
    page.get_by_role("button", name="依所選科目篩選").click()
    page.check()
    expect(page.get_by_text(f"符合條件的人員：{subject_teachers} 人")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(min(subject_teachers, 10))

    page.get_by_role("link", name="清除查詢條件").click()
    page.check()
    page.get_by_label("每頁筆數").select_option("20")
    page.get_by_role("button", name="查詢", exact=True).click()
    page.check()
    expect(page.locator("tbody tr")).to_have_count(min(total, 20))
    expect(page.get_by_text(f"目前在第 1 頁 / 共 {math.ceil(total / 20)} 頁").first).to_be_visible()
    screenshot(page, "roster-list-074601")

    page.locator("tbody tr").first.get_by_role("link", name=re.compile("檢視資料")).click()
    page.check()
    expect(page.get_by_role("heading", name="檢視資料")).to_be_visible()
    expect(page.locator("dl.details")).to_contain_text(real_school.name)
    screenshot(page, "roster-person-detail-074601")


@pytest.fixture
def school(db):
    """A school of 35 people, five of whom teach 數學, and its chief administrator."""
    unit = factories.make_unit(code="999901", name="測試縣立測試國小")
    language = SubjectCategory.objects.create(code="ES-LANG", name="國小語文", stage=Stage.ELEMENTARY, sort_order=1)
    maths = SubjectCategory.objects.create(code="ES-MATH", name="國小數學", stage=Stage.ELEMENTARY, sort_order=2)
    mandarin = Subject.objects.create(code="ES-LANG-MAN", category=language, name="國語文", sort_order=1)
    arithmetic = Subject.objects.create(code="ES-MATH-MATH", category=maths, name="數學", sort_order=1)

    for number in range(30):
        person = factories.make_person(unit=unit, name=f"林{number:02d}君", email=f"lin{number}@school.example.tw")
        PersonSubject.objects.create(person=person, subject=mandarin, position=1)
    for number, name in enumerate(["謝志威", "洪志寶", "陳建斌", "周喜", "瓦歷斯·諾幹"]):
        person = factories.make_person(unit=unit, name=name, account_status=AccountStatus.ACTIVE)
        person.user = factories.make_user(f"teacher{number}")
        person.save()
        PersonSubject.objects.create(person=person, subject=arithmetic, position=1)
        PersonSubject.objects.create(person=person, subject=mandarin, position=2)
    Membership.objects.filter(person__name="謝志威").update(teaching_stage=Stage.ELEMENTARY, position_note="數學領域召集人")

    factories.make_business_account(unit=unit, role=Role.CHIEF, username="chief074601", password=PASSWORD)
    return unit


def test_chief_works_factory_school_roster(browser_page, school):
    page = browser_page

    sign_in(page, "chief074601", PASSWORD)
    open_roster(page)
    expect(page.get_by_text("目前在第 1 頁 / 共 4 頁").first).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(10)

    page.get_by_label("教師姓名查詢").fill("志")
    page.get_by_role("button", name="查詢", exact=True).click()
    page.check()
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(page.get_by_role("cell", name="謝O威", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="洪O寶", exact=True)).to_be_visible()

    page.get_by_role("link", name="清除查詢條件").click()
    page.check()
    page.get_by_text("依任教科目篩選").click()
    page.get_by_role("group", name="國小數學").get_by_label("數學").check()
    page.get_by_role("button", name="依所選科目篩選").click()
    page.check()
    expect(page.locator("tbody tr")).to_have_count(5)
    expect(page.get_by_role("cell", name="瓦O斯·諾O", exact=True)).to_be_visible()

    page.get_by_role("link", name="清除查詢條件").click()
    page.check()
    page.get_by_label("每頁筆數").select_option("20")
    page.get_by_role("button", name="查詢", exact=True).click()
    page.check()
    expect(page.locator("tbody tr")).to_have_count(20)
    expect(page.get_by_text("目前在第 1 頁 / 共 2 頁").first).to_be_visible()
    page.get_by_role("navigation", name="分頁", exact=True).get_by_role("link", name="下一頁").click()
    page.check()
    expect(page.locator("tbody tr")).to_have_count(15)
    screenshot(page, "roster-list-factory")

    page.get_by_role("row", name=re.compile("謝O威")).get_by_role("link", name=re.compile("檢視資料")).click()
    page.check()
    expect(page.get_by_role("heading", name="檢視資料")).to_be_visible()
    details = page.locator("dl.details")
    expect(details).to_contain_text("謝O威")
    expect(details).to_contain_text("測試縣立測試國小")
    expect(details).to_contain_text("數學領域召集人")
    expect(details).to_contain_text("任教科目1. 國小數學 數學")
    expect(details).to_contain_text("任教科目2. 國小語文 國語文")
    screenshot(page, "roster-person-detail-factory")

    page.get_by_role("link", name="回本單位教師帳號管理列表").click()
    page.check()
    expect(page.get_by_text("目前在第 2 頁 / 共 2 頁").first).to_be_visible()
