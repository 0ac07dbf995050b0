"""Reasons for rejected or skipped records: a code with values, translated when displayed."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from inservice.people.models import Membership

REASONS = {
    "unreadable": _("The record could not be read: %(detail)s. Ask the source to correct it."),
    "identity_missing": _("The identity number is missing. The source must supply it."),
    "identity_invalid": _(
        "The identity number %(value)s is not a valid national ID or resident certificate number "
        "(wrong length, format or check digit). The source must correct it."
    ),
    "name_missing": _("The name is missing. The source must supply it."),
    "name_too_long": _("The name has %(length)s characters; at most 64 are allowed."),
    "gender_unknown": _("The gender is missing or not one the contract allows."),
    "title_unknown": _("The title “%(value)s” is not on the roster's list of titles."),
    "unit_unknown": _("The unit code “%(value)s” is not in the directory. Import the directory or correct the code."),
    "unit_not_synced": _(
        "The unit %(value)s is not synchronised from this source. A system administrator sets a unit's "
        "sync source."
    ),
    "employment_unknown": _("The employment state is missing or not one the contract allows."),
    "review_unknown": _("The review state is missing or not one the contract allows."),
    "changed_at_missing": _("The change time is missing or has no time zone."),
    "duplicate": _("The same person already appears at feed position %(position)s; only the first is used."),
    "hand_entered": _(
        "This person is maintained by hand (unit %(value)s). Synchronisation never changes hand-entered "
        "people: the unit must end that membership first."
    ),
    "newer_elsewhere": _(
        "Kept the newer change from %(source)s (%(time)s); the source's record is older (%(record_time)s)."
    ),
    "not_owned": _("The current membership comes from %(source)s, so this source does not end it."),
    "no_current_membership": _("The person has no current membership to end."),
    "database": _("The database rejected the change (%(detail)s)."),
}


def reason_text(code: str, params: dict | None) -> str:
    if not code:
        return ""
    template = REASONS.get(code)
    if template is None:
        return code
    values = dict(params or {})
    if "source" in values:
        # Stored as the Membership.source code, shown in the reader's language.
        values["source"] = dict(Membership.Source.choices).get(values["source"], values["source"])
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return str(template)
