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

# Dots typed between the parts of indigenous names: each input method offers different ones.
_DOTS = (
    "\u00b7"  # middle dot
    "\u0387"  # Greek ano teleia
    "\u2027"  # hyphenation point
    "\u2e31"  # word separator middle dot
    "\u30fb"  # katakana middle dot
    "\uff65"  # halfwidth katakana middle dot
    "\ua78f"  # Latin letter sinological dot
    "\u2022"  # bullet
    "\u2219"  # bullet operator
    "\u22c5"  # dot operator
    "\uff0e"  # fullwidth full stop
    "."
)
# Hyphen-minus (escaped for the character class), then the hyphen, non-breaking
# hyphen, figure dash, en dash, small hyphen-minus and fullwidth hyphen-minus.
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
    """Return the masked form of ``name``.

    None, blank text and objects whose ``str()`` raises give an empty string,
    so a list page never fails on one bad name.
    """
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
