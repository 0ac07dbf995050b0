"""Activation, transfers out, registration, notices and the teacher's own page, through the screens."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from inservice.organisations.models import SyncSource
from inservice.people.models import AccountStatus, Gender, Membership, Person, Title, UnitNotice
from inservice.testing import factories

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough passphrase 42"


def link_in(message) -> str:
    return re.search(r"http://[^/]+(/roster/set-password/[^/\s]+/)", message.body).group(1)


def test_activation_link_flow_through_the_screens(client, unit, chief, django_capture_on_commit_callbacks):
    person = factories.make_person(unit=unit, email="t@school.example.tw")
    client.force_login(chief)
    detail = client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert "啟用教師帳號" in detail

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("people:person_activate", args=[person.pk]))
    assert response.status_code == 302
    client.logout()

    path = link_in(mail.outbox[0])
    page = client.get(path).content.decode()
    assert "t@school.example.tw" in page
    short = client.post(path, {"new_password1": "short", "new_password2": "short"})
    assert short.status_code == 200
    assert Person.objects.get(pk=person.pk).account_status == AccountStatus.PENDING

    done = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302
    assert done.url == reverse("accounts:login")
    assert client.get(path).status_code == 410

    signed_in = client.post(reverse("accounts:login"), {"username": "t@school.example.tw", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert client.get(reverse("people:own_profile")).status_code == 200


def test_activate_needs_post_and_shows_errors(client, unit, chief):
    person = factories.make_person(unit=unit, email="")
    client.force_login(chief)

    assert client.get(reverse("people:person_activate", args=[person.pk])).status_code == 405
    response = client.post(reverse("people:person_activate", args=[person.pk]), follow=True)

    assert "沒有電子郵件無法啟用帳號" in response.content.decode()
    assert not mail.outbox


def test_unknown_link_is_gone(client, db):
    response = client.get(reverse("people:set_password", args=["nope"]))

    assert response.status_code == 410
    assert "此連結已失效" in response.content.decode()


def test_membership_end_confirms_then_removes_from_list(client, unit, chief):
    person = factories.make_person(unit=unit, name="謝志威", email="gone@school.example.tw")
    client.force_login(chief)
    url = reverse("people:membership_end", args=[person.pk])

    page = client.get(url).content.decode()
    assert "確認轉出本單位" in page
    assert "謝O威" in page
    assert Membership.objects.get(person=person).end_date is None

    missing = client.post(url, {"end_date": timezone.localdate().isoformat()})
    assert "異動原因：請選擇離職、轉校或退休。" in missing.content.decode()

    response = client.post(url, {"reason": "retired", "end_date": timezone.localdate().isoformat()})
    assert response.status_code == 302
    assert "gone@school.example.tw" not in client.get(reverse("people:roster")).content.decode()
    assert client.get(reverse("people:person_detail", args=[person.pk])).status_code == 404
    assert Membership.objects.get(person=person).end_reason == "retired"


def test_synced_unit_shows_where_to_change_instead_of_buttons(client, unit, chief):
    unit.sync_source = SyncSource.KINDERGARTEN
    unit.save()
    person = factories.make_person(unit=unit)
    client.force_login(chief)

    roster = client.get(reverse("people:roster")).content.decode()
    detail = client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    leave = client.post(
        reverse("people:membership_end", args=[person.pk]), {"reason": "left", "end_date": timezone.localdate().isoformat()}
    )
    register = client.get(reverse("people:person_register")).content.decode()

    for page in (roster, detail, register, leave.content.decode()):
        assert "全國教保資訊網填報系統" in page
        assert "https://ap.ece.moe.edu.tw" in page
    assert reverse("people:membership_end", args=[person.pk]) not in detail
    assert f'class="button" href="{reverse("people:person_register")}"' not in roster
    assert Membership.objects.get(person=person).end_date is None


def test_manual_unit_shows_transfer_buttons(client, unit, chief):
    person = factories.make_person(unit=unit)
    client.force_login(chief)

    detail = client.get(reverse("people:person_detail", args=[person.pk])).content.decode()

    assert reverse("people:membership_end", args=[person.pk]) in detail
    assert "全國教保資訊網" not in detail


def register_data(number, **extra):
    data = {
        "identity_number": number,
        "name": "謝志偉",
        "gender": Gender.MALE,
        "title": Title.QUALIFIED,
        "email": "new@school.example.tw",
        "save": "1",
    }
    data.update(extra)
    return data


def test_register_shows_name_mismatch_and_needs_confirmation(client, unit, other_unit, chief):
    number = factories.make_identity_number()
    person = factories.make_person(unit=other_unit, name="謝志威", number=number)
    client.force_login(chief)
    url = reverse("people:person_register")

    first = client.post(url, register_data(number)).content.decode()
    assert "此身分證統一編號登記的姓名為 謝O威" in first
    assert 'name="name_confirmed"' in first
    assert Membership.objects.get(person=person).unit == other_unit

    confirmed = client.post(url, register_data(number, name_confirmed="on"))
    assert confirmed.status_code == 302
    assert Membership.objects.get(person=person, end_date__isnull=True).unit == unit
    assert UnitNotice.objects.filter(unit=other_unit).count() == 1


def test_register_invalid_number_message_beside_field(client, unit, chief):
    client.force_login(chief)

    page = client.post(reverse("people:person_register"), register_data("A12345678")).content.decode()

    assert page.index("身分證統一編號應為 10 碼") < page.index('name="identity_number"')
    assert not Person.objects.exists()


def test_register_new_person_with_picker_round_trip(client, unit, chief, subjects):
    client.force_login(chief)
    number = factories.make_identity_number()
    url = reverse("people:person_register")

    step = client.post(url, register_data(number, picker="add", subject=subjects["maths"].pk, save=""))
    assert 'name="subjects" value="%d"' % subjects["maths"].pk in step.content.decode()
    assert not Person.objects.exists()

    done = client.post(url, register_data(number, subjects=[subjects["maths"].pk]))
    person = Person.objects.get()
    assert done.url == reverse("people:person_detail", args=[person.pk])
    assert person.account_status == AccountStatus.PENDING
    assert person.subject_entries.get().subject == subjects["maths"]


def test_notices_show_own_unit_only(client, unit, other_unit, chief):
    mover = factories.make_person(unit=None, name="謝志威")
    UnitNotice.objects.create(unit=unit, kind="person_left", person=mover, other_unit=other_unit, reason="moved_in_elsewhere")
    UnitNotice.objects.create(unit=other_unit, kind="person_left", person=mover, other_unit=unit, reason="moved_in_elsewhere")
    client.force_login(chief)

    page = client.get(reverse("people:notices")).content.decode()

    assert page.count("謝O威") == 1
    assert other_unit.name in page


def test_teacher_sees_and_updates_only_own_data(client, unit, subjects):
    own = factories.make_person(unit=unit, name="謝志威", email="own@school.example.tw")
    other = factories.make_person(unit=unit, name="洪志寶", email="other@school.example.tw")
    user = factories.make_user(kind="teacher")
    own.user = user
    own.save()
    client.force_login(user)

    page = client.get(reverse("people:own_profile")).content.decode()
    assert "own@school.example.tw" in page
    assert "other@school.example.tw" not in page
    assert 'name="name"' not in page

    response = client.post(
        reverse("people:own_profile"),
        {"title": Title.DIRECTOR, "subjects": [subjects["maths"].pk, subjects["mandarin"].pk], "save": "1"},
    )
    assert response.status_code == 302
    assert Membership.objects.get(person=own).title == Title.DIRECTOR
    assert list(own.subject_entries.values_list("subject_id", flat=True)) == [subjects["maths"].pk, subjects["mandarin"].pk]
    assert not other.subject_entries.exists()
    assert client.get(reverse("people:person_detail", args=[other.pk])).status_code == 403
    assert client.get(reverse("people:person_edit", args=[other.pk])).status_code == 403


def test_teacher_invalid_title_saves_nothing(client, unit, subjects):
    own = factories.make_person(unit=unit)
    user = factories.make_user(kind="teacher")
    own.user = user
    own.save()
    client.force_login(user)

    page = client.post(reverse("people:own_profile"), {"title": "大法官", "subjects": [subjects["maths"].pk], "save": "1"})

    assert "職稱：請從清單中選擇一個職稱。" in page.content.decode()
    assert Membership.objects.get(person=own).title == Title.QUALIFIED
    assert not own.subject_entries.exists()
