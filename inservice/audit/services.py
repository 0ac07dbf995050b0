"""Writing audit events. Call inside the same transaction as the change it records."""

from __future__ import annotations

from typing import Any

from .models import AuditEvent


def audit_record(
    *,
    actor,
    action: str,
    target: Any,
    before: dict | None = None,
    after: dict | None = None,
    unit=None,
    ip_address: str | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Write one audit event. ``actor`` may be None for jobs; then give ``actor_label``."""
    user = actor if getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_label=actor_label,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        unit=unit,
        before=before or {},
        after=after or {},
        ip_address=ip_address,
    )


def client_ip(request) -> str | None:
    """Return the client address, read through the configured number of trusted proxies."""
    from inservice.accounts.auth import client_ip_address

    return client_ip_address(request)
