import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inservice.accounts.models import Role
from inservice.people.models import AccountStatus, Category, Membership
from inservice.people.tests.conftest import give_subjects
from inservice.testing import factories

pytestmark = pytest.mark.django_db

URL = reverse("people:roster")


def listed_names(response) -> list[str]:
    return [person.name for person in response.context["page"].object_list]


def test_figures_count_each_status(client, unit, other_unit, chief):
    factories.make_person(unit=unit, account_status=AccountStatus.PENDING)
    factories.make_person(unit=unit, account_status=AccountStatus.PENDING)
    factories.make_person(unit=unit, account_status=AccountStatus.ACTIVE)
    roaming = factories.make_person(unit=unit, account_status=AccountStatus.ACTIVE)
    roaming.is_roaming = True
    roaming.save()
    factories.make_person(unit=unit, account_status=AccountStatus.ACTIVE, category=Category.STAFF)
    factories.make_person(unit=unit, account_status=AccountStatus.DISABLED)
    factories.make_person(unit=other_unit, account_status=AccountStatus.ACTIVE)
    client.force_login(chief)

    figures = client.get(URL).context["figures"]

    assert figures.total == 6
    assert figures.applied == 3
    assert figures.applied_teachers == 2
    assert figures.applied_staff == 1
    assert figures.pending == 2
    assert figures.disabled == 1
    assert figures.applied + figures.pending + figures.disabled == figures.total


def test_figures_shown_with_notice_labels(client, unit, chief):
    factories.make_person(unit=unit, account_status=AccountStatus.ACTIVE)
    factories.make_person(unit=unit)
    client.force_login(chief)

    page = client.get(URL).content.decode()

    assert "學校總人數" in page
    assert "已申請人數（含帳號漫遊）" in page
    assert "（教師共 1 人；行政職員共 0 人）" in page
    assert "待申請人數" in page
    assert "停用人數" in page


def test_former_members_are_not_listed(client, unit, other_unit, chief):
    moved = factories.make_person(unit=unit, name="離校教師")
    Membership.objects.filter(person=moved).update(
        end_date=datetime.date(2025, 7, 31), end_reason=Membership.EndReason.TRANSFERRED
    )
    Membership.objects.create(
        person=moved, unit=other_unit, title="合格專任教師", start_date=datetime.date(2025, 8, 1)
    )
    factories.make_person(unit=unit, name="在校教師")
    client.force_login(chief)

    response = client.get(URL)

    assert listed_names(response) == ["在校教師"]
    assert response.context["figures"].total == 1


def test_name_search_matches_part_of_name(client, unit, chief):
    factories.make_person(unit=unit, name="謝志威")
    factories.make_person(unit=unit, name="洪志寶")
    factories.make_person(unit=unit, name="陳建斌")
    client.force_login(chief)

    assert sorted(listed_names(client.get(URL, {"q": "志"}))) == ["洪志寶", "謝志威"]
    assert listed_names(client.get(URL, {"q": " 建斌 "})) == ["陳建斌"]
    assert listed_names(client.get(URL, {"q": "林"})) == []


def test_name_search_matches_latin_names_ignoring_case(client, unit, chief):
    factories.make_person(unit=unit, name="John Smith")
    client.force_login(chief)

    assert listed_names(client.get(URL, {"q": "smi"})) == ["John Smith"]


def test_subject_filter_matches_any_chosen_subject(client, unit, chief, subjects):
    mandarin_teacher = factories.make_person(unit=unit, name="國語老師")
    give_subjects(mandarin_teacher, subjects["mandarin"])
    maths_teacher = factories.make_person(unit=unit, name="數學老師")
    give_subjects(maths_teacher, subjects["maths"])
    both = factories.make_person(unit=unit, name="兩科老師")
    give_subjects(both, subjects["maths"], subjects["mandarin"])
    factories.make_person(unit=unit, name="沒有科目")
    client.force_login(chief)

    chosen = [subjects["mandarin"].pk, subjects["maths"].pk]
    response = client.get(URL, {"subjects": chosen})

    assert sorted(listed_names(response)) == ["兩科老師", "國語老師", "數學老師"]
    assert listed_names(client.get(URL, {"subjects": [subjects["maths"].pk]})) == ["兩科老師", "數學老師"]


def test_subject_filter_includes_sub_subjects(client, unit, chief, subjects):
    teacher = factories.make_person(unit=unit, name="閩南語老師")
    give_subjects(teacher, subjects["southern_min"])
    client.force_login(chief)

    assert listed_names(client.get(URL, {"subjects": [subjects["local"].pk]})) == ["閩南語老師"]


def test_subject_filter_combines_with_name_search(client, unit, chief, subjects):
    for name in ["王國語", "林國語"]:
        give_subjects(factories.make_person(unit=unit, name=name), subjects["mandarin"])
    client.force_login(chief)

    response = client.get(URL, {"subjects": [subjects["mandarin"].pk], "q": "王"})

    assert listed_names(response) == ["王國語"]


