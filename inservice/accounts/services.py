"""Writes on business accounts: apply, approve, return, change role, delete, suspend, enable, disable.

Each service runs in one transaction, checks the grant table (``grants``),
writes an audit event with the values before and after, and sends its
e-mail only after the transaction commits. Services that change a role or a
status lock the unit row first, so every change at one unit runs one at a
time and the last-chief rule holds under concurrent requests.
"""

from __future__ import annotations

import datetime
import logging
import secrets

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from inservice.audit.services import audit_record
from inservice.core import identity
from inservice.organisations.models import Unit

from . import grants
from .errors import AccountStateError, DuplicateBusinessAccount, LastChiefError, OpenCoursesError
from .models import BusinessAccount, Role, User
from .selectors import courses_blocking_deletion

logger = logging.getLogger(__name__)

Status = BusinessAccount.Status

# Statuses in which the identity number is still held (mirrors the partial unique constraint).
HOLDING_STATUSES = (Status.PENDING, Status.ACTIVE, Status.SUSPENDED, Status.DISABLED)
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 10
REASON_MAX_LENGTH = 500


# --- Helpers ---------------------------------------------------------------------------


def _snapshot(account: BusinessAccount) -> dict:
    return {"role": account.role, "status": account.status, "unit": account.unit_id, "reason": account.status_reason}


def _record_change(*, actor, account: BusinessAccount, action: str, before: dict, ip_address: str | None) -> None:
    """Audit a change to ``account`` with its values before and after, at the account's unit."""
    audit_record(
        actor=actor,
        action=action,
        target=account,
        before=before,
        after=_snapshot(account),
        unit=account.unit,
        ip_address=ip_address,
    )


def _new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _index in range(REFERENCE_LENGTH))


def _identity_taken(digest: str) -> bool:
    return BusinessAccount.objects.filter(identity_hash=digest, status__in=HOLDING_STATUSES).exists()


def _lock(account: BusinessAccount) -> BusinessAccount:
    """Lock the account's unit, then return the account re-read and locked.

    Locking the unit first serialises every role and status change at that unit,
    so two requests can never both see "another active chief" and both remove one.
    An account never moves to another unit, so ``unit_id`` is safe to read unlocked.
    """
    Unit.objects.select_for_update().filter(pk=account.unit_id).first()
    return BusinessAccount.objects.select_for_update(of=("self",)).select_related("user", "unit").get(pk=account.pk)


def _ensure_other_active_chief(account: BusinessAccount, actor) -> None:
    """Raise LastChiefError when ``account`` is its unit's only active 總負責人.

    System administrators are exempt: they suspend or delete accounts found
    used by someone other than their owner, even a unit's only chief.
    """
    if account.role != Role.CHIEF or account.status != Status.ACTIVE:
        return
    if grants.level_over_unit(actor, account.unit) == grants.Level.SYSTEM_ADMIN:
        return
    others = (
        BusinessAccount.objects.filter(
            unit_id=account.unit_id, role=Role.CHIEF, status=Status.ACTIVE, user__is_active=True
        )
        .exclude(pk=account.pk)
        .exists()
    )
    if not others:
        raise LastChiefError()


def _set_status(account: BusinessAccount, status: str, *, reason: str = "") -> None:
    now = timezone.now()
    account.status = status
    account.status_reason = reason
    account.status_changed_at = now
    if status == Status.DELETED:
        account.deleted_at = now
    account.save()

    # Only an active business account signs in: every other status also ends its sessions.
    is_active = status == Status.ACTIVE
    if account.user.is_active != is_active:
        account.user.is_active = is_active
        account.user.save(update_fields=["is_active"])


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError(
            {"reason": _("Reason is required. Write why, so the applicant and the audit record can see it.")}
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("Reason is too long. Keep it within %(limit)d characters.") % {"limit": REASON_MAX_LENGTH}}
        )
    return reason


