"""Adapter for 全國教保資訊網填報系統 (contract: docs/feeds/kindergarten.md)."""

from __future__ import annotations

import datetime

from ..feed import RawRecord
from .base import Adapter, Page

SEX = {"1": "M", "2": "F"}
WORK_STATUS = {"在職": True, "離職": False}
AUDIT_STATUS = {"已審核": False, "異動待審": True}


class KindergartenAdapter(Adapter):
    source = "kindergarten"
    path = "/api/v1/staff"

    def first_params(self) -> dict:
        return {"limit": self.page_size}

    def parse_page(self, payload) -> Page:
        items = payload["data"]
        if not isinstance(items, list):
            raise TypeError("data is not a list")
        cursor = payload["next_cursor"]
        next_params = {"limit": self.page_size, "cursor": cursor} if cursor else None
        return Page(items=items, total=int(payload["total"]), next_params=next_params)

    def map_item(self, item, position: int) -> RawRecord:
        modified = item.get("modified_at")
        return RawRecord(
            position=position,
            identity_number=str(item.get("idno") or ""),
            name=str(item.get("name") or ""),
            gender=SEX.get(str(item.get("sex")), ""),
            title=str(item.get("job_title") or ""),
            unit_code=str(item.get("kindergarten_code") or ""),
            employed=WORK_STATUS.get(item.get("work_status")),
            pending=AUDIT_STATUS.get(item.get("audit_status")),
            changed_at=datetime.datetime.fromisoformat(modified) if modified else None,
        )
