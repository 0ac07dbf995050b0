"""Reads of business accounts, each scoped to what the actor may see."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from inservice.core.policy import units_in_scope
from inservice.courses.models import Course, CourseState
from inservice.organisations.models import Unit

from .models import BusinessAccount, Role, User

# Returned applications and deleted accounts stay for the audit trail but leave the lists.
CURRENT_STATUSES = (
    BusinessAccount.Status.PENDING,
    BusinessAccount.Status.ACTIVE,
    BusinessAccount.Status.SUSPENDED,
    BusinessAccount.Status.DISABLED,
)


def _active_chiefs(unit_field: str = "pk"):
    return BusinessAccount.objects.filter(
        unit=OuterRef(unit_field), role=Role.CHIEF, status=BusinessAccount.Status.ACTIVE, user__is_active=True
    )


def unit_has_active_chief(unit: Unit) -> bool:
    return BusinessAccount.objects.filter(
        unit=unit, role=Role.CHIEF, status=BusinessAccount.Status.ACTIVE, user__is_active=True
    ).exists()


def business_accounts_in_scope(actor) -> QuerySet[BusinessAccount]:
    """Return the business accounts at the units whose accounts ``actor`` manages.

    That is their own unit for a 總負責人, its units for an authority account and
    every unit for a system administrator. 連絡人, 作業人員 and others get none.
    """
    if actor is None or not actor.is_authenticated:
        return BusinessAccount.objects.none()
    from inservice.core.policy import Capability, has_capability

    if not (
        has_capability(actor, Capability.UNIT_BUSINESS_ACCOUNTS)
        or has_capability(actor, Capability.AUTHORITY_CHIEFS)
        or has_capability(actor, Capability.SYSTEM_ADMIN)
    ):
        return BusinessAccount.objects.none()
    return (
        BusinessAccount.objects.filter(unit__in=units_in_scope(actor))
        .select_related("user", "unit", "decided_by")
        .order_by("unit__code", "role", "pk")
    )


def access_business_account(actor, account_id: int) -> BusinessAccount:
    """Fetch a business account ``actor`` may see, or raise Http404."""
    return get_object_or_404(business_accounts_in_scope(actor), pk=account_id)


def unit_business_accounts(*, actor, unit: Unit) -> QuerySet[BusinessAccount]:
    """Return the unit's current accounts (neither returned nor deleted), highest role first."""
    return business_accounts_in_scope(actor).filter(unit=unit, status__in=CURRENT_STATUSES)


def pending_applications(*, actor) -> QuerySet[BusinessAccount]:
    """Return the applications waiting for ``actor``'s decision.

    A 總負責人 decides their unit's 連絡人 and 作業人員. An authority decides its units'
    總負責人, and the other roles at units without an active 總負責人.
    """
    accounts = business_accounts_in_scope(actor).filter(status=BusinessAccount.Status.PENDING)
    if actor.kind == User.Kind.BUSINESS:
        return accounts.exclude(role=Role.CHIEF)
    return accounts.annotate(unit_has_chief=Exists(_active_chiefs("unit_id"))).filter(
        Q(role=Role.CHIEF) | Q(unit_has_chief=False)
    )


def units_without_active_chief(*, actor) -> QuerySet[Unit]:
    """Return the active units in ``actor``'s scope that have no active 總負責人."""
    return (
        units_in_scope(actor)
        .filter(is_active=True)
        .annotate(has_chief=Exists(_active_chiefs()))
        .filter(has_chief=False)
        .select_related("authority")
        .order_by("code", "pk")
    )


def courses_blocking_deletion(account: BusinessAccount) -> QuerySet[Course]:
    """Return the courses ``account`` opened that are not yet 名單確認通過.

    NOTE: a cancelled course blocks too, because only 名單確認通過 frees an
    account; the courses side decides whether cancelling should count.
    """
    return Course.objects.filter(owner=account).exclude(state=CourseState.CONFIRMED).order_by("code", "pk")


def application_status(*, reference: str, username: str) -> BusinessAccount | None:
    """Return the application with this reference, only when ``username`` matches it too."""
    reference = (reference or "").strip().upper()
    username = (username or "").strip()
    if not reference or not username:
        return None
    return (
        BusinessAccount.objects.select_related("unit", "user")
        .filter(reference=reference, user__username__iexact=username)
        .first()
    )


def unit_search(query: str) -> QuerySet[Unit]:
    """Return active units whose code starts with, or whose name contains, ``query`` (none for an empty query)."""
    query = (query or "").strip()
    if not query:
        return Unit.objects.none()
    return (
        Unit.objects.filter(is_active=True)
        .filter(Q(code__istartswith=query) | Q(name__icontains=query))
        .order_by("code", "pk")
    )
