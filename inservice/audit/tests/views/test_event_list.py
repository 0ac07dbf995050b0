import pytest
from django.urls import reverse

from inservice.accounts.models import Role
from inservice.audit.services import audit_record
from inservice.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(db):
    home = factories.make_unit(code="074601", name="彰化縣立本校國小")
    away = factories.make_unit(code="074602", name="彰化縣立他校國小")
    chief = factories.make_business_account(unit=home, role=Role.CHIEF, username="homechief").user
    home_person = factories.make_person(unit=home)
    away_person = factories.make_person(unit=away)
    audit_record(actor=chief, action="person.update", target=home_person, before={"title": "代理教師"}, after={"title": "主任"}, unit=home, ip_address="192.0.2.10")
    audit_record(actor=chief, action="roster.download", target=home, after={"rows": 7}, unit=home)
    audit_record(actor=None, actor_label="system", action="person.update", target=away_person, after={"title": "組長"}, unit=away)
    return {"home": home, "away": away, "chief": chief, "home_person": home_person, "away_person": away_person}


def test_admin_sees_every_event_and_filters(client, events):
    client.force_login(factories.make_admin())
    url = reverse("audit:events")

    page = client.get(url).content.decode()
    assert "共 3 筆紀錄" in page
    assert "074602" in page
    assert "192.0.2.10" in page
    assert "代理教師 → 主任" in page

    by_unit = client.get(url, {"unit_code": "074602"}).content.decode()
    assert "共 1 筆紀錄" in by_unit
    assert "組長" in by_unit
    by_action = client.get(url, {"action": "roster."}).content.decode()
    assert "共 1 筆紀錄" in by_action
    assert "下載名冊資料" in by_action
    by_actor = client.get(url, {"actor": "homechief"}).content.decode()
    assert "共 2 筆紀錄" in by_actor
    bad_date = client.get(url, {"date_from": "yesterday"}).content.decode()
    assert "起日：請以西元年-月-日輸入" in bad_date
    assert "共 3 筆紀錄" in bad_date


def test_unit_manager_sees_only_own_unit(client, events):
    client.force_login(events["chief"])

    page = client.get(reverse("audit:unit_events"), {"unit_code": "074602"}).content.decode()

    assert "共 2 筆紀錄" in page
    assert "組長" not in page


def test_contact_sees_unit_log_operator_and_teacher_do_not(client, events):
    contact = factories.make_business_account(unit=events["home"], role=Role.CONTACT).user
    operator = factories.make_business_account(unit=events["home"], role=Role.OPERATOR).user
    client.force_login(contact)
    assert client.get(reverse("audit:unit_events")).status_code == 200
    assert client.get(reverse("audit:events")).status_code == 403

    client.force_login(operator)
    assert client.get(reverse("audit:unit_events")).status_code == 403


def test_query_count_does_not_grow_with_rows(client, events, django_assert_max_num_queries):
    client.force_login(factories.make_admin())
    client.get(reverse("audit:events"))
    for _ in range(30):
        audit_record(actor=events["chief"], action="person.update", target=events["home_person"], unit=events["home"])

    with django_assert_max_num_queries(12):
        client.get(reverse("audit:events"))
