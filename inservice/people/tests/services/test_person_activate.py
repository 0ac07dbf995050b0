import datetime

import pytest
from django.core import mail
from django.http import Http404
from django.test import override_settings
from django.utils import timezone

from inservice.audit.models import AuditEvent
from inservice.people import services
from inservice.people.models import AccountStatus, ActivationLink
from inservice.testing import factories

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough passphrase 42"


def activate(chief, person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.person_activate(actor=chief, person_id=person.pk, ip_address="127.0.0.1")


def test_creates_teacher_account_and_mails_link(unit, chief, django_capture_on_commit_callbacks):
    person = factories.make_person(unit=unit, email="Teacher@School.example.tw")
    started = timezone.now()

    link = activate(chief, person, django_capture_on_commit_callbacks)

    person.refresh_from_db()
    assert person.user.kind == "teacher"
    assert person.user.username == "teacher@school.example.tw"
    assert not person.user.has_usable_password()
    assert person.account_status == AccountStatus.PENDING
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["Teacher@School.example.tw"]
    assert f"/roster/set-password/{link.token}/" in mail.outbox[0].body
    assert "72" in mail.outbox[0].body
    assert started + datetime.timedelta(hours=72) <= link.expires_at <= timezone.now() + datetime.timedelta(hours=72)
    assert AuditEvent.objects.filter(action="person.activation_sent", actor=chief, unit=unit).count() == 1


def test_link_sets_password_once(unit, chief, django_capture_on_commit_callbacks):
    person = factories.make_person(unit=unit, email="t@school.example.tw")
    link = activate(chief, person, django_capture_on_commit_callbacks)

    services.activation_link_use(token=link.token, password=PASSWORD)

    person.refresh_from_db()
    assert person.account_status == AccountStatus.ACTIVE
    assert person.user.check_password(PASSWORD)
    with pytest.raises(services.RosterError):
        services.activation_link_use(token=link.token, password="another passphrase 99")
    assert AuditEvent.objects.get(action="person.account_activated").actor == person.user


def test_sending_again_voids_the_earlier_link(unit, chief, django_capture_on_commit_callbacks):
    person = factories.make_person(unit=unit, email="t@school.example.tw")
    first = activate(chief, person, django_capture_on_commit_callbacks)
    second = activate(chief, person, django_capture_on_commit_callbacks)

    with pytest.raises(services.RosterError):
        services.activation_link_use(token=first.token, password=PASSWORD)
    services.activation_link_use(token=second.token, password=PASSWORD)

    assert ActivationLink.objects.get(pk=first.pk).voided_at is not None
    assert len(mail.outbox) == 2
    assert person.activation_links.count() == 2


@override_settings(ACCOUNT_ACTIVATION_LINK_HOURS=72)
def test_expired_link_refused(unit, chief, django_capture_on_commit_callbacks):
    person = factories.make_person(unit=unit, email="t@school.example.tw")
    link = activate(chief, person, django_capture_on_commit_callbacks)
    ActivationLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    with pytest.raises(services.RosterError):
        services.activation_link_use(token=link.token, password=PASSWORD)

    person.refresh_from_db()
    assert person.account_status == AccountStatus.PENDING


def test_unknown_token_refused(db):
    with pytest.raises(services.RosterError):
        services.activation_link_use(token="not-a-token", password=PASSWORD)


def test_needs_an_email(unit, chief):
    person = factories.make_person(unit=unit, email="")

    with pytest.raises(services.RosterError) as caught:
        services.person_activate(actor=chief, person_id=person.pk)

    assert caught.value.field == "email"
    assert not mail.outbox


def test_active_account_not_sent_again(unit, chief, django_capture_on_commit_callbacks):
    person = factories.make_person(unit=unit, email="t@school.example.tw")
    link = activate(chief, person, django_capture_on_commit_callbacks)
    services.activation_link_use(token=link.token, password=PASSWORD)

    with pytest.raises(services.RosterError) as caught:
        services.person_activate(actor=chief, person_id=person.pk)

    assert caught.value.code == "already_active"


def test_username_taken_refused(unit, chief):
    factories.make_user("t@school.example.tw")
    person = factories.make_person(unit=unit, email="t@school.example.tw")

    with pytest.raises(services.RosterError) as caught:
        services.person_activate(actor=chief, person_id=person.pk)

    assert caught.value.code == "username_taken"


def test_person_of_another_unit_not_found(other_unit, chief):
    person = factories.make_person(unit=other_unit, email="t@school.example.tw")

    with pytest.raises(Http404):
        services.person_activate(actor=chief, person_id=person.pk)
