import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from inservice.accounts.errors import DuplicateBusinessAccount
from inservice.accounts.models import BusinessAccount, PasswordHistory, Role
from inservice.accounts.services import business_account_apply, business_account_delete, business_account_return
from inservice.audit.models import AuditEvent
from inservice.core import identity
from inservice.testing import factories

pytestmark = pytest.mark.django_db


def test_apply_creates_pending_account(application_data):
    account = business_account_apply(**application_data)

    assert account.status == BusinessAccount.Status.PENDING
    assert account.user.is_active is False
    assert account.user.check_password(application_data["password"])
    assert len(account.reference) == 10
    assert identity.decrypt(account.identity_encrypted) == application_data["identity_number"]
    assert account.identity_masked.endswith("****")


def test_apply_is_audited_without_identity(application_data):
    account = business_account_apply(**application_data, ip_address="127.0.0.9")

    event = AuditEvent.objects.get(action="business_account.apply")
    assert event.target_id == str(account.pk)
    assert event.ip_address == "127.0.0.9"
    assert application_data["identity_number"] not in str(event.after)


def test_apply_records_password_history(application_data):
    account = business_account_apply(**application_data)

    assert PasswordHistory.objects.filter(user=account.user).count() == 1


def test_operator_application_mails_applicant_and_chief(application_data, chief, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        account = business_account_apply(**application_data)

    recipients = [message.to for message in mail.outbox]
    assert [application_data["email"]] in recipients
    assert [chief.email] in recipients
    assert account.reference in mail.outbox[0].body


def test_operator_application_goes_to_authority_without_chief(application_data, authority_user, django_capture_on_commit_callbacks):
    authority_user.email = "bureau@example.tw"
    authority_user.save()

    with django_capture_on_commit_callbacks(execute=True):
        business_account_apply(**application_data)

    assert ["bureau@example.tw"] in [message.to for message in mail.outbox]


def test_chief_application_goes_to_authority(application_data, chief, authority_user, django_capture_on_commit_callbacks):
    authority_user.email = "bureau@example.tw"
    authority_user.save()
    application_data["role"] = Role.CHIEF

    with django_capture_on_commit_callbacks(execute=True):
        business_account_apply(**application_data)

    recipients = [message.to for message in mail.outbox]
    assert ["bureau@example.tw"] in recipients
    assert [chief.email] not in recipients


def test_second_application_same_identity_rejected(application_data, other_unit):
    business_account_apply(**application_data)
    second = {**application_data, "unit": other_unit, "username": "second"}

    with pytest.raises(DuplicateBusinessAccount) as raised:
        business_account_apply(**second)

    assert other_unit.name not in raised.value.message
    assert BusinessAccount.objects.count() == 1


def test_identity_free_after_deletion(application_data, other_unit, chief):
    number = application_data["identity_number"]
    holder = factories.make_business_account(unit=chief.unit, role=Role.OPERATOR, number=number)
    business_account_delete(actor=chief.user, account=holder, reason="離職")

    account = business_account_apply(**{**application_data, "unit": other_unit})

    assert account.unit == other_unit


def test_identity_free_after_return(application_data, chief):
    first = business_account_apply(**application_data)
    business_account_return(actor=chief.user, account=first, reason="單位錯誤")

    second = business_account_apply(**{**application_data, "username": "applicant2"})

    assert second.status == BusinessAccount.Status.PENDING


def test_constraint_rejects_direct_duplicate(unit):
    number = factories.make_identity_number()
    factories.make_business_account(unit=unit, number=number)

    with pytest.raises(IntegrityError):
        factories.make_business_account(unit=unit, number=number, role=Role.OPERATOR)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("identity_number", "A123456788"),
        ("password", "short"),
        ("password", "password1234"),
        ("role", "owner"),
    ],
)
def test_apply_rejects_bad_field(application_data, field, value):
    application_data[field] = value

    with pytest.raises(ValidationError):
        business_account_apply(**application_data)

    assert BusinessAccount.objects.count() == 0


def test_apply_rejects_inactive_unit(application_data, unit):
    unit.is_active = False
    unit.save()

    with pytest.raises(ValidationError) as raised:
        business_account_apply(**application_data)

    assert "unit" in raised.value.message_dict


def test_apply_accepts_64_character_password(application_data):
    application_data["password"] = "x7-" * 21 + "e"
    assert len(application_data["password"]) == 64

    account = business_account_apply(**application_data)

    assert account.user.check_password(application_data["password"])


def test_apply_rejects_username_in_other_case(application_data):
    factories.make_user("Applicant")

    with pytest.raises(ValidationError) as raised:
        business_account_apply(**application_data)

    assert "username" in raised.value.message_dict
    assert BusinessAccount.objects.count() == 0


def test_account_cannot_change_user(chief):
    stranger = factories.make_user("stranger")
    chief.user = stranger

    with pytest.raises(ValueError):
        chief.save()

    assert BusinessAccount.objects.get(pk=chief.pk).user.username == "chief"


def test_loaded_account_cannot_change_user(chief):
    stranger = factories.make_user("stranger")
    account = BusinessAccount.objects.get(pk=chief.pk)
    account.user_id = stranger.pk

    with pytest.raises(ValueError):
        account.save()
