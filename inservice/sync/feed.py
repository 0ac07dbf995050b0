"""The source-neutral shape of a feed, produced by every adapter and read by the engine."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


class FeedError(Exception):
    """The feed as a whole cannot be used: unreachable, unparseable, truncated or empty."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# Codes of FeedError, shown on the run page and in the alert e-mail.
FEED_ERROR_LABELS = {
    "unreachable": _("The source could not be reached"),
    "timeout": _("The source timed out"),
    "http_status": _("The source returned an error status"),
    "unauthorised": _("The source rejected the access token"),
    "unparseable": _("The feed could not be parsed"),
    "truncated": _("The feed is truncated"),
    "empty": _("The feed is empty"),
    "insecure": _("The feed address is not HTTPS"),
    "mass_change": _("Too many memberships would end"),
    "interrupted": _("The run was interrupted"),
    "superseded": _("A newer run replaced this one"),
    "busy": _("Another run of this source was in progress"),
}


class RecordError(Exception):
    """One record cannot be used; the run rejects it with ``reason`` and goes on."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class RawRecord:
    """A record as an adapter maps it, before the engine validates its values."""

    position: int
    identity_number: str = ""
    name: str = ""
    gender: str = ""
    title: str = ""
    unit_code: str = ""
    employed: bool | None = None
    pending: bool | None = None
    changed_at: datetime.datetime | None = None
    # Set by the adapter when it could not map the record at all.
    error: str = ""


@dataclass
class Feed:
    """Every record of one pull, in feed order, with the record count the source declared."""

    records: list[RawRecord] = field(default_factory=list)
    declared_total: int = 0
    pages: int = 0


def fingerprint(*, name: str, gender: str, title: str, unit_code: str, employed: bool) -> str:
    """Return a digest of the fields that sync applies, so equal records compare in one step."""
    text = "\x1f".join([name, gender, title, unit_code, "1" if employed else "0"])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
