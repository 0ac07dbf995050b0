"""Texts of the pages that end a roaming sign-in without signing in."""

from django.utils.translation import gettext_lazy as _

from .services import RefusalReason

NOT_A_MEMBER_SCHOOL = _("Your school is not served by this site")
UNKNOWN_SCHOOL = _("Unknown school code")
UNMATCHED = _("We could not match you to a teacher record")

# Heading and explanation per refusal; %(code)s is the school code the identity service reported.
REFUSALS = {
    RefusalReason.STUDENT: (
        _("Roaming sign-in is for teachers only"),
        _(
            "The identity service lists you as a student. This site serves in-service teachers and staff "
            "of senior high and lower schools and kindergartens, so students cannot sign in here."
        ),
    ),
    RefusalReason.NO_STAFF_TITLE: (
        _("Your title at school is missing"),
        _(
            "The identity service did not report a title for you at your school, so this site cannot "
            "tell that you teach or work there."
        ),
    ),
    RefusalReason.UNIT_NOT_SERVED: (
        NOT_A_MEMBER_SCHOOL,
        _(
            "The identity service reports school code %(code)s, which is not the code of a senior high "
            "or lower school or a kindergarten. This site serves only those schools."
        ),
    ),
    RefusalReason.UNIT_INACTIVE: (
        NOT_A_MEMBER_SCHOOL,
        _("School code %(code)s is no longer an active school in this site's school directory."),
    ),
    RefusalReason.UNKNOWN_SCHOOL: (
        UNKNOWN_SCHOOL,
        _("The identity service reports school code %(code)s, which is not in this site's school directory."),
    ),
    RefusalReason.MISSING_SCHOOL: (
        UNKNOWN_SCHOOL,
        _("The identity service did not report a school code for you."),
    ),
    RefusalReason.UNMATCHED_PERSON: (
        UNMATCHED,
        _(
            "The identity service did not provide a valid identity number, so this site cannot find "
            "your teacher record."
        ),
    ),
    RefusalReason.MISSING_NAME: (
        UNMATCHED,
        _(
            "You are not on this site's roster yet, and the identity service did not provide your name, "
            "so no teacher record can be created."
        ),
    ),
    RefusalReason.PERSON_CONFLICT: (
        UNMATCHED,
        _(
            "The identity service now reports a different identity number from the one linked to your "
            "identity service account on this site."
        ),
    ),
    RefusalReason.ACCOUNT_DISABLED: (
        _("Your account is disabled"),
        _(
            "Your personal account on this site is disabled. Ask your school's chief administrator or "
            "contact person to enable it."
        ),
    ),
    RefusalReason.ACCOUNT_NOT_PERSONAL: (
        _("This account cannot sign in by roaming"),
        _(
            "Your teacher record is linked to an account that is not a personal teacher account. Roaming "
            "sign-in opens personal accounts only: sign in with your username and password instead."
        ),
    ),
}

# Refusals caused by data at the identity service or in the county's school records.
DATA_REFUSALS = frozenset(REFUSALS) - {RefusalReason.ACCOUNT_DISABLED, RefusalReason.ACCOUNT_NOT_PERSONAL}

# Pages for attempts that ended before the person could be judged.
PROBLEMS = {
    "restart": (
        _("Please sign in again"),
        _(
            "This sign-in was started in another tab or window, has expired, or was already used. "
            "Start the sign-in again from this window."
        ),
    ),
    "cancelled": (
        _("Sign-in cancelled"),
        _("The identity service did not complete the sign-in. You can try again."),
    ),
    "failed": (
        _("The sign-in could not be verified"),
        _(
            "The answer from the identity service did not pass this site's security checks, so you were "
            "not signed in. Please try again; if it keeps failing, call the service desk."
        ),
    ),
    "unavailable": (
        _("The identity service is not available"),
        _("This site cannot reach the identity service right now. Please try again in a few minutes."),
    ),
}
