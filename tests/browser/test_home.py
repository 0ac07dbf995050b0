import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_and_sign_in_pages_pass_axe(browser_page):
    browser_page.goto_checked("/")
    browser_page.get_by_role("link", name="登入").first.click()
    browser_page.check()

    assert browser_page.get_by_role("heading", name="登入").is_visible()
