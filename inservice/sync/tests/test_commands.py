import pytest
from django.core.management import CommandError, call_command

from inservice.people.models import Person
from inservice.sync.models import SyncRun

pytestmark = pytest.mark.django_db


def test_sync_source_defaults_to_dry_run(kindergarten_feed, capsys):
    call_command("sync_source", "kindergarten")

    output = capsys.readouterr().out
    run = SyncRun.objects.get()
    assert run.dry_run is True
    assert run.trigger == SyncRun.Trigger.COMMAND
    assert "create: 60" in output
    assert "Dry run" in output
    assert Person.objects.count() == 0


def test_sync_source_apply_writes(kindergarten_feed, capsys):
    call_command("sync_source", "kindergarten", "--apply")

    output = capsys.readouterr().out
    assert "created: 60" in output
    assert Person.objects.count() == 60


def test_sync_source_reports_failure(kindergarten_feed):
    kindergarten_feed.fault = "empty"

    with pytest.raises(CommandError, match="empty"):
        call_command("sync_source", "kindergarten", "--apply")


def test_sync_source_rejects_unknown_source():
    with pytest.raises(CommandError):
        call_command("sync_source", "hualien")
