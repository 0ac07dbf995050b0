import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection

from inservice.accounts.models import BusinessAccount, Role
from inservice.audit.models import AuditEvent
from inservice.core import identity
from inservice.organisations.models import SyncSource
from inservice.people import services
from inservice.people.models import AccountStatus, Gender, Membership, Person, Title, UnitNotice
from inservice.testing import factories

pytestmark = pytest.mark.django_db


def register(actor, number, name="新老師", **extra):
    values = {
        "actor": actor,
        "identity_number": number,
        "name": name,
        "gender": Gender.FEMALE,
        "title": Title.QUALIFIED,
        "email": "new@school.example.tw",
        "ip_address": "127.0.0.1",
    }
    values.update(extra)
    return services.person_register(**values)


def test_new_number_creates_pending_person(unit, chief, subjects):
    number = factories.make_identity_number()

    result = register(chief, number.lower(), subject_ids=[subjects["maths"].pk, subjects["mandarin"].pk])

    person = result.person
    assert result.created
    assert result.previous_unit is None
    assert person.identity_number == number
    assert person.account_status == AccountStatus.PENDING
    assert Membership.objects.get(person=person).unit == unit
    assert list(person.subject_entries.values_list("subject__code", flat=True)) == ["ES-MATH-MATH", "ES-LANG-MAN"]
    event = AuditEvent.objects.get(action="person.register_new")
    assert event.after["identity"] == identity.mask(number)
    assert number not in str(event.after)


def test_existing_person_moves_and_old_unit_is_told(unit, other_unit, chief, django_capture_on_commit_callbacks):
    number = factories.make_identity_number()
    person = factories.make_person(unit=other_unit, name="謝志威", number=number)
    old_chief = factories.make_business_account(unit=other_unit, role=Role.CHIEF)
    old_contact = factories.make_business_account(unit=other_unit, role=Role.CONTACT)
    factories.make_business_account(unit=other_unit, role=Role.OPERATOR)
    factories.make_business_account(unit=other_unit, role=Role.CONTACT, status=BusinessAccount.Status.SUSPENDED)

    with django_capture_on_commit_callbacks(execute=True):
        result = register(chief, number, name="謝志威")

    assert not result.created
    assert result.previous_unit == other_unit
    assert Person.objects.count() == 1
    old = Membership.objects.get(person=person, unit=other_unit)
    assert old.end_reason == Membership.EndReason.MOVED_IN_ELSEWHERE
    assert old.end_date is not None
    assert Membership.objects.get(person=person, end_date__isnull=True).unit == unit
    notice = UnitNotice.objects.get(unit=other_unit)
    assert (notice.person, notice.other_unit) == (person, unit)
    assert sorted(message.to[0] for message in mail.outbox) == sorted([old_chief.email, old_contact.email])
    assert "謝O威" in mail.outbox[0].body
    assert "謝志威" not in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="unit.notified_person_left", unit=other_unit).count() == 1
    assert AuditEvent.objects.filter(action="person.register_move", unit=unit).count() == 1


def test_name_mismatch_must_be_confirmed(unit, other_unit, chief):
    number = factories.make_identity_number()
    person = factories.make_person(unit=other_unit, name="謝志威", number=number)

    with pytest.raises(services.NameMismatch) as caught:
        register(chief, number, name="謝志偉")

    assert "謝O威" in str(caught.value)
    person.refresh_from_db()
    assert person.name == "謝志威"
    assert Membership.objects.get(person=person).unit == other_unit

    register(chief, number, name="謝志偉", name_confirmed=True)

    person.refresh_from_db()
    assert person.name == "謝志偉"
    event = AuditEvent.objects.get(action="person.register_move")
    assert (event.before["name"], event.after["name"]) == ("謝志威", "謝志偉")


def test_person_who_left_is_registered_again_without_notice(unit, other_unit, chief):
    number = factories.make_identity_number()
    person = factories.make_person(unit=other_unit, name="謝志威", number=number)
    Membership.objects.filter(person=person).update(end_date="2025-01-31", end_reason="retired")

    result = register(chief, number, name="謝志威")

    assert result.previous_unit is None
    assert not UnitNotice.objects.exists()
    assert Membership.objects.filter(person=person).count() == 2


def test_already_on_own_roster_refused(unit, chief):
    number = factories.make_identity_number()
    factories.make_person(unit=unit, name="謝志威", number=number)

    with pytest.raises(services.RosterError) as caught:
        register(chief, number, name="謝志威")

    assert caught.value.code == "already_here"


def test_invalid_number_refused(unit, chief):
    with pytest.raises(ValidationError):
        register(chief, "A123456788")
    assert not Person.objects.exists()


def test_synced_units_refused_both_ways(unit, other_unit, chief):
    number = factories.make_identity_number()
    factories.make_person(unit=other_unit, name="謝志威", number=number)
    other_unit.sync_source = SyncSource.TAIPEI
    other_unit.save()

    with pytest.raises(services.RosterError) as caught:
        register(chief, number, name="謝志威")
    assert caught.value.code == "synced_unit"

    unit.sync_source = SyncSource.KINDERGARTEN
    unit.save()
    fresh_chief = type(chief).objects.get(pk=chief.pk)  # as on the next request
    with pytest.raises(services.RosterError):
        register(fresh_chief, factories.make_identity_number())
    assert Person.objects.count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_registration_one_person():
    number = factories.make_identity_number()
    units = [factories.make_unit(code=f"07470{index}") for index in (1, 2)]
    chiefs = [factories.make_business_account(unit=unit).user for unit in units]
    barrier = threading.Barrier(2)
    outcomes: list = []

    def work(chief):
        try:
            barrier.wait(timeout=10)
            outcomes.append(register(chief, number, name="同一人"))
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(chief,)) for chief in chiefs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert all(isinstance(outcome, services.Registration) for outcome in outcomes), outcomes
    assert Person.objects.filter(identity_hash=identity.lookup_hash(number)).count() == 1
    assert sorted(outcome.created for outcome in outcomes) == [False, True]
    person = Person.objects.get()
    assert Membership.objects.filter(person=person, end_date__isnull=True).count() == 1
    assert Membership.objects.filter(person=person, end_reason=Membership.EndReason.MOVED_IN_ELSEWHERE).count() == 1
