"""Masking of personal names for lists (謝O威), following the roster rule.

A name is split into segments at spaces, hyphens and any middle-dot
character (indigenous names such as 瓦歷斯·諾幹). In each segment a single
character becomes ``O``, two characters keep the first, and longer
segments keep the first and last with one mask per hidden character.
Latin-script segments use ``*`` instead of ``O``. Characters are counted as
code points, so names outside the Basic Multilingual Plane mask correctly.
"""

import re
import unicodedata

# Middle dots seen in typed indigenous names: U+00B7, U+2027, U+30FB, U+FF65,
# U+2022, U+2219 and U+22C5, plus the ideographic full stop's look-alikes.
_SEPARATORS = re.compile(r"([\s\-\u00b7\u2027\u30fb\uff65\u2022\u2219\u22c5\u2010\u2011\u2012\u2013\uff0d]+)")


def _is_latin(segment: str) -> bool:
    return any(ch.isascii() and ch.isalpha() for ch in segment) or any(
        "LATIN" in unicodedata.name(ch, "") for ch in segment
    )


def _mask_segment(segment: str) -> str:
    chars = list(segment)
    mark = "*" if _is_latin(segment) else "O"
    if len(chars) == 1:
        return mark
    if len(chars) == 2:
        return chars[0] + mark
    return chars[0] + mark * (len(chars) - 2) + chars[-1]


def mask_name(name: object) -> str:
    """Return the masked form of ``name``; never raises, whatever the input."""
    try:
        text = "" if name is None else str(name)
    except Exception:  # noqa: BLE001 - masking must never fail on odd objects
        return ""
    text = text.strip()
    if not text:
        return ""
    parts = _SEPARATORS.split(text)
    masked = []
    for part in parts:
        if not part:
            continue
        if _SEPARATORS.fullmatch(part):
            masked.append(part)
        else:
            masked.append(_mask_segment(part))
    return "".join(masked)
