"""Sign-in with a business account, the menu shown to each role, sign-out and the idle timeout."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from inservice.accounts.models import Role
from inservice.core import navigation
from inservice.core.policy import Capability
from inservice.testing import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
ROSTER = reverse("people:roster")
SIGN_IN = reverse("accounts:login")


@pytest.fixture
def unit(db):
    return factories.make_unit(code="074601", name="彰化縣立測試國小")


def sign_in(client, username: str, password: str = PASSWORD, next_url: str = ""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(SIGN_IN, data)


def test_business_account_signs_in(client, unit):
    factories.make_business_account(unit=unit, role=Role.CHIEF, username="chief074601")

    response = sign_in(client, "chief074601")

    assert response.status_code == 302
    assert response.url == reverse("core:home")
    assert client.get(ROSTER).status_code == 200


def test_wrong_password_is_rejected_with_message(client, unit):
    factories.make_business_account(unit=unit, username="chief074601")

    response = sign_in(client, "chief074601", "wrong password")

    assert response.status_code == 200
    assert "帳號或密碼不正確。" in response.content.decode()
    assert client.get(ROSTER).status_code == 302


def test_sign_in_returns_to_requested_page(client, unit):
    factories.make_business_account(unit=unit, username="chief074601")

    first = client.get(ROSTER)
    response = sign_in(client, "chief074601", next_url=ROSTER)

    assert first.url == f"{SIGN_IN}?next={ROSTER}"
    assert response.url == ROSTER


@pytest.mark.parametrize(
    ("role", "sees_roster"),
    [(Role.CHIEF, True), (Role.CONTACT, True), (Role.OPERATOR, False)],
)
def test_menu_shows_role_functions_only(client, unit, role, sees_roster):
    user = factories.make_business_account(unit=unit, role=role).user
    client.force_login(user)

    menu = client.get(reverse("core:home")).context["nav_items"]

    assert ("people:roster" in [item["url_name"] for item in menu]) is sees_roster


# The business functions of each role, from the permission matrix. Entries
# that need only SIGNED_IN, such as course search, appear for everyone.
ROLE_FUNCTIONS = {
    Role.CHIEF: {
        Capability.COURSE_CREATE,
        Capability.COURSE_MANAGE,
        Capability.UNIT_BUSINESS_ACCOUNTS,
        Capability.UNIT_ROSTER,
        Capability.STATISTICS,
    },
    Role.CONTACT: {Capability.COURSE_CREATE, Capability.COURSE_MANAGE, Capability.UNIT_ROSTER, Capability.STATISTICS},
    Role.OPERATOR: {Capability.COURSE_CREATE, Capability.COURSE_MANAGE, Capability.STATISTICS},
}


@pytest.mark.parametrize("role", list(ROLE_FUNCTIONS))
def test_menu_matches_permission_matrix(client, unit, role):
    client.force_login(factories.make_business_account(unit=unit, role=role).user)

    menu = client.get(reverse("core:home")).context["nav_items"]
    shown = {navigation._ITEMS[item["url_name"]].capability for item in menu} - {Capability.SIGNED_IN}

    assert shown == ROLE_FUNCTIONS[role]


def test_menu_skips_functions_not_built(client, unit, monkeypatch):
    planned = navigation.NavItem(label="未完成的功能", url_name="people:not_built", capability=Capability.UNIT_ROSTER)
    monkeypatch.setitem(navigation._ITEMS, planned.url_name, planned)
    client.force_login(factories.make_business_account(unit=unit).user)

    menu = client.get(reverse("core:home")).context["nav_items"]

    assert "people:not_built" not in [item["url_name"] for item in menu]
    assert "people:roster" in [item["url_name"] for item in menu]


def test_menu_absent_when_signed_out(client):
    page = client.get(reverse("core:home")).content.decode()

    assert 'aria-label="主選單"' not in page
    assert f'href="{SIGN_IN}"' in page


def test_menu_hides_roster_from_teacher(client, unit):
    person = factories.make_person(unit=unit)
    person.user = factories.make_user(kind="teacher")
    person.save()
    client.force_login(person.user)

    menu = client.get(reverse("core:home")).context["nav_items"]

    assert "people:roster" not in [item["url_name"] for item in menu]


def test_sign_out_ends_session(client, unit):
    factories.make_business_account(unit=unit, username="chief074601")
    sign_in(client, "chief074601")

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert client.get(ROSTER).status_code == 302


def test_sign_out_button_on_every_page(client, unit):
    user = factories.make_business_account(unit=unit).user
    client.force_login(user)

    page = client.get(ROSTER).content.decode()

    assert f'action="{reverse("accounts:logout")}" method="post"' in page
    assert "登出" in page


def at(moment: datetime.datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_session_expires_after_thirty_idle_minutes(client, unit):
    factories.make_business_account(unit=unit, username="chief074601")
    start = timezone.now()
    with at(start):
        sign_in(client, "chief074601")

    with at(start + datetime.timedelta(minutes=29)):
        assert client.get(ROSTER).status_code == 200
    with at(start + datetime.timedelta(minutes=29 + 31)):
        response = client.get(ROSTER)

    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)


def test_each_request_restarts_idle_clock(client, unit):
    factories.make_business_account(unit=unit, username="chief074601")
    start = timezone.now()
    with at(start):
        sign_in(client, "chief074601")

    for minutes in (25, 50, 75):
        with at(start + datetime.timedelta(minutes=minutes)):
            assert client.get(ROSTER).status_code == 200
