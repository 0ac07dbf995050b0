"""The fictional directory used where the MOE files are missing."""

import pytest
from django.core.management import CommandError, call_command

from inservice.organisations.models import SyncSource, Unit
from inservice.organisations.services.reference import NATIONAL_AUTHORITY_CODE, authorities_load

pytestmark = pytest.mark.django_db


def test_fictional_directory_covers_rules():
    authorities_load()

    call_command("fictional_directory")

    assert Unit.objects.count() == 8
    assert Unit.objects.get(code="354901").sync_source == SyncSource.TAIPEI
    assert Unit.objects.get(code="074X91").sync_source == SyncSource.KINDERGARTEN
    assert Unit.objects.get(code="074X91-01").sync_source == SyncSource.KINDERGARTEN
    assert Unit.objects.get(code="070399").authority.code == NATIONAL_AUTHORITY_CODE
    assert Unit.objects.get(code="071399").authority.code == NATIONAL_AUTHORITY_CODE
    assert Unit.objects.get(code="074901").authority.code == "07"
    assert Unit.objects.values("authority").distinct().count() >= 4


def test_fictional_directory_idempotent(capsys):
    authorities_load()
    call_command("fictional_directory")

    call_command("fictional_directory")

    assert Unit.objects.count() == 8
    assert "0 units created, 8 already there" in capsys.readouterr().out


def test_fictional_directory_needs_authorities():
    with pytest.raises(CommandError, match="load_reference_data"):
        call_command("fictional_directory")
