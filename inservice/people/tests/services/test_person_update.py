import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from inservice.accounts.models import Role
from inservice.audit.models import AuditEvent
from inservice.people import services
from inservice.people.models import Membership, Title
from inservice.people.tests.conftest import give_subjects
from inservice.testing import factories

pytestmark = pytest.mark.django_db


def subject_codes(person):
    return list(person.subject_entries.order_by("position").values_list("subject__code", flat=True))


def test_updates_fields_and_subjects_in_order_and_audits(unit, chief, subjects):
    person = factories.make_person(unit=unit, name="謝志威", email="old@school.example.tw")
    give_subjects(person, subjects["mandarin"])

    services.person_update(
        actor=chief,
        person_id=person.pk,
        name="謝志偉",
        title=Title.SUBSTITUTE_LONG,
        email="new@school.example.tw",
        subject_ids=[subjects["maths"].pk, subjects["southern_min"].pk],
        ip_address="127.0.0.1",
    )

    person.refresh_from_db()
    assert person.name == "謝志偉"
    assert person.email == "new@school.example.tw"
    assert Membership.objects.get(person=person).title == Title.SUBSTITUTE_LONG
    assert subject_codes(person) == ["ES-MATH-MATH", "ES-LANG-LOCAL-MIN"]
    event = AuditEvent.objects.get(action="person.update")
    assert event.actor == chief
    assert event.unit == unit
    assert event.ip_address == "127.0.0.1"
    assert event.before["name"] == "謝志威"
    assert event.after["name"] == "謝志偉"
    assert event.before["subjects"] == ["ES-LANG-MAN"]
    assert event.after["subjects"] == ["ES-MATH-MATH", "ES-LANG-LOCAL-MIN"]
    assert "identity_encrypted" not in event.after


def test_duplicate_subject_refused_and_nothing_saved(unit, chief, subjects):
    person = factories.make_person(unit=unit, name="謝志威")
    give_subjects(person, subjects["mandarin"])

    with pytest.raises(ValidationError) as caught:
        services.person_update(
            actor=chief,
            person_id=person.pk,
            name="別的名字",
            title=Title.QUALIFIED,
            email="",
            subject_ids=[subjects["maths"].pk, subjects["maths"].pk],
        )

    assert caught.value.code == "duplicate"
    person.refresh_from_db()
    assert person.name == "謝志威"
    assert subject_codes(person) == ["ES-LANG-MAN"]
    assert not AuditEvent.objects.exists()


def test_unknown_subject_refused(unit, chief):
    person = factories.make_person(unit=unit)

    with pytest.raises(ValidationError) as caught:
        services.person_update(actor=chief, person_id=person.pk, name="甲", title=Title.QUALIFIED, email="", subject_ids=[999999])

    assert caught.value.code == "unknown"


def test_person_of_another_unit_is_not_found(unit, other_unit, chief):
    stranger = factories.make_person(unit=other_unit, name="他校教師")

    with pytest.raises(Http404):
        services.person_update(actor=chief, person_id=stranger.pk, name="改名", title=Title.QUALIFIED, email="", subject_ids=[])

    stranger.refresh_from_db()
    assert stranger.name == "他校教師"


def test_operator_may_not_edit(unit):
    operator = factories.make_business_account(unit=unit, role=Role.OPERATOR).user
    person = factories.make_person(unit=unit)

    with pytest.raises(PermissionDenied):
        services.person_update(actor=operator, person_id=person.pk, name="改名", title=Title.QUALIFIED, email="", subject_ids=[])


def test_contact_may_edit(unit, subjects):
    contact = factories.make_business_account(unit=unit, role=Role.CONTACT).user
    person = factories.make_person(unit=unit)

    services.person_update(actor=contact, person_id=person.pk, name="新名", title=Title.QUALIFIED, email="", subject_ids=[])

    person.refresh_from_db()
    assert person.name == "新名"


def teacher_of(person):
    user = factories.make_user(kind="teacher")
    person.user = user
    person.save()
    return user


def test_teacher_updates_own_title_and_subjects(unit, subjects):
    person = factories.make_person(unit=unit, name="謝志威")
    user = teacher_of(person)

    services.person_update_own(actor=user, title=Title.DIRECTOR, subject_ids=[subjects["mandarin"].pk, subjects["maths"].pk])

    assert Membership.objects.get(person=person).title == Title.DIRECTOR
    assert subject_codes(person) == ["ES-LANG-MAN", "ES-MATH-MATH"]
    event = AuditEvent.objects.get(action="person.update_own")
    assert event.actor == user
    assert event.unit == unit


def test_business_account_cannot_use_self_service(unit, chief):
    with pytest.raises(PermissionDenied):
        services.person_update_own(actor=chief, title=Title.DIRECTOR, subject_ids=[])


def test_teacher_without_membership_gets_a_message(unit):
    person = factories.make_person(unit=None)
    user = teacher_of(person)

    with pytest.raises(services.RosterError) as caught:
        services.person_update_own(actor=user, title=Title.DIRECTOR, subject_ids=[])

    assert caught.value.code == "no_membership"


def test_invalid_title_refused(unit):
    user = teacher_of(factories.make_person(unit=unit))

    with pytest.raises(ValidationError):
        services.person_update_own(actor=user, title="大法官", subject_ids=[])
