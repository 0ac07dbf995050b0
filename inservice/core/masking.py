"""Masking of personal names for lists (謝O威), following the roster rule.

A name is split into segments at white space, hyphens and any middle-dot
character (indigenous names such as 瓦歷斯·諾幹, typed with whichever dot the
writer's input method offers). In each segment a single character becomes
``O``, two characters keep the first, and longer segments keep the first and
last with one mask per hidden character. Latin-script segments use ``*``
instead of ``O``. Characters are counted as code points after NFC
normalisation, so names outside the Basic Multilingual Plane and names typed
with combining accents mask correctly.
"""

import re
import unicodedata

# Dots typed between the parts of indigenous names: U+00B7 middle dot, U+0387
# Greek ano teleia, U+2027 hyphenation point, U+2E31 word separator middle
# dot, U+30FB katakana middle dot, U+FF65 halfwidth katakana middle dot,
# U+A78F Latin letter sinological dot, U+2022 bullet, U+2219 bullet operator,
# U+22C5 dot operator, U+FF0E fullwidth full stop and the ASCII full stop.
_DOTS = "\u00b7\u0387\u2027\u2e31\u30fb\uff65\ua78f\u2022\u2219\u22c5\uff0e."
# Hyphen-minus, U+2010 hyphen, U+2011 non-breaking hyphen, U+2012 figure dash,
# U+2013 en dash, U+FE63 small hyphen-minus and U+FF0D fullwidth hyphen-minus.
_HYPHENS = "\\-\u2010\u2011\u2012\u2013\ufe63\uff0d"
_SEPARATORS = re.compile(f"([\\s{_DOTS}{_HYPHENS}]+)")


def _is_latin(segment: str) -> bool:
    return any("LATIN" in unicodedata.name(char, "") for char in segment)


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
    except Exception:  # noqa: BLE001 - masking must never fail, even on an object whose __str__ raises
        return ""

    # NFC joins a letter and its combining accent into one character.
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        return ""

    masked = []
    for part in _SEPARATORS.split(text):
        if not part:
            continue
        if _SEPARATORS.fullmatch(part):
            masked.append(part)
        else:
            masked.append(_mask_segment(part))
    return "".join(masked)
