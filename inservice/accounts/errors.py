"""Domain errors of business accounts: each has a code and a translated message for the user."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class AccountError(Exception):
    code = "account_error"

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class DuplicateBusinessAccount(AccountError):
    """The identity number already has a business account. The message leaves out the unit on purpose."""

    code = "duplicate_business_account"

    def __init__(self):
        super().__init__(
            _(
                "A business account already exists for this identity number. Each person may hold only "
                "one business account: ask the unit that holds it to delete it first, then apply again."
            )
        )


class LastChiefError(AccountError):
    code = "last_chief"

    def __init__(self):
        super().__init__(
            _(
                "This is the unit's only active chief administrator, and every unit needs at least one. "
                "Have another chief administrator approved first, then try again."
            )
        )


class OpenCoursesError(AccountError):
    code = "open_courses"

    def __init__(self, courses):
        self.courses = list(courses)
        listing = "、".join(f"{course.code} {course.title}" for course in self.courses)
        super().__init__(
            _(
                "The account cannot be deleted while courses it opened are not yet at “attendance list "
                "confirmed”: %(courses)s. Bring each of them to that state first, then delete the account."
            )
            % {"courses": listing}
        )


class AccountStateError(AccountError):
    code = "account_state"

    def __init__(self, status_label):
        super().__init__(
            _("This cannot be done while the account is “%(status)s”. Reload the page to see its current state.")
            % {"status": status_label}
        )
