"""Password rules and reset: length 12 to 128, common passwords refused, last 3 not reused, single-use links."""

import datetime
import re

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from inservice.testing import factories

pytestmark = pytest.mark.django_db

FIRST = "plum-harbour-lantern-42"


@pytest.fixture
def user():
    user = factories.make_user("teacher1", password=FIRST)
    user.email = "teacher1@school.example.tw"
    user.save()
    return user


def change(client, old, new):
    return client.post(
        reverse("accounts:password_change"), {"old_password": old, "new_password1": new, "new_password2": new}
    )


def test_current_password_cannot_be_reused(client, user):
    client.force_login(user)

    response = change(client, FIRST, FIRST)

    assert "new_password2" in response.context["form"].errors


def test_last_three_refused_fourth_allowed(client, user):
    client.force_login(user)
    passwords = [FIRST, "quartz-meadow-falcon-17", "velvet-canyon-orbit-88", "copper-thistle-river-05"]
    for old, new in zip(passwords, passwords[1:], strict=False):
        assert change(client, old, new).status_code == 302
        client.force_login(user.__class__.objects.get(pk=user.pk))

    refused = change(client, passwords[-1], passwords[1])
    allowed = change(client, passwords[-1], FIRST)

    assert "new_password2" in refused.context["form"].errors
    assert allowed.status_code == 302


@pytest.mark.parametrize(
    ("password", "accepted"),
    [("short-pw-1", False), ("password1234", False), ("a" * 11 + "Z", True), ("k9-" * 21 + "x", True)],
)
def test_length_and_common_rules(client, user, password, accepted):
    client.force_login(user)

    response = change(client, FIRST, password)

    assert (response.status_code == 302) is accepted


def test_reset_sends_single_use_link(client, user):
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "fresh-lagoon-marble-63", "new_password2": "fresh-lagoon-marble-63"})
    again = client.get(link, follow=True)

    assert done.status_code == 302
    assert again.context["validlink"] is False


def test_reset_same_response_for_unknown_address(client, user):
    known = client.post(reverse("accounts:password_reset"), {"email": user.email})
    unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@school.example.tw"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1


def test_reset_link_expires(client, user):
    generator = PasswordResetTokenGenerator()
    generator._now = lambda: datetime.datetime.now() - datetime.timedelta(hours=2)
    token = generator.make_token(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))

    response = client.get(reverse("accounts:password_reset_confirm", args=[uid, token]), follow=True)

    assert response.context["validlink"] is False


def test_no_reset_mail_for_disabled_account(client, user):
    user.is_active = False
    user.save()

    client.post(reverse("accounts:password_reset"), {"email": user.email})

    assert mail.outbox == []
