import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_home_page_renders_in_chinese(client):
    response = client.get(reverse("core:home"))

    assert response.status_code == 200
    assert 'lang="zh-Hant-TW"' in response.content.decode()
