from decimal import Decimal

import pytest

from inservice.hours import services
from inservice.hours.selectors import records_of_person, school_year_range, year_totals
from inservice.testing import factories

from ..builders import issue, make_course, taipei

pytestmark = pytest.mark.django_db


def test_school_year_range_in_taipei():
    start, end = school_year_range(114)

    assert start == taipei(2025, 8, 1)
    assert end == taipei(2026, 8, 1)


def test_taipei_august_first_starts_school_year(manager, unit):
    person = factories.make_person(unit=unit)
    # 00:30 in Taipei is still 31 July in UTC, so a UTC cut would put it in the old year.
    issue(person=person, course=make_course(owner=manager), hours="3", issued_at=taipei(2025, 8, 1, 0, 30), by=manager.user)
    issue(person=person, course=make_course(owner=manager), hours="2", issued_at=taipei(2025, 7, 31, 23, 59), by=manager.user)

    school_years, calendar_years = year_totals(records_of_person(person))

    assert [(total.year, total.hours, total.courses) for total in school_years] == [
        (114, Decimal("3.0"), 1),
        (113, Decimal("2.0"), 1),
    ]
    assert [(total.year, total.hours) for total in calendar_years] == [(114, Decimal("5.0"))]


def test_new_year_in_taipei_starts_calendar_year(manager, unit):
    person = factories.make_person(unit=unit)
    issue(person=person, course=make_course(owner=manager), hours="4", issued_at=taipei(2026, 1, 1, 0, 10), by=manager.user)
    issue(person=person, course=make_course(owner=manager), hours="1", issued_at=taipei(2025, 12, 31, 23, 50), by=manager.user)

    school_years, calendar_years = year_totals(records_of_person(person))

    assert [(total.year, total.hours) for total in calendar_years] == [(115, Decimal("4.0")), (114, Decimal("1.0"))]
    assert [(total.year, total.hours) for total in school_years] == [(114, Decimal("5.0"))]


def test_totals_include_corrections(manager, unit):
    person = factories.make_person(unit=unit)
    record = issue(person=person, course=make_course(owner=manager), hours="4", by=manager.user)
    services.hour_correction_create(actor=manager.user, record=record, delta=Decimal("-1"), reason="早退")

    school_years, _ = year_totals(records_of_person(person))

    assert school_years[0].hours == Decimal("3.0")


def test_records_of_person_only_theirs(manager, unit):
    person = factories.make_person(unit=unit)
    other = factories.make_person(unit=unit)
    course = make_course(owner=manager)
    issue(person=other, course=course, hours="4", by=manager.user)

    assert list(records_of_person(person)) == []
