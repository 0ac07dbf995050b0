import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inservice.hours import services
from inservice.hours.selectors import inspection_population
from inservice.people.models import Category, Membership, Title
from inservice.testing import factories

from ..builders import issue, make_course, taipei

pytestmark = pytest.mark.django_db


def test_population_titles_and_category(manager, unit):
    qualified = factories.make_person(unit=unit, title=Title.QUALIFIED)
    substitute = factories.make_person(unit=unit, title=Title.SUBSTITUTE_LONG)
    factories.make_person(unit=unit, title=Title.SUBSTITUTE_SHORT)
    factories.make_person(unit=unit, title=Title.PART_TIME)
    factories.make_person(unit=unit, title=Title.QUALIFIED, category=Category.STAFF)
    factories.make_person(unit=factories.make_unit(), title=Title.QUALIFIED)
    left = factories.make_person(unit=unit, title=Title.QUALIFIED)
    Membership.objects.filter(person=left).update(end_date=datetime.date(2025, 1, 31))

    people = inspection_population(unit=unit, school_year=114)

    assert sorted(p.pk for p in people) == sorted([qualified.pk, substitute.pk])


def test_hours_against_target(manager, unit, settings):
    settings.ANNUAL_HOURS_TARGET = 18
    reaching = factories.make_person(unit=unit)
    short = factories.make_person(unit=unit)
    corrected = factories.make_person(unit=unit)
    big = make_course(owner=manager, hours=Decimal(18))
    in_year = taipei(2025, 8, 1, 0, 30)
    issue(person=reaching, course=big, hours="18", issued_at=in_year, by=manager.user)
    issue(person=short, course=big, hours="17.5", issued_at=in_year, by=manager.user)
    issue(person=short, course=make_course(owner=manager), hours="6", issued_at=taipei(2025, 7, 31, 23), by=manager.user)
    record = issue(person=corrected, course=big, hours="17", issued_at=in_year, by=manager.user)
    services.hour_correction_create(actor=manager.user, record=record, delta=Decimal(1), reason="補登")

    people = {p.pk: p for p in inspection_population(unit=unit, school_year=114)}

    assert (people[reaching.pk].school_year_hours, people[reaching.pk].below_target) == (Decimal(18), False)
    assert (people[short.pk].school_year_hours, people[short.pk].below_target) == (Decimal("17.5"), True)
    assert (people[corrected.pk].school_year_hours, people[corrected.pk].below_target) == (Decimal(18), False)


def test_person_without_hours_is_below(unit):
    person = factories.make_person(unit=unit)

    row = inspection_population(unit=unit, school_year=114).get()

    assert row.pk == person.pk
    assert row.school_year_hours == 0
    assert row.below_target is True


def test_query_count_flat(manager, unit):
    course = make_course(owner=manager)

    def count_queries():
        with CaptureQueriesContext(connection) as context:
            list(inspection_population(unit=unit, school_year=114))
        return len(context.captured_queries)

    factories.make_person(unit=unit)
    few = count_queries()
    for _ in range(15):
        issue(person=factories.make_person(unit=unit), course=course, hours="3", issued_at=taipei(2025, 9, 1), by=manager.user)

    assert count_queries() == few == 1
