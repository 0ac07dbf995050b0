"""Playwright helpers: Debian's Chromium, and axe-core injected into every visited page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
OUTPUT_DIR = ROOT / "test-output"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_missing_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return "Debian's chromium is not installed (make test installs it when run as root)"
    if not AXE_PATH.exists():
        return "node_modules/axe-core is missing (make test runs npm ci)"
    return None


class AxeViolation(AssertionError):
    pass


def check_accessibility(page) -> None:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page and fail on any violation."""
    page.add_script_tag(path=str(AXE_PATH))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })"""
    )
    violations = result["violations"]
    if violations:
        summary = [
            {"id": v["id"], "help": v["help"], "nodes": [n["html"][:200] for n in v["nodes"][:5]]}
            for v in violations
        ]
        raise AxeViolation(f"axe-core found violations on {page.url}:\n{json.dumps(summary, ensure_ascii=False, indent=2)}")


def screenshot(page, name: str) -> Path:
    OUTPUT_DIR.mkdir(exist_ok=True)
    path = OUTPUT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