def _mail_on_commit(*, template: str, subject: str, recipients: list[str], context: dict) -> None:
    recipients = [address for address in recipients if address]
    if not recipients:
        return
    context = {**context, "site_url": settings.SITE_URL}
    body = render_to_string(f"accounts/email/{template}.txt", context)

    def send() -> None:
        send_mail(subject, body, None, recipients)

    transaction.on_commit(send)


def _approver_addresses(account: BusinessAccount) -> list[str]:
    """Return the e-mail addresses of the approvers of ``account``'s application."""
    if grants.approver_level(account) == grants.Level.CHIEF:
        chiefs = BusinessAccount.objects.filter(
            unit_id=account.unit_id, role=Role.CHIEF, status=Status.ACTIVE, user__is_active=True
        )
        return list(chiefs.values_list("email", flat=True))
    authority_users = User.objects.filter(
        kind=User.Kind.AUTHORITY, authority_id=account.unit.authority_id, is_active=True
    ).exclude(email="")
    return list(authority_users.values_list("email", flat=True))


def _status_mail(account: BusinessAccount, subject: str) -> None:
    _mail_on_commit(
        template="status_changed",
        subject=subject,
        recipients=[account.email],
        context={"account": account, "status": account.get_status_display(), "role": account.get_role_display()},
    )


# --- Application ------------------------------------------------------------------------


@transaction.atomic
def business_account_apply(
    *,
    unit: Unit,
    role: str,
    name: str,
    identity_number: str,
    email: str,
    phone: str,
    username: str,
    password: str,
    ip_address: str | None = None,
) -> BusinessAccount:
    """Create a pending business account and its inactive user, then e-mail the applicant and the approvers.

    Raises DuplicateBusinessAccount when the identity number already has an
    account, and ValidationError for invalid fields. Concurrent applications with
    one number end with one account because the partial unique constraint
    rejects the second insert.
    """
    number = identity.validate(identity_number)
    digest = identity.lookup_hash(number)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose one of the listed roles.")})
    if not unit.is_active:
        raise ValidationError({"unit": _("This unit no longer takes applications. Search again and choose your unit.")})
    if _identity_taken(digest):
        raise DuplicateBusinessAccount()
    # Sign-in lockout counts usernames case-insensitively, so they must be unique that way too.
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is taken. Choose another one.")})

    user = User(username=username, kind=User.Kind.BUSINESS, display_name=name, email=email, is_active=False)
    password_validation.validate_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            account = BusinessAccount.objects.create(
                user=user,
                unit=unit,
                role=role,
                status=Status.PENDING,
                name=name,
                identity_encrypted=identity.encrypt(number),
                identity_hash=digest,
                identity_masked=identity.mask(number),
                email=email,
                phone=phone,
                reference=_new_reference(),
            )
    except IntegrityError:
        # A concurrent application committed first. Report the field that collided.
        if _identity_taken(digest):
            raise DuplicateBusinessAccount() from None
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": _("This username is taken. Choose another one.")}) from None
        raise

    audit_record(
        actor=user,
        action="business_account.apply",
        target=account,
        after=_snapshot(account),
        unit=unit,
        ip_address=ip_address,
    )
    context = {"account": account, "role": account.get_role_display()}
    _mail_on_commit(
        template="application_received",
        subject=_("Business account application received"),
        recipients=[email],
        context=context,
    )
    _mail_on_commit(
        template="application_to_approver",
        subject=_("A business account application is waiting for you"),
        recipients=_approver_addresses(account),
        context=context,
    )
    logger.info("business account %s applied at unit %s", account.pk, unit.pk)
    return account