def test_unknown_subject_shows_error_and_lists_everyone(client, unit, chief, subjects):
    factories.make_person(unit=unit, name="謝志威")
    client.force_login(chief)

    response = client.get(URL, {"subjects": ["99999"]})

    assert listed_names(response) == ["謝志威"]
    assert "依任教科目篩選：99999 不是清單中的科目" in response.content.decode()


@pytest.mark.parametrize("size", [10, 20, 50, 100])
def test_page_size_choices(client, unit, chief, size):
    for number in range(105):
        factories.make_person(unit=unit, name=f"教師{number:03d}")
    client.force_login(chief)

    response = client.get(URL, {"per_page": size})

    assert len(response.context["page"].object_list) == size
    pages = -(-105 // size)
    assert f"目前在第 1 頁 / 共 {pages} 頁" in response.content.decode()


def test_invalid_page_size_shows_error_and_uses_ten(client, unit, chief):
    for _ in range(12):
        factories.make_person(unit=unit)
    client.force_login(chief)

    response = client.get(URL, {"per_page": "30"})

    assert len(response.context["page"].object_list) == 10
    assert "每頁筆數只能是 10、20、50 或 100；30 不在其中。" in response.content.decode()


def test_pages_do_not_overlap_for_equal_names(client, unit, chief):
    people = [factories.make_person(unit=unit, name="陳怡君") for _ in range(25)]
    client.force_login(chief)

    seen = []
    for page_number in (1, 2, 3):
        response = client.get(URL, {"page": page_number})
        seen += [person.pk for person in response.context["page"].object_list]

    assert seen == sorted(person.pk for person in people)


def test_page_links_keep_search_and_size(client, unit, chief):
    for _ in range(25):
        factories.make_person(unit=unit, name="陳怡君")
    client.force_login(chief)

    page = client.get(URL, {"q": "怡", "per_page": 10, "page": 2}).content.decode()

    assert "目前在第 2 頁 / 共 3 頁" in page
    assert 'href="?q=%E6%80%A1&amp;per_page=10&amp;page=3"' in page


def test_page_number_past_the_end_shows_last_page(client, unit, chief):
    for _ in range(15):
        factories.make_person(unit=unit)
    client.force_login(chief)

    response = client.get(URL, {"page": "9"})

    assert response.context["page"].number == 2


def test_columns(client, unit, chief):
    pending = factories.make_person(unit=unit, name="謝志威", email="hsieh@school.example.tw")
    active = factories.make_person(unit=unit, name="洪志寶", account_status=AccountStatus.ACTIVE)
    active.user = factories.make_user("hung0101")
    active.save()
    roaming = factories.make_person(unit=unit, name="瓦歷斯·諾幹", account_status=AccountStatus.ACTIVE)
    roaming.is_roaming = True
    roaming.user = factories.make_user("walis")
    roaming.save()
    factories.make_person(unit=unit, name="陳建斌", account_status=AccountStatus.DISABLED)
    client.force_login(chief)

    page = client.get(URL).content.decode()
    rows = {
        name: re.search(rf"<tr>\s*<td>([^<]*)</td>\s*<td>{re.escape(name)}</td>\s*<td>([^<]*)</td>", page)
        for name in ["謝O威", "洪O寶", "瓦O斯·諾O", "陳O斌"]
    }

    assert rows["謝O威"].groups() == ("[待申請]", "待申請")
    assert rows["洪O寶"].groups() == ("hung0101", "已啟用")
    assert rows["瓦O斯·諾O"].groups() == ("walis", "帳號漫遊")
    assert rows["陳O斌"].groups() == ("未連結帳號", "停用")
    assert "謝志威" not in page
    assert 'href="mailto:hsieh@school.example.tw"' in page
    assert reverse("people:person_detail", args=[pending.pk]) in page


def test_empty_roster_says_so(client, unit, chief):
    client.force_login(chief)

    assert "本單位目前沒有人員資料。" in client.get(URL).content.decode()


def test_query_count_does_not_grow_with_rows(client, unit, chief, subjects):
    for number in range(100):
        person = factories.make_person(unit=unit, name=f"教師{number:03d}", email=f"t{number}@school.example.tw")
        if number % 3 == 0:
            person.user = factories.make_user(f"teacher{number}")
            person.account_status = AccountStatus.ACTIVE
            person.save()
        give_subjects(person, subjects["mandarin"], subjects["maths"])
    client.force_login(chief)

    counts = {}
    for size in (10, 100):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"per_page": size, "subjects": [subjects["maths"].pk]})
        assert len(response.context["page"].object_list) == size
        counts[size] = len(queries)

    assert counts[10] == counts[100]


@pytest.mark.parametrize("role", [Role.CHIEF, Role.CONTACT])
def test_menu_offers_roster_to_chief_and_contact(client, unit, role):
    user = factories.make_business_account(unit=unit, role=role).user
    client.force_login(user)

    page = client.get(reverse("core:home")).content.decode()

    assert f'href="{URL}"' in page
    assert "本單位教師帳號管理" in page


def test_menu_hides_roster_from_operator(client, unit):
    user = factories.make_business_account(unit=unit, role=Role.OPERATOR).user
    client.force_login(user)

    page = client.get(reverse("core:home")).content.decode()

    assert f'href="{URL}"' not in page
