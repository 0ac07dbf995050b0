"""Roaming sign-in in Chromium against the local OpenID Provider.

The provider's own sign-in form is not part of this site, so axe-core runs
only on this site's pages.
"""

import pytest

from inservice.people.models import Membership
from inservice.sso import oidc
from inservice.sso.tests.local_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    LocalProvider,
    new_signing_key,
    node_missing_reason,
    teacher_claims,
)
from inservice.testing import factories
from inservice.testing.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUB = "moe-browser-sub-1"
BUTTON = "以「教育體系身分認證服務」登入"


@pytest.fixture
def provider(live_server, settings):
    reason = node_missing_reason()
    if reason:
        pytest.skip(reason)
    redirect_uri = live_server.url + "/sso/callback/"
    local = LocalProvider(redirect_uri=redirect_uri, accounts={}, key=new_signing_key("browser-key")).start()
    settings.SSO_ENABLED = True
    settings.SSO_ISSUER = local.issuer
    settings.SSO_CLIENT_ID = CLIENT_ID
    settings.SSO_CLIENT_SECRET = CLIENT_SECRET
    settings.SSO_REDIRECT_URI = redirect_uri
    oidc.reset_provider_cache()
    yield local
    local.close()
    oidc.reset_provider_cache()


def sign_in_at_provider(page, username: str) -> None:
    # The provider's form: not checked with axe-core (not our page).
    page.get_by_label("Username").fill(username)
    page.get_by_role("button", name="Sign in").click()


def test_roaming_sign_in_updates_service_school(browser_page, provider):
    page = browser_page
    first_unit = factories.make_unit(code="074901", name="彰化縣立甲校國小")
    second_unit = factories.make_unit(code="074902", name="彰化縣立乙校國小")
    third_unit = factories.make_unit(code="074903", name="彰化縣立丙校國中", stages="JH")
    person = factories.make_person(unit=first_unit, name="林小華")
    provider.set_account("teacher", sub=SUB, claims=teacher_claims(school=second_unit.code, personid=person.identity_number))

    page.goto_checked("/accounts/login/")
    screenshot(page, "sso-sign-in-page")
    page.get_by_role("link", name=BUTTON).click()
    sign_in_at_provider(page, "teacher")
    page.wait_for_url("**/sso/welcome/")
    page.check()

    screenshot(page, "sso-welcome")
    assert "彰化縣立乙校國小" in page.locator("#service-school").inner_text()
    assert page.get_by_text("您的服務學校已由彰化縣立甲校國小更新為彰化縣立乙校國小。").is_visible()
    assert page.get_by_text("帳號漫遊").first.is_visible()

    provider.set_account("teacher", sub=SUB, claims=teacher_claims(school=third_unit.code, personid=person.identity_number))
    page.get_by_role("button", name="登出").click()
    page.check()
    page.goto_checked("/accounts/login/")
    page.get_by_role("link", name=BUTTON).click()
    # The provider remembers the browser's session, so no second sign-in form.
    page.wait_for_url("**/sso/welcome/")
    page.check()

    assert "彰化縣立丙校國中" in page.locator("#service-school").inner_text()
    memberships = {m.unit_id: m for m in Membership.objects.filter(person=person)}
    assert memberships[first_unit.pk].end_reason == Membership.EndReason.ROAMING
    assert memberships[second_unit.pk].end_reason == Membership.EndReason.ROAMING
    assert memberships[third_unit.pk].end_date is None
    assert memberships[third_unit.pk].source == Membership.Source.SSO
    assert not Membership.objects.filter(unit=second_unit, end_date__isnull=True).exists()
    assert Membership.objects.filter(unit=third_unit, end_date__isnull=True).get().person == person


def test_student_sees_refusal_page(browser_page, provider):
    page = browser_page
    factories.make_unit(code="074911")
    claims = teacher_claims(school="074911", personid=factories.make_identity_number(), titles=[["學生"]])
    provider.set_account("student", sub="moe-student", claims=claims)

    page.goto_checked("/accounts/login/")
    page.get_by_role("link", name=BUTTON).click()
    sign_in_at_provider(page, "student")
    page.wait_for_url("**/sso/callback/**")
    page.check()
    screenshot(page, "sso-refused-student")

    assert page.get_by_role("heading", name="帳號漫遊登入僅供教師使用").is_visible()
    assert page.get_by_role("link", name="www.sso.edu.tw").is_visible()


def test_stale_tab_sees_sign_in_again_page(browser_page, provider):
    page = browser_page

    page.goto_checked("/sso/callback/?state=from-another-window&code=x")

    assert page.get_by_role("heading", name="請重新登入").is_visible()
    assert page.get_by_role("link", name=BUTTON).is_visible()
