"""Reads for roaming sign-in pages."""

from __future__ import annotations

from inservice.people.models import Membership


def current_membership_of_user(user) -> Membership | None:
    """Return the current membership of the person behind a personal account, or None."""
    return (
        Membership.objects.select_related("unit", "person")
        .filter(person__user=user, end_date__isnull=True)
        .order_by("-start_date", "-pk")
        .first()
    )
