"""Reads for roster maintenance: one-time links, unit notices and the signed-in teacher's own record."""

from __future__ import annotations

import hashlib

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import ActivationLink, Membership, Person, PersonSubject, UnitNotice


def activation_link_valid(*, token: str) -> ActivationLink | None:
    """Return the unused, unexpired, not voided link for ``token``, or None."""
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    return (
        ActivationLink.objects.select_related("user", "person")
        .filter(token_hash=token_hash, used_at__isnull=True, voided_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def own_person(*, actor) -> Person:
    """Return the signed-in teacher's own person, with ``current_memberships`` and ordered subjects."""
    people = Person.objects.filter(user=actor).prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(end_date__isnull=True).select_related("unit"),
            to_attr="current_memberships",
        ),
        Prefetch(
            "subject_entries",
            queryset=PersonSubject.objects.select_related("subject__category", "subject__parent").order_by(
                "position", "pk"
            ),
        ),
    )
    return get_object_or_404(people)


def unit_notices_list(*, unit):
    """Return the notices addressed to ``unit``, newest first."""
    return UnitNotice.objects.filter(unit=unit).select_related("person", "other_unit").order_by("-created_at", "-pk")
