"""Dates in the Republic of China (民國) calendar: year = Gregorian year - 1911."""

import datetime

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

ROC_OFFSET = 1911


def _as_date(value):
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def roc_year(value) -> int:
    return _as_date(value).year - ROC_OFFSET


def roc_short(value) -> str:
    """Format as 114/09/01."""
    if value in (None, ""):
        return ""
    day = _as_date(value)
    return f"{day.year - ROC_OFFSET:03d}/{day.month:02d}/{day.day:02d}"


def roc_long(value) -> str:
    """Format as 民國 114 年 9 月 1 日, or in English as 1 September 2025 (ROC 114)."""
    if value in (None, ""):
        return ""
    day = _as_date(value)
    if (get_language() or "").startswith("en"):
        return _("%(day)s %(month)s %(year)s (ROC %(roc)s)") % {
            "day": day.day,
            "month": day.strftime("%B"),
            "year": day.year,
            "roc": day.year - ROC_OFFSET,
        }
    return f"民國 {day.year - ROC_OFFSET} 年 {day.month} 月 {day.day} 日"


def roc_datetime(value) -> str:
    """Format as 114/09/01 13:05 in Asia/Taipei."""
    if value in (None, ""):
        return ""
    local = timezone.localtime(value)
    return f"{roc_short(local)} {local:%H:%M}"


def school_year_of(value) -> int:
    """Return the ROC school year (8/1 to 7/31) that contains ``value``."""
    day = _as_date(value)
    year = day.year if day.month >= 8 else day.year - 1
    return year - ROC_OFFSET


def school_year_bounds(roc_school_year: int) -> tuple[datetime.date, datetime.date]:
    """Return the first and last day of an ROC school year."""
    start_year = roc_school_year + ROC_OFFSET
    return datetime.date(start_year, 8, 1), datetime.date(start_year + 1, 7, 31)
