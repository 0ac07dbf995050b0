import pytest
from django.core.exceptions import PermissionDenied

from inservice.accounts.errors import LastChiefError
from inservice.accounts.models import Role
from inservice.accounts.services import business_account_change_role
from inservice.audit.models import AuditEvent
from inservice.testing import factories

from ..conftest import reload

pytestmark = pytest.mark.django_db


def test_chief_switches_operator_to_contact(chief, operator):
    business_account_change_role(actor=chief.user, account=operator, role=Role.CONTACT)

    assert reload(operator).role == Role.CONTACT
    event = AuditEvent.objects.get(action="business_account.change_role")
    assert event.before["role"] == "operator"
    assert event.after["role"] == "contact"


def test_chief_switches_contact_to_operator(chief, contact):
    business_account_change_role(actor=chief.user, account=contact, role=Role.OPERATOR)

    assert reload(contact).role == Role.OPERATOR


def test_chief_cannot_grant_chief(chief, contact):
    with pytest.raises(PermissionDenied):
        business_account_change_role(actor=chief.user, account=contact, role=Role.CHIEF)

    assert reload(contact).role == Role.CONTACT


def test_chief_cannot_change_own_role(chief):
    with pytest.raises(PermissionDenied):
        business_account_change_role(actor=chief.user, account=chief, role=Role.CONTACT)

    assert reload(chief).role == Role.CHIEF


def test_chief_cannot_demote_other_chief(chief, unit):
    second = factories.make_business_account(unit=unit, role=Role.CHIEF, username="chief2")

    with pytest.raises(PermissionDenied):
        business_account_change_role(actor=chief.user, account=second, role=Role.CONTACT)

    assert reload(second).role == Role.CHIEF


def test_contact_cannot_change_operator(contact, operator):
    with pytest.raises(PermissionDenied):
        business_account_change_role(actor=contact.user, account=operator, role=Role.CONTACT)

    assert reload(operator).role == Role.OPERATOR


def test_operator_cannot_promote_self(operator):
    with pytest.raises(PermissionDenied):
        business_account_change_role(actor=operator.user, account=operator, role=Role.CONTACT)


def test_chief_of_other_unit_denied(operator, other_unit):
    other_chief = factories.make_business_account(unit=other_unit, role=Role.CHIEF, username="otherchief")

    with pytest.raises(PermissionDenied):
        business_account_change_role(actor=other_chief.user, account=operator, role=Role.CONTACT)

    assert reload(operator).role == Role.OPERATOR


def test_authority_promotes_contact_to_chief(authority_user, contact):
    business_account_change_role(actor=authority_user, account=contact, role=Role.CHIEF)

    assert reload(contact).role == Role.CHIEF


def test_authority_demotes_one_of_two_chiefs(authority_user, chief, unit):
    second = factories.make_business_account(unit=unit, role=Role.CHIEF, username="chief2")

    business_account_change_role(actor=authority_user, account=second, role=Role.CONTACT)

    assert reload(second).role == Role.CONTACT


def test_authority_cannot_demote_last_chief(authority_user, chief):
    with pytest.raises(LastChiefError):
        business_account_change_role(actor=authority_user, account=chief, role=Role.CONTACT)

    assert reload(chief).role == Role.CHIEF


def test_foreign_authority_denied(chief, foreign_unit):
    stranger = factories.make_authority_user(foreign_unit.authority, username="stranger")

    with pytest.raises(PermissionDenied):
        business_account_change_role(actor=stranger, account=chief, role=Role.CONTACT)


def test_disabled_chief_cannot_act(chief, operator):
    chief.user.is_active = False
    chief.user.save()

    with pytest.raises(PermissionDenied):
        business_account_change_role(actor=chief.user, account=operator, role=Role.CONTACT)
