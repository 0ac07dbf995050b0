from decimal import Decimal

import pytest

from inservice.audit.models import AuditEvent
from inservice.hours import services
from inservice.hours.models import HourCorrection
from inservice.hours.selectors import records_of_person
from inservice.testing import factories

from ..builders import issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(manager, course, unit):
    return issue(person=factories.make_person(unit=unit), course=course, hours="4", by=manager.user)


def test_correction_adds_to_total(manager, record):
    services.hour_correction_create(actor=manager.user, record=record, delta=Decimal("1.5"), reason="補簽到")
    services.hour_correction_create(actor=manager.user, record=record, delta=Decimal("-0.5"), reason="早退")

    record.refresh_from_db()
    assert record.hours == Decimal("4.0")
    assert records_of_person(record.person).get().total == Decimal("5.0")
    event = AuditEvent.objects.filter(action="hours.correct").order_by("pk").last()
    assert event.before["hours"] == "5.5"
    assert event.after["hours"] == "5.0"


@pytest.mark.parametrize("delta", [Decimal("-4.5"), Decimal("2.5")])
def test_correction_outside_range_refused(manager, record, delta):
    with pytest.raises(services.HoursError) as error:
        services.hour_correction_create(actor=manager.user, record=record, delta=delta, reason="x")

    assert error.value.code == "range"
    assert HourCorrection.objects.count() == 0


def test_correction_needs_reason(manager, record):
    with pytest.raises(services.HoursError) as error:
        services.hour_correction_create(actor=manager.user, record=record, delta=Decimal(1), reason="  ")

    assert error.value.code == "reason"


@pytest.mark.parametrize("delta", [Decimal(0), Decimal("0.25")])
def test_correction_delta_checked(manager, record, delta):
    with pytest.raises(services.HoursError) as error:
        services.hour_correction_create(actor=manager.user, record=record, delta=delta, reason="x")

    assert error.value.code == "delta"
