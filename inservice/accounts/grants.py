"""Who may grant which business role: the one table every path (forms, services, admin) consults.

An actor's *level* depends on where the target unit sits: a system
administrator everywhere, an authority account over its own units, a
business account over its own unit. The table maps each level to the roles
it may assign, change to or from, approve, disable, enable or remove.
No level lists its own rank or a higher one, so no actor grants a role at or above their own.
"""

from __future__ import annotations

from enum import IntEnum

from django.core.exceptions import PermissionDenied

from inservice.core.policy import active_business_account

from .models import ROLE_RANK, Role, User


class Level(IntEnum):
    """An actor's rank over one unit. A higher value outranks every lower one."""

    OPERATOR = ROLE_RANK[Role.OPERATOR]
    CONTACT = ROLE_RANK[Role.CONTACT]
    CHIEF = ROLE_RANK[Role.CHIEF]
    AUTHORITY = 4
    SYSTEM_ADMIN = 5


ROLE_LEVEL = {Role.OPERATOR: Level.OPERATOR, Role.CONTACT: Level.CONTACT, Role.CHIEF: Level.CHIEF}

# 總負責人 manage the 連絡人 and 作業人員 of their unit. Only the unit's authority
# (or a system administrator) manages 總負責人, and 連絡人 and 作業人員 manage no one.
GRANTS: dict[Level, frozenset[str]] = {
    Level.SYSTEM_ADMIN: frozenset({Role.CHIEF, Role.CONTACT, Role.OPERATOR}),
    Level.AUTHORITY: frozenset({Role.CHIEF, Role.CONTACT, Role.OPERATOR}),
    Level.CHIEF: frozenset({Role.CONTACT, Role.OPERATOR}),
    Level.CONTACT: frozenset(),
    Level.OPERATOR: frozenset(),
}


def level_over_unit(actor, unit) -> Level | None:
    """Return ``actor``'s level over ``unit``, or None when the unit is outside the actor's reach."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return None
    if actor.is_superuser or actor.kind == User.Kind.ADMIN:
        return Level.SYSTEM_ADMIN
    if actor.kind == User.Kind.AUTHORITY:
        return Level.AUTHORITY if actor.authority_id and actor.authority_id == unit.authority_id else None
    account = active_business_account(actor)
    if account is not None and account.unit_id == unit.pk and account.unit.is_active:
        return ROLE_LEVEL[account.role]
    return None


def roles_grantable(actor, unit) -> frozenset[str]:
    """Return the roles ``actor`` may assign, change or remove at ``unit``."""
    level = level_over_unit(actor, unit)
    if level is None:
        return frozenset()
    return GRANTS[level]


def approver_level(account) -> Level:
    """Return the level that decides ``account``'s application.

    總負責人 applications go to the authority. 連絡人 and 作業人員 applications go to
    the unit's active 總負責人, or to the authority when the unit has none.
    """
    from .selectors import unit_has_active_chief

    if account.role == Role.CHIEF or not unit_has_active_chief(account.unit):
        return Level.AUTHORITY
    return Level.CHIEF


def may_manage(actor, account, *, new_role: str | None = None) -> bool:
    """Tell whether ``actor`` may act on ``account`` (and move it to ``new_role`` when given)."""
    allowed = roles_grantable(actor, account.unit)
    if account.role not in allowed:
        return False
    if new_role is not None and new_role not in allowed:
        return False
    return True


def require_manage(actor, account, *, new_role: str | None = None) -> None:
    """Raise PermissionDenied unless ``may_manage`` allows the action."""
    if not may_manage(actor, account, new_role=new_role):
        raise PermissionDenied
