"""Rules other apps ask the sync app: may a unit's roster be changed by hand?"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from inservice.organisations.models import SyncSource, Unit

# Instructions naming the system in which a synced unit's staff changes are made.
_SOURCE_INSTRUCTIONS = {
    SyncSource.KINDERGARTEN: _(
        "This kindergarten's staff come from the National preschool information network "
        "(全國教保資訊網填報系統) every night. Record the move or departure there; it appears here "
        "after the next nightly synchronisation."
    ),
    SyncSource.TAIPEI: _(
        "This school's teachers come from the Taipei teacher in-service network (臺北市教師在職研習網) "
        "every night. Record the move or departure there; it appears here after the next nightly "
        "synchronisation."
    ),
}


def unit_allows_manual_transfer(unit: Unit) -> bool:
    """Tell whether people may be transferred into or out of ``unit`` by hand (no sync source)."""
    return not unit.sync_source


def manual_transfer_refusal(unit: Unit) -> str:
    """Return the message explaining where a synced unit's transfers are made, or "" if allowed."""
    if unit_allows_manual_transfer(unit):
        return ""
    return str(_SOURCE_INSTRUCTIONS.get(unit.sync_source, _("This unit's people are synchronised from another system.")))
