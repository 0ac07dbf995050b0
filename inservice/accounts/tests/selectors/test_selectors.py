import pytest

from inservice.accounts import selectors
from inservice.accounts.models import Role
from inservice.accounts.services import business_account_apply
from inservice.testing import factories

pytestmark = pytest.mark.django_db


def test_chief_sees_only_own_unit(chief, operator, other_unit):
    stranger = factories.make_business_account(unit=other_unit, role=Role.OPERATOR, username="stranger")

    visible = set(selectors.business_accounts_in_scope(chief.user))

    assert operator in visible
    assert stranger not in visible


@pytest.mark.parametrize("fixture", ["contact", "operator"])
def test_contact_and_operator_see_none(request, fixture):
    account = request.getfixturevalue(fixture)

    assert not selectors.business_accounts_in_scope(account.user).exists()


def test_authority_sees_own_units_only(authority_user, operator, foreign_unit):
    stranger = factories.make_business_account(unit=foreign_unit, role=Role.CHIEF, username="stranger")

    visible = set(selectors.business_accounts_in_scope(authority_user))

    assert operator in visible
    assert stranger not in visible


def test_pending_routing(application_data, chief, authority_user, other_unit):
    operator_application = business_account_apply(**application_data)
    chief_application = business_account_apply(
        **{**application_data, "role": Role.CHIEF, "identity_number": factories.make_identity_number(), "username": "c2"}
    )
    orphan_application = business_account_apply(
        **{**application_data, "unit": other_unit, "identity_number": factories.make_identity_number(), "username": "o2"}
    )

    assert set(selectors.pending_applications(actor=chief.user)) == {operator_application}
    assert set(selectors.pending_applications(actor=authority_user)) == {chief_application, orphan_application}


def test_units_without_active_chief(authority_user, chief, other_unit, foreign_unit):
    disabled_chief = factories.make_business_account(unit=other_unit, role=Role.CHIEF, username="gone")
    disabled_chief.status = disabled_chief.Status.DISABLED
    disabled_chief.save()

    units = list(selectors.units_without_active_chief(actor=authority_user))

    assert units == [other_unit]


def test_application_status_needs_both(application_data):
    account = business_account_apply(**application_data)

    assert selectors.application_status(reference=account.reference, username="applicant") == account
    assert selectors.application_status(reference=account.reference.lower(), username=" Applicant ") == account
    assert selectors.application_status(reference=account.reference, username="someone") is None
    assert selectors.application_status(reference="WRONGREF00", username="applicant") is None
    assert selectors.application_status(reference="", username="") is None


def test_unit_search_by_code_and_name(unit, other_unit):
    assert list(selectors.unit_search("074601")) == [unit]
    assert list(selectors.unit_search("大同")) == [other_unit]
    assert list(selectors.unit_search("")) == []
