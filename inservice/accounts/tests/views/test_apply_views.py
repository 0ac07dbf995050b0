import pytest
from django.core import mail
from django.urls import reverse

from inservice.accounts.models import BusinessAccount, Role
from inservice.testing import factories

from ..conftest import STRONG_PASSWORD

pytestmark = pytest.mark.django_db


def form_data(unit, **overrides):
    data = {
        "unit_query": unit.code,
        "unit": unit.pk,
        "role": Role.OPERATOR,
        "name": "林小華",
        "identity_number": factories.make_identity_number(),
        "email": "applicant@school.example.tw",
        "phone": "04-7551234",
        "username": "Applicant",
        "password": STRONG_PASSWORD,
        "password_confirm": STRONG_PASSWORD,
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_unit_search_lists_matches(client, unit, other_unit):
    response = client.get(reverse("accounts:apply"), {"unit_query": "和美"})

    content = response.content.decode()
    assert response.status_code == 200
    assert unit.name in content
    assert other_unit.name not in content


def test_unit_search_reports_no_match(client, unit):
    response = client.get(reverse("accounts:apply"), {"unit_query": "不存在"})

    assert "不存在" in response.content.decode()
    assert not response.context["form"].fields["unit"].queryset.exists()


def test_apply_succeeds_and_shows_reference(client, unit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:apply"), form_data(unit), follow=True)

    account = BusinessAccount.objects.get()
    assert account.user.username == "applicant"
    assert account.reference in response.content.decode()
    assert mail.outbox[0].to == ["applicant@school.example.tw"]


def test_apply_needs_consent(client, unit):
    data = form_data(unit)
    del data["consent"]

    response = client.post(reverse("accounts:apply"), data)

    assert "consent" in response.context["form"].errors
    assert not BusinessAccount.objects.exists()


def test_apply_rejects_mismatched_passwords(client, unit):
    response = client.post(reverse("accounts:apply"), form_data(unit, password_confirm="another-password-99"))

    assert "password_confirm" in response.context["form"].errors


def test_apply_rejects_common_password(client, unit):
    response = client.post(
        reverse("accounts:apply"), form_data(unit, password="password1234", password_confirm="password1234")
    )

    assert "password" in response.context["form"].errors


def test_apply_rejects_taken_username_any_case(client, unit):
    factories.make_user("applicant")

    response = client.post(reverse("accounts:apply"), form_data(unit, username="APPLICANT"))

    assert "username" in response.context["form"].errors


def test_apply_rejects_bad_identity(client, unit):
    response = client.post(reverse("accounts:apply"), form_data(unit, identity_number="A123456788"))

    assert "identity_number" in response.context["form"].errors


def test_duplicate_identity_message_hides_unit(client, unit, other_unit):
    number = factories.make_identity_number()
    factories.make_business_account(unit=other_unit, number=number, username="holder")

    response = client.post(reverse("accounts:apply"), form_data(unit, identity_number=number))

    errors = " ".join(response.context["form"].errors["identity_number"])
    assert "already exists" in errors or "已有" in errors
    assert other_unit.name not in response.content.decode()
    assert BusinessAccount.objects.count() == 1


def test_password_field_allows_paste(client):
    content = client.get(reverse("accounts:apply")).content.decode()

    assert "onpaste" not in content
    assert 'autocomplete="new-password"' in content


def test_status_page_shows_own_application(client, unit):
    client.post(reverse("accounts:apply"), form_data(unit))
    account = BusinessAccount.objects.get()

    response = client.post(
        reverse("accounts:application_status"), {"reference": account.reference, "username": "applicant"}
    )

    assert response.context["account"] == account
    assert unit.name in response.content.decode()


def test_status_page_hides_others(client, unit):
    client.post(reverse("accounts:apply"), form_data(unit))
    account = BusinessAccount.objects.get()

    response = client.post(
        reverse("accounts:application_status"), {"reference": account.reference, "username": "someone-else"}
    )

    assert response.context["account"] is None
    assert unit.name not in response.content.decode()
    assert "林小華" not in response.content.decode()


def test_submitted_page_without_application_redirects(client):
    response = client.get(reverse("accounts:apply_submitted"))

    assert response.status_code == 302
