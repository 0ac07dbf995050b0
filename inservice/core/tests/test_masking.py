"""The name-masking rule of the roster list, as a table of cases."""

import pytest

from inservice.core.masking import mask_name

CASES = [
    # Chinese names by length.
    ("林", "O"),
    ("王明", "王O"),
    ("謝志威", "謝O威"),
    ("林志玲玲", "林OO玲"),
    # Compound surnames follow the same count: nothing special about the surname.
    ("歐陽娜娜", "歐OO娜"),
    ("司馬光", "司O光"),
    ("諸葛亮", "諸O亮"),
    ("張簡", "張O"),
    # Indigenous names: each dot character that people type splits the name.
    ("瓦歷斯·諾幹", "瓦O斯·諾O"),  # U+00B7 middle dot
    ("瓦歷斯‧諾幹", "瓦O斯‧諾O"),  # U+2027 hyphenation point
    ("瓦歷斯・諾幹", "瓦O斯・諾O"),  # U+30FB katakana middle dot
    ("瓦歷斯･諾幹", "瓦O斯･諾O"),  # U+FF65 halfwidth katakana middle dot
    ("瓦歷斯．諾幹", "瓦O斯．諾O"),  # U+FF0E fullwidth full stop
    ("瓦歷斯.諾幹", "瓦O斯.諾O"),  # ASCII full stop
    ("瓦歷斯•諾幹", "瓦O斯•諾O"),  # U+2022 bullet
    ("瓦歷斯⸱諾幹", "瓦O斯⸱諾O"),  # U+2E31 word separator middle dot
    ("瓦歷斯∙諾幹", "瓦O斯∙諾O"),  # U+2219 bullet operator
    ("瓦歷斯⋅諾幹", "瓦O斯⋅諾O"),  # U+22C5 dot operator
    ("巴奈·母路", "巴O·母O"),
    ("拉·阿魯", "O·阿O"),
    # Latin-script names hide letters with "*".
    ("John Smith", "J**n S***h"),
    ("Al", "A*"),
    ("J", "*"),
    ("Mary-Jane Watson", "M**y-J**e W****n"),
    ("Mary–Jane", "M**y–J**e"),  # U+2013 en dash kept as typed
    ("ＪＯＨＮ", "Ｊ**Ｎ"),  # fullwidth Latin letters are still Latin
    ("José", "J**é"),  # precomposed é
    ("Jose\u0301", "J**é"),  # e + combining acute: one character after NFC
    # Characters outside the Basic Multilingual Plane count as one each.
    ("𠀀𠀁𠀂", "𠀀O𠀂"),
    ("陳𡘙", "陳O"),
    ("𡘙", "O"),
    # White space: trimmed at the ends, kept between segments.
    ("  謝志威  ", "謝O威"),
    ("王  明", "O  O"),
    # Empty input and things that are not strings.
    ("", ""),
    ("   ", ""),
    (None, ""),
    (12345, "1OOO5"),
]


@pytest.mark.parametrize(("name", "expected"), CASES, ids=[repr(case[0]) for case in CASES])
def test_mask_name(name, expected):
    assert mask_name(name) == expected


def test_mask_name_survives_broken_str():
    class Broken:
        def __str__(self):
            raise RuntimeError("no text")

    assert mask_name(Broken()) == ""


def test_mask_name_survives_lone_surrogate():
    assert mask_name("\ud800王明") == "\ud800O明"


def test_mask_name_keeps_length_of_chinese_names():
    for name in ["林", "王明", "謝志威", "歐陽娜娜", "𠀀𠀁𠀂𠀃𠀄"]:
        assert len(mask_name(name)) == len(name)
