import pytest

from inservice.accounts import grants
from inservice.accounts.models import Role
from inservice.testing import factories

pytestmark = pytest.mark.django_db


def test_no_level_grants_its_own_rank_or_above():
    for level, roles in grants.GRANTS.items():
        for role in roles:
            assert grants.ROLE_LEVEL[role] < level, (level, role)


def test_only_authority_and_admin_grant_chief():
    granting = {level for level, roles in grants.GRANTS.items() if Role.CHIEF in roles}

    assert granting == {grants.Level.AUTHORITY, grants.Level.SYSTEM_ADMIN}


def test_levels_over_own_unit(unit, chief, contact, operator, authority_user, admin_user):
    assert grants.level_over_unit(chief.user, unit) == grants.Level.CHIEF
    assert grants.level_over_unit(contact.user, unit) == grants.Level.CONTACT
    assert grants.level_over_unit(operator.user, unit) == grants.Level.OPERATOR
    assert grants.level_over_unit(authority_user, unit) == grants.Level.AUTHORITY
    assert grants.level_over_unit(admin_user, unit) == grants.Level.SYSTEM_ADMIN


def test_no_level_outside_scope(chief, other_unit, foreign_unit, authority_user):
    teacher = factories.make_user("teacher1")

    assert grants.level_over_unit(chief.user, other_unit) is None
    assert grants.level_over_unit(authority_user, foreign_unit) is None
    assert grants.level_over_unit(teacher, other_unit) is None
    assert grants.roles_grantable(teacher, other_unit) == frozenset()


def test_approver_level_follows_routing(unit, chief, contact):
    assert grants.approver_level(contact) == grants.Level.CHIEF
    assert grants.approver_level(chief) == grants.Level.AUTHORITY


def test_approver_is_authority_without_chief(operator):
    assert grants.approver_level(operator) == grants.Level.AUTHORITY
