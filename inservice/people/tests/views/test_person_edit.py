import pytest
from django.urls import reverse

from inservice.audit.models import AuditEvent
from inservice.people.models import Membership, Title
from inservice.people.tests.conftest import give_subjects
from inservice.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(unit, subjects):
    person = factories.make_person(unit=unit, name="謝志威", email="hsieh@school.example.tw")
    give_subjects(person, subjects["mandarin"])
    return person


def edit_url(person):
    return reverse("people:person_edit", args=[person.pk])


def form_data(person, subject_ids, **extra):
    data = {"name": "謝志威", "title": Title.QUALIFIED, "email": "hsieh@school.example.tw", "subjects": subject_ids}
    data.update(extra)
    return data


def listed(page: str) -> list[str]:
    """The subject ids of the numbered list's hidden fields, in order."""
    import re

    return re.findall(r'<input type="hidden" name="subjects" value="(\d+)">', page)


def test_form_shows_current_values_and_numbered_list(client, chief, person, subjects):
    client.force_login(chief)

    page = client.get(edit_url(person)).content.decode()

    assert 'value="謝志威"' in page
    assert "任教科目1.</span> 國小語文 國語文" in page
    assert listed(page) == [str(subjects["mandarin"].pk)]
    assert "js/subject-picker.js" in page
    assert "<script>" not in page


def test_add_without_javascript_appends_and_saves_nothing(client, chief, person, subjects):
    client.force_login(chief)

    response = client.post(
        edit_url(person),
        form_data(person, [subjects["mandarin"].pk], picker="add", subject=subjects["southern_min"].pk),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert listed(page) == [str(subjects["mandarin"].pk), str(subjects["southern_min"].pk)]
    assert "任教科目2.</span> 國小語文 本土語文 閩南語文" in page
    assert person.subject_entries.count() == 1
    assert not AuditEvent.objects.exists()


def test_show_category_lists_its_subjects(client, chief, person, subjects):
    client.force_login(chief)

    page = client.post(
        edit_url(person), form_data(person, [], picker="show", category=subjects["maths"].category_id)
    ).content.decode()

    select = page.split('id="picker-subject"')[1].split("</select>")[0]
    assert ">數學</option>" in select
    assert "國語文" not in select


def test_duplicate_add_refused_with_message(client, chief, person, subjects):
    client.force_login(chief)

    page = client.post(
        edit_url(person), form_data(person, [subjects["mandarin"].pk], picker="add", subject=subjects["mandarin"].pk)
    ).content.decode()

    assert "國小語文 國語文 已在清單中（任教科目1）" in page
    assert listed(page) == [str(subjects["mandarin"].pk)]


def test_clear_empties_the_list(client, chief, person, subjects):
    client.force_login(chief)

    page = client.post(edit_url(person), form_data(person, [subjects["mandarin"].pk], picker="clear")).content.decode()

    assert listed(page) == []
    assert person.subject_entries.count() == 1


def test_save_keeps_order_and_redirects(client, chief, person, subjects):
    client.force_login(chief)
    order = [subjects["maths"].pk, subjects["southern_min"].pk, subjects["mandarin"].pk]

    response = client.post(edit_url(person), form_data(person, order, title=Title.DIRECTOR, save="1"))

    assert response.status_code == 302
    assert response.url == reverse("people:person_detail", args=[person.pk])
    assert list(person.subject_entries.order_by("position").values_list("subject_id", flat=True)) == order
    assert Membership.objects.get(person=person).title == Title.DIRECTOR
    assert "教師資料已更新" in client.get(response.url).content.decode()


def test_invalid_input_shows_message_beside_field_and_saves_nothing(client, chief, person, subjects):
    client.force_login(chief)

    response = client.post(
        edit_url(person), form_data(person, [subjects["maths"].pk], name="  ", email="not-an-address", save="1")
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("請輸入姓名") < page.index('name="name"')
    assert "電子郵件：這不是電子郵件地址" in page
    assert listed(page) == [str(subjects["maths"].pk)]
    person.refresh_from_db()
    assert person.name == "謝志威"
    assert person.subject_entries.get().subject == subjects["mandarin"]


def test_forged_duplicate_on_save_refused(client, chief, person, subjects):
    client.force_login(chief)

    response = client.post(edit_url(person), form_data(person, [subjects["maths"].pk, subjects["maths"].pk], save="1"))

    assert response.status_code == 200
    assert "重複" in response.content.decode()
    assert person.subject_entries.get().subject == subjects["mandarin"]


def test_other_units_person_is_404(client, chief, other_unit):
    stranger = factories.make_person(unit=other_unit)
    client.force_login(chief)

    assert client.get(edit_url(stranger)).status_code == 404
    assert client.post(edit_url(stranger), {"name": "x", "title": Title.QUALIFIED, "save": "1"}).status_code == 404
