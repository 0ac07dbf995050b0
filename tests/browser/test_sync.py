"""System administrator story: start a source's synchronisation, watch it, decide a held run."""

import pytest

from inservice.organisations.models import SyncSource
from inservice.sync import services
from inservice.sync.fake_server import FakeSourceServer, generate_people
from inservice.sync.models import SyncRun
from inservice.testing.factories import make_admin, make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fake_kindergarten(settings):
    units = [make_unit(code=f"07{5200 + n:04d}", stages="KG", sync_source=SyncSource.KINDERGARTEN) for n in range(3)]
    people = generate_people(40, [unit.code for unit in units], seed=21)
    with FakeSourceServer("kindergarten", people, token="browser") as server:
        settings.SYNC_SOURCES = {**settings.SYNC_SOURCES, "kindergarten": server.settings_entry(page_size=10)}
        yield server


def sign_in(page):
    make_admin("browseradmin")
    page.goto_checked("/accounts/login/")
    page.fill("#id_username", "browseradmin")
    page.fill("#id_password", "correct horse battery")
    page.locator("main form button[type=submit]").click()
    page.check()


def test_run_now_applies_and_reports(browser_page, fake_kindergarten):
    sign_in(browser_page)

    browser_page.goto_checked("/sync/")
    browser_page.get_by_role("button", name="立即同步全國教保資訊網").click()
    browser_page.check()

    run = SyncRun.objects.get()
    assert run.trigger == SyncRun.Trigger.MANUAL
    assert run.status == SyncRun.Status.SUCCEEDED
    assert browser_page.locator("#run-status-label").inner_text() == "成功"
    assert browser_page.get_by_role("table", name="筆數統計").is_visible()


def test_progress_bar_follows_running_run(browser_page, fake_kindergarten, settings):
    settings.SYNC_BATCH_SIZE = 10
    run = services.sync_run_start(source="kindergarten", trigger=SyncRun.Trigger.COMMAND)
    services.sync_run_execute(run_id=run.pk, max_batches=1)
    sign_in(browser_page)

    browser_page.goto_checked(f"/sync/runs/{run.pk}/")
    assert browser_page.locator("#run-progress").get_attribute("value") == str(50 + int(50 * 10 / 40))
    assert browser_page.locator("#run-status-label").inner_text() == "執行中"

    # The worker finishes the run. The page detects it on its next poll and reloads.
    services.sync_run_execute(run_id=run.pk)
    browser_page.wait_for_selector("#run-progress-box:not([data-progress-url])", timeout=30000)
    browser_page.check()

    assert browser_page.locator("#run-progress").get_attribute("value") == "100"
    assert browser_page.locator("#run-status-label").inner_text() == "成功"


def test_held_run_approved_from_its_page(browser_page, fake_kindergarten):
    first = services.sync_run_start(source="kindergarten", trigger=SyncRun.Trigger.COMMAND)
    services.sync_run_execute(run_id=first.pk)
    del fake_kindergarten.people[:5]
    held = services.sync_run_start(source="kindergarten", trigger=SyncRun.Trigger.COMMAND)
    held = services.sync_run_execute(run_id=held.pk)
    assert held.status == SyncRun.Status.HELD
    sign_in(browser_page)

    browser_page.goto_checked(f"/sync/runs/{held.pk}/")
    browser_page.get_by_role("button", name="核准並套用").click()
    browser_page.check()

    held.refresh_from_db()
    assert held.status == SyncRun.Status.SUCCEEDED
    assert held.ended == 5
