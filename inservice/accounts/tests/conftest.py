"""Fixtures for business account tests: one authority, two of its units, and a second authority."""

import pytest

from inservice.accounts.models import BusinessAccount, Role
from inservice.testing import factories

STRONG_PASSWORD = "plum-harbour-lantern-42"


@pytest.fixture
def authority():
    return factories.make_authority()


@pytest.fixture
def unit(authority):
    return factories.make_unit(code="074601", name="彰化縣立和美國小", authority=authority)


@pytest.fixture
def other_unit(authority):
    return factories.make_unit(code="074602", name="彰化縣立大同國小", authority=authority)


@pytest.fixture
def foreign_unit():
    other_authority = factories.make_authority(code="08", name="南投縣政府教育處")
    return factories.make_unit(code="084601", name="南投縣立南投國小", authority=other_authority)


@pytest.fixture
def authority_user(authority):
    return factories.make_authority_user(authority, username="bureau")


@pytest.fixture
def admin_user():
    return factories.make_admin(username="sysadmin")


@pytest.fixture
def chief(unit):
    return factories.make_business_account(unit=unit, role=Role.CHIEF, username="chief")


@pytest.fixture
def contact(unit):
    return factories.make_business_account(unit=unit, role=Role.CONTACT, username="contact")


@pytest.fixture
def operator(unit):
    return factories.make_business_account(unit=unit, role=Role.OPERATOR, username="operator")


@pytest.fixture
def application_data(unit):
    """Keyword arguments of a valid 作業人員 application at ``unit``."""
    return {
        "unit": unit,
        "role": Role.OPERATOR,
        "name": "林小華",
        "identity_number": factories.make_identity_number(),
        "email": "applicant@school.example.tw",
        "phone": "04-7551234",
        "username": "applicant",
        "password": STRONG_PASSWORD,
    }


def reload(account: BusinessAccount) -> BusinessAccount:
    return BusinessAccount.objects.select_related("user").get(pk=account.pk)
