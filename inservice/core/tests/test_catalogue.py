"""The zh_Hant catalogues must be complete: every msgid translated, placeholders kept."""

import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[3]
CATALOGUES = sorted(
    path
    for path in ROOT.glob("**/locale/zh_Hant/LC_MESSAGES/django.po")
    if ".venv" not in path.parts and "node_modules" not in path.parts
)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def test_catalogues_exist():
    assert CATALOGUES, "no zh_Hant catalogue found"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_complete(path):
    catalogue = polib.pofile(str(path))

    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]

    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_placeholders_match(path):
    catalogue = polib.pofile(str(path))

    # A plural entry keeps its translations in msgstr_plural; each must use
    # the placeholders of the msgid.
    mismatched = [
        entry.msgid
        for entry in catalogue.translated_entries()
        for translation in (entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr])
        if set(PLACEHOLDER.findall(entry.msgid)) != set(PLACEHOLDER.findall(translation))
    ]

    assert mismatched == []


def test_shared_msgids_translated_alike():
    """Django merges every app's catalogue and the first app listed wins, so one
    msgid translated two ways shows the wrong words on another app's pages."""
    translations: dict[tuple, set[str]] = {}
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)).translated_entries():
            translations.setdefault((entry.msgctxt, entry.msgid), set()).add(entry.msgstr)

    conflicting = {key: values for key, values in translations.items() if len(values) > 1}

    assert conflicting == {}
