import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inservice.hours.tests.builders import issue, make_course
from inservice.people.models import AccountStatus
from inservice.testing import factories

pytestmark = pytest.mark.django_db


def _populate(authority, *, units, teachers_per_unit):
    """Add units with teachers who each have issued hours this school year."""
    for _ in range(units):
        unit = factories.make_unit(authority=authority)
        manager = factories.make_business_account(unit=unit)
        course = make_course(owner=manager)
        for _ in range(teachers_per_unit):
            person = factories.make_person(unit=unit, account_status=AccountStatus.ACTIVE)
            issue(person=person, course=course, hours="3", by=manager.user)


def _roster_members(response) -> int:
    chart = next(chart for chart in response.context["charts"] if chart.key == "roster")
    return chart.rows[0][1]


def test_unit_sees_own_unit(client, authority):
    _populate(authority, units=2, teachers_per_unit=2)
    unit = factories.make_unit(authority=authority)
    factories.make_person(unit=unit)
    account = factories.make_business_account(unit=unit, role="operator")
    client.force_login(account.user)

    response = client.get(reverse("statistics:index"))

    assert response.status_code == 200
    assert _roster_members(response) == 1
    assert unit.name in response.content.decode()


def test_authority_sees_its_units_only(client, authority, other_authority):
    _populate(authority, units=2, teachers_per_unit=2)
    _populate(other_authority, units=1, teachers_per_unit=3)
    client.force_login(factories.make_authority_user(authority))

    response = client.get(reverse("statistics:index"))

    assert _roster_members(response) == 4


def test_authority_narrows_to_own_unit(client, authority):
    _populate(authority, units=2, teachers_per_unit=2)
    unit = factories.make_unit(authority=authority)
    factories.make_person(unit=unit)
    client.force_login(factories.make_authority_user(authority))

    response = client.get(reverse("statistics:index"), {"unit": unit.code})

    assert _roster_members(response) == 1


def test_authority_cannot_open_other_authoritys_unit(client, authority, other_authority):
    foreign = factories.make_unit(authority=other_authority)
    client.force_login(factories.make_authority_user(authority))

    assert client.get(reverse("statistics:index"), {"unit": foreign.code}).status_code == 404
    assert client.get(reverse("statistics:download", args=["roster"]), {"unit": foreign.code}).status_code == 404


def test_business_account_cannot_widen_scope(client, authority):
    mine = factories.make_unit(authority=authority)
    other = factories.make_unit(authority=authority)
    client.force_login(factories.make_business_account(unit=mine).user)

    assert client.get(reverse("statistics:index"), {"unit": other.code}).status_code == 404
    assert client.get(reverse("statistics:index"), {"authority": authority.code}).status_code == 200


def test_admin_sees_nation_and_filters_by_authority(client, authority, other_authority):
    _populate(authority, units=1, teachers_per_unit=2)
    _populate(other_authority, units=1, teachers_per_unit=3)
    client.force_login(factories.make_admin())

    nation = client.get(reverse("statistics:index"))
    county = client.get(reverse("statistics:index"), {"authority": other_authority.code})

    assert _roster_members(nation) == 5
    assert _roster_members(county) == 3


def test_teacher_forbidden(client, authority):
    person = factories.make_person(unit=factories.make_unit(authority=authority))
    person.user = factories.make_user()
    person.save()
    client.force_login(person.user)

    assert client.get(reverse("statistics:index")).status_code == 403


def test_page_has_svg_and_tables(client, authority):
    _populate(authority, units=1, teachers_per_unit=2)
    client.force_login(factories.make_authority_user(authority))

    content = client.get(reverse("statistics:index")).content.decode()

    assert content.count("<svg") == 6
    assert content.count("<caption>") == 6
    assert "<script" not in content
    assert "http://" not in content.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_csv_download(client, authority):
    _populate(authority, units=2, teachers_per_unit=2)
    client.force_login(factories.make_authority_user(authority))

    response = client.get(reverse("statistics:download", args=["roster"]))

    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 4
    assert lines[1].split(",")[1] == "4"


def test_unknown_chart_is_404(client, authority):
    client.force_login(factories.make_authority_user(authority))

    assert client.get(reverse("statistics:download", args=["nothing"])).status_code == 404


def test_query_count_flat_in_units_and_teachers(client, authority):
    client.force_login(factories.make_authority_user(authority))
    _populate(authority, units=1, teachers_per_unit=1)

    def count_queries():
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse("statistics:index"))
        assert response.status_code == 200
        return len(context.captured_queries)

    small = count_queries()
    _populate(authority, units=6, teachers_per_unit=5)
    large = count_queries()

    assert large == small
    assert large <= 20
