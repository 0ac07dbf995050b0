import pytest

pytestmark = pytest.mark.django_db

BUTTON = "以「教育體系身分認證服務」登入"


def test_button_shown_when_enabled(client, settings):
    settings.SSO_ENABLED = True

    page = client.get("/accounts/login/?next=/sso/welcome/").content.decode()

    assert BUTTON in page
    assert 'href="/sso/start/?next=/sso/welcome/"' in page


def test_button_hidden_when_disabled(client, settings):
    settings.SSO_ENABLED = False

    page = client.get("/accounts/login/").content.decode()

    assert BUTTON not in page
