import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from inservice.audit.models import AuditEvent
from inservice.core.policy import people_in_scope
from inservice.organisations.models import SyncSource
from inservice.people import selectors, services
from inservice.people.models import Membership, Person
from inservice.testing import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("reason", services.MANUAL_END_REASONS)
def test_ends_membership_and_keeps_person(unit, chief, reason):
    person = factories.make_person(unit=unit)
    person.user = factories.make_user(kind="teacher")
    person.save()
    today = timezone.localdate()

    services.membership_end(actor=chief, person_id=person.pk, reason=reason, end_date=today, ip_address="127.0.0.1")

    membership = Membership.objects.get(person=person)
    assert (membership.end_date, membership.end_reason) == (today, reason)
    assert Person.objects.filter(pk=person.pk, user__isnull=False).exists()
    assert not people_in_scope(chief).filter(pk=person.pk).exists()
    assert selectors.roster_figures(actor=chief).total == 0
    event = AuditEvent.objects.get(action="membership.end")
    assert event.before["end_date"] is None
    assert event.after["end_reason"] == reason


def test_refuses_other_reasons(unit, chief):
    person = factories.make_person(unit=unit)

    with pytest.raises(services.RosterError) as caught:
        services.membership_end(
            actor=chief, person_id=person.pk, reason=Membership.EndReason.SYNC, end_date=timezone.localdate()
        )

    assert caught.value.field == "reason"
    assert Membership.objects.get(person=person).end_date is None


def test_refuses_date_before_start_and_future(unit, chief):
    person = factories.make_person(unit=unit, start_date=datetime.date(2024, 8, 1))

    with pytest.raises(services.RosterError) as before_start:
        services.membership_end(actor=chief, person_id=person.pk, reason="left", end_date=datetime.date(2024, 7, 31))
    assert before_start.value.code == "before_start"
    with pytest.raises(services.RosterError) as caught:
        services.membership_end(
            actor=chief, person_id=person.pk, reason="left", end_date=timezone.localdate() + datetime.timedelta(days=1)
        )

    assert caught.value.code == "future"
    assert not AuditEvent.objects.exists()


def test_synced_unit_refused(chief, unit):
    unit.sync_source = SyncSource.KINDERGARTEN
    unit.save()
    person = factories.make_person(unit=unit)

    with pytest.raises(services.RosterError) as caught:
        services.membership_end(actor=chief, person_id=person.pk, reason="left", end_date=timezone.localdate())

    assert caught.value.code == "synced_unit"
    assert Membership.objects.get(person=person).end_date is None


def test_other_units_person_not_found(other_unit, chief):
    person = factories.make_person(unit=other_unit)

    with pytest.raises(Http404):
        services.membership_end(actor=chief, person_id=person.pk, reason="left", end_date=timezone.localdate())


def test_manual_transfer_rule(unit):
    assert services.unit_allows_manual_transfer(unit)
    unit.sync_source = SyncSource.TAIPEI
    assert not services.unit_allows_manual_transfer(unit)