@transaction.atomic
def business_account_approve(*, actor, account: BusinessAccount, ip_address: str | None = None) -> BusinessAccount:
    """Approve (啟用) a pending application."""
    account = _lock(account)
    grants.require_manage(actor, account)
    if account.status != Status.PENDING:
        raise AccountStateError(account.get_status_display())

    before = _snapshot(account)
    account.decided_by = actor
    account.decided_at = timezone.now()
    _set_status(account, Status.ACTIVE)
    _record_change(
        actor=actor,
        account=account,
        action="business_account.approve",
        before=before,
        ip_address=ip_address,
    )
    _mail_on_commit(
        template="application_decided",
        subject=_("Your business account application is approved"),
        recipients=[account.email],
        context={"account": account, "approved": True, "role": account.get_role_display()},
    )
    return account


@transaction.atomic
def business_account_return(
    *, actor, account: BusinessAccount, reason: str, ip_address: str | None = None
) -> BusinessAccount:
    """Return (退回) a pending application with a reason. The identity number is then free to apply again."""
    reason = _clean_reason(reason, required=True)
    account = _lock(account)
    grants.require_manage(actor, account)
    if account.status != Status.PENDING:
        raise AccountStateError(account.get_status_display())

    before = _snapshot(account)
    account.decided_by = actor
    account.decided_at = timezone.now()
    _set_status(account, Status.RETURNED, reason=reason)
    _record_change(
        actor=actor,
        account=account,
        action="business_account.return",
        before=before,
        ip_address=ip_address,
    )
    _mail_on_commit(
        template="application_decided",
        subject=_("Your business account application is returned"),
        recipients=[account.email],
        context={"account": account, "approved": False, "role": account.get_role_display(), "reason": reason},
    )
    return account


# --- Changes to existing accounts -------------------------------------------------------------


@transaction.atomic
def business_account_change_role(
    *, actor, account: BusinessAccount, role: str, ip_address: str | None = None
) -> BusinessAccount:
    """Move an account to another role (權限異動) when the grant table allows both the old and the new role."""
    if role not in Role.values:
        raise ValidationError({"role": _("Choose one of the listed roles.")})
    account = _lock(account)
    grants.require_manage(actor, account, new_role=role)
    if account.status not in HOLDING_STATUSES:
        raise AccountStateError(account.get_status_display())
    if account.role == role:
        return account
    _ensure_other_active_chief(account, actor)

    before = _snapshot(account)
    account.role = role
    account.save(update_fields=["role", "updated_at"])
    _record_change(
        actor=actor,
        account=account,
        action="business_account.change_role",
        before=before,
        ip_address=ip_address,
    )
    _status_mail(account, _("Your business account's role has changed"))
    return account


@transaction.atomic
def business_account_delete(
    *, actor, account: BusinessAccount, reason: str = "", ip_address: str | None = None
) -> BusinessAccount:
    """Delete (刪除) an account softly: the record stays for audit and the identity number is free again.

    The holder may delete their own account; anyone else needs the grant table
    and a reason. Blocked while a course the account opened is not yet
    名單確認通過, and for the unit's last active 總負責人.
    """
    is_holder = actor is not None and account.user_id == actor.pk
    reason = _clean_reason(reason, required=not is_holder)
    account = _lock(account)
    if not is_holder:
        grants.require_manage(actor, account)
    if account.status not in HOLDING_STATUSES:
        raise AccountStateError(account.get_status_display())
    blocking = list(courses_blocking_deletion(account))
    if blocking:
        raise OpenCoursesError(blocking)
    _ensure_other_active_chief(account, actor)

    before = _snapshot(account)
    _set_status(account, Status.DELETED, reason=reason)
    _record_change(
        actor=actor,
        account=account,
        action="business_account.delete_own" if is_holder else "business_account.delete",
        before=before,
        ip_address=ip_address,
    )
    _status_mail(account, _("Your business account has been deleted"))
    return account


