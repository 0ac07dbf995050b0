import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inservice.accounts.errors import LastChiefError, OpenCoursesError
from inservice.accounts.models import BusinessAccount, Role
from inservice.accounts.services import business_account_delete
from inservice.audit.models import AuditEvent
from inservice.courses.models import Course, CourseState
from inservice.testing import factories

from ..conftest import reload

pytestmark = pytest.mark.django_db


def make_course(account, code, state):
    return Course.objects.create(code=code, title=f"研習 {code}", unit=account.unit, owner=account, state=state)


def test_chief_deletes_operator(chief, operator):
    business_account_delete(actor=chief.user, account=operator, reason="調校")

    account = reload(operator)
    assert account.status == BusinessAccount.Status.DELETED
    assert account.deleted_at is not None
    assert account.user.is_active is False
    assert AuditEvent.objects.filter(action="business_account.delete", target_id=str(operator.pk)).exists()


def test_delete_by_manager_needs_reason(chief, operator):
    with pytest.raises(ValidationError):
        business_account_delete(actor=chief.user, account=operator, reason="")

    assert reload(operator).status == BusinessAccount.Status.ACTIVE


def test_delete_blocked_by_open_courses(chief, operator):
    make_course(operator, "A000001", CourseState.OPEN)
    make_course(operator, "A000002", CourseState.FINISHED)
    make_course(operator, "A000003", CourseState.CONFIRMED)

    with pytest.raises(OpenCoursesError) as raised:
        business_account_delete(actor=chief.user, account=operator, reason="調校")

    assert "A000001" in raised.value.message
    assert "A000002" in raised.value.message
    assert "A000003" not in raised.value.message
    assert reload(operator).status == BusinessAccount.Status.ACTIVE


def test_delete_allowed_when_courses_confirmed(chief, operator):
    make_course(operator, "A000003", CourseState.CONFIRMED)

    business_account_delete(actor=chief.user, account=operator, reason="調校")

    assert reload(operator).status == BusinessAccount.Status.DELETED


def test_holder_deletes_own_account(operator):
    business_account_delete(actor=operator.user, account=operator)

    assert reload(operator).status == BusinessAccount.Status.DELETED
    assert AuditEvent.objects.filter(action="business_account.delete_own").exists()


def test_holder_blocked_by_open_courses(operator):
    make_course(operator, "A000001", CourseState.DRAFT)

    with pytest.raises(OpenCoursesError):
        business_account_delete(actor=operator.user, account=operator)


def test_last_chief_cannot_delete_self(chief):
    with pytest.raises(LastChiefError):
        business_account_delete(actor=chief.user, account=chief)

    assert reload(chief).status == BusinessAccount.Status.ACTIVE


def test_chief_deletes_self_when_another_exists(chief, unit):
    factories.make_business_account(unit=unit, role=Role.CHIEF, username="chief2")

    business_account_delete(actor=chief.user, account=chief)

    assert reload(chief).status == BusinessAccount.Status.DELETED


def test_authority_cannot_delete_last_chief(authority_user, chief):
    with pytest.raises(LastChiefError):
        business_account_delete(actor=authority_user, account=chief, reason="離職")

    assert reload(chief).status == BusinessAccount.Status.ACTIVE


def test_system_admin_deletes_last_chief(admin_user, chief):
    business_account_delete(actor=admin_user, account=chief, reason="帳號非本人使用")

    assert reload(chief).status == BusinessAccount.Status.DELETED


def test_chief_cannot_delete_other_chief(chief, unit):
    second = factories.make_business_account(unit=unit, role=Role.CHIEF, username="chief2")

    with pytest.raises(PermissionDenied):
        business_account_delete(actor=chief.user, account=second, reason="x")

    assert reload(second).status == BusinessAccount.Status.ACTIVE


def test_operator_cannot_delete_contact(operator, contact):
    with pytest.raises(PermissionDenied):
        business_account_delete(actor=operator.user, account=contact, reason="x")

    assert reload(contact).status == BusinessAccount.Status.ACTIVE


def test_contact_cannot_delete_operator(contact, operator):
    with pytest.raises(PermissionDenied):
        business_account_delete(actor=contact.user, account=operator, reason="x")

    assert reload(operator).status == BusinessAccount.Status.ACTIVE
