"""Reads of the audit trail, scoped to what the actor may see."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from inservice.core.policy import Capability, has_capability, roster_unit

from .models import AuditEvent


def audit_events(
    *,
    actor,
    unit_scope: bool,
    action: str = "",
    actor_username: str = "",
    target_id: str = "",
    unit_code: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """Return audit events, newest first.

    With ``unit_scope`` the result contains the actor's own unit's events
    only. Without it the actor must be a system administrator, who gets every event.
    """
    events = AuditEvent.objects.select_related("actor", "unit")
    if unit_scope:
        events = events.filter(unit=roster_unit(actor))
    elif not has_capability(actor, Capability.SYSTEM_ADMIN):
        return events.none()
    elif unit_code:
        events = events.filter(unit__code=unit_code)

    if action:
        events = events.filter(action__startswith=action)
    if actor_username:
        events = events.filter(actor__username__iexact=actor_username)
    if target_id:
        events = events.filter(target_id=target_id)
    tz = timezone.get_current_timezone()
    if date_from:
        events = events.filter(created_at__gte=datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz))
    if date_to:
        events = events.filter(
            created_at__lt=datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        )
    return events.order_by("-created_at", "-pk")
