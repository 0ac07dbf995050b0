import datetime

import pytest
from django.urls import reverse

from inservice.accounts.models import Role
from inservice.organisations.models import Stage
from inservice.people.models import Gender, Membership
from inservice.people.tests.conftest import give_subjects
from inservice.testing import factories

pytestmark = pytest.mark.django_db


def detail_url(person) -> str:
    return reverse("people:person_detail", args=[person.pk])


def test_shows_every_field_of_the_notice(client, unit, chief, subjects):
    person = factories.make_person(unit=unit, name="謝志威", gender=Gender.MALE, email="hsieh@school.example.tw")
    Membership.objects.filter(person=person).update(teaching_stage=Stage.ELEMENTARY, position_note="三年二班導師")
    give_subjects(person, subjects["maths"], subjects["southern_min"], subjects["mandarin"])
    client.force_login(chief)

    page = client.get(detail_url(person)).content.decode()

    for label, value in [
        ("姓名", "謝O威"),
        ("性別", "男"),
        ("職稱", "合格專任教師"),
        ("電子郵件", "hsieh@school.example.tw"),
        ("服務學校", "彰化縣立測試國小"),
        ("在校任教階級", "國小"),
        ("職位註記", "三年二班導師"),
    ]:
        assert f"<dt>{label}</dt>\n  <dd>{value}</dd>" in page
    assert "謝志威" not in page


def test_subjects_numbered_in_teacher_order(client, unit, chief, subjects):
    person = factories.make_person(unit=unit)
    give_subjects(person, subjects["maths"], subjects["southern_min"], subjects["mandarin"])
    client.force_login(chief)

    page = client.get(detail_url(person)).content.decode()

    first = page.index("任教科目1. 國小數學 數學")
    second = page.index("任教科目2. 國小語文 本土語文 閩南語文")
    third = page.index("任教科目3. 國小語文 國語文")
    assert first < second < third


def test_missing_values_say_not_filled_in(client, unit, chief):
    person = factories.make_person(unit=unit)
    client.force_login(chief)

    page = client.get(detail_url(person)).content.decode()

    assert page.count("未填寫") == 3
    assert "未提供" in page


def test_back_link_keeps_list_search(client, unit, chief):
    person = factories.make_person(unit=unit)
    client.force_login(chief)

    page = client.get(detail_url(person), {"q": "王", "page": "2"}).content.decode()

    assert 'href="/roster/?q=%E7%8E%8B&amp;page=2"' in page


def test_contact_may_view(client, unit):
    person = factories.make_person(unit=unit)
    contact = factories.make_business_account(unit=unit, role=Role.CONTACT).user
    client.force_login(contact)

    assert client.get(detail_url(person)).status_code == 200


def test_operator_is_forbidden(client, unit):
    person = factories.make_person(unit=unit)
    operator = factories.make_business_account(unit=unit, role=Role.OPERATOR).user
    client.force_login(operator)

    assert client.get(detail_url(person)).status_code == 403


def test_person_of_another_unit_is_not_found(client, other_unit, chief):
    stranger = factories.make_person(unit=other_unit)
    client.force_login(chief)

    assert client.get(detail_url(stranger)).status_code == 404


def test_former_member_is_not_found(client, unit, chief):
    former = factories.make_person(unit=unit)
    Membership.objects.filter(person=former).update(
        end_date=datetime.date(2025, 7, 31), end_reason=Membership.EndReason.RETIRED
    )
    client.force_login(chief)

    assert client.get(detail_url(former)).status_code == 404


def test_unknown_person_is_not_found(client, chief):
    client.force_login(chief)

    assert client.get(reverse("people:person_detail", args=[987654])).status_code == 404
