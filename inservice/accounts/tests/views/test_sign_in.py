"""Sign-in lockout (django-axes): 5 failures lock for 15 minutes, per normalised username and per client address."""

import datetime

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.test import RequestFactory, override_settings
from django.urls import reverse

from inservice.accounts.auth import axes_username, client_ip_address
from inservice.testing import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
LOCKED = 429


@pytest.fixture
def user():
    return factories.make_user("chief", kind="business")


def sign_in(client, username, password, address="10.0.0.1", **headers):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def test_case_variants_share_one_counter(client, user):
    # Each attempt comes from its own address, so only the username counter can lock.
    for index, variant in enumerate(["chief", "CHIEF", "Chief ", " chief"]):
        assert sign_in(client, variant, "wrong password!", address=f"10.0.1.{index}").status_code == 200
    fifth = sign_in(client, "cHiEf", "wrong password!", address="10.0.1.9")

    response = sign_in(client, "chief", PASSWORD, address="10.0.2.1")

    assert fifth.status_code == LOCKED

    assert response.status_code == LOCKED
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(client, user):
    for index in range(4):
        sign_in(client, "chief", "wrong password!", address=f"10.0.1.{index}")

    response = sign_in(client, "chief", PASSWORD, address="10.0.2.1")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_success_resets_counter(client, user):
    for index in range(4):
        sign_in(client, "chief", "wrong password!", address=f"10.0.1.{index}")
    sign_in(client, "chief", PASSWORD, address="10.0.2.1")
    client.logout()
    for index in range(4):
        sign_in(client, "chief", "wrong password!", address=f"10.0.3.{index}")

    assert sign_in(client, "chief", PASSWORD, address="10.0.4.1").status_code == 302


def test_lock_lifts_after_fifteen_minutes(client, user):
    for index in range(5):
        sign_in(client, "chief", "wrong password!", address=f"10.0.1.{index}")
    assert sign_in(client, "chief", PASSWORD, address="10.0.2.1").status_code == LOCKED

    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16))

    assert sign_in(client, "chief", PASSWORD, address="10.0.2.2").status_code == 302


def test_administrator_reset_unlocks(client, user):
    for index in range(5):
        sign_in(client, "chief", "wrong password!", address=f"10.0.1.{index}")

    reset(username="chief")

    assert sign_in(client, "chief", PASSWORD, address="10.0.2.1").status_code == 302


def test_one_address_is_locked_across_usernames(client, user):
    for index in range(5):
        sign_in(client, f"nobody{index}", "wrong password!", address="10.0.9.9")

    assert sign_in(client, "chief", PASSWORD, address="10.0.9.9").status_code == LOCKED
    assert sign_in(client, "chief", PASSWORD, address="10.0.9.8").status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_client_address_taken_behind_trusted_proxy(client, user):
    # The proxy connects from 10.0.0.254 every time; the client's address is what it appended.
    for index in range(5):
        sign_in(client, f"nobody{index}", "wrong password!", address="10.0.0.254", HTTP_X_FORWARDED_FOR="203.0.113.5")

    locked = sign_in(client, "chief", PASSWORD, address="10.0.0.254", HTTP_X_FORWARDED_FOR="203.0.113.5")
    other = sign_in(client, "chief", PASSWORD, address="10.0.0.254", HTTP_X_FORWARDED_FOR="203.0.113.6")

    assert locked.status_code == LOCKED
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "198.51.100.7", "10.0.0.254"),
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.253", "198.51.100.7"),
        (2, "198.51.100.7", "10.0.0.254"),
        (1, "", "10.0.0.254"),
    ],
)
def test_client_ip_address_counts_trusted_proxies(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip_address(request) == expected


def test_axes_username_normalised():
    assert axes_username(None, {"username": "  Chief "}) == "chief"
    assert axes_username(None, None) == ""
