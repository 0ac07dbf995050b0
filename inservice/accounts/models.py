"""Sign-in accounts: teachers' personal accounts, business accounts, authority and admin accounts."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inservice.organisations.models import Authority, Unit


class User(AbstractUser):
    """Every sign-in account. ``kind`` is its account family: teacher, business, authority or admin."""

    class Kind(models.TextChoices):
        TEACHER = "teacher", _("Teacher personal account")
        BUSINESS = "business", _("Business account")
        AUTHORITY = "authority", _("Authority account")
        ADMIN = "admin", _("System administrator")

    kind = models.CharField(_("account kind"), max_length=16, choices=Kind.choices, default=Kind.TEACHER)
    display_name = models.CharField(_("name"), max_length=64, blank=True)
    authority = models.ForeignKey(
        Authority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name=_("authority"),
        help_text=_("Only for authority accounts: the authority this account works for."),
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="authority") | Q(authority__isnull=False),
                name="authority_account_has_authority",
            ),
        ]

    @property
    def is_system_admin(self) -> bool:
        return self.is_active and (self.is_superuser or self.kind == self.Kind.ADMIN)


class Role(models.TextChoices):
    """Business roles of a unit, highest first."""

    CHIEF = "chief", _("Chief administrator")
    CONTACT = "contact", _("Contact person")
    OPERATOR = "operator", _("Operator")


ROLE_RANK = {Role.CHIEF: 3, Role.CONTACT: 2, Role.OPERATOR: 1}


class BusinessAccount(models.Model):
    """A personal business account (個人業務帳號): one unit, one role, one identity number."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        ACTIVE = "active", _("Activated")
        RETURNED = "returned", _("Returned")
        SUSPENDED = "suspended", _("Suspended")
        DISABLED = "disabled", _("Disabled")
        DELETED = "deleted", _("Deleted")

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="business_account")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="business_accounts")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    name = models.CharField(_("name"), max_length=64)
    identity_encrypted = models.BinaryField(_("identity number (encrypted)"))
    identity_hash = models.CharField(_("identity number look-up hash"), max_length=64)
    identity_masked = models.CharField(_("identity number (masked)"), max_length=12)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Given to the applicant with the acknowledgement, to look up the application's state.
    reference = models.CharField(_("application reference"), max_length=16, unique=True, null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved or returned by"),
    )
    decided_at = models.DateTimeField(_("approved or returned at"), null=True, blank=True)
    # The reason given with the latest 退回, 停權, disabling or deletion.
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    class Meta:
        ordering = ["unit", "role", "pk"]
        verbose_name = _("business account")
        verbose_name_plural = _("business accounts")
        constraints = [
            # One person, one business account: returned applications and
            # deleted accounts no longer hold the identity number.
            models.UniqueConstraint(
                fields=["identity_hash"],
                condition=~Q(status__in=["deleted", "returned"]),
                name="one_business_account_per_identity",
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return f"BusinessAccount {self.pk} ({self.role} at unit {self.unit_id})"

    @classmethod
    def from_db(cls, db, field_names, values):
        account = super().from_db(db, field_names, values)
        account._loaded_user_id = account.__dict__.get("user_id")
        return account

    def save(self, *args, **kwargs):
        # Accounts are personal and never handed over, so save() rejects a new user
        # on a stored account. NOTE: QuerySet.update() bypasses this check.
        loaded = getattr(self, "_loaded_user_id", None)
        if loaded is not None and self.user_id != loaded:
            raise ValueError("A business account cannot be moved to another user; delete it and apply again.")
        super().save(*args, **kwargs)
        self._loaded_user_id = self.user_id

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE and self.user.is_active


class PasswordHistory(models.Model):
    """A password hash an account has used, so the last few cannot be chosen again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("password hash"), max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("previous password")
        verbose_name_plural = _("previous passwords")
