"""Denied and missing pages keep the site layout and speak the user's language."""

import pytest
from django.urls import reverse

from inservice.accounts.models import Role
from inservice.testing import factories

pytestmark = pytest.mark.django_db


def test_forbidden_page_in_chinese(client):
    unit = factories.make_unit()
    operator = factories.make_business_account(unit=unit, role=Role.OPERATOR)
    client.force_login(operator.user)

    response = client.get(reverse("people:roster"))

    assert response.status_code == 403
    content = response.content.decode()
    assert "無權限使用此功能" in content
    assert 'href="#main"' in content


def test_missing_page_in_chinese(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    content = response.content.decode()
    assert "找不到網頁" in content
    assert "回首頁" in content
