import pytest

from inservice.organisations.models import SyncSource
from inservice.sync.policy import manual_transfer_refusal, unit_allows_manual_transfer
from inservice.testing.factories import make_unit

pytestmark = pytest.mark.django_db


def test_unsynced_unit_allows_manual_transfer():
    unit = make_unit(code="074101")

    assert unit_allows_manual_transfer(unit) is True
    assert manual_transfer_refusal(unit) == ""


@pytest.mark.parametrize(
    ("source", "where"),
    [(SyncSource.KINDERGARTEN, "全國教保資訊網填報系統"), (SyncSource.TAIPEI, "臺北市教師在職研習網")],
)
def test_synced_unit_refuses_manual_transfer(source, where):
    unit = make_unit(code="074102", sync_source=source)

    assert unit_allows_manual_transfer(unit) is False
    assert where in manual_transfer_refusal(unit)
