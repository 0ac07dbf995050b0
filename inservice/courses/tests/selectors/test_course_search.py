import datetime

import pytest
from django.http import Http404

from inservice.courses import selectors
from inservice.courses.models import CourseState
from inservice.courses.tests.conftest import make_course, session_inputs
from inservice.testing.factories import make_business_account, make_unit

pytestmark = pytest.mark.django_db


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def test_search_hides_drafts(organiser):
    draft = make_course(organiser=organiser)
    opened = make_course(organiser=organiser, state=CourseState.OPEN)

    found = codes(selectors.course_search())

    assert opened.code in found
    assert draft.code not in found


def test_search_by_keyword(organiser):
    reading = make_course(organiser=organiser, state=CourseState.OPEN, title="閱讀理解教學")
    maths = make_course(organiser=organiser, state=CourseState.OPEN, title="數學素養評量")

    assert codes(selectors.course_search(keyword="數學")) == {maths.code}
    assert codes(selectors.course_search(keyword=reading.code)) == {reading.code}


def test_search_by_unit_name(organiser, unit):
    course = make_course(organiser=organiser, state=CourseState.OPEN)

    assert codes(selectors.course_search(keyword=unit.name)) == {course.code}


def test_search_by_state(organiser):
    opened = make_course(organiser=organiser, state=CourseState.OPEN)
    closed = make_course(organiser=organiser, state=CourseState.CLOSED)

    assert codes(selectors.course_search(state=CourseState.CLOSED)) == {closed.code}
    assert codes(selectors.course_search(state=CourseState.OPEN)) == {opened.code}


def test_search_by_county(organiser):
    own_county = make_course(organiser=organiser, state=CourseState.OPEN)
    taipei = make_business_account(unit=make_unit(code="383333", county_code="38", county_name="臺北市")).user
    taipei_course = make_course(organiser=taipei, state=CourseState.OPEN)

    assert codes(selectors.course_search(county="38")) == {taipei_course.code}
    assert own_county.code not in codes(selectors.course_search(county="38"))


def test_search_by_date_range(organiser):
    march = make_course(
        organiser=organiser, state=CourseState.OPEN, sessions=session_inputs(datetime.date(2026, 3, 10), count=3)
    )
    may = make_course(organiser=organiser, state=CourseState.OPEN, sessions=session_inputs(datetime.date(2026, 5, 1)))

    assert codes(selectors.course_search(date_from=datetime.date(2026, 3, 12), date_to=datetime.date(2026, 4, 1))) == {
        march.code
    }
    assert codes(selectors.course_search(date_from=datetime.date(2026, 4, 1))) == {may.code}
    assert codes(selectors.course_search(date_to=datetime.date(2026, 3, 9))) == set()


def test_courses_in_scope_only_own_unit(organiser, other_organiser):
    own = make_course(organiser=organiser)
    make_course(organiser=other_organiser)

    assert codes(selectors.courses_in_scope(organiser)) == {own.code}


def test_courses_in_scope_empty_for_teacher(organiser, teacher):
    make_course(organiser=organiser)

    assert not selectors.courses_in_scope(teacher).exists()


def test_access_course_other_unit_404(organiser, other_organiser):
    course = make_course(organiser=organiser)

    with pytest.raises(Http404):
        selectors.access_course(other_organiser, course.pk)
    assert selectors.access_course(organiser, course.pk) == course


def test_county_choices_from_units(unit):
    make_unit(code="381234", county_code="38", county_name="臺北市")

    choices = selectors.county_choices()

    assert ("07", "彰化縣") in choices
    assert ("38", "臺北市") in choices
    assert len(choices) == len({code for code, _ in choices})
