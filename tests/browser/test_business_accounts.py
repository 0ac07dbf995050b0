"""Business accounts end to end: apply, approve, change role, the last-chief guard, and a chief approved by the authority."""

import re

import pytest

from inservice.accounts.models import BusinessAccount, Role
from inservice.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "plum-harbour-lantern-42"
CHIEF_PASSWORD = "correct horse battery"


def field(page, label):
    """Return the input whose label is exactly ``label``, with or without the required-field star."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def sign_in(page, username, password):
    page.goto_checked("/accounts/login/")
    field(page, "帳號").fill(username)
    field(page, "密碼").fill(password)
    page.get_by_role("button", name="登入").click()
    page.check()


def sign_out(page):
    page.get_by_role("button", name="登出").click()
    page.check()


def apply(page, *, role_label, username, number):
    page.goto_checked("/accounts/apply/")
    field(page, "搜尋服務單位").fill("074601")
    page.get_by_role("button", name="搜尋").click()
    page.check()
    field(page, "服務單位").select_option(label="074601 彰化縣立和美國小")
    field(page, "帳號類別").select_option(label=role_label)
    field(page, "姓名").fill("林小華")
    field(page, "身分證統一編號").fill(number)
    field(page, "電子郵件").fill(f"{username}@school.example.tw")
    field(page, "聯絡電話").fill("04-7551234")
    field(page, "帳號").fill(username)
    # Paste, as a password manager would: the field must accept it.
    field(page, "密碼").focus()
    page.keyboard.insert_text(PASSWORD)
    field(page, "再次輸入密碼").fill(PASSWORD)
    page.get_by_label("我已閱讀個人資料告知事項", exact=False).check()
    page.get_by_role("button", name="送出申請").click()
    page.check()
    return page.locator(".reference").inner_text()


def test_business_account_story(browser_page):
    page = browser_page
    authority = factories.make_authority()
    unit = factories.make_unit(code="074601", name="彰化縣立和美國小", authority=authority)
    factories.make_business_account(unit=unit, role=Role.CHIEF, username="chief", password=CHIEF_PASSWORD)
    bureau = factories.make_authority_user(authority, username="bureau")
    bureau.set_password(CHIEF_PASSWORD)
    bureau.save()

    # 1. Apply as 作業人員 and look the application up.
    reference = apply(page, role_label="作業人員", username="applicant", number=factories.make_identity_number())
    page.get_by_role("link", name="查詢申請進度").click()
    page.check()
    field(page, "申請案號").fill(reference)
    field(page, "帳號").fill("applicant")
    page.get_by_role("button", name="查詢").click()
    page.check()
    assert page.get_by_text("待審核").is_visible()

    # 2. The unit's 總負責人 approves it.
    sign_in(page, "chief", CHIEF_PASSWORD)
    page.get_by_role("link", name="本單位業務帳號管理").first.click()
    page.check()
    page.get_by_role("button", name="啟用 applicant").click()
    page.check()
    applicant = BusinessAccount.objects.get(user__username="applicant")
    assert applicant.status == BusinessAccount.Status.ACTIVE

    # 3. ...changes the role to 連絡人.
    row = page.locator(f"#account-{applicant.pk}")
    row.get_by_label("新帳號類別").select_option(label="連絡人")
    row.get_by_role("button", name="異動 applicant 的權限").click()
    page.check()
    applicant.refresh_from_db()
    assert applicant.role == Role.CONTACT

    # 4. ...and cannot delete the unit's last 總負責人, their own account.
    page.get_by_role("link", name="我的業務帳號").first.click()
    page.check()
    page.get_by_role("button", name="刪除我的業務帳號").click()
    page.check()
    assert page.get_by_text("唯一啟用中的總負責人").is_visible()
    assert BusinessAccount.objects.get(user__username="chief").status == BusinessAccount.Status.ACTIVE
    sign_out(page)

    # 5. Apply as 總負責人; the authority approves.
    apply(page, role_label="總負責人", username="newchief", number=factories.make_identity_number())
    sign_in(page, "bureau", CHIEF_PASSWORD)
    page.get_by_role("link", name="所屬單位業務帳號管理").first.click()
    page.check()
    page.get_by_role("button", name="啟用 newchief").click()
    page.check()
    new_chief = BusinessAccount.objects.get(user__username="newchief")
    assert new_chief.status == BusinessAccount.Status.ACTIVE
    assert new_chief.role == Role.CHIEF
