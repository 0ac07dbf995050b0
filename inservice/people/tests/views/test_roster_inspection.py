"""依教育部綜合視導篩選 on the roster list: the inspection population with hours against the target."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inservice.hours.models import HourRecord
from inservice.hours.selectors import current_school_year, school_year_range
from inservice.hours.tests.builders import make_course
from inservice.people.models import Category, Title
from inservice.testing import factories

pytestmark = pytest.mark.django_db


def _issue(person, course, hours, *, last_year=False):
    start, _ = school_year_range(current_school_year() - (1 if last_year else 0))
    HourRecord.objects.create(
        person=person, course=course, hours=Decimal(hours), issued_at=start + timezone.timedelta(days=3), issued_by=course.owner.user
    )


@pytest.fixture
def course(unit):
    return make_course(owner=factories.make_business_account(unit=unit), hours=Decimal(18))


def _rows(response):
    return {person.name: person for person in response.context["page"]}


def test_filter_keeps_inspection_population(client, unit, chief, course):
    factories.make_person(unit=unit, name="合格甲", title=Title.QUALIFIED)
    factories.make_person(unit=unit, name="代理乙", title=Title.SUBSTITUTE_LONG)
    factories.make_person(unit=unit, name="代課丙", title=Title.SUBSTITUTE_SHORT)
    factories.make_person(unit=unit, name="職員丁", title=Title.QUALIFIED, category=Category.STAFF)
    client.force_login(chief)

    response = client.get(reverse("people:roster"), {"inspection": "on"})

    assert sorted(_rows(response)) == ["代理乙", "合格甲"]


def test_hours_and_mark_shown(client, unit, chief, course):
    reached = factories.make_person(unit=unit, name="達標者")
    short = factories.make_person(unit=unit, name="未達者")
    _issue(reached, course, "18")
    _issue(short, course, "17.5")
    _issue(short, make_course(owner=course.owner, hours=Decimal(6)), "6", last_year=True)
    client.force_login(chief)

    response = client.get(reverse("people:roster"), {"inspection": "on"})

    rows = _rows(response)
    assert (rows["達標者"].school_year_hours, rows["達標者"].below_target) == (Decimal(18), False)
    assert (rows["未達者"].school_year_hours, rows["未達者"].below_target) == (Decimal("17.5"), True)
    content = response.content.decode()
    assert "17.5" in content
    assert content.count("<strong>") >= 1


def test_without_filter_lists_everyone(client, unit, chief):
    factories.make_person(unit=unit, title=Title.QUALIFIED)
    factories.make_person(unit=unit, title=Title.PART_TIME)
    client.force_login(chief)

    response = client.get(reverse("people:roster"))

    assert len(_rows(response)) == 2
    assert response.context["inspection_year"] is None


def test_other_units_teachers_not_listed(client, unit, other_unit, chief):
    factories.make_person(unit=other_unit, name="他校教師")
    client.force_login(chief)

    response = client.get(reverse("people:roster"), {"inspection": "on"})

    assert "他校教師" not in _rows(response)


def test_query_count_flat_with_filter(client, unit, chief, course):
    client.force_login(chief)

    def count_queries():
        with CaptureQueriesContext(connection) as context:
            client.get(reverse("people:roster"), {"inspection": "on", "per_page": 100})
        return len(context.captured_queries)

    _issue(factories.make_person(unit=unit), course, "3")
    few = count_queries()
    for _ in range(12):
        _issue(factories.make_person(unit=unit), course, "3")

    assert count_queries() == few
