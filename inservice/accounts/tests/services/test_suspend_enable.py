import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from inservice.accounts.errors import AccountStateError
from inservice.accounts.models import BusinessAccount, Role
from inservice.accounts.services import (
    business_account_enable,
    business_account_suspend,
    business_accounts_disable_inactive,
    user_suspend,
)
from inservice.accounts.tasks import disable_inactive_business_accounts
from inservice.audit.models import AuditEvent
from inservice.testing import factories

from ..conftest import reload

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - datetime.timedelta(days=200)
RECENTLY = timezone.now() - datetime.timedelta(days=10)


def age(account, *, last_login, changed=LONG_AGO):
    account.user.last_login = last_login
    account.user.save()
    BusinessAccount.objects.filter(pk=account.pk).update(status_changed_at=changed, created_at=changed)


def test_admin_suspends_with_reason(admin_user, operator):
    business_account_suspend(actor=admin_user, account=operator, reason="帳號非本人使用")

    account = reload(operator)
    assert account.status == BusinessAccount.Status.SUSPENDED
    assert account.user.is_active is False
    event = AuditEvent.objects.get(action="business_account.suspend")
    assert event.after["reason"] == "帳號非本人使用"


def test_suspend_needs_reason(admin_user, operator):
    with pytest.raises(ValidationError):
        business_account_suspend(actor=admin_user, account=operator, reason="")


@pytest.mark.parametrize("actor_fixture", ["chief", "authority_user"])
def test_only_admin_suspends(request, actor_fixture, operator):
    actor = request.getfixturevalue(actor_fixture)
    actor = getattr(actor, "user", actor)

    with pytest.raises(PermissionDenied):
        business_account_suspend(actor=actor, account=operator, reason="x")

    assert reload(operator).status == BusinessAccount.Status.ACTIVE


def test_only_admin_lifts_suspension(admin_user, chief, operator):
    business_account_suspend(actor=admin_user, account=operator, reason="x")

    with pytest.raises(PermissionDenied):
        business_account_enable(actor=chief.user, account=operator)
    business_account_enable(actor=admin_user, account=operator)

    assert reload(operator).status == BusinessAccount.Status.ACTIVE


def test_admin_suspends_teacher_account(admin_user):
    teacher = factories.make_user("teacher1")

    user_suspend(actor=admin_user, user=teacher, reason="冒用")

    teacher.refresh_from_db()
    assert teacher.is_active is False
    assert AuditEvent.objects.filter(action="user.suspend", target_id=str(teacher.pk)).exists()


def test_authority_cannot_suspend_teacher(authority_user):
    teacher = factories.make_user("teacher1")

    with pytest.raises(PermissionDenied):
        user_suspend(actor=authority_user, user=teacher, reason="冒用")


def test_job_disables_inactive_accounts(chief, operator, contact):
    age(operator, last_login=LONG_AGO)
    age(contact, last_login=None)
    age(chief, last_login=RECENTLY)

    count = business_accounts_disable_inactive()

    assert count == 2
    assert reload(operator).status == BusinessAccount.Status.DISABLED
    assert reload(contact).status == BusinessAccount.Status.DISABLED
    assert reload(chief).status == BusinessAccount.Status.ACTIVE
    event = AuditEvent.objects.filter(action="business_account.disable_inactive").first()
    assert event.actor is None
    assert event.actor_label == "system"


def test_job_keeps_recently_enabled(operator):
    age(operator, last_login=LONG_AGO, changed=RECENTLY)

    assert business_accounts_disable_inactive() == 0
    assert reload(operator).status == BusinessAccount.Status.ACTIVE


@override_settings(BUSINESS_ACCOUNT_INACTIVE_DAYS=300)
def test_job_follows_setting(operator):
    age(operator, last_login=LONG_AGO)

    assert business_accounts_disable_inactive() == 0


def test_celery_task_runs_job(operator):
    age(operator, last_login=LONG_AGO)

    assert disable_inactive_business_accounts.delay().get() == 1


def test_approver_reenables_disabled(chief, operator):
    age(operator, last_login=LONG_AGO)
    business_accounts_disable_inactive()

    business_account_enable(actor=chief.user, account=operator)

    account = reload(operator)
    assert account.status == BusinessAccount.Status.ACTIVE
    assert account.user.is_active is True
    assert business_accounts_disable_inactive() == 0


def test_contact_cannot_reenable(contact, operator):
    age(operator, last_login=LONG_AGO)
    age(contact, last_login=RECENTLY, changed=RECENTLY)
    business_accounts_disable_inactive()

    with pytest.raises(PermissionDenied):
        business_account_enable(actor=contact.user, account=operator)

    assert reload(operator).status == BusinessAccount.Status.DISABLED


def test_chief_cannot_reenable_chief(chief, unit, authority_user):
    second = factories.make_business_account(unit=unit, role=Role.CHIEF, username="chief2")
    age(second, last_login=LONG_AGO)
    age(chief, last_login=RECENTLY, changed=RECENTLY)
    business_accounts_disable_inactive()

    with pytest.raises(PermissionDenied):
        business_account_enable(actor=chief.user, account=second)
    business_account_enable(actor=authority_user, account=second)

    assert reload(second).status == BusinessAccount.Status.ACTIVE


def test_enable_active_is_state_error(chief, operator):
    with pytest.raises(AccountStateError):
        business_account_enable(actor=chief.user, account=operator)
