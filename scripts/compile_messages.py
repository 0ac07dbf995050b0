"""Compile every .po catalogue to .mo with polib, so no GNU gettext install is needed."""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent

compiled = 0
for po_path in sorted(ROOT.glob("**/locale/*/LC_MESSAGES/*.po")):
    if ".venv" in po_path.parts or "node_modules" in po_path.parts:
        continue
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        continue
    polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
    compiled += 1
print(f"Compiled {compiled} message catalogue(s).")
