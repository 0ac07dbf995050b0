"""The one permission policy: capabilities, scoped querysets and ``access_*`` helpers.

Default deny: a user has only the capabilities computed here, every view
declares the one it needs (``capability_required``), and every object a user
reaches is fetched through a scoped queryset, so anything outside the
user's scope is a 404.
"""

from __future__ import annotations

import enum
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404


class Capability(str, enum.Enum):
    COURSE_CREATE = "course_create"  # 研習課程登錄作業
    COURSE_MANAGE = "course_manage"  # 研習課程管理 / 資料上傳
    UNIT_BUSINESS_ACCOUNTS = "unit_business_accounts"  # 本單位業務帳號管理
    UNIT_ROSTER = "unit_roster"  # 本單位教師帳號管理
    STATISTICS = "statistics"  # 統計圖表查詢
    AUTHORITY_CHIEFS = "authority_chiefs"  # 主管機關: manage units' 總負責人
    TEACHER_SELF = "teacher_self"  # 修改個人基本資料, enrolment, own hours
    SYSTEM_ADMIN = "system_admin"  # 系統管理者
    SIGNED_IN = "signed_in"  # any active signed-in account


# The permission matrix of business roles (spec §1). Roles come from
# accounts.models.Role; the strings keep this module free of model imports.
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    "chief": frozenset(
        {
            Capability.COURSE_CREATE,
            Capability.COURSE_MANAGE,
            Capability.UNIT_BUSINESS_ACCOUNTS,
            Capability.UNIT_ROSTER,
            Capability.STATISTICS,
        }
    ),
    "contact": frozenset(
        {Capability.COURSE_CREATE, Capability.COURSE_MANAGE, Capability.UNIT_ROSTER, Capability.STATISTICS}
    ),
    "operator": frozenset({Capability.COURSE_CREATE, Capability.COURSE_MANAGE, Capability.STATISTICS}),
}


def active_business_account(user):
    """Return the user's active business account, or None."""
    if not getattr(user, "is_authenticated", False) or user.kind != "business":
        return None
    account = getattr(user, "_active_business_account", False)
    if account is False:
        from inservice.accounts.models import BusinessAccount

        account = (
            BusinessAccount.objects.select_related("unit")
            .filter(user=user, status=BusinessAccount.Status.ACTIVE)
            .first()
        )
        user._active_business_account = account
    return account


def capabilities_of(user) -> frozenset[Capability]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_capabilities", None)
    if cached is not None:
        return cached

    granted = {Capability.SIGNED_IN}
    if user.is_superuser or user.kind == "admin":
        granted |= {Capability.SYSTEM_ADMIN, Capability.AUTHORITY_CHIEFS, Capability.STATISTICS}
    elif user.kind == "authority" and user.authority_id:
        granted |= {Capability.AUTHORITY_CHIEFS, Capability.STATISTICS}
    elif user.kind == "business":
        account = active_business_account(user)
        if account is not None and account.unit.is_active:
            granted |= ROLE_CAPABILITIES.get(account.role, frozenset())
    elif user.kind == "teacher" and hasattr(user, "person"):
        granted.add(Capability.TEACHER_SELF)

    result = frozenset(granted)
    user._capabilities = result
    return result


def has_capability(user, capability: Capability) -> bool:
    return capability in capabilities_of(user)


# --- Declaring views ---------------------------------------------------------------


def capability_required(capability: Capability):
    """Mark a view as needing ``capability``: anonymous users go to sign-in, others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not has_capability(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_capability = capability
        return wrapper

    return decorator


def public_view(view):
    """Mark a view as open to everyone; the URL-walk test lists every such view."""
    view.is_public = True
    return view


# --- Scoped querysets -----------------------------------------------------------------


def units_in_scope(user):
    """Units whose data ``user`` may see: own unit, an authority's units, or all for admins."""
    from inservice.organisations.models import Unit

    capabilities = capabilities_of(user)
    if Capability.SYSTEM_ADMIN in capabilities:
        return Unit.objects.all()
    if user.is_authenticated and user.kind == "authority" and user.authority_id:
        return Unit.objects.filter(authority_id=user.authority_id)
    account = active_business_account(user)
    if account is not None and capabilities - {Capability.SIGNED_IN}:
        return Unit.objects.filter(pk=account.unit_id)
    return Unit.objects.none()


def roster_unit(user):
    """Return the unit whose roster ``user`` works, or raise PermissionDenied."""
    if not has_capability(user, Capability.UNIT_ROSTER):
        raise PermissionDenied
    return active_business_account(user).unit


def people_in_scope(user):
    """People with a current membership at a unit whose roster ``user`` works."""
    from inservice.people.models import Person

    if not has_capability(user, Capability.UNIT_ROSTER):
        return Person.objects.none()
    unit = active_business_account(user).unit
    return Person.objects.filter(memberships__unit=unit, memberships__end_date__isnull=True)


def access_person(user, person_id: int):
    """Fetch a person ``user`` may work on, or raise Http404 (out of scope looks like absent)."""
    return get_object_or_404(people_in_scope(user), pk=person_id)
