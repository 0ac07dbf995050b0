import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from inservice.accounts.errors import AccountStateError
from inservice.accounts.models import BusinessAccount, Role
from inservice.accounts.services import business_account_apply, business_account_approve, business_account_return
from inservice.audit.models import AuditEvent
from inservice.testing import factories

from ..conftest import reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(application_data):
    return business_account_apply(**application_data)


def test_chief_approves_operator(chief, application, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        business_account_approve(actor=chief.user, account=application)

    account = reload(application)
    assert account.status == BusinessAccount.Status.ACTIVE
    assert account.user.is_active is True
    assert account.decided_by == chief.user
    assert mail.outbox[-1].to == [application.email]
    event = AuditEvent.objects.get(action="business_account.approve")
    assert event.before["status"] == "pending"
    assert event.after["status"] == "active"


def test_chief_returns_with_reason(chief, application, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        business_account_return(actor=chief.user, account=application, reason="非本校人員")

    account = reload(application)
    assert account.status == BusinessAccount.Status.RETURNED
    assert account.status_reason == "非本校人員"
    assert "非本校人員" in mail.outbox[-1].body


def test_return_needs_reason(chief, application):
    with pytest.raises(ValidationError) as raised:
        business_account_return(actor=chief.user, account=application, reason="  ")

    assert "reason" in raised.value.message_dict
    assert reload(application).status == BusinessAccount.Status.PENDING


def test_contact_cannot_approve(contact, application):
    with pytest.raises(PermissionDenied):
        business_account_approve(actor=contact.user, account=application)

    assert reload(application).status == BusinessAccount.Status.PENDING


def test_chief_cannot_approve_chief_application(chief, application_data):
    application_data["role"] = Role.CHIEF
    application = business_account_apply(**application_data)

    with pytest.raises(PermissionDenied):
        business_account_approve(actor=chief.user, account=application)

    assert reload(application).status == BusinessAccount.Status.PENDING


def test_authority_approves_chief_of_own_unit(authority_user, application_data):
    application_data["role"] = Role.CHIEF
    application = business_account_apply(**application_data)

    business_account_approve(actor=authority_user, account=application)

    assert reload(application).status == BusinessAccount.Status.ACTIVE


def test_authority_cannot_approve_other_authority_unit(application_data, foreign_unit):
    stranger = factories.make_authority_user(foreign_unit.authority, username="stranger")
    application_data["role"] = Role.CHIEF
    application = business_account_apply(**application_data)

    with pytest.raises(PermissionDenied):
        business_account_approve(actor=stranger, account=application)

    assert reload(application).status == BusinessAccount.Status.PENDING


def test_chief_of_other_unit_cannot_approve(application, other_unit):
    other_chief = factories.make_business_account(unit=other_unit, role=Role.CHIEF, username="otherchief")

    with pytest.raises(PermissionDenied):
        business_account_approve(actor=other_chief.user, account=application)


def test_approve_twice_is_state_error(chief, application):
    business_account_approve(actor=chief.user, account=application)

    with pytest.raises(AccountStateError):
        business_account_approve(actor=chief.user, account=application)