@transaction.atomic
def business_account_suspend(
    *, actor, account: BusinessAccount, reason: str, ip_address: str | None = None
) -> BusinessAccount:
    """Suspend (停權) an account found used by someone other than its owner. System administrators only."""
    reason = _clean_reason(reason, required=True)
    account = _lock(account)
    if grants.level_over_unit(actor, account.unit) != grants.Level.SYSTEM_ADMIN:
        raise PermissionDenied
    if account.status not in (Status.PENDING, Status.ACTIVE, Status.DISABLED):
        raise AccountStateError(account.get_status_display())

    before = _snapshot(account)
    _set_status(account, Status.SUSPENDED, reason=reason)
    _record_change(
        actor=actor,
        account=account,
        action="business_account.suspend",
        before=before,
        ip_address=ip_address,
    )
    _status_mail(account, _("Your business account has been suspended"))
    return account


@transaction.atomic
def business_account_enable(*, actor, account: BusinessAccount, ip_address: str | None = None) -> BusinessAccount:
    """Re-enable an account. A disabled one needs the grant table, a suspended one a system administrator."""
    account = _lock(account)
    if account.status == Status.DISABLED:
        grants.require_manage(actor, account)
    elif account.status == Status.SUSPENDED:
        if grants.level_over_unit(actor, account.unit) != grants.Level.SYSTEM_ADMIN:
            raise PermissionDenied
    else:
        raise AccountStateError(account.get_status_display())

    before = _snapshot(account)
    _set_status(account, Status.ACTIVE)
    _record_change(
        actor=actor,
        account=account,
        action="business_account.enable",
        before=before,
        ip_address=ip_address,
    )
    _status_mail(account, _("Your business account is enabled again"))
    return account


def business_accounts_disable_inactive(*, now: datetime.datetime | None = None) -> int:
    """Disable active business accounts unused for ``BUSINESS_ACCOUNT_INACTIVE_DAYS``; return how many.

    Unused means no sign-in, and no approval or re-enabling, since the cut-off.
    Each account is disabled in its own transaction, so one failure leaves the
    others done. The unit's only chief is disabled too, because the job is not a
    school action. The unit then appears in the authority's list of units without a chief.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.BUSINESS_ACCOUNT_INACTIVE_DAYS)
    candidates = BusinessAccount.objects.filter(status=Status.ACTIVE).filter(
        Q(user__last_login__lt=cutoff) | Q(user__last_login__isnull=True),
        Q(status_changed_at__lt=cutoff) | Q(status_changed_at__isnull=True, created_at__lt=cutoff),
    )
    reason = _("Not used for %(days)d days.") % {"days": settings.BUSINESS_ACCOUNT_INACTIVE_DAYS}
    disabled = 0
    for candidate in candidates.only("pk", "unit_id").order_by("pk"):
        with transaction.atomic():
            account = _lock(candidate)
            last_used = account.user.last_login or account.status_changed_at or account.created_at
            if account.status != Status.ACTIVE or last_used >= cutoff:
                continue
            before = _snapshot(account)
            _set_status(account, Status.DISABLED, reason=reason)
            audit_record(
                actor=None,
                actor_label="system",
                action="business_account.disable_inactive",
                target=account,
                before=before,
                after=_snapshot(account),
                unit=account.unit,
            )
            _status_mail(account, _("Your business account has been disabled"))
            disabled += 1
    logger.info("disabled %s inactive business accounts", disabled)
    return disabled


# --- Other accounts -----------------------------------------------------------------------------------


@transaction.atomic
def user_suspend(*, actor, user: User, reason: str, ip_address: str | None = None) -> User:
    """Suspend (停權) a teacher or authority account so it can no longer sign in.

    Business accounts use business_account_suspend, which also records the status.
    """
    reason = _clean_reason(reason, required=True)
    if not getattr(actor, "is_system_admin", False):
        raise PermissionDenied
    if user.kind == User.Kind.BUSINESS or user.pk == actor.pk:
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=user.pk)

    before = {"is_active": user.is_active}
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="user.suspend",
        target=user,
        before=before,
        after={"is_active": False, "reason": reason},
        ip_address=ip_address,
    )
    return user
