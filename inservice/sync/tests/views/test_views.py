import pytest
from django.urls import reverse

from inservice.sync import services
from inservice.sync.models import SyncRun
from inservice.testing.factories import make_admin, make_business_account, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(make_admin("viewadmin"))
    return client


def finished_run():
    run = services.sync_run_start(source="kindergarten", trigger=SyncRun.Trigger.COMMAND)
    return services.sync_run_execute(run_id=run.pk)


def test_history_needs_sign_in(client):
    response = client.get(reverse("sync:run_list"))

    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


def test_history_denied_to_business_account(client):
    account = make_business_account(unit=make_unit(code="074201"))
    client.force_login(account.user)

    assert client.get(reverse("sync:run_list")).status_code == 403


def test_run_now_denied_to_business_account(client, kindergarten_feed):
    account = make_business_account(unit=make_unit(code="074202"))
    client.force_login(account.user)

    response = client.post(reverse("sync:run_now", args=["kindergarten"]))

    assert response.status_code == 403
    assert SyncRun.objects.count() == 0


def test_history_lists_runs_and_sources(admin_client, kindergarten_feed):
    run = finished_run()

    response = admin_client.get(reverse("sync:run_list"))

    content = response.content.decode()
    assert response.status_code == 200
    assert reverse("sync:run_detail", args=[run.pk]) in content
    assert reverse("sync:run_now", args=["taipei"]) in content


def test_menu_entry_for_admins_only(admin_client):
    from django.test import Client

    other = Client()
    other.force_login(make_business_account(unit=make_unit(code="074203")).user)

    assert reverse("sync:run_list") in admin_client.get(reverse("core:home")).content.decode()
    assert reverse("sync:run_list") not in other.get(reverse("core:home")).content.decode()


def test_run_now_starts_and_applies(admin_client, kindergarten_feed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("sync:run_now", args=["kindergarten"]))

    run = SyncRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sync:run_detail", args=[run.pk])
    run.refresh_from_db()
    assert run.trigger == SyncRun.Trigger.MANUAL
    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.created == 60


def test_run_now_refused_while_running(admin_client, kindergarten_feed, settings):
    settings.SYNC_BATCH_SIZE = 20
    run = services.sync_run_start(source="kindergarten", trigger=SyncRun.Trigger.COMMAND)
    services.sync_run_execute(run_id=run.pk, max_batches=1)

    response = admin_client.post(reverse("sync:run_now", args=["kindergarten"]), follow=True)

    messages = [(message.level_tag, message.message) for message in response.context["messages"]]
    assert SyncRun.objects.count() == 1
    assert [tag for tag, _text in messages] == ["error"]


def test_run_now_unknown_source(admin_client):
    response = admin_client.post(reverse("sync:run_now", args=["hualien"]))

    assert response.status_code == 302
    assert SyncRun.objects.count() == 0


def test_run_now_rejects_get(admin_client):
    assert admin_client.get(reverse("sync:run_now", args=["kindergarten"])).status_code == 405


def test_detail_shows_counts_and_report(admin_client, kindergarten_feed):
    kindergarten_feed.fault = "bad_record"
    run = finished_run()

    response = admin_client.get(reverse("sync:run_detail", args=[run.pk]), {"action": "reject"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "****" in content
    assert 'id="run-counts"' in content
    assert response.context["page"].paginator.count == 1


def test_detail_of_missing_run_is_404(admin_client):
    assert admin_client.get(reverse("sync:run_detail", args=[999])).status_code == 404


def test_progress_reports_json(admin_client, kindergarten_feed, settings):
    settings.SYNC_BATCH_SIZE = 20
    run = services.sync_run_start(source="kindergarten", trigger=SyncRun.Trigger.COMMAND)
    services.sync_run_execute(run_id=run.pk, max_batches=1)

    data = admin_client.get(reverse("sync:run_progress", args=[run.pk])).json()

    assert data["status"] == "running"
    assert data["phase"] == "applying"
    assert data["percent"] == 50 + int(50 * 20 / 60)
    assert data["finished"] is False
    assert data["counts"]["created"] == 20


def test_approve_and_discard_pages(admin_client, kindergarten_feed, django_capture_on_commit_callbacks):
    finished_run()
    del kindergarten_feed.people[:10]
    held = finished_run()
    assert held.status == SyncRun.Status.HELD
    page = admin_client.get(reverse("sync:run_detail", args=[held.pk])).content.decode()
    assert reverse("sync:run_approve", args=[held.pk]) in page

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("sync:run_approve", args=[held.pk]))
    held.refresh_from_db()
    second = admin_client.post(reverse("sync:run_discard", args=[held.pk]), follow=True)

    assert held.status == SyncRun.Status.SUCCEEDED
    assert held.ended == 10
    assert second.status_code == 200
    assert SyncRun.objects.get(pk=held.pk).status == SyncRun.Status.SUCCEEDED


def test_discard_page(admin_client, kindergarten_feed):
    finished_run()
    del kindergarten_feed.people[:10]
    held = finished_run()

    admin_client.post(reverse("sync:run_discard", args=[held.pk]))

    assert SyncRun.objects.get(pk=held.pk).status == SyncRun.Status.DISCARDED
