"""Adapter for 臺北市教師在職研習網 (contract: docs/feeds/taipei.md)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from ..feed import RawRecord
from .base import Adapter, Page

TAIPEI = ZoneInfo("Asia/Taipei")
ROC_OFFSET = 1911
EMPLOYMENT = {"active": True, "left": False}
REVIEW = {"approved": False, "pending": True}


def parse_roc_datetime(text: str) -> datetime.datetime:
    """Read ``114/12/04 15:20:00`` (ROC year, Asia/Taipei local time) as an aware datetime."""
    day, time = text.strip().split(" ")
    year, month, date = (int(part) for part in day.split("/"))
    hour, minute, second = (int(part) for part in time.split(":"))
    return datetime.datetime(year + ROC_OFFSET, month, date, hour, minute, second, tzinfo=TAIPEI)


class TaipeiAdapter(Adapter):
    source = "taipei"
    path = "/feed/teachers"

    def first_params(self) -> dict:
        return {"page": 1, "per_page": self.page_size}

    def parse_page(self, payload) -> Page:
        meta = payload["meta"]
        items = payload["teachers"]
        if not isinstance(items, list):
            raise TypeError("teachers is not a list")
        page, pages = int(meta["page"]), int(meta["pages"])
        next_params = {"page": page + 1, "per_page": self.page_size} if page < pages else None
        return Page(items=items, total=int(meta["total"]), next_params=next_params, pages_total=pages)

    def map_item(self, item, position: int) -> RawRecord:
        changed = item.get("changed_at")
        return RawRecord(
            position=position,
            identity_number=str(item.get("personal_id") or ""),
            name=str(item.get("full_name") or ""),
            gender=str(item.get("gender") or "") if item.get("gender") in ("M", "F") else "",
            title=str(item.get("title") or ""),
            unit_code=str(item.get("school_code") or ""),
            employed=EMPLOYMENT.get(item.get("employment")),
            pending=REVIEW.get(item.get("review")),
            changed_at=parse_roc_datetime(changed) if changed else None,
        )
