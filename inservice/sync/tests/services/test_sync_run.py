import datetime

import pytest

from inservice.people.models import Membership, Person
from inservice.sync import services
from inservice.sync.models import SourceRecord, SyncRecord, SyncRun

pytestmark = pytest.mark.django_db


def run_once(source="kindergarten", **options):
    run = services.sync_run_start(source=source, trigger=SyncRun.Trigger.COMMAND, **options)
    return services.sync_run_execute(run_id=run.pk)


def test_first_run_creates_everyone(kindergarten_feed):
    run = run_once()

    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.created == 60
    assert Person.objects.count() == 60
    assert Membership.objects.filter(source="kindergarten", end_date__isnull=True).count() == 60
    assert SourceRecord.objects.filter(source="kindergarten").count() == 60
