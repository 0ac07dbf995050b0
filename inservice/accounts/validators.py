from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MaximumLengthValidator:
    """Reject passwords longer than ``max_length`` characters."""

    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                _("This password is too long. Use at most %(max_length)d characters."),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self):
        return _("Your password can have at most %(max_length)d characters.") % {"max_length": self.max_length}


class PasswordHistoryValidator:
    """Reject the account's current password and its previous ones, ``history_size`` in all.

    ``password_changed`` records every new hash, so the history also covers
    passwords set through the admin, a reset link or the application form.
    """

    def __init__(self, history_size: int = 3):
        self.history_size = history_size

    def _recent_hashes(self, user) -> list[str]:
        """Return the current hash, then the newest recorded ones, ``history_size`` in all.

        The current hash comes first because accounts made with ``create_user``
        never passed through ``password_changed`` and so have no history row yet.
        """
        from .models import PasswordHistory

        recorded = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[: self.history_size]
        hashes = [user.password] if user.password else []
        hashes += [encoded for encoded in recorded if encoded not in hashes]
        return hashes[: self.history_size]

    def validate(self, password, user=None):
        from django.contrib.auth.hashers import check_password

        if user is None or user.pk is None:
            return
        for encoded in self._recent_hashes(user):
            if check_password(password, encoded):
                raise ValidationError(
                    _(
                        "This password was one of your last %(count)d passwords. Choose a password you have not "
                        "used recently."
                    ),
                    code="password_reused",
                    params={"count": self.history_size},
                )

    def password_changed(self, password, user=None):
        from .models import PasswordHistory

        if user is None or user.pk is None or not user.has_usable_password():
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[self.history_size :]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self):
        return _("Your password cannot be one of your last %(count)d passwords.") % {"count": self.history_size}
