"""Fixtures shared by every test package."""

from __future__ import annotations

import os

import pytest
from django.db import connection

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://…")
    for item in items:
        if "postgres_only" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(skip_pg)


@pytest.fixture
def browser_page(live_server):
    """A Playwright page in Debian's Chromium; every page it visits is checked with axe-core.

    Use ``browser_page.goto_checked(url)`` (or ``check()`` after a click) so each
    visited page is checked for WCAG 2.1 AA violations.
    """
    from inservice.testing import browser

    reason = browser.chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=browser.CHROMIUM, args=browser.CHROMIUM_ARGS)
        context = chromium.new_context(locale="zh-TW", accept_downloads=True, bypass_csp=True)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base_url = live_server.url

        def goto_checked(path: str):
            response = page.goto(live_server.url + path if path.startswith("/") else path)
            browser.check_accessibility(page)
            return response

        def check():
            page.wait_for_load_state("load")
            browser.check_accessibility(page)

        page.goto_checked = goto_checked
        page.check = check
        try:
            yield page
        finally:
            context.close()
            chromium.close()
